import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection: hands response parts to the client connection that leased
/// it (`delegate`, on the same event loop), and tells the pool when the connection closes.
///
/// The delegate is a strong, concrete reference on purpose: weak references and protocol existentials cost
/// a slow reference-count path and dynamic dispatch on every response part. The cycle it forms while leased
/// is broken whenever the connection is released or closed (`delegate = nil`), and `onClose` runs once.
final class IngressBackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    var delegate: IngressProxyHandler?
    /// Called once when the channel goes inactive (the pool forgets the connection).
    var onClose: (() -> Void)?
    private(set) var context: ChannelHandlerContext?
    private var closed = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Writing (from the client connection)

    func write(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    // MARK: Events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let delegate else {
            // Bytes on an idle connection: nothing can be waiting for them, so the connection is unusable.
            context.close(promise: nil)
            return
        }
        switch part {
        case .head(let head): delegate.backendResponseHead(head)
        case .body(let buffer): delegate.backendResponseBody(buffer)
        case .end(let trailers): delegate.backendResponseEnd(trailers)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.backendReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.backendWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard !closed else { return }
        closed = true
        let delegate = self.delegate
        self.delegate = nil
        onClose?()
        onClose = nil
        delegate?.backendFailed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Decoding errors and resets: the connection cannot be trusted any more. channelInactive reports it.
        context.close(promise: nil)
    }
}
