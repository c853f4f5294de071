import Logging
import NIOCore
import NIOPosix

/// The first handler of every accepted connection: picks a backend (round-robin, skipping those that
/// refuse), connects to it on the same event loop, joins the two with ``ServiceProxyGlueHandler``s,
/// and closes the connection gently when its backend leaves the endpoints (``ServiceProxyDrainEvent``).
///
/// The accepted channel starts with auto-read off, so no client bytes are read before a backend is
/// connected; if no backend accepts, the client connection is closed without a byte.
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

    init(listener: ServiceProxyListener, configuration: ServiceProxyConfiguration, logger: Logger) {
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        connect(context: context, candidates: listener.candidates()[...])
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connectionID { listener.unregister(connectionID) }
        connectionID = nil
        backendChannel?.close(promise: nil)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
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
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connect(host: backend.host, port: backend.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    self.connected(context: context, to: channel, backend: backend)
                case .failure(let error):
                    self.logger.debug("backend refused; trying the next", metadata: [
                        "listener": "\(self.listener.key)", "backend": "\(backend)", "error": "\(error)",
                    ])
                    self.connect(context: context, candidates: candidates.dropFirst())
                }
            }
    }

    private func connected(context: ChannelHandlerContext, to channel: any Channel, backend: ServiceProxyBackend) {
        guard context.channel.isActive else {
            channel.close(promise: nil)
            return
        }
        backendChannel = channel
        let glue = ServiceProxyGlueHandler.pair(
            onClientRead: { [weak self] in self?.noteActivity(fromBackend: false) },
            onBackendRead: { [weak self] in self?.noteActivity(fromBackend: true) })
        do {
            try channel.pipeline.syncOperations.addHandler(glue.backend)
            try context.pipeline.syncOperations.addHandler(glue.client)
        } catch {
            channel.close(promise: nil)
            context.close(promise: nil)
            return
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
