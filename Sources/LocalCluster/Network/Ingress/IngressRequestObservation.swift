/// What the proxy measured about one finished request: the fields of ingress-nginx's monitor.lua record.
/// Upstream timings are nil when no upstream was contacted (404, 503, client gone before connecting).
public struct IngressRequestObservation: Sendable, Equatable {
    /// Namespace, Ingress, Service and path of the matched location.
    public var labels: IngressRouteLabels
    /// The request host without port (`$host`), `_` when the request named none.
    public var host: String
    /// The canary upstream name when the request went to a canary, else empty.
    public var canary: String
    /// The request method.
    public var method: String
    /// The status sent to the client (499 when the client left first).
    public var status: Int
    /// Seconds from the request head to the last response byte written (`$request_time`).
    public var requestTime: Double
    /// Request line, headers and body in bytes (`$request_length`).
    public var requestLength: Int
    /// Response status line, headers and body written to the client in bytes (`$bytes_sent`).
    public var bytesSent: Int
    /// Seconds to connect to the upstream, 0 for a kept-alive connection (`$upstream_connect_time`).
    public var upstreamConnectTime: Double?
    /// Seconds from the upstream attempt to the upstream's response head (`$upstream_header_time`).
    public var upstreamHeaderTime: Double?
    /// Seconds from the upstream attempt to the upstream's last response byte (`$upstream_response_time`).
    public var upstreamResponseTime: Double?

    /// An observation.
    public init(labels: IngressRouteLabels, host: String, canary: String, method: String, status: Int, requestTime: Double,
                requestLength: Int, bytesSent: Int, upstreamConnectTime: Double? = nil, upstreamHeaderTime: Double? = nil,
                upstreamResponseTime: Double? = nil) {
        self.labels = labels
        self.host = host
        self.canary = canary
        self.method = method
        self.status = status
        self.requestTime = requestTime
        self.requestLength = requestLength
        self.bytesSent = bytesSent
        self.upstreamConnectTime = upstreamConnectTime
        self.upstreamHeaderTime = upstreamHeaderTime
        self.upstreamResponseTime = upstreamResponseTime
    }
}
