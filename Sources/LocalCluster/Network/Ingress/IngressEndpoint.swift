import NIOCore

/// One ready address of a backend: an IP and port from an Endpoints object, resolved to a socket address
/// once when the routing table is built so the proxy never parses addresses per request.
public struct IngressEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The address from the Endpoints object.
    public let ip: String
    /// The resolved target port.
    public let port: Int
    /// `ip` and `port` as a socket address.
    public let address: SocketAddress
    /// `ip:port` (`[ip]:port` for IPv6); also the key of the proxy's connection pools.
    public let description: String

    /// Nil when `ip` is not an IPv4 or IPv6 literal or the port is out of range.
    public init?(ip: String, port: Int) {
        guard (1...65535).contains(port), let address = try? SocketAddress(ipAddress: ip, port: port) else { return nil }
        self.ip = ip
        self.port = port
        self.address = address
        description = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
