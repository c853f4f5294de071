import NIOCore
import NIOPosix
import Synchronization

/// Sends raw bytes to a server and returns everything it answers until it closes the connection: for the
/// HTTP details an HTTP client library hides (versions, HEAD, pipelining, interim responses).
enum IngressRawClient {
    static func exchange(port: Int, _ request: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        let collector = Collector(promise: channel.eventLoop.makePromise(of: String.self))
        let result = collector.promise.futureResult
        try await channel.pipeline.addHandler(collector).get()
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return try await result.get()
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<String>
        private let received = Mutex("")

        init(promise: EventLoopPromise<String>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0 += String(buffer: buffer) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.succeed(received.withLock { $0 })
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
