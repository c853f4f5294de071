import NIOCore
import NIOPosix

/// A test client: connects, sends, and reads the answers of a TCP server.
enum TCPProbe {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(_ host: String, _ port: Int) async throws -> Connection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { 
                    try Connection(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                 }
            }
    }

    /// One connection, one message, the first answer.
    static func exchange(_ host: String, _ port: Int, _ message: String = "hello") async throws -> String {
        let connection = try await connect(host, port)
        return try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: message))
            var iterator = inbound.makeAsyncIterator()
            guard let answer = try await iterator.next() else { return "<closed>" }
            return String(buffer: answer)
        }
    }
}
