import KubeModel
import Testing
@testable import LocalCluster

/// Canary Ingresses with ingress-nginx's annotations: which requests go to the canary, by header, cookie and
/// weight, and in which order the rules apply.
@Suite("Ingress canary routing")
struct IngressCanaryRoutingTests {
    typealias F = IngressFixtures

    static func table(canary annotations: [String: String], canaryEndpoints: [String] = ["127.0.0.3"], mainEndpoints: [String] = ["127.0.0.2"],
                      prefix: String = "nginx.ingress.kubernetes.io") -> IngressRoutingTable {
        var all = annotations
        if all[F.canary] == nil { all[F.canary] = "true" }
        let renamed = Dictionary(uniqueKeysWithValues: all.map {
            ($0.key.replacingPrefix("nginx.ingress.kubernetes.io", with: prefix), $0.value)
        })
        return IngressRoutingTable(
            ingresses: [
                F.ingress("web", host: "app.test", paths: [.init(path: "/", service: "web")]),
                F.ingress("web-canary", host: "app.test", paths: [.init(path: "/", service: "web-canary")], annotations: renamed,
                          created: "2024-01-02T00:00:00Z"),
            ],
            services: [F.service("web"), F.service("web-canary")],
            endpoints: [F.endpoints("web", ips: mainEndpoints), F.endpoints("web-canary", ips: canaryEndpoints)],
            options: IngressRoutingOptions(annotationsPrefix: prefix))
    }

    static func route(_ table: IngressRoutingTable, headers: [String: String] = [:], cookies: [String: String] = [:], seed: UInt64 = 1) -> String {
        IngressRoutingTableTests.route(table, host: "app.test", path: "/", headers: headers, cookies: cookies, seed: seed)
    }

    static let main = "default-web-80"
    static let canary = "default-web-canary-80"

    @Test("canary-by-header sends always to the canary, never to the main backend, and other values on to the next rule", arguments: [
        ("always", [String: String](), canary), ("never", ["user": "always"], main), ("maybe", [:], main), ("maybe", ["user": "always"], canary),
        ("ALWAYS", [:], main),
    ])
    func byHeader(value: String, cookies: [String: String], expected: String) {
        let table = Self.table(canary: [F.byHeader: "X-Canary", F.byCookie: "user"])
        #expect(Self.route(table, headers: ["x-canary": value], cookies: cookies) == expected)
        #expect(Self.route(table) == Self.main)
    }

    @Test("canary-by-header-value routes exactly that value to the canary; always is then an ordinary value", arguments: [
        ("blue", canary), ("always", main), ("blue2", main), ("Blue", main),
    ])
    func byHeaderValue(value: String, expected: String) {
        let table = Self.table(canary: [F.byHeader: "X-Version", F.byHeaderValue: "blue"])
        #expect(Self.route(table, headers: ["X-Version": value]) == expected)
    }

    @Test("canary-by-header-pattern matches by regex, and is ignored when a header value is also set")
    func byHeaderPattern() {
        let table = Self.table(canary: [F.byHeader: "X-Region", F.byHeaderPattern: "^(eu|us)-"])
        #expect(Self.route(table, headers: ["X-Region": "eu-west"]) == Self.canary)
        #expect(Self.route(table, headers: ["X-Region": "ap-south"]) == Self.main)
        let both = Self.table(canary: [F.byHeader: "X-Region", F.byHeaderValue: "exact", F.byHeaderPattern: ".*"])
        #expect(Self.route(both, headers: ["X-Region": "eu-west"]) == Self.main)
        #expect(Self.route(both, headers: ["X-Region": "exact"]) == Self.canary)
    }

    @Test("canary-by-cookie sends always to the canary and never to the main backend, before the weight", arguments: [
        ("always", canary), ("never", main), ("other", canary),
    ])
    func byCookie(value: String, expected: String) {
        // Weight 100: only a `never` cookie keeps requests on the main backend.
        let table = Self.table(canary: [F.byCookie: "canary", F.weight: "100"])
        #expect(Self.route(table, cookies: ["canary": value]) == expected)
    }

    @Test("the header rule takes precedence over the cookie, and the cookie over the weight")
    func precedence() {
        let table = Self.table(canary: [F.byHeader: "X-Canary", F.byCookie: "canary", F.weight: "100"])
        #expect(Self.route(table, headers: ["X-Canary": "never"], cookies: ["canary": "always"]) == Self.main)
        #expect(Self.route(table, headers: ["X-Canary": "always"], cookies: ["canary": "never"]) == Self.canary)
        #expect(Self.route(table, cookies: ["canary": "never"]) == Self.main)
        #expect(Self.route(table) == Self.canary)
    }

    /// The share of `draws` requests the canary gets.
    static func share(_ table: IngressRoutingTable, draws: Int = 20000) -> Double {
        var hits = 0
        var random = IngressRandom(seed: 42)
        for _ in 0..<draws {
            let decision = IngressRouteDecision.decide(table: table, host: "app.test", path: "/", header: { _ in nil }, cookie: { _ in nil },
                                                       random: &random)
            if decision.canary == Self.canary { hits += 1 }
        }
        return Double(hits) / Double(draws)
    }

    @Test("canary-weight sends its share of requests, out of canary-weight-total when that is above 100", arguments: [
        (["0"], 0.0), (["20"], 0.20), (["100"], 1.0), (["250", "1000"], 0.25), (["50", "50"], 0.50), (["5", "10"], 0.05),
    ])
    func weight(values: [String], expected: Double) {
        var annotations = [F.weight: values[0]]
        if values.count > 1 { annotations[F.weightTotal] = values[1] }
        let share = Self.share(Self.table(canary: annotations))
        #expect(abs(share - expected) <= 0.01, "share \(share), expected \(expected)")
    }

    @Test("canary traffic keeps the main Ingress's labels and names the canary upstream")
    func canaryLabels() {
        let (_, decision) = IngressRoutingTableTests.decide(Self.table(canary: [F.weight: "100"]), host: "app.test", path: "/")
        #expect(decision.labels == IngressRouteLabels(namespace: "default", ingress: "web", service: "web", path: "/"))
        #expect(decision.canary == Self.canary)
    }

    @Test("a canary without ready endpoints is skipped; a main backend without them answers 503")
    func missingEndpoints() {
        #expect(Self.route(Self.table(canary: [F.weight: "100"], canaryEndpoints: [])) == Self.main)
        #expect(Self.route(Self.table(canary: [F.weight: "100"], mainEndpoints: [])) == "503")
    }

    @Test("a canary Ingress without a main Ingress for its host and path is ignored")
    func orphanCanary() {
        let table = IngressRoutingTable(
            ingresses: [
                F.ingress("web", host: "app.test", paths: [.init(path: "/", service: "web")]),
                F.ingress("stray", host: "app.test", paths: [.init(path: "/other", service: "web-canary")],
                          annotations: [F.canary: "true", F.weight: "100"], created: "2024-01-02T00:00:00Z"),
            ],
            services: [F.service("web"), F.service("web-canary")],
            endpoints: [F.endpoints("web", ips: ["127.0.0.2"]), F.endpoints("web-canary", ips: ["127.0.0.3"])])
        #expect(IngressRoutingTableTests.route(table, host: "app.test", path: "/other") == Self.main)
        #expect(table.notes.contains { $0.contains("canary Ingress default/stray") && $0.contains("no main Ingress defines this path") })
        #expect(table.servedIngresses == ["default/web", "default/stray"])
    }

    @Test("annotations are read under the configured prefix only")
    func annotationPrefix() {
        let custom = Self.table(canary: [F.weight: "100"], prefix: "example.com")
        #expect(Self.route(custom) == Self.canary)
        // Under the default prefix, an Ingress annotated with another prefix is not a canary: it is an ordinary
        // Ingress for the same host and path, which the older main Ingress keeps.
        let other = IngressRoutingTable(
            ingresses: [
                F.ingress("web", host: "app.test", paths: [.init(path: "/", service: "web")]),
                F.ingress("web-canary", host: "app.test", paths: [.init(path: "/", service: "web-canary")],
                          annotations: ["example.com/canary": "true", "example.com/canary-weight": "100"], created: "2024-01-02T00:00:00Z"),
            ],
            services: [F.service("web"), F.service("web-canary")],
            endpoints: [F.endpoints("web", ips: ["127.0.0.2"]), F.endpoints("web-canary", ips: ["127.0.0.3"])])
        #expect(Self.route(other) == Self.main)
    }

    @Test("the canary policy parses ingress-nginx's boolean and number forms", arguments: [
        ("True", "30", true, 30), ("1", "x", true, 0), ("false", "30", false, 0), ("yes", "30", false, 0),
    ])
    func policyParsing(enabled: String, weight: String, isCanary: Bool, parsedWeight: Int) {
        let policy = IngressCanaryPolicy(annotations: [F.canary: enabled, F.weight: weight], prefix: "nginx.ingress.kubernetes.io")
        #expect((policy != nil) == isCanary)
        if let policy { #expect(policy.weight == parsedWeight) }
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
