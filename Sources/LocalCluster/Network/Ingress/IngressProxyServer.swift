import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The ingress proxy: one HTTP/1.1 listener that routes by an `IngressRoutingTable` and forwards to the
/// endpoints of the chosen Service over pooled keep-alive connections, built on SwiftNIO directly for speed.
///
/// `update(_:)` swaps the table atomically: every request that starts after it returns is routed by the new
/// table, and idle upstream connections to endpoints that left it are closed. Each event loop balances
/// round-robin and pools upstream connections on its own (as nginx workers do). Not supported: TLS,
/// HTTP/2, WebSocket/`Upgrade`, request and read timeouts other than the connect timeout.
public final class IngressProxyServer: Service, Sendable {
    /// The listener and upstream settings.
    public let configuration: IngressProxyConfiguration
    /// Where finished requests are recorded.
    public let metrics: IngressMetrics
    let shared: IngressProxyShared
    let group: any EventLoopGroup
    let logger: Logger

    private struct State {
        var channel: (any Channel)?
        var stopped = false
    }

    private let state = Mutex(State())

    /// A proxy with an empty table; nothing listens until `start` or `run`.
    public init(configuration: IngressProxyConfiguration = IngressProxyConfiguration(), metrics: IngressMetrics = IngressMetrics(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "tack.ingress")) {
        self.configuration = configuration
        self.metrics = metrics
        self.group = group
        self.logger = logger
        shared = IngressProxyShared(configuration: configuration, metrics: metrics, logger: logger)
    }

    /// Routes requests that start from now on by `table`.
    public func update(_ table: IngressRoutingTable) {
        shared.publish(table)
    }

    /// The table requests are routed by.
    public var table: IngressRoutingTable { shared.currentTable }

    /// The address the proxy listens on, once started.
    public var localAddress: SocketAddress? { state.withLock { $0.channel?.localAddress } }

    /// Starts listening (once; later calls return the same address).
    @discardableResult
    public func start() async throws -> SocketAddress {
        if let address = localAddress { return address }
        let shared = self.shared
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let loop = shared.context(for: channel.eventLoop)
                        guard !loop.isShutDown else { throw ChannelError.ioOnClosedChannel }
                        // No pipelining assistance (the handler queues pipelined requests without pausing reads) and
                        // no outbound header validation (response headers were validated when decoded upstream).
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: false, withErrorHandling: true, withOutboundHeaderValidation: false)
                        try channel.pipeline.syncOperations.addHandler(IngressProxyHandler(loop: loop))
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw IngressListenError(listener: "ingress proxy", host: configuration.host, port: configuration.port, cause: error)
        }
        let accepted = state.withLock { state -> Bool in
            guard state.channel == nil, !state.stopped else { return false }
            state.channel = channel
            return true
        }
        guard accepted else {
            try? await channel.close()
            if let address = localAddress { return address }
            throw ChannelError.ioOnClosedChannel
        }
        guard let address = channel.localAddress else { throw ChannelError.ioOnClosedChannel }
        logger.info("ingress proxy listening", metadata: ["address": "\(address)"])
        return address
    }

    /// Stops listening and closes every client and idle upstream connection.
    public func stop() async {
        let channel = state.withLock { state -> (any Channel)? in
            state.stopped = true
            defer { state.channel = nil }
            return state.channel
        }
        try? await channel?.close()
        await shared.shutDownContexts()
    }

    /// Listens until graceful shutdown or cancellation, then stops.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }
}
