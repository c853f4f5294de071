import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The embedded stand-in for ingress-nginx: watches Ingresses, Services and Endpoints through shared
/// informers, rebuilds the routing table whenever any of them changes, and runs the proxy
/// (`IngressProxyServer`) and the metrics endpoint (`IngressMetricsServer`).
///
/// The informer factory is shared and must be run by the caller (as every controller's is); the
/// controller waits for its three informers to sync before it publishes a first table. Until then requests
/// get 404. Served Ingresses get `status.loadBalancer.ingress: [{ip}]` written through `/status`.
public final class IngressController: Service, Sendable {
    /// The settings the controller was created with.
    public let configuration: IngressControllerConfiguration
    /// The proxy on the ingress port.
    public let proxy: IngressProxyServer
    /// `/metrics` and `/healthz` on the metrics port.
    public let metricsServer: IngressMetricsServer
    /// The metrics the proxy records and the metrics server renders.
    public var metrics: IngressMetrics { proxy.metrics }

    let client: KubeClient
    let ingresses: Informer<Ingress>
    let services: Informer<ServiceObject>
    let endpoints: Informer<Endpoints>
    let logger: Logger

    private struct State {
        var lastFingerprint: UInt64?
        var lastNotes: Set<String> = []
        var published: IngressRoutingTable?
        var tableWaiters: [Int: AsyncStream<IngressRoutingTable>.Continuation] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Registers the Ingress, Service and Endpoints informers with `informers` (run the factory separately).
    public init(client: KubeClient, informers: SharedInformerFactory, configuration: IngressControllerConfiguration = IngressControllerConfiguration(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "tack.ingress")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        let metrics = IngressMetrics(configuration: configuration.metrics)
        proxy = IngressProxyServer(configuration: configuration.proxy, metrics: metrics, group: group, logger: logger)
        metricsServer = IngressMetricsServer(metrics: metrics, host: configuration.bindAddress, port: configuration.metricsPort, group: group,
                                             logger: logger)
        ingresses = informers.informer(Ingress.self)
        services = informers.informer(ServiceObject.self)
        endpoints = informers.informer(Endpoints.self)
    }

    /// Starts both listeners (so callers can learn the ports before `run`); `run` calls it too.
    @discardableResult
    public func start() async throws -> (ingress: SocketAddress, metrics: SocketAddress) {
        let ingress = try await proxy.start()
        let metrics = try await metricsServer.start()
        return (ingress, metrics)
    }

    /// Serves until graceful shutdown or cancellation: starts the listeners, syncs on every informer event, then
    /// stops the listeners.
    public func run() async throws {
        try await start()
        let (triggers, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in self.ingresses.events() { trigger.yield() } }
            group.addTask { for await _ in self.services.events() { trigger.yield() } }
            group.addTask { for await _ in self.endpoints.events() { trigger.yield() } }
            group.addTask {
                guard await self.ingresses.waitForSync(), await self.services.waitForSync(),
                      await self.endpoints.waitForSync() else { return }
                await self.sync()
                // Changes coalesce: however many events arrive during a sync, one more sync follows.
                for await _ in triggers {
                    await self.sync()
                }
            }
            group.addTask {
                try? await gracefulShutdown()
                trigger.finish()
            }
            await group.next()
            group.cancelAll()
        }
        trigger.finish()
        await proxy.stop()
        await metricsServer.stop()
        state.withLock { state in
            for waiter in state.tableWaiters.values { waiter.finish() }
            state.tableWaiters = [:]
        }
    }

    /// Rebuilds the table from the caches, publishes it when it changed, and updates Ingress status.
    func sync() async {
        let ingressObjects = ingresses.store.list().map(\.json)
        let services = self.services.store
        let endpoints = self.endpoints.store
        let table = IngressRoutingTable(
            ingresses: ingressObjects,
            service: { namespace, name in services.get(name: name, namespace: namespace)?.json },
            endpoints: { namespace, name in endpoints.get(name: name, namespace: namespace)?.json },
            options: configuration.routing)
        let (changed, newNotes) = state.withLock { state -> (Bool, [String]) in
            let changed = state.lastFingerprint != table.fingerprint
            state.lastFingerprint = table.fingerprint
            let notes = Set(table.notes)
            let fresh = table.notes.filter { !state.lastNotes.contains($0) }
            state.lastNotes = notes
            return (changed, fresh)
        }
        for note in newNotes { logger.info("ingress: \(note)") }
        if changed {
            proxy.update(table)
            metrics.recordReload(hash: table.fingerprint, succeeded: true, at: Date().timeIntervalSince1970)
            logger.debug("ingress routing table updated", metadata: ["ingresses": "\(table.servedIngresses.count)",
                                                                   "backends": "\(table.backends.count)"])
            let waiters = state.withLock { state -> [AsyncStream<IngressRoutingTable>.Continuation] in
                state.published = table
                return Array(state.tableWaiters.values)
            }
            for waiter in waiters { waiter.yield(table) }
        }
        if configuration.updateStatus {
            await updateStatus(of: ingressObjects, served: Set(table.servedIngresses))
        }
    }

    /// Writes `status.loadBalancer.ingress` of served Ingresses that lack it.
    func updateStatus(of ingresses: [JSON], served: Set<String>) async {
        let desired: JSON = .array([["ip": .string(configuration.effectiveStatusAddress)]])
        for ingress in ingresses where served.contains("\(ingress.namespace)/\(ingress.name)") && !ingress.isBeingDeleted {
            guard ingress["status"]?["loadBalancer"]?["ingress"] != desired else { continue }
            let patch: JSON = ["status": ["loadBalancer": ["ingress": desired]]]
            do {
                _ = try await client.resource(Ingress.self, namespace: ingress.namespace)
                    .patch(ingress.name, namespace: ingress.namespace, type: .merge, body: patch, subresource: "status")
            } catch let error as KubeError where error.isNotFound {
                continue
            } catch {
                logger.warning("Ingress \(ingress.namespace)/\(ingress.name): could not update status: \(error)")
            }
        }
    }

    /// Waits until the controller has published a table that satisfies `predicate` (tests, and callers that
    /// must not send traffic before routes exist), and returns it. Returns nil if the controller stops first.
    public func waitForTable(where predicate: @escaping @Sendable (IngressRoutingTable) -> Bool) async -> IngressRoutingTable? {
        let (stream, continuation) = AsyncStream.makeStream(of: IngressRoutingTable.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int in
            let id = state.nextWaiter
            state.nextWaiter += 1
            state.tableWaiters[id] = continuation
            if let published = state.published { continuation.yield(published) }
            return id
        }
        defer { _ = state.withLock { $0.tableWaiters.removeValue(forKey: id) } }
        for await table in stream where predicate(table) { return table }
        return nil
    }
}
