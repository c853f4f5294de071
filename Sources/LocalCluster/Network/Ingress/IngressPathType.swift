/// How an Ingress path matches request paths (`spec.rules[].http.paths[].pathType`).
///
/// `Exact` matches the path exactly (case-sensitive). `Prefix` matches element-wise on `/`-separated
/// segments, ignoring a trailing slash: `/foo` matches `/foo`, `/foo/` and `/foo/bar` but not `/foobar`.
/// `ImplementationSpecific` is treated as `Prefix` here (ingress-nginx treats it as a plain nginx prefix
/// location; element-wise is the stricter, documented Kubernetes reading).
public enum IngressPathType: String, Sendable, Hashable {
    case exact = "Exact"
    case prefix = "Prefix"
    case implementationSpecific = "ImplementationSpecific"

    /// The path type written in an Ingress path, `Prefix` for unknown values (the API server rejects them).
    public init(field: String?) {
        self = field.flatMap(IngressPathType.init(rawValue:)) ?? .prefix
    }
}
