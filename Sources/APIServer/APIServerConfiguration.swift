/// APIServer: the Kubernetes REST API of the embedded control plane, over ObjectStore.
///
/// It serves discovery, a minimal OpenAPI v3, CRUD, the four patch types and server-side apply, watch,
/// Table output, subresources and CustomResourceDefinitions, and runs the control-plane loops that a
/// kube-apiserver's companions would (garbage collection, namespace termination, CRD cleanup). It is used
/// only in embedded mode; controllers never import it (they talk to it over HTTP through KubeClient).

/// Settings of the embedded API server. Defaults match `tack up`.
public struct APIServerConfiguration: Sendable {
    /// The minor version `/version` reports; kubectl's dispatcher picks its binary from it.
    public var minorVersion = "32"
    public var gitCommit = "tack"
    /// Service cluster IPs come from this range. Any 127.0.0.0/8 address is local on Linux, which lets the
    /// local runtime listen on a service's own address.
    public var serviceCIDR = "127.96.0.0/16"
    /// NodePort range.
    public var nodePortRange: ClosedRange<Int> = 30000...32767
    /// The largest object the store accepts (etcd's default request limit).
    public var maxObjectBytes = 1_572_864
    /// The largest request body accepted (kube-apiserver's limit).
    public var maxRequestBytes = 3 * 1024 * 1024
    /// Watches without `timeoutSeconds` stay open this long (kube-apiserver uses 30–60 minutes).
    public var defaultWatchTimeout: Duration = .seconds(45 * 60)
    /// How often a watch that asked for bookmarks gets one.
    public var bookmarkInterval: Duration = .seconds(60)

    /// Concurrent requests served before answering 429 Too Many Requests with `Retry-After`, as
    /// kube-apiserver's `--max-requests-inflight` / `--max-mutating-requests-inflight` (watches and followed
    /// logs, being long-running, do not count).
    public var maxRequestsInFlight = 400
    public var maxMutatingRequestsInFlight = 200

    /// `host:port` clients reach the server at (legacy discovery's `serverAddressByClientCIDRs`).
    public var advertiseAddress = "127.0.0.1:6443"

    public init() {}
}
