import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// The Deployment controller of the local runtime (`pkg/controller/deployment`): rolls each Deployment's
/// pod template out through ReplicaSets (RollingUpdate within `maxSurge`/`maxUnavailable`, or Recreate),
/// scales them, keeps `revisionHistoryLimit` old ones for `kubectl rollout undo`, honours `spec.paused`, and
/// reports progress with upstream's conditions so that `kubectl rollout status` behaves as on a cluster.
///
/// Decisions come from `DeploymentPlanner`; this type claims ReplicaSets (adoption and release), feeds the
/// planner from the informer caches and performs its writes.
public final class DeploymentController: Service, Sendable {
    /// Settings, with upstream's defaults.
    public struct Configuration: Sendable {
        /// Concurrent reconciles (`--concurrent-deployment-syncs`).
        public var workers = 5
        /// The clock for conditions and progress deadlines.
        public var now: @Sendable () -> Date = { Date() }

        /// The defaults.
        public init() {}
    }

    /// The work queue's controller.
    public let controller: Controller
    let reconciler: Reconciler

    /// Registers the Deployment, ReplicaSet and Pod informers with `informers` (run the factory alongside).
    /// Events go through `recorder`, by default one reporting as `deployment-controller`.
    public init(client: KubeClient, factory informers: SharedInformerFactory, recorder: EventRecorder? = nil,
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "tack.deployment-controller")) {
        let recorder = recorder ?? EventRecorder(client: client, component: "deployment-controller", logger: logger)
        let reconciler = Reconciler(client: client, deployments: informers.informer(Deployment.self),
                                    replicaSets: informers.informer(ReplicaSet.self), pods: informers.informer(Pod.self),
                                    recorder: recorder, configuration: configuration, logger: logger)
        self.reconciler = reconciler
        controller = Controller(name: "deployment", workers: configuration.workers, logger: logger) { key in
            try await reconciler.reconcile(key)
        }
        controller.watch(reconciler.deployments)
        controller.watch(reconciler.replicaSets) { event in reconciler.keys(for: event) }
        controller.watch(reconciler.pods) { event in reconciler.keys(for: event) }
    }

    /// Waits for the caches, then reconciles until shutdown.
    public func run() async throws {
        guard await reconciler.waitForCaches() else { return }
        try await controller.run()
    }

    /// One reconcile of the Deployment `namespace/name` (what the workers run).
    public func reconcile(_ key: String) async throws -> ReconcileResult {
        try await reconciler.reconcile(key)
    }

    /// A failed sync, naming the Deployment.
    public struct SyncError: Error, CustomStringConvertible {
        /// `namespace/name` of the Deployment.
        public let key: String
        /// What went wrong.
        public let message: String
        /// `Deployment namespace/name: message`.
        public var description: String { "Deployment \(key): \(message)" }
    }

    struct Reconciler: Sendable {
        let client: KubeClient
        let deployments: Informer<Deployment>
        let replicaSets: Informer<ReplicaSet>
        let pods: Informer<Pod>
        let recorder: EventRecorder
        let configuration: Configuration
        let logger: Logger

        func waitForCaches() async -> Bool {
            await waitForCacheSync(deployments, replicaSets, pods)
        }

        // MARK: Events to keys (addReplicaSet, updateReplicaSet, deleteReplicaSet, deletePod)

        func keys(for event: InformerEvent<ReplicaSet>) -> [String] {
            switch event {
            case .added(let rs):
                if let ref = rs.json.controllerReference { return resolve(ref, namespace: rs.namespace).map { [$0.key] } ?? [] }
                if rs.isBeingDeleted { return [] }
                return matching(rs.json).map(\.key)
            case .updated(let old, let new):
                if old.resourceVersion == new.resourceVersion { return [] }
                var keys: [String] = []
                let oldRef = old.json.controllerReference, newRef = new.json.controllerReference
                let refChanged = oldRef != newRef
                if refChanged, let oldRef, let d = resolve(oldRef, namespace: old.namespace) { keys.append(d.key) }
                if let newRef {
                    if let d = resolve(newRef, namespace: new.namespace) { keys.append(d.key) }
                    return keys
                }
                if old.labels != new.labels || refChanged { keys += matching(new.json).map(\.key) }
                return keys
            case .deleted(let rs):
                guard let ref = rs.json.controllerReference else { return [] }
                return resolve(ref, namespace: rs.namespace).map { [$0.key] } ?? []
            }
        }

        /// A deleted pod wakes its Recreate Deployment, which waits for old pods to be gone.
        func keys(for event: InformerEvent<Pod>) -> [String] {
            guard case .deleted(let pod) = event, let podRef = pod.json.controllerReference, podRef.kind == "ReplicaSet",
                  let rs = replicaSets.store.get(name: podRef.name, namespace: pod.namespace), rs.uid == podRef.uid,
                  let rsRef = rs.json.controllerReference, let d = resolve(rsRef, namespace: rs.namespace),
                  DeploymentStrategy(spec: d.spec) == .recreate
            else { return [] }
            return [d.key]
        }

        func resolve(_ ref: OwnerReference, namespace: String) -> Deployment? {
            guard ref.kind == "Deployment", let d = deployments.store.get(name: ref.name, namespace: namespace), d.uid == ref.uid else {
                return nil
            }
            return d
        }

        /// Deployments whose selector matches an orphan ReplicaSet (`getDeploymentsForReplicaSet`).
        func matching(_ rs: JSON) -> [Deployment] {
            guard !rs.labels.isEmpty else { return [] }
            return deployments.store.list(namespace: rs.namespace).filter { d in
                guard let selector = try? LabelSelector(json: d.spec["selector"]), !selector.isEverything else { return false }
                return selector.matches(rs.labels)
            }
        }

        // MARK: Reconcile (syncDeployment)

        func reconcile(_ key: String) async throws -> ReconcileResult {
            guard let cached = deployments.store.get(key) else { return .done }
            var d = cached.json
            if d.apiVersion.isEmpty { d["apiVersion"] = "apps/v1" }
            if d.kind.isEmpty { d["kind"] = "Deployment" }
            var owned: [JSON] = []
            var podsByReplicaSet: [String: [JSON]] = [:]
            let selector: LabelSelector?
            do {
                selector = try LabelSelector(json: d["spec"]?["selector"])
            } catch {
                throw SyncError(key: key, message: "invalid label selector: \(error)")
            }
            if let selector, !selector.isEverything {
                let candidates = replicaSets.store.list(namespace: d.namespace).map(\.json)
                owned = try await claim(d, key: key, selector: selector, candidates: candidates)
                let uids = Set(owned.map(\.uid))
                for pod in pods.store.list(namespace: d.namespace, selector: selector).map(\.json) {
                    if let ref = pod.controllerReference, uids.contains(ref.uid) { podsByReplicaSet[ref.uid, default: []].append(pod) }
                }
            }
            let plan = DeploymentPlanner.plan(.init(deployment: d, replicaSets: owned, podsByReplicaSet: podsByReplicaSet,
                                                    now: configuration.now()))
            if let early = try await execute(plan, deployment: d, key: key) { return early }
            if let error = plan.error { throw SyncError(key: key, message: error) }
            return plan.requeueAfter.map { .after($0) } ?? .done
        }

        /// Adopts matching orphan ReplicaSets and releases those that stopped matching (`ClaimReplicaSets`).
        func claim(_ d: JSON, key: String, selector: LabelSelector, candidates: [JSON]) async throws -> [JSON] {
            let claim = ControllerRefClaim.classify(owner: d, selector: selector, candidates: candidates)
            var owned = claim.owned
            let rsClient = client.resource(ReplicaSet.self, namespace: d.namespace)
            for rs in claim.release {
                do {
                    _ = try await rsClient.patch(rs.name, type: .strategicMerge, body: ControllerRefClaim.releasePatch(owner: d, child: rs))
                } catch let error as KubeError where error.isNotFound {
                    continue
                }
            }
            guard !claim.adopt.isEmpty else { return owned }
            let fresh = try await client.resource(Deployment.self, namespace: d.namespace).get(d.name)
            guard fresh.uid == d.uid else { throw SyncError(key: key, message: "original Deployment is gone: got uid \(fresh.uid), wanted \(d.uid)") }
            guard !fresh.isBeingDeleted else { throw SyncError(key: key, message: "has just been deleted at \(fresh.json.deletionTimestamp ?? "")") }
            for rs in claim.adopt {
                do {
                    let adopted = try await rsClient.patch(rs.name, type: .strategicMerge, body: ControllerRefClaim.adoptPatch(owner: d, child: rs))
                    owned.append(adopted.json)
                } catch let error as KubeError where error.isNotFound {
                    continue
                }
            }
            return owned
        }

        /// Performs the plan's writes in order, stopping at the first failure (thrown). Returns a result to
        /// end the pass early with (a ReplicaSet the cache had not shown yet).
        func execute(_ plan: DeploymentPlanner.Plan, deployment d: JSON, key: String) async throws -> ReconcileResult? {
            let rsClient = client.resource(ReplicaSet.self, namespace: d.namespace)
            let deploymentClient = client.resource(Deployment.self, namespace: d.namespace)
            var latest = d
            for action in plan.actions {
                switch action {
                case .createReplicaSet(let rs, let event):
                    do {
                        _ = try await rsClient.create(ReplicaSet(json: rs))
                        if let event { await record(event, on: d) }
                    } catch let error as KubeError where error.isAlreadyExists {
                        let existing = try await rsClient.get(rs.name)
                        let template = d["spec"]?["template"] ?? .emptyObject
                        if existing.json.controllerReference?.uid == d.uid,
                           PodTemplateHash.equalIgnoringHash(existing.spec["template"] ?? .emptyObject, template) {
                            // Ours, and the cache had not shown it yet: look again once it has.
                            return .after(.milliseconds(500))
                        }
                        var updated = latest
                        updated["status"] = DeploymentPlanner.collisionStatus(deployment: latest)
                        _ = try await deploymentClient.updateStatus(Deployment(json: updated))
                        throw SyncError(key: key, message: "replica set \(rs.name) already exists with another pod template; raised collisionCount")
                    } catch let error as KubeError {
                        let message = "Failed to create new replica set \"\(rs.name)\": \(error.message)"
                        if let status = DeploymentPlanner.failedCreateStatus(deployment: latest, message: message, now: configuration.now()) {
                            var updated = latest
                            updated["status"] = status
                            _ = try? await deploymentClient.updateStatus(Deployment(json: updated))
                        }
                        await record(ControllerEvent(.warning, reason: DeploymentConditions.failedReplicaSetCreateReason, message: message), on: d)
                        throw error
                    }
                case .updateReplicaSet(let rs, let event):
                    _ = try await rsClient.update(ReplicaSet(json: rs))
                    if let event { await record(event, on: d) }
                case .deleteReplicaSet(let rs):
                    do {
                        try await rsClient.delete(rs.name, preconditionUID: rs.uid.isEmpty ? nil : rs.uid)
                    } catch let error as KubeError where error.isNotFound {
                        continue
                    }
                case .setRevision(let revision):
                    let patch: JSON = ["metadata": ["annotations": [DeploymentAnnotations.revision: .string(revision)]]]
                    latest = try await deploymentClient.patch(d.name, type: .merge, body: patch).json
                case .updateStatus(let status):
                    var updated = latest
                    updated["status"] = status
                    latest = try await deploymentClient.updateStatus(Deployment(json: updated)).json
                case .recordEvent(let event):
                    await record(event, on: d)
                }
            }
            return nil
        }

        func record(_ event: ControllerEvent, on d: JSON) async {
            await recorder.record(d, type: event.type, reason: event.reason, message: event.message)
        }
    }
}
