import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small web server equivalent to `argoproj/rollouts-demo:<colour>`, run in each demo pod as
/// `tack __rollouts-demo --color <colour>`: `GET /` serves a page that polls `/color` and draws the
/// answers, `/color` answers the colour (see ``RolloutsDemoResponder`` for the exact wire format and
/// the `ERROR_RATE` and `LATENCY` knobs).
///
/// Built directly on SwiftNIO (one event loop thread, HTTP/1.1 with keep-alive) rather than on
/// Hummingbird: every demo pod is its own process, and this keeps start-up and memory small.
/// On graceful shutdown (SIGTERM) it stops accepting, closes idle keep-alive connections, finishes
/// requests in flight (answering them with `Connection: close`) and returns.
public struct RolloutsDemoServer: Service {
    /// The server's settings.
    public let configuration: RolloutsDemoConfiguration
    let responder: RolloutsDemoResponder
    let eventLoopGroup: any EventLoopGroup
    let onListening: @Sendable (SocketAddress) -> Void

    /// A server; `run()` serves until graceful shutdown or cancellation.
    ///
    /// - Parameters:
    ///   - responder: the request decisions (tests pin its randomness); by default from `configuration`.
    ///   - onListening: called with the bound address once the server accepts connections (useful with port 0).
    public init(configuration: RolloutsDemoConfiguration, responder: RolloutsDemoResponder? = nil,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.configuration = configuration
        self.responder = responder ?? RolloutsDemoResponder(configuration: configuration)
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
    }

    /// Runs a demo server in this process until SIGTERM or SIGINT, then drains and returns: the entry
    /// point of `tack __rollouts-demo`.
    public static func run(color: String?, host: String, port: Int, errorRate: Int, latency: Double) async throws {
        try await run(configuration: RolloutsDemoConfiguration(color: color, host: host, port: port, errorRate: errorRate, latency: latency))
    }

    /// Runs a demo server with `configuration` until SIGTERM or SIGINT (see ``run(color:host:port:errorRate:latency:)``).
    public static func run(configuration: RolloutsDemoConfiguration, logger: Logger = Logger(label: "rollouts-demo")) async throws {
        // One event loop thread is plenty for a demo pod and keeps the process small.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = RolloutsDemoServer(configuration: configuration, eventLoopGroup: group)
        var groupConfiguration = ServiceGroupConfiguration(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30 + configuration.terminationDelay)
        let services = ServiceGroup(configuration: groupConfiguration)
        do {
            try await services.run()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
        RolloutsDemoLog.write("Server stopped")
    }

    public func run() async throws {
        let server = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let connections = RolloutsDemoConnections(server: server.channel)
        if let address = server.channel.localAddress {
            if configuration.logRequests { RolloutsDemoLog.write("Started server on \(address.ipAddress ?? configuration.host):\(address.port ?? 0)") }
            onListening(address)
        }
        let delay = configuration.terminationDelay
        let logRequests = configuration.logRequests
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Graceful shutdown, or cancellation of the server: either way stop accepting and drain.
                let graceful = (try? await gracefulShutdown()) != nil
                if graceful, logRequests { RolloutsDemoLog.write("Signal caught. Shutting down in \(delay)s") }
                if graceful, delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
                connections.drain()
            }
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { connectionTasks in
                    for try await connection in inbound {
                        connectionTasks.addTask { await self.serve(connection, connections: connections) }
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Serves the requests of one connection in order until it closes, is not kept alive, or the
    /// server drains.
    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, connections: RolloutsDemoConnections) async {
        guard let id = connections.opened(connection.channel) else {
            try? await connection.channel.close()
            return
        }
        defer { connections.closed(id) }
        let logRequests = configuration.logRequests
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                        body = []
                        connections.setBusy(id, true)
                    case .body(let buffer):
                        if body.count < 1 << 20 { body.append(contentsOf: buffer.readableBytesView) }
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        let response = responder.respond(method: head.method.rawValue, path: head.uri, body: body)
                        if response.delay > 0 { try await Task.sleep(for: .seconds(response.delay)) }
                        let keepAlive = head.isKeepAlive && !connections.isDraining
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        if response.contentType.hasPrefix("text/plain") { headers.add(name: "X-Content-Type-Options", value: "nosniff") }
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
                        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: response.status),
                                                            headers: headers)
                        var parts: [HTTPServerResponsePart] = [.head(responseHead)]
                        if head.method != .HEAD { parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
                        parts.append(.end(nil))
                        try await outbound.write(contentsOf: parts)
                        if logRequests, let line = response.logLine { RolloutsDemoLog.write(line) }
                        connections.setBusy(id, false)
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            // The client went away or the server is stopping: nothing to answer.
        }
    }
}
