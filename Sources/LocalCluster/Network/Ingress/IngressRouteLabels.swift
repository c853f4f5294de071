/// What the metrics say a request was routed by: the Ingress (namespace and name), the Service of the
/// matched location and the Ingress path as written. Requests routed to a canary keep the labels of the main
/// Ingress and name the canary upstream separately, as ingress-nginx does (canaries are merged into the main
/// Ingress's locations there).
public struct IngressRouteLabels: Hashable, Sendable {
    /// `namespace` label: the Ingress's namespace.
    public var namespace: String
    /// `ingress` label: the Ingress name.
    public var ingress: String
    /// `service` label: the Service of the location.
    public var service: String
    /// `path` label: the Ingress path as written.
    public var path: String

    /// Labels from their parts.
    public init(namespace: String, ingress: String, service: String, path: String) {
        self.namespace = namespace
        self.ingress = ingress
        self.service = service
        self.path = path
    }

    /// The labels of requests no Ingress answered (the built-in 404 default backend).
    public static let unmatched = IngressRouteLabels(namespace: "", ingress: "", service: "", path: "/")
}
