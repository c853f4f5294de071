import Logging
import NIOCore
import NIOPosix

/// The first handler of every accepted connection: picks a backend (round-robin, skipping those that
/// refuse), connects to it on the same event loop, joins the two with ``ServiceProxyGlueHandler``s,
/// and closes the connection gently when its backend leaves the endpoints (``ServiceProxyDrainEvent``).
///
/// The accepted channel starts with auto-read off, so that client bytes wait in the socket until a
/// backend is connected. NIO still reads everything at once when the client has already half-closed
/// (it drains the socket on EOF whatever auto-read says), so such early bytes and the EOF are held
/// here and replayed once the glue is in place. If no backend accepts, the client connection is closed.
final class ServiceProxyConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let listener: ServiceProxyListener
    let configuration: ServiceProxyConfiguration
    let logger: Logger

    private var backendChannel: (any Channel)?
    private var connectionID: Int?
    // Activity, for draining: when data last moved and whether the backend spoke last.
    private var lastActivity = NIODeadline.now()
    private var backendSpokeLast = true
    private var drainDeadline: NIODeadline?
    // Bytes and EOF that arrived before a backend was connected.
    private var early: [NIOAny] = []
    private var earlyInputClosed = false

    init(listener: ServiceProxyListener, configuration: ServiceProxyConfiguration, logger: Logger) {
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        connect(context: context, candidates: listener.candidates()[...])
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if backendChannel == nil { early.append(data) } else { context.fireChannelRead(data) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connectionID { listener.unregister(connectionID) }
        connectionID = nil
        backendChannel?.close(promise: nil)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if backendChannel == nil, let event = event as? ChannelEvent, case .inputClosed = event {
            earlyInputClosed = true
            return
        }
        guard event is ServiceProxyDrainEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if drainDeadline == nil {
            drainDeadline = .now() + TimeAmount(configuration.drainTimeout)
            checkDrain(context: context)
        }
    }

    /// Tries `candidates` in order until one accepts.
    private func connect(context: ChannelHandlerContext, candidates: ArraySlice<ServiceProxyBackend>) {
        guard context.channel.isActive else { return }
        guard let backend = candidates.first else {
            logger.debug("no backend accepted the connection", metadata: ["listener": "\(listener.key)"])
            context.close(promise: nil)
            return
        }
        // The backend half of the glue goes in before the connection is made, so that nothing the
        // backend sends first (a greeting, or a greeting and EOF) can pass an empty pipeline.
        let glue = ServiceProxyGlueHandler.pair(
            onClientRead: { [weak self] in self?.noteActivity(fromBackend: false) },
            onBackendRead: { [weak self] in self?.noteActivity(fromBackend: true) })
        let backendHalf = NIOLoopBound(glue.backend, eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(backendHalf.value) }
            }
            .connect(host: backend.host, port: backend.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    self.connected(context: context, to: channel, backend: backend, clientHalf: glue.client)
                case .failure(let error):
                    self.logger.debug("backend refused; trying the next", metadata: [
                        "listener": "\(self.listener.key)", "backend": "\(backend)", "error": "\(error)",
                    ])
                    self.connect(context: context, candidates: candidates.dropFirst())
                }
            }
    }

    private func connected(context: ChannelHandlerContext, to channel: any Channel, backend: ServiceProxyBackend,
                           clientHalf: ServiceProxyGlueHandler) {
        guard context.channel.isActive else {
            channel.close(promise: nil)
            return
        }
        backendChannel = channel
        do {
            try context.pipeline.syncOperations.addHandler(clientHalf)
        } catch {
            channel.close(promise: nil)
            context.close(promise: nil)
            return
        }
        if !early.isEmpty || earlyInputClosed {
            for data in early { context.fireChannelRead(data) }
            early = []
            context.fireChannelReadComplete()
            if earlyInputClosed { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        }
        let (id, current) = listener.register(context.channel, backend: backend)
        connectionID = id
        lastActivity = .now()
        // Reads were held until now; from here the glue handlers regulate them.
        _ = try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        context.read()
        if !current { userInboundEventTriggered(context: context, event: ServiceProxyDrainEvent()) }
    }

    private func noteActivity(fromBackend: Bool) {
        lastActivity = .now()
        backendSpokeLast = fromBackend
    }

    /// Closes the connection once the backend spoke last and all has been quiet for the quiet period,
    /// or when the drain deadline passes; otherwise looks again soon.
    private func checkDrain(context: ChannelHandlerContext) {
        guard context.channel.isActive, let deadline = drainDeadline else { return }
        let now = NIODeadline.now()
        let quiet = TimeAmount(configuration.drainQuietPeriod)
        if now >= deadline || (backendSpokeLast && now >= lastActivity + quiet) {
            context.close(promise: nil)
            return
        }
        let next = backendSpokeLast ? lastActivity + quiet : now + quiet
        _ = context.eventLoop.assumeIsolated().scheduleTask(deadline: min(next, deadline)) {
            self.checkDrain(context: context)
        }
    }
}
