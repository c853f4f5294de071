/// One path of one host: where its requests go, and the canary merged into it if any.
public struct IngressLocation: Sendable {
    /// The path as written in the Ingress (also the `path` metric label).
    public var path: String
    /// How the path matches.
    public var pathType: IngressPathType
    /// The path compared with requests: as written for `Exact`; without a trailing slash for prefixes
    /// (`/` stays `/`).
    public var matchPath: String
    /// Index of the main backend in `IngressRoutingTable.backends`.
    public var backend: Int
    /// The canary merged into this location, if any.
    public var canary: IngressCanaryRoute?
    /// The metric labels of requests this location answers.
    public var labels: IngressRouteLabels

    /// A location; `matchPath` derives from `path` and `pathType`.
    public init(path: String, pathType: IngressPathType, backend: Int, canary: IngressCanaryRoute? = nil, labels: IngressRouteLabels) {
        self.path = path
        self.pathType = pathType
        self.backend = backend
        self.canary = canary
        self.labels = labels
        if pathType == .exact {
            matchPath = path
        } else {
            var normalized = Substring(path)
            while normalized.count > 1, normalized.last == "/" { normalized.removeLast() }
            matchPath = normalized.isEmpty ? "/" : String(normalized)
        }
    }

    /// Whether a request path (without query) matches: exactly for `Exact`, element-wise otherwise.
    @inlinable
    public func matches(_ requestPath: Substring) -> Bool {
        if pathType == .exact { return requestPath == matchPath }
        if matchPath == "/" { return true }
        guard requestPath.hasPrefix(matchPath) else { return false }
        let rest = requestPath.utf8.dropFirst(matchPath.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }
}
