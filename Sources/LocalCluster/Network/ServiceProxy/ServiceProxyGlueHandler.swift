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
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onRead()
        print("DBG read on \(context.channel.localAddress!) partner=\(partner?.context != nil)")
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        print("DBG readComplete on \(context.channel.localAddress!)")
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        print("DBG inactive on \(context.channel.localAddress!)")
        partner?.context?.close(promise: nil)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        print("DBG event \(event) on \(context.channel.localAddress!)")
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
        print("DBG read() on \(context.channel.localAddress!) partnerWritable=\(partner?.context?.channel.isWritable as Any)")
        if let partner = partner?.context, partner.channel.isWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
