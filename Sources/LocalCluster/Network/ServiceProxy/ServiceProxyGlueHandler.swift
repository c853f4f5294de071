import NIOCore

/// One half of a pair that joins two channels on the same event loop: what one reads, the other
/// writes. Reads are held back while the partner cannot write (backpressure), half-closes are passed
/// on (a client's FIN becomes a FIN to the backend), and either side closing closes the other.
final class ServiceProxyGlueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: ServiceProxyGlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    /// Called on every read of this side (activity tracking for draining).
    private let onRead: () -> Void

    private init(onRead: @escaping () -> Void) {
        self.onRead = onRead
    }

    /// A joined pair; each half goes into one of the two pipelines.
    static func pair(onClientRead: @escaping () -> Void, onBackendRead: @escaping () -> Void)
        -> (client: ServiceProxyGlueHandler, backend: ServiceProxyGlueHandler) {
        let client = ServiceProxyGlueHandler(onRead: onClientRead)
        let backend = ServiceProxyGlueHandler(onRead: onBackendRead)
        client.partner = backend
        backend.partner = client
        return (client, backend)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // The partner may have held a read back while this half was not in place yet.
        if let partner, partner.pendingRead, context.channel.isWritable {
            partner.pendingRead = false
            partner.context?.read()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onRead()
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.context?.close(promise: nil)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            // Half-close: pass the FIN on once everything read so far is written.
            partner?.context?.close(mode: .output, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        partner?.context?.close(promise: nil)
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let partner, partner.pendingRead {
            partner.pendingRead = false
            partner.context?.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if let partner = partner?.context, partner.channel.isWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
