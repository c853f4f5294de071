/// Settings of the service proxy and its controller.
public struct ServiceProxyConfiguration: Sendable {
    /// Where NodePort listeners bind; nil opens none. Default `127.0.0.1`: reachable from this machine
    /// as `localhost:<nodePort>`, not from the network, and clear of the pods' own 127/8 addresses.
    /// `0.0.0.0` behaves as kube-proxy's default (every address of the node).
    public var nodePortAddress: String? = "127.0.0.1"
    /// How long connecting to one backend may take before the next one is tried.
    public var connectTimeout: Duration = .seconds(3)
    /// Whether connections to a backend that leaves the endpoints are closed (default) or left to
    /// finish (kube-proxy's behaviour for TCP, whose conntrack cleanup only flushes UDP).
    ///
    /// An L4 proxy pins a keep-alive connection to one backend, so without this a client that keeps
    /// its connection open (a browser on the demo page, a load generator during a canary analysis)
    /// would keep talking to a pod that left the Service after a selector switch, for as long as the
    /// connection lives. Closing is done gently: see ``drainQuietPeriod``.
    public var closeConnectionsToRemovedBackends = true
    /// A connection to a removed backend is closed once the backend has answered last and nothing has
    /// moved for this long (so a request in flight gets its response, and a response is not cut
    /// between two chunks), and at the latest after ``drainTimeout``.
    public var drainQuietPeriod: Duration = .milliseconds(25)
    /// The longest a connection to a removed backend is left open (the default pod termination grace period).
    public var drainTimeout: Duration = .seconds(30)
    /// How soon the controller retries listeners that could not be opened (address in use, privileged port).
    public var retryInterval: Duration = .seconds(10)

    public init() {}
}
