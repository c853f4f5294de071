/// Everything the ingress proxy needs to route a request, computed from Ingresses, Services and Endpoints
/// (see `IngressRoutingTable+Build.swift`) and swapped into the proxy as a whole whenever one of them changes.
///
/// Hosts: an exact server name wins, then the longest wildcard (`*.example.com` matches any name ending in
/// `.example.com`, as an nginx `server_name` does), then the catch-all server `_` that holds rules without a
/// host. Paths: see `IngressServer.location(for:)`.
public struct IngressRoutingTable: Sendable {
    /// Servers by exact, lowercased host name.
    public var servers: [String: IngressServer]
    /// Wildcard servers (`*.example.com`), longest suffix first.
    public var wildcardServers: [IngressServer]
    /// The server for hosts no rule names: rules without a host, and the catch-all default backend.
    public var catchAll: IngressServer
    /// Backends by id (`IngressLocation.backend`).
    public var backends: [IngressBackend]
    /// `namespace/name` of every served Ingress, canaries included, oldest first.
    public var servedIngresses: [String]
    /// Things the build ignored or could not resolve, for logs: a canary without a main Ingress, a path with
    /// a resource backend, a Service without ready endpoints...
    public var notes: [String]
    /// A hash of the routing-relevant content (ingress-nginx's `config_hash`): equal tables hash equally.
    public var fingerprint: UInt64

    var backendsByUpstream: [String: Int]

    /// A table from its parts (tests and benchmarks; controllers build tables from objects, see `+Build`).
    public init(servers: [String: IngressServer] = [:], wildcardServers: [IngressServer] = [], catchAll: IngressServer = IngressServer(hostname: "_"),
                backends: [IngressBackend] = [], servedIngresses: [String] = [], notes: [String] = [], fingerprint: UInt64 = 0) {
        self.servers = servers
        self.wildcardServers = wildcardServers
        self.catchAll = catchAll
        self.backends = backends
        self.servedIngresses = servedIngresses
        self.notes = notes
        self.fingerprint = fingerprint
        var byUpstream: [String: Int] = [:]
        for backend in backends { byUpstream[backend.upstreamName] = backend.id }
        backendsByUpstream = byUpstream
    }

    /// A table that routes nothing (every request gets 404).
    public static let empty = IngressRoutingTable()

    /// The server for a request's host name (without port; any case).
    public func server(forHost host: Substring) -> IngressServer {
        if host.isEmpty { return catchAll }
        let name = host.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? host.lowercased() : String(host)
        if let server = servers[name] { return server }
        for server in wildcardServers {
            // "*.example.com" → suffix ".example.com"; the host needs at least one more character in front.
            let suffix = server.hostname.utf8.dropFirst()
            if name.utf8.count > suffix.count, name.utf8.reversed().starts(with: suffix.reversed()) { return server }
        }
        return catchAll
    }

    /// The backend with an ingress-nginx upstream name (`namespace-service-port`).
    public func backend(upstream name: String) -> IngressBackend? {
        backendsByUpstream[name].map { backends[$0] }
    }
}
