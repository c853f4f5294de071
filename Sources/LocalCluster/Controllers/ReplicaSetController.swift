import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// The ReplicaSet controller of the local runtime (`pkg/controller/replicaset`): keeps `spec.replicas` pods
/// of each ReplicaSet in existence, adopting matching orphans and releasing pods that stopped matching,
/// and writes the ReplicaSet's status. Pods are created unbound (the scheduler binds them) and deleted
/// through the API (the kubelet terminates them gracefully).
///
/// Decisions come from `ReplicaSetPlanner`; this type reads the informer caches, guards against their
/// staleness with `PodExpectations`, and performs the writes.
public final class ReplicaSetController: Service, Sendable {
    /// Settings, with upstream's defaults.
    public struct Configuration: Sendable {
        /// Concurrent reconciles (`--concurrent-replicaset-syncs`).
        public var workers = 5
        /// Pods created or deleted per sync at most.
        public var burstReplicas = ReplicaSetPlanner.burstReplicas
        /// How long expectations hold before the cache is trusted again.
        public var expectationsTimeout: TimeInterval = 300
        /// The clock for availability (`minReadySeconds`) and condition times.
        public var now: @Sendable () -> Date = { Date() }

        /// The defaults.
        public init() {}
    }

    /// The work queue's controller (exposed for tests and the runtime's wiring).
    public let controller: Controller
    let reconciler: Reconciler

    /// Registers the ReplicaSet and Pod informers with `informers` (run the factory alongside this service).
    /// Events go through `recorder`, by default one reporting as `replicaset-controller`.
    public init(client: KubeClient, factory informers: SharedInformerFactory, recorder: EventRecorder? = nil,
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "tack.replicaset-controller")) {
        let recorder = recorder ?? EventRecorder(client: client, component: "replicaset-controller", logger: logger)
        let expectations = PodExpectations(timeout: configuration.expectationsTimeout, now: configuration.now)
        let reconciler = Reconciler(client: client, replicaSets: informers.informer(ReplicaSet.self), pods: informers.informer(Pod.self),
                                    recorder: recorder, expectations: expectations, configuration: configuration, logger: logger)
        self.reconciler = reconciler
        controller = Controller(name: "replicaset", workers: configuration.workers, logger: logger) { key in
            try await reconciler.reconcile(key)
        }
        controller.watch(reconciler.replicaSets) { event in
            if case .deleted(let rs) = event { reconciler.expectations.delete(rs.key) }
            return [event.object.key]
        }
        controller.watch(reconciler.pods) { event in reconciler.keys(for: event) }
    }

    /// Waits for the caches, then reconciles until shutdown.
    public func run() async throws {
        guard await reconciler.waitForCaches() else { return }
        try await controller.run()
    }

    /// One reconcile of the ReplicaSet `namespace/name` (what the workers run).
    public func reconcile(_ key: String) async throws -> ReconcileResult {
        try await reconciler.reconcile(key)
    }

    /// A failed sync, naming the ReplicaSet.
    public struct SyncError: Error, CustomStringConvertible {
        /// `namespace/name` of the ReplicaSet.
        public let key: String
        /// What went wrong.
        public let message: String
        /// `ReplicaSet namespace/name: message`.
        public var description: String { "ReplicaSet \(key): \(message)" }
    }

    struct Reconciler: Sendable {
        let client: KubeClient
        let replicaSets: Informer<ReplicaSet>
        let pods: Informer<Pod>
        let recorder: EventRecorder
        let expectations: PodExpectations
        let configuration: Configuration
        let logger: Logger

        func waitForCaches() async -> Bool {
            await waitForCacheSync(replicaSets, pods)
        }

        // MARK: Events to keys (addPod, updatePod, deletePod)

        func keys(for event: InformerEvent<Pod>) -> [String] {
            switch event {
            case .added(let pod):
                if pod.isBeingDeleted { return deleted(pod.json) }
                if let ref = pod.json.controllerReference {
                    guard let rs = resolve(ref, namespace: pod.namespace) else { return [] }
                    expectations.creationObserved(rs.key)
                    return [rs.key]
                }
                return matching(pod.json).map(\.key)
            case .updated(let old, let new):
                if old.resourceVersion == new.resourceVersion { return [] }
                let labelsChanged = old.labels != new.labels
                if new.isBeingDeleted {
                    return deleted(new.json) + (labelsChanged ? deleted(old.json) : [])
                }
                var keys: [String] = []
                let oldRef = old.json.controllerReference, newRef = new.json.controllerReference
                let refChanged = oldRef != newRef
                if refChanged, let oldRef, let rs = resolve(oldRef, namespace: old.namespace) { keys.append(rs.key) }
                if let newRef {
                    if let rs = resolve(newRef, namespace: new.namespace) { keys.append(rs.key) }
                    return keys
                }
                if labelsChanged || refChanged { keys += matching(new.json).map(\.key) }
                return keys
            case .deleted(let pod):
                return deleted(pod.json)
            }
        }

        func deleted(_ pod: JSON) -> [String] {
            guard let ref = pod.controllerReference, let rs = resolve(ref, namespace: pod.namespace) else { return [] }
            expectations.deletionObserved(rs.key, podKey: "\(pod.namespace)/\(pod.name)")
            return [rs.key]
        }

        /// The cached ReplicaSet a controller reference points to (same UID), if any.
        func resolve(_ ref: OwnerReference, namespace: String) -> ReplicaSet? {
            guard ref.kind == "ReplicaSet", let rs = replicaSets.store.get(name: ref.name, namespace: namespace), rs.uid == ref.uid else {
                return nil
            }
            return rs
        }

        /// ReplicaSets whose selector matches an orphan pod (`GetPodReplicaSets`).
        func matching(_ pod: JSON) -> [ReplicaSet] {
            replicaSets.store.list(namespace: pod.namespace).filter { rs in
                guard let selector = try? LabelSelector(json: rs.spec["selector"]), !selector.isEverything else { return false }
                return selector.matches(pod.labels)
            }
        }

        // MARK: Reconcile (syncReplicaSet)

        func reconcile(_ key: String) async throws -> ReconcileResult {
            guard let cached = replicaSets.store.get(key) else {
                expectations.delete(key)
                return .done
            }
            let rs = cached.json
            let needsSync = expectations.satisfied(key)
            let selector: LabelSelector
            do {
                guard let parsed = try LabelSelector(json: rs["spec"]?["selector"]) else {
                    logger.warning("ReplicaSet has no selector", metadata: ["replicaset": "\(key)"])
                    return .done
                }
                selector = parsed
            } catch {
                logger.warning("ReplicaSet has an invalid selector", metadata: ["replicaset": "\(key)", "error": "\(error)"])
                return .done
            }
            let active = pods.store.list(namespace: rs.namespace).map(\.json).filter(PodReadiness.isActive)
            let owned = try await claim(rs, selector: selector, candidates: active)

            var failure: String?
            let now = configuration.now()
            if needsSync && !rs.isBeingDeleted,
               let action = ReplicaSetPlanner.manage(replicaSet: rs, pods: owned, related: relatedPods(rs), now: now,
                                                     burst: configuration.burstReplicas) {
                switch action {
                case .createPods(let count): failure = await createPods(count, for: rs, key: key)
                case .deletePods(let victims): failure = await deletePods(victims, of: rs, key: key)
                }
            }

            let status = ReplicaSetPlanner.status(of: rs, pods: owned, failure: failure, now: configuration.now())
            if status != (rs["status"] ?? .emptyObject) {
                var updated = rs
                updated["status"] = status
                do {
                    _ = try await client.resource(ReplicaSet.self, namespace: rs.namespace).updateStatus(ReplicaSet(json: updated))
                } catch let error as KubeError where error.isNotFound {
                    return .done
                }
            }
            if let failure { throw SyncError(key: key, message: failure) }
            return ReplicaSetPlanner.availabilityRecheck(of: rs, pods: owned, now: configuration.now()).map { .after($0) } ?? .done
        }

        /// Adopts matching orphans and releases pods that stopped matching (`claimPods`); returns the pods
        /// the ReplicaSet owns afterwards.
        func claim(_ rs: JSON, selector: LabelSelector, candidates: [JSON]) async throws -> [JSON] {
            let claim = ControllerRefClaim.classify(owner: rs, selector: selector, candidates: candidates)
            var owned = claim.owned
            let podClient = client.resource(Pod.self, namespace: rs.namespace)
            for pod in claim.release {
                do {
                    _ = try await podClient.patch(pod.name, type: .strategicMerge, body: ControllerRefClaim.releasePatch(owner: rs, child: pod))
                } catch let error as KubeError where error.isNotFound {
                    continue
                }
            }
            guard !claim.adopt.isEmpty else { return owned }
            // Adopt only if the ReplicaSet is really still there and not being deleted (a quorum read, #42639).
            let fresh = try await client.resource(ReplicaSet.self, namespace: rs.namespace).get(rs.name)
            guard fresh.uid == rs.uid else {
                throw SyncError(key: "\(rs.namespace)/\(rs.name)", message: "original ReplicaSet is gone: got uid \(fresh.uid), wanted \(rs.uid)")
            }
            guard !fresh.isBeingDeleted else {
                throw SyncError(key: "\(rs.namespace)/\(rs.name)", message: "has just been deleted at \(fresh.json.deletionTimestamp ?? "")")
            }
            var owner = rs
            if owner.apiVersion.isEmpty { owner["apiVersion"] = "apps/v1" }
            if owner.kind.isEmpty { owner["kind"] = "ReplicaSet" }
            for pod in claim.adopt {
                do {
                    _ = try await podClient.patch(pod.name, type: .strategicMerge, body: ControllerRefClaim.adoptPatch(owner: owner, child: pod))
                    owned.append(ControllerRefClaim.adopted(pod, by: owner))
                } catch let error as KubeError where error.isNotFound {
                    continue
                }
            }
            return owned
        }

        /// Active pods of every ReplicaSet with the same controller (`getIndirectlyRelatedPods`), for ranking.
        func relatedPods(_ rs: JSON) -> [JSON] {
            guard let controllerUID = rs.controllerReference?.uid else { return [] }
            var seen = Set<String>()
            var related: [JSON] = []
            for sibling in replicaSets.store.byIndex("owner", controllerUID) where sibling.json.controllerReference?.uid == controllerUID {
                guard let selector = try? LabelSelector(json: sibling.spec["selector"]), !selector.isEverything else { continue }
                for pod in pods.store.list(namespace: rs.namespace, selector: selector) where seen.insert(pod.uid).inserted {
                    related.append(pod.json)
                }
            }
            return related
        }

        /// Creates `count` pods in slow-start batches of 1, 2, 4, …; stops after a batch with a failure.
        /// Returns the first error's message.
        func createPods(_ count: Int, for rs: JSON, key: String) async -> String? {
            expectations.expectCreations(key, count: count)
            var remaining = count
            var successes = 0
            var batch = min(remaining, 1)
            while batch > 0 {
                let errors = await withTaskGroup(of: String?.self) { group in
                    for _ in 0..<batch { group.addTask { await createPod(for: rs) } }
                    var errors: [String] = []
                    for await error in group { if let error { errors.append(error) } }
                    return errors
                }
                successes += batch - errors.count
                if let first = errors.first {
                    for _ in 0..<(count - successes) { expectations.creationObserved(key) }
                    return first
                }
                remaining -= batch
                batch = min(2 * batch, remaining)
            }
            return nil
        }

        func createPod(for rs: JSON) async -> String? {
            var generator = SystemRandomNumberGenerator()
            let pods = client.resource(Pod.self, namespace: rs.namespace)
            var attempt = 0
            while true {
                attempt += 1
                let pod = ReplicaSetPlanner.newPod(for: rs, name: ReplicaSetPlanner.podName(for: rs.name, using: &generator))
                do {
                    let created = try await pods.create(Pod(json: pod))
                    await recorder.record(rs, reason: "SuccessfulCreate", message: "Created pod: \(created.name)")
                    return nil
                } catch let error as KubeError where error.isAlreadyExists && attempt < 3 {
                    continue  // a random name clashed; draw another
                } catch {
                    let message = Self.message(of: error)
                    await recorder.record(rs, type: .warning, reason: "FailedCreate", message: "Error creating: \(message)")
                    return message
                }
            }
        }

        /// Deletes `victims` concurrently; returns the first error's message (not-found counts as done).
        func deletePods(_ victims: [JSON], of rs: JSON, key: String) async -> String? {
            let podKeys = victims.map { "\($0.namespace)/\($0.name)" }
            expectations.expectDeletions(key, podKeys: podKeys)
            let client = self.client.resource(Pod.self, namespace: rs.namespace)
            let errors = await withTaskGroup(of: String?.self) { group in
                for pod in victims {
                    group.addTask {
                        do {
                            try await client.delete(pod.name)
                            await recorder.record(rs, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)")
                            return nil
                        } catch {
                            expectations.deletionObserved(key, podKey: "\(pod.namespace)/\(pod.name)")
                            if let kube = error as? KubeError, kube.isNotFound { return nil }
                            let message = Self.message(of: error)
                            await recorder.record(rs, type: .warning, reason: "FailedDelete", message: "Error deleting: \(message)")
                            return message
                        }
                    }
                }
                var errors: [String] = []
                for await error in group { if let error { errors.append(error) } }
                return errors
            }
            return errors.first
        }

        static func message(of error: any Error) -> String {
            if let kube = error as? KubeError, !kube.message.isEmpty { return kube.message }
            return "\(error)"
        }
    }
}
