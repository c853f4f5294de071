import Logging
import NIOCore
import NIOPosix

/// The I/O part of the service proxy: an L4 TCP proxy that keeps one listening socket per
/// ``ServiceProxyListenerKey`` in line with the rules it is given, in the manner of kube-proxy's
/// userspace mode.
///
/// - A listener is open while its rule has at least one ready backend. A Service without ready
///   endpoints has no listener, so clients get "connection refused", as kube-proxy's REJECT rule gives.
/// - Each new connection goes to the next backend round-robin; a backend that refuses (or does not
///   answer within ``ServiceProxyConfiguration/connectTimeout``) is skipped and the next one tried.
/// - A backend that leaves the rule gets no new connection from that moment. Its open connections
///   are closed as soon as they are quiet (see ``ServiceProxyConfiguration/closeConnectionsToRemovedBackends``);
///   the same happens to the connections of a listener that closes because its Service went away.
///
/// Cluster IPs are loopback addresses (127.96.0.0/16 by default): on Linux every 127/8 address is
/// local, so binding `127.96.0.12:80` needs no setup (on macOS only 127.0.0.1 is, and other addresses
/// need `ifconfig lo0 alias`). Ports below 1024 need root or `net.ipv4.ip_unprivileged_port_start`;
/// listeners that cannot be opened are reported by ``apply(_:)`` and retried on the next call.
public actor ServiceProxy {
    let configuration: ServiceProxyConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    private var listeners: [ServiceProxyListenerKey: (listener: ServiceProxyListener, channel: any Channel)] = [:]
    private var applying = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(configuration: ServiceProxyConfiguration = ServiceProxyConfiguration(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "tack.service-proxy")) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Opens, updates and closes listeners so that exactly the rules with backends are served.
    /// Calls are applied one at a time, in order.
    ///
    /// - Returns: the listeners that could not be opened (one failure per listener key).
    @discardableResult
    public func apply(_ rules: [ServiceProxyRule]) async -> [ServiceProxyListenerFailure] {
        await acquire()
        defer { release() }
        var desired: [ServiceProxyListenerKey: ServiceProxyRule] = [:]
        for rule in rules where !rule.backends.isEmpty {
            if let existing = desired[rule.listener] {
                logger.warning("two Services claim one listener; keeping the first", metadata: [
                    "listener": "\(rule.listener)", "kept": "\(existing.service)", "ignored": "\(rule.service)",
                ])
                continue
            }
            desired[rule.listener] = rule
        }
        for key in listeners.keys.sorted() where desired[key] == nil {
            await close(key)
        }
        var failures: [ServiceProxyListenerFailure] = []
        for key in desired.keys.sorted() {
            guard let rule = desired[key] else { continue }
            if let open = listeners[key] {
                drain(open.listener.update(rule))
                continue
            }
            do {
                try await open(rule)
            } catch {
                failures.append(ServiceProxyListenerFailure(rule: rule, message: Self.describe(error)))
            }
        }
        return failures
    }

    /// The listeners open now.
    public var openListeners: [ServiceProxyListenerKey] { listeners.keys.sorted() }

    /// The rule a listener serves now, if it is open.
    public func rule(for key: ServiceProxyListenerKey) -> ServiceProxyRule? { listeners[key]?.listener.rule }

    /// How many proxied connections a listener has open.
    public func connectionCount(for key: ServiceProxyListenerKey) -> Int { listeners[key]?.listener.connectionCount ?? 0 }

    /// Closes every listener and every proxied connection at once.
    public func shutdown() async {
        await acquire()
        defer { release() }
        for (_, open) in listeners {
            for channel in open.listener.close() { channel.close(promise: nil) }
            try? await open.channel.close()
        }
        listeners = [:]
    }

    private func open(_ rule: ServiceProxyRule) async throws {
        let listener = ServiceProxyListener(rule: rule)
        let configuration = self.configuration
        let logger = self.logger
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ServiceProxyConnectionHandler(listener: listener, configuration: configuration, logger: logger))
                }
            }
            .bind(host: rule.listener.address, port: rule.listener.port)
            .get()
        listeners[rule.listener] = (listener, channel)
        logger.debug("listening", metadata: ["rule": "\(rule)"])
    }

    private func close(_ key: ServiceProxyListenerKey) async {
        guard let open = listeners.removeValue(forKey: key) else { return }
        drain(open.listener.close())
        // Awaited, so that a listener reopened on the same key by the next apply finds the port free.
        try? await open.channel.close()
        logger.debug("closed listener", metadata: ["listener": "\(key)"])
    }

    /// Asks connections whose backend is gone to close when quiet (or leaves them, if so configured).
    private func drain(_ channels: [any Channel]) {
        guard configuration.closeConnectionsToRemovedBackends else { return }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(ServiceProxyDrainEvent()) }
    }

    private func acquire() async {
        if !applying {
            applying = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            applying = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// The OS error text (`Permission denied`, `Address already in use`) without NIO's wrapping.
    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        return "\(error)"
    }
}
