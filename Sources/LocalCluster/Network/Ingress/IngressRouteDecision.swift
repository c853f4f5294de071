/// Where one request goes: to a backend, or a response the proxy writes itself (404: nothing matched;
/// 503: the matched Service has no ready endpoints), with the labels its metrics carry.
public struct IngressRouteDecision: Sendable, Equatable {
    /// What the proxy does with the request.
    public enum Action: Sendable, Equatable {
        /// Proxy to the backend with this id (`IngressRoutingTable.backends`).
        case proxy(backend: Int)
        /// Answer with this status and no upstream.
        case respond(status: Int)
    }

    /// Proxy or answer.
    public var action: Action
    /// The metric labels of the request.
    public var labels: IngressRouteLabels
    /// The canary upstream name (`namespace-service-port`) when the request goes to a canary, else empty:
    /// the `canary` label of ingress-nginx's metrics.
    public var canary: String

    /// A decision.
    public init(action: Action, labels: IngressRouteLabels, canary: String = "") {
        self.action = action
        self.labels = labels
        self.canary = canary
    }

    /// Routes a request as ingress-nginx would: server by host, location by path (or the server's default
    /// backend), then the canary rules of the location. A main backend without endpoints answers 503 even
    /// when a canary exists (balancer.lua finds no balancer for it); a canary without endpoints is skipped.
    ///
    /// - Parameters:
    ///   - host: the request's host without port, any case (empty when the request named none).
    ///   - path: the request path without query string.
    ///   - header: a request header by name (case-insensitive), for `canary-by-header`.
    ///   - cookie: a request cookie by name, for `canary-by-cookie`.
    ///   - random: draws the canary weight.
    public static func decide<R: RandomNumberGenerator>(
        table: IngressRoutingTable, host: Substring, path: Substring,
        header: (String) -> String?, cookie: (String) -> String?, random: inout R
    ) -> IngressRouteDecision {
        let server = table.server(forHost: host)
        guard let location = server.location(for: path) else {
            return IngressRouteDecision(action: .respond(status: 404), labels: .unmatched)
        }
        guard table.backends[location.backend].endpoints.isEmpty == false else {
            return IngressRouteDecision(action: .respond(status: 503), labels: location.labels)
        }
        if let canary = location.canary, !table.backends[canary.backend].endpoints.isEmpty,
           canary.policy.routesToCanary(header: header, cookie: cookie, random: &random) {
            return IngressRouteDecision(action: .proxy(backend: canary.backend), labels: location.labels,
                                        canary: table.backends[canary.backend].upstreamName)
        }
        return IngressRouteDecision(action: .proxy(backend: location.backend), labels: location.labels)
    }
}
