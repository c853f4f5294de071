/// Where a service proxy listens: an address, a port and a transport protocol. One listener (socket)
/// per key; rules with the same key share it.
public struct ServiceProxyListenerKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address to bind: a Service's cluster IP (a 127/8 address) or the NodePort bind address.
    public var address: String
    /// The port to bind.
    public var port: Int
    /// The transport protocol; only `TCP` is proxied (see ``ServiceProxyRules``).
    public var transport: String

    public init(address: String, port: Int, transport: String = "TCP") {
        self.address = address
        self.port = port
        self.transport = transport
    }

    /// `127.96.0.12:80/TCP`.
    public var description: String { "\(address):\(port)/\(transport)" }

    public static func < (a: Self, b: Self) -> Bool {
        (a.address, a.port, a.transport) < (b.address, b.port, b.transport)
    }
}
