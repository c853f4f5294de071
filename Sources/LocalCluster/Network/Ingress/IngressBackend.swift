/// An upstream: one Service port of one namespace with its ready endpoints, as ingress-nginx's backends.
/// Several locations that name the same Service port share one backend (and one round-robin position).
public struct IngressBackend: Sendable {
    /// Index of the backend in `IngressRoutingTable.backends`.
    public var id: Int
    /// The namespace of the Service (the Ingress's namespace).
    public var namespace: String
    /// The Service name.
    public var service: String
    /// The service port as the Ingress names it: a number or a port name.
    public var port: String
    /// ingress-nginx's upstream name `<namespace>-<service>-<port>` (the `canary` metric label).
    public var upstreamName: String
    /// Ready endpoints in Endpoints order, without duplicates. Empty means requests get 503.
    public var endpoints: [IngressEndpoint]
    /// Why there are no endpoints, for logs (`service default/web not found`, ...); nil when there are some.
    public var problem: String?

    /// A backend; `upstreamName` derives from namespace, service and port.
    public init(id: Int, namespace: String, service: String, port: String, endpoints: [IngressEndpoint], problem: String? = nil) {
        self.id = id
        self.namespace = namespace
        self.service = service
        self.port = port
        self.upstreamName = "\(namespace)-\(service)-\(port)"
        self.endpoints = endpoints
        self.problem = problem
    }

    /// The endpoint for a round-robin position (any integer; wraps around).
    @inlinable
    public func endpoint(at position: Int) -> IngressEndpoint? {
        let count = endpoints.count
        guard count > 0 else { return nil }
        let index = position % count
        return endpoints[index < 0 ? index + count : index]
    }
}
