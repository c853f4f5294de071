import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import LocalCluster
import Logging
import Synchronization
import TestCluster

/// The embedded API server with the Deployment and ReplicaSet controllers running against it, for
/// integration tests. There is no kubelet here: the harness plays it by writing pod status through
/// `/status` (Running, and Ready when `readiness` says so), the way the real kubelet reports a pod whose
/// containers started and whose readiness probe passes. Pods stay unbound (no scheduler), so the API
/// server deletes them at once.
final class WorkloadHarness: Sendable {
    let cluster: EmbeddedTestCluster
    let client: KubeClient
    let namespace = "default"
    let readiness: Mutex<@Sendable (JSON) -> Bool>
    let tasks: Mutex<[Task<Void, Never>]>

    private init(cluster: EmbeddedTestCluster, client: KubeClient, readiness: @escaping @Sendable (JSON) -> Bool) {
        self.cluster = cluster
        self.client = client
        self.readiness = Mutex(readiness)
        tasks = Mutex([])
    }

    /// Starts a cluster, both controllers and the kubelet stand-in. `readiness` decides which pods the
    /// stand-in reports Ready (all by default).
    static func start(readiness: @escaping @Sendable (JSON) -> Bool = { _ in true }) async throws -> WorkloadHarness {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        let harness = WorkloadHarness(cluster: cluster, client: client, readiness: readiness)
        var logger = Logger(label: "workloads-test")
        logger.logLevel = .error
        let factory = SharedInformerFactory(client: client, logger: logger)
        let replicaSets = ReplicaSetController(client: client, factory: factory, logger: logger)
        let deployments = DeploymentController(client: client, factory: factory, logger: logger)
        let started: [Task<Void, Never>] = [
            Task { try? await factory.run() },
            Task { try? await replicaSets.run() },
            Task { try? await deployments.run() },
            Task { await harness.playKubelet() },
        ]
        harness.tasks.withLock { $0 = started }
        await factory.waitForSync()
        return harness
    }

    func stop() async {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        await client.shutdown()
        await cluster.destroy()
    }

    func setReadiness(_ body: @escaping @Sendable (JSON) -> Bool) {
        readiness.withLock { $0 = body }
    }

    // MARK: The kubelet stand-in

    /// Every 50 ms, brings each pod's reported status in line with `readiness`: Running, with the `Ready`
    /// condition True or False.
    func playKubelet() async {
        let pods = client.resource(Pod.self, namespace: namespace)
        while !Task.isCancelled {
            if let list = try? await pods.list() {
                let decide = readiness.withLock { $0 }
                for pod in list.items where !pod.isBeingDeleted {
                    let ready = decide(pod.json)
                    let current = PodReadiness.readyCondition(pod.json)?["status"]?.stringValue
                    if pod.phase == "Running" && current == (ready ? "True" : "False") { continue }
                    var updated = pod
                    updated.status = Self.runningStatus(of: pod.json, ready: ready)
                    _ = try? await pods.updateStatus(updated)
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    static func runningStatus(of pod: JSON, ready: Bool) -> JSON {
        let now = JSON.string(Timestamp.format(Date()))
        let flag: JSON = ready ? "True" : "False"
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { container -> JSON in
            ["name": container["name"] ?? "", "image": container["image"] ?? "", "imageID": "", "ready": .bool(ready),
             "restartCount": 0, "started": true, "state": ["running": ["startedAt": now]]]
        }
        return ["phase": "Running", "startTime": now, "podIP": "127.0.0.2", "hostIP": "127.0.0.1",
                "conditions": [["type": "Initialized", "status": "True", "lastTransitionTime": now],
                               ["type": "Ready", "status": flag, "lastTransitionTime": now],
                               ["type": "ContainersReady", "status": flag, "lastTransitionTime": now],
                               ["type": "PodScheduled", "status": "True", "lastTransitionTime": now]],
                "containerStatuses": .array(containers)]
    }

    // MARK: Helpers

    var deployments: ResourceClient<Deployment> { client.resource(Deployment.self, namespace: namespace) }
    var replicaSets: ResourceClient<ReplicaSet> { client.resource(ReplicaSet.self, namespace: namespace) }
    var pods: ResourceClient<Pod> { client.resource(Pod.self, namespace: namespace) }

    /// Polls `condition` every 50 ms until it holds; fails the test after `timeout`.
    func waitUntil(_ what: String, timeout: Duration = .seconds(30),
                   _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessTimeout(what: what)
    }

    /// Waits until the Deployment's status says its current generation is fully rolled out.
    func waitForRollout(_ name: String, replicas: Int, timeout: Duration = .seconds(30)) async throws -> Deployment {
        try await waitUntil("deployment \(name) rolled out", timeout: timeout) {
            let d = try await deployments.get(name)
            let s = d.status
            return s["observedGeneration"]?.int64Value == d.generation && s["updatedReplicas"]?.intValue == replicas
                && s["replicas"]?.intValue == replicas && s["availableReplicas"]?.intValue == replicas
        }
        return try await deployments.get(name)
    }

    /// The live (not deleting) pods, sorted by name.
    func livePods() async throws -> [JSON] {
        try await pods.list().items.map(\.json).filter { !$0.isBeingDeleted }.sorted { $0.name < $1.name }
    }

    /// Events about an object, by reason.
    func events(about name: String, reason: String) async throws -> [JSON] {
        try await client.resource(Event.self, namespace: namespace).list().items.map(\.json).filter {
            $0["involvedObject"]?["name"]?.stringValue == name && $0["reason"]?.stringValue == reason
        }
    }

    static func deployment(_ name: String = "web", replicas: Int = 5, image: String = "argoproj/rollouts-demo:blue",
                           extraSpec: [String: JSON] = [:]) -> Deployment {
        var d = Deployment(name: name, namespace: "default")
        var spec: JSON = ["replicas": JSON(replicas), "selector": ["matchLabels": ["app": .string(name)]],
                          "template": ["metadata": ["labels": ["app": .string(name)]],
                                       "spec": ["containers": [["name": "main", "image": .string(image)]]]]]
        for (key, value) in extraSpec { spec[key] = value }
        d.json["spec"] = spec
        return d
    }

    static func image(of pod: JSON) -> String? {
        pod[path: ["spec", "containers"]]?[0]?["image"]?.stringValue
    }
}

struct HarnessTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// What an observer saw of a namespace's pods over time, from a watch (every change, in order).
final class PodObserver: Sendable {
    struct Record: Sendable {
        var pods: [String: JSON] = [:]
        var maxLive = 0
        var minReady = Int.max
        var samples = 0
    }

    let record = Mutex(Record())
    let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    /// Starts watching from the current state.
    static func start(_ pods: ResourceClient<Pod>) async throws -> PodObserver {
        let observer = PodObserver()
        let list = try await pods.list()
        observer.record.withLock { r in
            for pod in list.items { r.pods[pod.name] = pod.json }
            observer.sample(&r)
        }
        let watch = Task {
            let events = pods.watch(ListOptions(resourceVersion: list.resourceVersion, timeoutSeconds: 300))
            do {
                for try await event in events {
                    observer.record.withLock { r in
                        switch event.type {
                        case .added, .modified: r.pods[event.object.name] = event.object.json
                        case .deleted: r.pods[event.object.name] = nil
                        default: return
                        }
                        observer.sample(&r)
                    }
                }
            } catch {}
        }
        observer.task.withLock { $0 = watch }
        return observer
    }

    func sample(_ r: inout Record) {
        let live = r.pods.values.filter { !$0.isBeingDeleted }
        r.maxLive = max(r.maxLive, live.count)
        r.minReady = min(r.minReady, live.filter(PodReadiness.isReady).count)
        r.samples += 1
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
