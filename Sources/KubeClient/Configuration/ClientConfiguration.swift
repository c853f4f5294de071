import Foundation

/// Everything the HTTP client needs to talk to one API server: where it is, how to trust it, how to
/// authenticate, which namespace is the default, and how hard to push.
///
/// Build one with ``KubeconfigLoader`` (kubeconfig files, as kubectl reads them), ``InClusterConfiguration``
/// (a pod's service account) or directly for tests and the embedded server.
public struct ClientConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The API server base URL (`https://host:6443`, possibly with a path prefix), without query or fragment.
    public var server: URL
    /// Server verification and client certificate.
    public var tls: TLSSettings
    /// Bearer token, basic auth or credential plugin.
    public var credentials: Credentials
    /// The default namespace: the context's, else `default`.
    public var namespace: String
    /// The kubeconfig context used, if any.
    public var contextName: String?
    /// The kubeconfig cluster used, if any.
    public var clusterName: String?
    /// The kubeconfig user used, if any.
    public var userName: String?
    /// Where this came from, for messages: `kubeconfig /path/a:/path/b` or `in-cluster`.
    public var source: String
    /// Client-side rate limit in requests per second. High on purpose: the server's priority and fairness
    /// does the real limiting, and controllers should not queue behind a timid client.
    public var qps: Double = 500
    /// Requests allowed in a burst above ``qps``.
    public var burst: Int = 1000
    /// The `User-Agent` header.
    public var userAgent: String = "tack/0.1"
    /// Time limit for a single non-watch request.
    public var requestTimeout: Duration = .seconds(60)
    /// `proxy-url` of the cluster: an http, https or socks5 proxy. Nil means none configured here (the HTTP
    /// client may still honour `HTTPS_PROXY`, as client-go does).
    public var proxyURL: URL?

    /// A configuration for `server` with the given parts; the source reads `direct`.
    public init(server: URL, tls: TLSSettings = .init(), credentials: Credentials = .none, namespace: String = "default") {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.source = "direct"
    }

    /// A summary for logs: server, source, context and the kind of credentials, never a secret.
    public var description: String {
        var text = "\(server.absoluteString) from \(source)"
        if let contextName { text += ", context \(contextName)" }
        text += ", namespace \(namespace), credentials: \(credentials), \(tls)"
        return text
    }
}
