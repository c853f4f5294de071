import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Serves `GET /metrics` (Prometheus text format 0.0.4) and `GET /healthz` on their own port, as
/// ingress-nginx does on 10254.
public final class IngressMetricsServer: Service, Sendable {
    /// The metrics it renders.
    public let metrics: IngressMetrics
    /// The bind address.
    public let host: String
    /// The configured port (0: any free port; see `localAddress`).
    public let port: Int
    let group: any EventLoopGroup
    let logger: Logger
    private let channel = Mutex<(any Channel)?>(nil)
    private let stopped = Mutex(false)

    /// A server for `metrics`; nothing listens until `start` or `run`.
    public init(metrics: IngressMetrics, host: String = "127.0.0.1", port: Int = 10254,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "tack.ingress.metrics")) {
        self.metrics = metrics
        self.host = host
        self.port = port
        self.group = group
        self.logger = logger
    }

    /// The address the server listens on, once started.
    public var localAddress: SocketAddress? { channel.withLock { $0?.localAddress } }

    /// Starts listening (once; later calls return the same address).
    @discardableResult
    public func start() async throws -> SocketAddress {
        if let address = localAddress { return address }
        let metrics = self.metrics
        let bound: any Channel
        do {
            bound = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(Handler(metrics: metrics))
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            throw IngressListenError(listener: "ingress metrics", host: host, port: port, cause: error)
        }
        let accepted = channel.withLock { current -> Bool in
            guard current == nil, !stopped.withLock({ $0 }) else { return false }
            current = bound
            return true
        }
        guard accepted, let address = bound.localAddress else {
            try? await bound.close()
            throw ChannelError.ioOnClosedChannel
        }
        logger.info("ingress metrics listening", metadata: ["address": "\(address)"])
        return address
    }

    /// Stops listening.
    public func stop() async {
        stopped.withLock { $0 = true }
        let current = channel.withLock { current -> (any Channel)? in
            defer { current = nil }
            return current
        }
        try? await current?.close()
    }

    /// Listens until graceful shutdown or cancellation, then stops.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }

    /// Answers one request at a time on one connection.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let metrics: IngressMetrics
        private var head: HTTPRequestHead?

        init(metrics: IngressMetrics) {
            self.metrics = metrics
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
            case .body:
                break
            case .end:
                guard let head else { return }
                self.head = nil
                respond(context: context, to: head)
            }
        }

        private func respond(context: ChannelHandlerContext, to head: HTTPRequestHead) {
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            let status: HTTPResponseStatus
            let body: String
            var contentType = "text/plain; charset=utf-8"
            switch (head.method, path) {
            case (.GET, "/metrics"), (.HEAD, "/metrics"):
                status = .ok
                body = metrics.render()
                contentType = "text/plain; version=0.0.4; charset=utf-8"
            case (.GET, "/healthz"), (.HEAD, "/healthz"):
                status = .ok
                body = "ok"
            default:
                status = .notFound
                body = "404 page not found\n"
            }
            let buffer = context.channel.allocator.buffer(string: body)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: contentType)
            headers.add(name: "content-length", value: String(buffer.readableBytes))
            if !head.isKeepAlive { headers.add(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
            if head.isKeepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                let promise = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
                promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }
}
