/// What the service proxy does for one port of one Service on one address: listen there and balance
/// new connections round-robin over ``backends``.
public struct ServiceProxyRule: Sendable, Hashable, CustomStringConvertible {
    /// Which listener a rule is for.
    public enum Kind: String, Sendable, Hashable {
        /// The Service's cluster IP and port.
        case clusterIP = "ClusterIP"
        /// The host address (``ServiceProxyConfiguration/nodePortAddress``) and the port's `nodePort`.
        case nodePort = "NodePort"
    }

    /// The Service, as `namespace/name`.
    public var service: String
    /// The Service port's name (`""` for a single unnamed port).
    public var portName: String
    /// Cluster IP or NodePort listener.
    public var kind: Kind
    /// Where to listen.
    public var listener: ServiceProxyListenerKey
    /// Ready endpoints with their target ports, sorted. Empty: no listener (clients are refused, as
    /// kube-proxy rejects connections to a Service without endpoints).
    public var backends: [ServiceProxyBackend]

    public init(service: String, portName: String, kind: Kind, listener: ServiceProxyListenerKey, backends: [ServiceProxyBackend]) {
        self.service = service
        self.portName = portName
        self.kind = kind
        self.listener = listener
        self.backends = backends
    }

    /// `default/web:http ClusterIP 127.96.0.12:80/TCP -> [127.1.0.5:8080, 127.1.0.6:8080]`.
    public var description: String {
        "\(service):\(portName) \(kind.rawValue) \(listener) -> [\(backends.map(\.description).joined(separator: ", "))]"
    }
}
