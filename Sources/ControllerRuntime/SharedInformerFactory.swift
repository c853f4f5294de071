import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// Runs informers that can be shared: one list-watch per resource, namespace and selector, however many
/// controllers ask for it. Informers requested after the factory started are started at once.
public final class SharedInformerFactory: Service, Sendable {
    public let client: KubeClient
    let clock: any Clock<Duration>
    let logger: Logger
    let defaultResync: Duration?

    struct Key: Hashable, Sendable {
        var resource: GroupVersionResource
        var namespace: String?
        var labelSelector: String?
        var fieldSelector: String?
    }

    struct State: Sendable {
        var informers: [Key: any RunnableInformer] = [:]
        var starter: AsyncStream<any RunnableInformer>.Continuation?
        var pendingStart: [any RunnableInformer] = []
    }

    let state = Mutex(State())

    public init(client: KubeClient, clock: any Clock<Duration> = ContinuousClock(), defaultResync: Duration? = nil,
                logger: Logger = Logger(label: "tack.informers")) {
        self.client = client
        self.clock = clock
        self.defaultResync = defaultResync
        self.logger = logger
    }

    /// The shared informer for a built-in kind.
    public func informer<Object: TypedKubeObject>(_ type: Object.Type, namespace: String? = nil, labelSelector: String? = nil,
                                                 fieldSelector: String? = nil) -> Informer<Object> {
        informer(resource: client.resource(type, namespace: namespace), labelSelector: labelSelector, fieldSelector: fieldSelector)
    }

    /// The shared informer for any resource.
    public func informer(for resource: GroupVersionResource, kind: String, namespaced: Bool, namespace: String? = nil,
                         labelSelector: String? = nil) -> Informer<Unstructured> {
        informer(resource: client.resource(resource, kind: kind, namespaced: namespaced, namespace: namespace), labelSelector: labelSelector,
                 fieldSelector: nil)
    }

    func informer<Object: KubeObject>(resource: ResourceClient<Object>, labelSelector: String?, fieldSelector: String?) -> Informer<Object> {
        let key = Key(resource: resource.resource, namespace: resource.namespace, labelSelector: labelSelector, fieldSelector: fieldSelector)
        return state.withLock { s in
            if let existing = s.informers[key] as? Informer<Object> { return existing }
            var configuration = InformerConfiguration(labelSelector: labelSelector, fieldSelector: fieldSelector, resyncPeriod: defaultResync)
            configuration.pageSize = 500
            let informer = Informer(resource: resource, configuration: configuration, clock: clock, logger: logger)
            s.informers[key] = informer
            if let starter = s.starter { starter.yield(informer) } else { s.pendingStart.append(informer) }
            return informer
        }
    }

    /// Waits until every informer requested so far has synced.
    /// Waits until every informer made so far has synced; false when cancelled or stopped first.
    @discardableResult
    public func waitForSync() async -> Bool {
        let informers = state.withLock { Array($0.informers.values) }
        for informer in informers where await !informer.waitForSync() { return false }
        return true
    }

    public func run() async throws {
        let (starts, starter) = AsyncStream.makeStream(of: (any RunnableInformer).self)
        let pending = state.withLock { s -> [any RunnableInformer] in
            s.starter = starter
            let p = s.pendingStart
            s.pendingStart = []
            return p
        }
        for informer in pending { starter.yield(informer) }
        try await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await informer in starts {
                    group.addTask {
                        do { try await informer.run() } catch {
                            self.logger.error("informer stopped", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            starter.finish()
        }
    }
}

/// What the factory needs of an informer, whatever its object type.
protocol RunnableInformer: Sendable {
    func run() async throws
    func waitForSync() async -> Bool
}

extension Informer: RunnableInformer {}
