import APIServer
import AsyncHTTPClient
import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// The local kubelet: runs the pods bound to its node as host processes (one `PodWorker` each), serves
/// their logs, and stops every process it started when tack stops.
public final class Kubelet: Service, Sendable {
    public let configuration: KubeletConfiguration
    let client: KubeClient
    let factory: SharedInformerFactory
    let podInformer: Informer<Pod>
    let context: KubeletContext
    let logger: Logger
    let workers = PodWorkerTable()
    /// Serves `pods/log` for the API server.
    public var logProvider: any PodLogProvider { context.logs }

    public init(client: KubeClient, factory: SharedInformerFactory, catalog: ImageCatalogLoader, configuration: KubeletConfiguration,
                logger: Logger = Logger(label: "tack.kubelet")) {
        self.configuration = configuration
        self.client = client
        self.factory = factory
        self.logger = logger
        podInformer = factory.informer(Pod.self, fieldSelector: "spec.nodeName=\(configuration.nodeName)")
        let workers = self.workers
        let logs = ContainerLogStore(root: configuration.podsDirectory) { uid, container, attempt in
            // Called synchronously from log streaming; the answer may be a moment stale, which is fine.
            guard let worker = workers.table.withLock({ $0[uid] }) else { return false }
            return worker.isRunningSnapshot(container: container, attempt: attempt)
        }
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .seconds(2))
        http.connectionPool = .init(idleTimeout: .seconds(5), concurrentHTTP1ConnectionsPerHostSoftLimit: 4)
        context = KubeletContext(
            configuration: configuration, client: client, pods: client.resource(Pod.self),
            configMaps: factory.informer(ConfigMap.self).store, secrets: factory.informer(Secret.self).store,
            services: factory.informer(ServiceObject.self).store, catalog: catalog, logs: logs,
            addresses: PodIPAllocator(cidr: configuration.podCIDR),
            recorder: EventRecorder(client: client, component: "kubelet", host: configuration.nodeName, logger: logger),
            probes: ProbeRunner(http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)), logger: logger)
    }

    public func run() async throws {
        try FileManager.default.createDirectory(at: configuration.podsDirectory, withIntermediateDirectories: true)
        if await podInformer.waitForSync() {
            // The event loop ends when tack stops; then every process this kubelet started is stopped.
            for await event in podInformer.events().cancelOnGracefulShutdown() {
                await handle(event)
            }
            await stopAll()
        }
        try? await context.probes.http.shutdown()
    }

    func handle(_ event: InformerEvent<Pod>) async {
        let pod = event.object.json
        let uid = pod.uid
        switch event {
        case .added, .updated:
            let phase = pod["status"]?["phase"]?.stringValue
            if let worker = workers.table.withLock({ $0[uid] }) {
                await worker.update(pod)
                return
            }
            if pod.isBeingDeleted {
                // Nothing runs for it here (tack restarted meanwhile): finish the deletion.
                _ = try? await context.pods.delete(pod.name, namespace: pod.namespace, preconditionUID: uid, gracePeriodSeconds: 0)
                return
            }
            if phase == "Succeeded" || phase == "Failed" { return }
            let worker = PodWorker(pod: pod, context: context)
            workers.table.withLock { $0[uid] = worker }
            await worker.start()
        case .deleted:
            guard let worker = workers.table.withLock({ $0.removeValue(forKey: uid) }) else { return }
            await worker.stop(grace: .seconds(2))
            await worker.cleanUp()
        }
    }

    /// Stops every container this kubelet started (tack is stopping): SIGTERM, then SIGKILL after the
    /// shutdown grace period.
    func stopAll() async {
        let all = workers.table.withLock { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for worker in all { group.addTask { await worker.stop(grace: self.configuration.shutdownGracePeriod) } }
        }
    }
}

extension PodWorker {
    /// Whether a container attempt is running, answered without waiting for the actor (log streaming polls it).
    nonisolated func isRunningSnapshot(container: String, attempt: Int) -> Bool {
        runningAttempts.withLock { $0[container] == attempt }
    }
}

/// The running pod workers by pod UID, shared with the log store's liveness check.
final class PodWorkerTable: Sendable {
    let table = Mutex<[String: PodWorker]>([:])
}
