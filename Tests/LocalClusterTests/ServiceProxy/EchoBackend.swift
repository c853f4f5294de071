import LocalCluster
import NIOCore
import NIOPosix
import Synchronization

/// A TCP backend for proxy tests: answers every read with `<name>:<data>`, after `delay` when the
/// data starts with `slow`. Listens on its own loopback address, as a pod would.
final class EchoBackend: Sendable {
    let name: String
    let host: String
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }
    var backend: ServiceProxyBackend { ServiceProxyBackend(host: host, port: port) }

    private init(name: String, host: String, channel: any Channel) {
        self.name = name
        self.host = host
        self.channel = channel
    }

    /// - Parameter greeting: when set, sent as soon as a client connects, and the connection closed
    ///   right after (a server that speaks first, like SMTP or SSH banners).
    static func start(_ name: String, host: String = TestAddress.random(), delay: TimeAmount = .milliseconds(300),
                      greeting: String? = nil) async throws -> EchoBackend {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler(name: name, delay: delay, greeting: greeting))
                }
            }
            .bind(host: host, port: 0)
            .get()
        return EchoBackend(name: name, host: host, channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let name: String
    let delay: TimeAmount
    let greeting: String?

    init(name: String, delay: TimeAmount, greeting: String?) {
        self.name = name
        self.delay = delay
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        if let greeting {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "\(name):\(greeting)")), promise: nil)
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let text = String(buffer: unwrapInboundIn(data))
        let reply = context.channel.allocator.buffer(string: "\(name):\(text)")
        if text.hasPrefix("slow") {
            let channel = context.channel
            context.eventLoop.scheduleTask(in: delay) { channel.writeAndFlush(reply, promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        }
    }
}

/// Random loopback addresses, so that tests running side by side never share an address and port.
enum TestAddress {
    static func random(prefix: String = "127.61") -> String {
        "\(prefix).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
    }

    /// A random address in the service range 127.96.0.0/16.
    static func randomClusterIP() -> String { random(prefix: "127.96") }
}
