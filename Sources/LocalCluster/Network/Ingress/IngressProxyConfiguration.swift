import NIOCore

/// Settings of the ingress proxy's listener and upstream handling. Defaults follow ingress-nginx where it has
/// a matching setting (in parentheses).
public struct IngressProxyConfiguration: Sendable, Equatable {
    /// The address to listen on. Loopback by default: the local runtime is for the machine it runs on; set
    /// `0.0.0.0` to accept requests from other machines.
    public var host = "127.0.0.1"
    /// The port to listen on (`tack up --ingress-port`); 0 picks a free port (tests).
    public var port = 8080
    /// Time to establish an upstream connection (`proxy-connect-timeout`, 5s).
    public var connectTimeout: TimeAmount = .seconds(5)
    /// Attempts per request, first try included (`proxy-next-upstream-tries`, 3). A retry goes to an endpoint
    /// that has not failed this request when there is one, after a connection failure, or after the upstream
    /// closed the connection before any response byte if the method is idempotent and the body was kept for
    /// replay (`proxy-next-upstream error`, `non_idempotent` off).
    public var maxAttempts = 3
    /// How long an upstream may stay silent (no connection, no response bytes) before the request gets 504,
    /// or the connection is closed when the response had started (`proxy-read-timeout`, 60s). Checked once
    /// a second.
    public var readTimeout: TimeAmount = .seconds(60)
    /// Request bodies up to this size are kept until the response starts so that a retry can replay them.
    public var replayBufferLimit = 64 * 1024
    /// Idle kept-alive upstream connections kept per endpoint and event loop (`upstream-keepalive-connections`).
    public var maxIdleConnectionsPerEndpoint = 320
    /// Idle upstream connections are closed after this long (`upstream-keepalive-timeout`, 60s).
    public var idleConnectionTimeout: TimeAmount = .seconds(60)
    /// `X-Forwarded-Proto` and friends: the scheme clients used.
    public var scheme = "http"

    /// Defaults, listening on `host:port`.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
