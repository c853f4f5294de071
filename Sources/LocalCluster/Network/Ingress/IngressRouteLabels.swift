/// What the metrics say a request was routed by: the Ingress (namespace and name), the Service of the
/// matched location and the Ingress path as written. Requests routed to a canary keep the labels of the main
/// Ingress and name the canary upstream separately, as ingress-nginx does (canaries are merged into the main
/// Ingress's locations there).
public struct IngressRouteLabels: Hashable, Sendable {
    public var namespace: String
    public var ingress: String
    public var service: String
    public var path: String

    public init(namespace: String, ingress: String, service: String, path: String) {
        self.namespace = namespace
        self.ingress = ingress
        self.service = service
        self.path = path
    }

    /// The labels of requests no Ingress answered (the built-in 404 default backend).
    public static let unmatched = IngressRouteLabels(namespace: "", ingress: "", service: "", path: "/")
}
