import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on a loopback address for the ingress proxy tests: answers every request with its own
/// name, reports the forwarding headers it received, echoes request bodies by size, and can stream large
/// responses (`GET /bytes/<n>`) or never answer (`GET /hang`). It counts requests and accepted connections, and can vanish abruptly as a
/// killed process does.
final class IngressTestBackend: Sendable {
    let name: String
    let host: String
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    struct State {
        var listener: (any Channel)?
        var children: [ObjectIdentifier: any Channel] = [:]
        var requests = 0
        var connections = 0
        var lastHeaders: [String: String] = [:]
        var lastURI = ""
        var lastMethod = ""
    }

    init(name: String, host: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.name = name
        self.host = host
        self.group = group
    }

    /// Starts listening on a free port and returns it.
    func start() async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    self.state.withLock { state in
                        state.children[ObjectIdentifier(channel)] = channel
                        state.connections += 1
                    }
                    channel.closeFuture.whenComplete { _ in _ = self.state.withLock { $0.children.removeValue(forKey: ObjectIdentifier(channel)) } }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(backend: self))
                }
            }
            .bind(host: host, port: 0)
            .get()
        state.withLock { $0.listener = channel }
        return channel.localAddress?.port ?? 0
    }

    var requests: Int { state.withLock { $0.requests } }
    var connections: Int { state.withLock { $0.connections } }
    var lastHeaders: [String: String] { state.withLock { $0.lastHeaders } }
    var lastURI: String { state.withLock { $0.lastURI } }
    var lastMethod: String { state.withLock { $0.lastMethod } }

    /// Closes the listener and every connection at once, as when the process is killed.
    func kill() async {
        let (listener, children) = state.withLock { state in
            let result = (state.listener, Array(state.children.values))
            state.listener = nil
            state.children = [:]
            return result
        }
        try? await listener?.close()
        for child in children { try? await child.close() }
    }

    fileprivate func count(_ head: HTTPRequestHead) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        state.withLock { state in
            state.requests += 1
            state.lastHeaders = headers
            state.lastURI = head.uri
            state.lastMethod = head.method.rawValue
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let backend: IngressTestBackend
        var head: HTTPRequestHead?
        var received = 0

        init(backend: IngressTestBackend) {
            self.backend = backend
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                received = 0
            case .body(let buffer):
                received += buffer.readableBytes
            case .end:
                guard let head else { return }
                backend.count(head)
                respond(context: context, head: head)
            }
        }

        func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
            var headers = HTTPHeaders()
            headers.add(name: "x-backend", value: backend.name)
            headers.add(name: "x-received-bytes", value: String(received))
            if head.uri == "/hang" { return }  // never answers: a stuck upstream
            if head.uri.hasPrefix("/bytes/"), let size = Int(head.uri.dropFirst(7)) {
                // A large body in many writes, chunked, to exercise streaming and back-pressure.
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
                var remaining = size
                while remaining > 0 {
                    let chunk = min(remaining, 16384)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "x"), count: chunk)))), promise: nil)
                    remaining -= chunk
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let body = ByteBuffer(string: backend.name)
            headers.add(name: "content-length", value: String(body.readableBytes))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
