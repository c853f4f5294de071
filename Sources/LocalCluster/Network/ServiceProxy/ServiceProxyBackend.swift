/// One endpoint a service proxy forwards to: a ready pod address and the target port.
public struct ServiceProxyBackend: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The endpoint address (a pod's loopback address in the local runtime).
    public var host: String
    /// The port, as the Endpoints object lists it for the Service port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `127.1.0.5:8080`.
    public var description: String { "\(host):\(port)" }

    public static func < (a: Self, b: Self) -> Bool { (a.host, a.port) < (b.host, b.port) }
}
