import NIOCore
import NIOHTTP1
import NIOPosix

/// Everything one event loop of the proxy owns, touched only on that loop: its copy of the routing table,
/// round-robin positions, random generator, idle upstream connections and open client connections. Like an
/// nginx worker, each loop balances and pools on its own, so requests never take a lock to route.
final class IngressProxyLoopContext {
    let eventLoop: any EventLoop
    let shared: IngressProxyShared
    /// The metrics shard this loop records into.
    let shard: Int

    private(set) var table = IngressRoutingTable.empty
    private var generation = -1
    private var roundRobin: [Int] = []
    var random = IngressRandom()

    private var idle: [String: [IngressBackendConnection]] = [:]
    /// `IngressEndpoint.description` of every endpoint in the table.
    private var liveEndpoints: Set<String> = []
    private var clients: [ObjectIdentifier: IngressProxyHandler] = [:]
    private var timeoutChecker: RepeatedTask?
    private var sweeper: RepeatedTask?
    private(set) var isShutDown = false

    init(eventLoop: any EventLoop, shared: IngressProxyShared, shard: Int) {
        self.eventLoop = eventLoop
        self.shared = shared
        self.shard = shard
        refreshTable()
    }

    // MARK: Table

    /// Takes the newest table if the server published one since the last look (one atomic load otherwise).
    func refreshTable() {
        guard let (newGeneration, newTable) = shared.table(newerThan: generation) else { return }
        generation = newGeneration
        table = newTable
        roundRobin = (0..<newTable.backends.count).map { _ in Int.random(in: 0..<1024, using: &random) }
        // Upstream connections to endpoints that left the table get no new requests: close them now.
        var live: Set<String> = []
        for backend in newTable.backends { for endpoint in backend.endpoints { live.insert(endpoint.description) } }
        liveEndpoints = live
        for (key, connections) in idle where !live.contains(key) {
            idle[key] = nil
            for connection in connections { connection.close() }
        }
    }

    /// The next endpoint of a backend in round-robin order, skipping those in `avoiding` (endpoints that
    /// already failed this request) while others remain.
    func nextEndpoint(backend id: Int, avoiding: [IngressEndpoint] = []) -> IngressEndpoint? {
        guard id < table.backends.count else { return nil }
        let backend = table.backends[id]
        let position = roundRobin[id]
        roundRobin[id] = position &+ 1
        guard let first = backend.endpoint(at: position) else { return nil }
        guard !avoiding.isEmpty, avoiding.contains(first) else { return first }
        for offset in 1..<max(1, backend.endpoints.count) {
            if let candidate = backend.endpoint(at: position &+ offset), !avoiding.contains(candidate) {
                roundRobin[id] = position &+ offset &+ 1
                return candidate
            }
        }
        return first
    }

    // MARK: Upstream connections

    /// An idle connection to the endpoint, most recently used first; nil when there is none.
    func leaseIdle(_ endpoint: IngressEndpoint) -> IngressBackendConnection? {
        guard var connections = idle[endpoint.description] else { return nil }
        defer { idle[endpoint.description] = connections.isEmpty ? nil : connections }
        let limit = NIODeadline.now() - shared.configuration.idleConnectionTimeout
        while let connection = connections.popLast() {
            if connection.isClosed || !connection.channel.isActive { continue }
            if connection.idleSince < limit {
                connection.close()
                continue
            }
            return connection
        }
        return nil
    }

    /// Opens a new connection to the endpoint and calls back on this loop.
    func connect(_ endpoint: IngressEndpoint, completion: @escaping (Result<IngressBackendConnection, any Error>) -> Void) {
        let future = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(shared.configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Request headers were validated when decoded from the client (or are the proxy's own).
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(IngressBackendHandler())
                }
            }
            .connect(to: endpoint.address)
        future.assumeIsolated().whenComplete { result in
            switch result {
            case .failure(let error):
                completion(.failure(error))
            case .success(let channel):
                guard let handler = try? channel.pipeline.syncOperations.handler(type: IngressBackendHandler.self) else {
                    channel.close(promise: nil)
                    return completion(.failure(ChannelError.ioOnClosedChannel))
                }
                let connection = IngressBackendConnection(channel: channel, handler: handler, endpoint: endpoint)
                // connection → handler → onClose → connection: broken when the channel closes (onClose runs once).
                handler.onClose = {
                    connection.isClosed = true
                    self.forget(connection)
                }
                if !channel.isActive { connection.isClosed = true }
                completion(.success(connection))
            }
        }
    }

    /// Returns a connection after a complete exchange; closes it when the pool is full, the endpoint left
    /// the table, or the loop shut down.
    func release(_ connection: IngressBackendConnection) {
        connection.handler.delegate = nil
        guard !connection.isClosed, connection.channel.isActive, !isShutDown else { return connection.close() }
        let key = connection.endpoint.description
        guard liveEndpoints.contains(key) else { return connection.close() }
        var connections = idle[key] ?? []
        guard connections.count < shared.configuration.maxIdleConnectionsPerEndpoint else { return connection.close() }
        connection.idleSince = .now()
        connection.setAutoRead(true)
        connections.append(connection)
        idle[key] = connections
    }

    private func forget(_ connection: IngressBackendConnection) {
        let key = connection.endpoint.description
        guard var connections = idle[key] else { return }
        connections.removeAll { $0 === connection }
        idle[key] = connections.isEmpty ? nil : connections
    }

    /// Closes idle connections past the idle timeout.
    func sweepIdle() {
        let limit = NIODeadline.now() - shared.configuration.idleConnectionTimeout
        for (key, connections) in idle {
            let (stale, fresh) = (connections.filter { $0.idleSince < limit }, connections.filter { $0.idleSince >= limit })
            idle[key] = fresh.isEmpty ? nil : fresh
            for connection in stale { connection.close() }
        }
    }

    func startSweeping() {
        guard sweeper == nil else { return }
        let interval = shared.configuration.idleConnectionTimeout
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        sweeper = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.sweepIdle()
        }
        // Timeouts are checked by one timer per loop rather than one per request.
        let tick = min(.seconds(1), shared.configuration.readTimeout)
        timeoutChecker = eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            bound.value.checkTimeouts()
        }
    }

    // MARK: Client connections

    func register(client handler: IngressProxyHandler) {
        clients[ObjectIdentifier(handler)] = handler
    }

    func unregister(client handler: IngressProxyHandler) {
        clients[ObjectIdentifier(handler)] = nil
    }

    /// Answers 504 for requests whose upstream stayed silent longer than the read timeout.
    func checkTimeouts() {
        let limit = NIODeadline.now() - shared.configuration.readTimeout
        for handler in clients.values { handler.checkUpstreamTimeout(silentSince: limit) }
    }

    /// Closes every client and idle upstream connection of this loop and stops accepting new ones.
    func shutDown() {
        isShutDown = true
        sweeper?.cancel()
        sweeper = nil
        timeoutChecker?.cancel()
        timeoutChecker = nil
        for connections in idle.values { for connection in connections { connection.close() } }
        idle = [:]
        for handler in clients.values { handler.close() }
        clients = [:]
    }
}
