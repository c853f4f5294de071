import KubeModel
import Testing
@testable import LocalCluster

/// The routing table and route decision as pure functions: hosts, paths, default backends, classes and
/// endpoint resolution (canaries are in IngressCanaryRoutingTests).
@Suite("Ingress routing table")
struct IngressRoutingTableTests {
    typealias F = IngressFixtures

    /// The outcome of routing one request: the upstream name, or the status the proxy answers with.
    static func route(_ table: IngressRoutingTable, host: String = "", path: String, headers: [String: String] = [:],
                      cookies: [String: String] = [:], seed: UInt64 = 1) -> String {
        decide(table, host: host, path: path, headers: headers, cookies: cookies, seed: seed).outcome
    }

    static func decide(_ table: IngressRoutingTable, host: String = "", path: String, headers: [String: String] = [:],
                       cookies: [String: String] = [:], seed: UInt64 = 1) -> (outcome: String, decision: IngressRouteDecision) {
        var random = IngressRandom(seed: seed)
        let lowered = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        let decision = IngressRouteDecision.decide(table: table, host: Substring(host), path: Substring(path),
                                                   header: { lowered[$0.lowercased()] }, cookie: { cookies[$0] }, random: &random)
        switch decision.action {
        case .proxy(let id): return (table.backends[id].upstreamName, decision)
        case .respond(let status): return (String(status), decision)
        }
    }

    /// Services `names` with one ready endpoint each, on 127.0.0.<n>.
    static func backends(_ names: [String], namespace: String = "default") -> (services: [JSON], endpoints: [JSON]) {
        (names.map { F.service($0, namespace: namespace) },
         names.enumerated().map { F.endpoints($0.element, namespace: namespace, ips: ["127.0.0.\($0.offset + 2)"]) })
    }

    static func table(_ ingresses: [JSON], services names: [String], options: IngressRoutingOptions = IngressRoutingOptions()) -> IngressRoutingTable {
        let (services, endpoints) = backends(names)
        return IngressRoutingTable(ingresses: ingresses, services: services, endpoints: endpoints, options: options)
    }

    // MARK: Paths

    static let pathTable = table([
        F.ingress("web", paths: [
            .init(path: "/", service: "root"), .init(path: "/api", service: "api"), .init(path: "/api/v2", service: "v2"),
            .init(path: "/api/exact", type: "Exact", service: "exact"), .init(path: "/foo/", service: "foo"),
            .init(path: "/impl", type: "ImplementationSpecific", service: "impl"),
        ]),
    ], services: ["root", "api", "v2", "exact", "foo", "impl"])

    @Test("the longest matching path wins, prefixes match whole segments, and Exact matches only itself", arguments: [
        ("/", "default-root-80"), ("/x", "default-root-80"), ("/api", "default-api-80"), ("/api/", "default-api-80"),
        ("/apix", "default-root-80"), ("/api/v2/users", "default-v2-80"), ("/api/v2x", "default-api-80"),
        ("/api/exact", "default-exact-80"), ("/api/exact/", "default-api-80"), ("/api/exact/more", "default-api-80"),
        ("/foo", "default-foo-80"), ("/foo/bar", "default-foo-80"), ("/foobar", "default-root-80"),
        ("/impl/x", "default-impl-80"), ("/implx", "default-root-80"),
    ])
    func pathPrecedence(path: String, expected: String) {
        #expect(Self.route(Self.pathTable, path: path) == expected)
    }

    @Test("an Exact path wins over a Prefix path of the same text")
    func exactBeatsPrefix() {
        let table = Self.table([
            F.ingress("web", paths: [.init(path: "/a", service: "prefix"), .init(path: "/a", type: "Exact", service: "exact")]),
        ], services: ["prefix", "exact"])
        #expect(Self.route(table, path: "/a") == "default-exact-80")
        #expect(Self.route(table, path: "/a/b") == "default-prefix-80")
    }

    @Test("the metric labels name the Ingress, its Service and the path as written")
    func labels() {
        let (_, decision) = Self.decide(Self.pathTable, path: "/api/v2/users")
        #expect(decision.labels == IngressRouteLabels(namespace: "default", ingress: "web", service: "v2", path: "/api/v2"))
        #expect(decision.canary == "")
    }

    // MARK: Hosts

    static let hostTable = table([
        F.ingress("exact", host: "app.example.com", paths: [.init(path: "/", service: "exact")]),
        F.ingress("wild", host: "*.example.com", paths: [.init(path: "/", service: "wild")]),
        F.ingress("deeper", host: "*.api.example.com", paths: [.init(path: "/", service: "deeper")]),
        F.ingress("any", paths: [.init(path: "/", service: "any")]),
    ], services: ["exact", "wild", "deeper", "any"])

    @Test("an exact host wins, then the longest wildcard, then the rules without host", arguments: [
        ("app.example.com", "default-exact-80"), ("APP.Example.COM", "default-exact-80"), ("other.example.com", "default-wild-80"),
        ("a.b.example.com", "default-wild-80"), ("v1.api.example.com", "default-deeper-80"), ("example.com", "default-any-80"),
        ("localhost", "default-any-80"), ("", "default-any-80"),
    ])
    func hostPrecedence(host: String, expected: String) {
        #expect(Self.route(Self.hostTable, host: host, path: "/") == expected)
    }

    @Test("a known host does not fall back to the rules without host when no path matches")
    func knownHostWithoutMatchingPath() {
        let table = Self.table([
            F.ingress("docs", host: "docs.example.com", paths: [.init(path: "/docs", service: "docs")]),
            F.ingress("any", paths: [.init(path: "/", service: "any")]),
        ], services: ["docs", "any"])
        #expect(Self.route(table, host: "docs.example.com", path: "/other") == "404")
        #expect(Self.route(table, host: "elsewhere", path: "/other") == "default-any-80")
    }

    // MARK: Default backends

    @Test("the oldest Ingress with a default backend and no rules answers unknown hosts; without one they get 404")
    func catchAllDefaultBackend() {
        let ingresses = [
            F.ingress("site", host: "site.example.com", paths: [.init(path: "/", service: "site")]),
            F.ingress("fallback-new", defaultBackend: "newer", created: "2024-02-01T00:00:00Z"),
            F.ingress("fallback", defaultBackend: "fallback", created: "2024-01-15T00:00:00Z"),
        ]
        let table = Self.table(ingresses, services: ["site", "fallback", "newer"])
        #expect(Self.route(table, host: "unknown.example.com", path: "/x") == "default-fallback-80")
        let (_, decision) = Self.decide(table, host: "unknown.example.com", path: "/x")
        #expect(decision.labels == IngressRouteLabels(namespace: "default", ingress: "fallback", service: "fallback", path: "/"))
        let without = Self.table([ingresses[0]], services: ["site"])
        let (outcome, unmatched) = Self.decide(without, host: "unknown.example.com", path: "/x")
        #expect(outcome == "404")
        #expect(unmatched.labels == .unmatched)
    }

    @Test("an Ingress's default backend answers paths of its own hosts that match no rule")
    func hostDefaultBackend() {
        let table = Self.table([
            F.ingress("site", host: "site.example.com", paths: [.init(path: "/app", service: "app")], defaultBackend: "catch"),
        ], services: ["app", "catch"])
        #expect(Self.route(table, host: "site.example.com", path: "/app/x") == "default-app-80")
        #expect(Self.route(table, host: "site.example.com", path: "/other") == "default-catch-80")
        // An Ingress with rules does not configure the catch-all server (ingress-nginx's createServers).
        #expect(Self.route(table, host: "elsewhere", path: "/other") == "404")
    }

    // MARK: Ordering and classes

    @Test("the oldest Ingress keeps a host and path that a newer one defines again")
    func oldestWins() {
        let table = Self.table([
            F.ingress("newer", host: "a.test", paths: [.init(path: "/", service: "newer")], created: "2024-03-01T00:00:00Z"),
            F.ingress("older", host: "a.test", paths: [.init(path: "/", service: "older")], created: "2024-01-01T00:00:00Z"),
        ], services: ["newer", "older"])
        #expect(Self.route(table, host: "a.test", path: "/") == "default-older-80")
        #expect(table.notes.contains { $0.contains("Ingress default/newer") && $0.contains("already defined") })
    }

    @Test("Ingresses of class nginx or without class are served, others are not", arguments: [
        ([:], nil, true, true), (["kubernetes.io/ingress.class": "nginx"], nil, true, true),
        (["kubernetes.io/ingress.class": "traefik"], "nginx", true, false), ([:], "nginx", true, true), ([:], "other", true, false),
        ([:], nil, false, false), ([:], "nginx", false, true),
    ] as [([String: String], String?, Bool, Bool)])
    func ingressClasses(annotations: [String: String], className: String?, withoutClass: Bool, served: Bool) {
        let options = IngressRoutingOptions(serveIngressesWithoutClass: withoutClass)
        let table = Self.table([F.ingress("web", paths: [.init(path: "/", service: "web")], annotations: annotations, className: className)],
                               services: ["web"], options: options)
        #expect(Self.route(table, path: "/") == (served ? "default-web-80" : "404"))
        #expect(table.servedIngresses == (served ? ["default/web"] : []))
    }

    // MARK: Endpoints

    @Test("ports resolve through the Service's targetPort, by endpoint port name when the port is named")
    func portResolution() {
        let ingress = F.ingress("web", paths: [.init(path: "/", service: "web", port: ["name": "http"])])
        let named = IngressRoutingTable(
            ingresses: [ingress],
            services: [F.service("web", portName: "http", targetPort: "web-port")],
            endpoints: [F.endpoints("web", ips: ["127.0.0.5", "127.0.0.6"], port: 9090, portName: "http")])
        #expect(named.backends.first?.endpoints.map(\.description) == ["127.0.0.5:9090", "127.0.0.6:9090"])
        #expect(named.backends.first?.upstreamName == "default-web-http")

        let numeric = IngressRoutingTable(
            ingresses: [F.ingress("web", paths: [.init(path: "/", service: "web")])],
            services: [F.service("web", targetPort: 8080)],
            endpoints: [F.endpoints("web", ips: ["127.0.0.5"], port: 8080, notReady: ["127.0.0.9"])])
        #expect(numeric.backends.first?.endpoints.map(\.description) == ["127.0.0.5:8080"])
    }

    @Test("a Service that is missing, has no ready endpoints or is ExternalName answers 503", arguments: ["missing", "empty", "external", "noport"])
    func unavailableBackends(kind: String) {
        let ingress = F.ingress("web", paths: [.init(path: "/", service: "web", port: kind == "noport" ? ["number": 81] : ["number": 80])])
        let services = kind == "missing" ? [] : [F.service("web", type: kind == "external" ? "ExternalName" : nil)]
        let endpoints = [F.endpoints("web", ips: kind == "empty" ? [] : ["127.0.0.5"], notReady: ["127.0.0.6"])]
        let table = IngressRoutingTable(ingresses: [ingress], services: services, endpoints: endpoints)
        let (outcome, decision) = Self.decide(table, path: "/")
        #expect(outcome == "503")
        #expect(decision.labels.ingress == "web")
        #expect(table.backends.first?.problem != nil)
    }

    @Test("equal inputs give equal fingerprints; an endpoint change changes it")
    func fingerprint() {
        let ingresses = [F.ingress("web", paths: [.init(path: "/", service: "web")])]
        let a = IngressRoutingTable(ingresses: ingresses, services: [F.service("web")], endpoints: [F.endpoints("web", ips: ["127.0.0.5"])])
        let b = IngressRoutingTable(ingresses: ingresses, services: [F.service("web")], endpoints: [F.endpoints("web", ips: ["127.0.0.5"])])
        let c = IngressRoutingTable(ingresses: ingresses, services: [F.service("web")], endpoints: [F.endpoints("web", ips: ["127.0.0.6"])])
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }
}
