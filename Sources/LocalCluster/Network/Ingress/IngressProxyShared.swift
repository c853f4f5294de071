import Logging
import NIOCore
import Synchronization

/// The state the proxy's event loops share: configuration, metrics, the published routing table and the
/// per-loop contexts. Publishing a table bumps a generation counter; loops compare it (one atomic load)
/// before routing and copy the table under the lock only when it changed.
final class IngressProxyShared: Sendable {
    let configuration: IngressProxyConfiguration
    let metrics: IngressMetrics
    let logger: Logger

    private let published = Mutex((generation: 0, table: IngressRoutingTable.empty))
    private let generation = Atomic<Int>(0)
    private let contexts = Mutex<[ObjectIdentifier: NIOLoopBound<IngressProxyLoopContext>]>([:])

    init(configuration: IngressProxyConfiguration, metrics: IngressMetrics, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Publishes a table; every request that starts after this returns is routed by it.
    func publish(_ table: IngressRoutingTable) {
        let next = published.withLock { state -> Int in
            state.generation += 1
            state.table = table
            return state.generation
        }
        generation.store(next, ordering: .releasing)
        // Let idle loops drop connections to removed endpoints now rather than at their next request.
        for context in contexts.withLock({ Array($0.values) }) {
            context.eventLoop.execute { context.value.refreshTable() }
        }
    }

    var currentTable: IngressRoutingTable { published.withLock { $0.table } }

    /// The published table and its generation when newer than `known`.
    func table(newerThan known: Int) -> (Int, IngressRoutingTable)? {
        guard generation.load(ordering: .acquiring) != known else { return nil }
        let state = published.withLock { $0 }
        return state.generation == known ? nil : (state.generation, state.table)
    }

    /// The context of an event loop, created on first use. Call on that loop.
    func context(for eventLoop: any EventLoop) -> IngressProxyLoopContext {
        let key = ObjectIdentifier(eventLoop)
        if let existing = contexts.withLock({ $0[key] }) { return existing.value }
        let shard = contexts.withLock { $0.count }
        let bound = NIOLoopBound(IngressProxyLoopContext(eventLoop: eventLoop, shared: self, shard: shard), eventLoop: eventLoop)
        let winner = contexts.withLock { contexts -> NIOLoopBound<IngressProxyLoopContext> in
            if let existing = contexts[key] { return existing }
            contexts[key] = bound
            return bound
        }
        let context = winner.value
        context.startSweeping()
        return context
    }

    /// Shuts every loop context down (closes client and idle upstream connections).
    func shutDownContexts() async {
        let all = contexts.withLock { Array($0.values) }
        for context in all {
            try? await context.eventLoop.submit { context.value.shutDown() }.get()
        }
    }
}
