import NIOCore

/// Settings of the embedded ingress controller (`tack up --ingress-port ...`).
public struct IngressControllerConfiguration: Sendable, Equatable {
    /// The proxy's listener and upstream handling. `proxy.port` is the ingress port (default 8080) and
    /// `proxy.host` the bind address (default 127.0.0.1: only this machine can reach the local runtime;
    /// use 0.0.0.0 to serve other machines too).
    public var proxy = IngressProxyConfiguration()
    /// The port of `/metrics` and `/healthz` (ingress-nginx's 10254); 0 picks a free port. Binds to the same
    /// address as the proxy.
    public var metricsPort = 10254
    /// Which Ingresses are served and the annotation prefix.
    public var routing = IngressRoutingOptions()
    /// Constant labels of the metrics.
    public var metrics = IngressMetricsConfiguration()
    /// Whether served Ingresses get `status.loadBalancer.ingress` (ingress-nginx's `--update-status`), which
    /// `kubectl get ingress` shows as ADDRESS and Argo CD's health check waits for.
    public var updateStatus = true
    /// The address written to Ingress status; nil means the bind address, or 127.0.0.1 when binding to all
    /// addresses.
    public var statusAddress: String?

    /// Defaults: ingress port 8080, metrics port 10254, bound to 127.0.0.1.
    public init(ingressPort: Int = 8080, metricsPort: Int = 10254, bindAddress: String = "127.0.0.1") {
        proxy = IngressProxyConfiguration(host: bindAddress, port: ingressPort)
        self.metricsPort = metricsPort
    }

    /// The ingress port.
    public var ingressPort: Int {
        get { proxy.port }
        set { proxy.port = newValue }
    }

    /// The address both listeners bind to.
    public var bindAddress: String {
        get { proxy.host }
        set { proxy.host = newValue }
    }

    /// The IP the controller writes to Ingress status.
    public var effectiveStatusAddress: String {
        if let statusAddress { return statusAddress }
        return bindAddress == "0.0.0.0" || bindAddress == "::" ? "127.0.0.1" : bindAddress
    }
}
