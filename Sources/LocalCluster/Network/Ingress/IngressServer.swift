/// The locations of one host (an nginx `server` block of ingress-nginx), or of the catch-all server `_`
/// that answers requests for hosts no rule names.
public struct IngressServer: Sendable {
    /// The host as written (lowercased): `example.com`, `*.example.com`, or `_` for the catch-all.
    public var hostname: String
    /// In the order they were configured (oldest Ingress first); matching picks the best, not the first.
    public var locations: [IngressLocation]
    /// Where requests go that match no location: the `spec.defaultBackend` of the Ingress that created this
    /// server (for `_`: of the oldest Ingress with a default backend and no rules), nil for a plain 404.
    public var fallback: IngressLocation?

    /// A server.
    public init(hostname: String, locations: [IngressLocation] = [], fallback: IngressLocation? = nil) {
        self.hostname = hostname
        self.locations = locations
        self.fallback = fallback
    }

    /// The location for a request path, as nginx picks among ingress-nginx's locations: an `Exact` path
    /// equal to the request path first, else the longest matching prefix, else the fallback.
    public func location(for requestPath: Substring) -> IngressLocation? {
        var best: IngressLocation?
        var bestLength = -1
        for location in locations where location.matches(requestPath) {
            if location.pathType == .exact { return location }
            let length = location.matchPath.utf8.count
            if length > bestLength {
                best = location
                bestLength = length
            }
        }
        return best ?? fallback
    }
}
