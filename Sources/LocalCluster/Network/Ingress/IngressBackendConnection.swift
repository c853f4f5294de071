import NIOCore

/// One upstream connection, owned by the event loop it runs on: idle in the pool or leased to exactly one
/// client connection for one request at a time.
final class IngressBackendConnection {
    let channel: any Channel
    let handler: IngressBackendHandler
    let endpoint: IngressEndpoint
    /// When it was last returned to the pool.
    var idleSince: NIODeadline = .now()
    var isClosed = false
    private var autoRead = true

    init(channel: any Channel, handler: IngressBackendHandler, endpoint: IngressEndpoint) {
        self.channel = channel
        self.handler = handler
        self.endpoint = endpoint
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        handler.delegate = nil
        channel.close(promise: nil)
    }

    /// Turns reading of responses on or off (back-pressure from a slow client).
    func setAutoRead(_ on: Bool) {
        guard on != autoRead else { return }
        autoRead = on
        try? channel.syncOptions?.setOption(.autoRead, value: on)
    }
}
