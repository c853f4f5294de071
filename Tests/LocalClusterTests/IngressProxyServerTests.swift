import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing
@testable import LocalCluster

/// The proxy against real HTTP servers on loopback addresses: routing, canary shares, streaming, pooling,
/// failures and metrics. Each test starts its own proxy on a free port.
@Suite("Ingress proxy", .serialized)
struct IngressProxyServerTests {
    typealias F = IngressFixtures

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// A proxy, its metrics server, backends by name, and an HTTP client.
    final class Harness: Sendable {
        let proxy: IngressProxyServer
        let metricsServer: IngressMetricsServer
        let port: Int
        let metricsPort: Int
        let backends: [String: IngressTestBackend]
        let ports: [String: Int]
        let client: HTTPClient

        init(proxy: IngressProxyServer, metricsServer: IngressMetricsServer, port: Int, metricsPort: Int,
             backends: [String: IngressTestBackend], ports: [String: Int]) {
            self.proxy = proxy
            self.metricsServer = metricsServer
            self.port = port
            self.metricsPort = metricsPort
            self.backends = backends
            self.ports = ports
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
            client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }

        /// Starts `names` as backends on 127.0.<octet>.<1...>, one per name, and a proxy with an empty table.
        static func start(backends names: [String], octet: Int, configuration: IngressProxyConfiguration = IngressProxyConfiguration(host: "127.0.0.1", port: 0))
            async throws -> Harness {
            var backends: [String: IngressTestBackend] = [:]
            var ports: [String: Int] = [:]
            for (index, name) in names.enumerated() {
                let backend = IngressTestBackend(name: name, host: "127.0.\(octet).\(index + 1)")
                ports[name] = try await backend.start()
                backends[name] = backend
            }
            let proxy = IngressProxyServer(configuration: configuration)
            let address = try await proxy.start()
            let metricsServer = IngressMetricsServer(metrics: proxy.metrics, host: "127.0.0.1", port: 0)
            let metricsAddress = try await metricsServer.start()
            return Harness(proxy: proxy, metricsServer: metricsServer, port: address.port ?? 0, metricsPort: metricsAddress.port ?? 0,
                           backends: backends, ports: ports)
        }

        /// Endpoints object for a Service named `service` whose endpoints are the backends `names`.
        func endpoints(_ service: String, _ names: [String]) -> JSON {
            F.endpoints(service, targets: names.compactMap { name in
                guard let backend = backends[name], let port = ports[name] else { return nil }
                return (backend.host, port)
            })
        }

        /// Publishes a table built from Ingresses and `services` (Service name → backend names).
        func route(_ ingresses: [JSON], _ services: [String: [String]]) {
            let table = IngressRoutingTable(ingresses: ingresses, services: services.keys.map { F.service($0) },
                                            endpoints: services.map { endpoints($0.key, $0.value) })
            proxy.update(table)
        }

        struct Response {
            var status: Int
            var body: String
            var headers: HTTPHeaders
            var backend: String { headers.first(name: "x-backend") ?? "" }
        }

        func request(_ path: String = "/", host: String = "app.test", method: HTTPMethod = .GET, headers: [(String, String)] = [],
                     body: ByteBuffer? = nil) async throws -> Response {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = method
            request.headers.add(name: "host", value: host)
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(body) }
            let response = try await client.execute(request, timeout: .seconds(30))
            let collected = try await response.body.collect(upTo: 64 << 20)
            return Response(status: Int(response.status.code), body: String(buffer: collected), headers: response.headers)
        }

        /// Runs `count` requests with `concurrency` in flight; `make` gives the headers of request `i`.
        func load(count: Int, concurrency: Int = 16, path: String = "/", headers make: @escaping @Sendable (Int) -> [(String, String)] = { _ in [] })
            async throws -> [Int: Response] {
            let next = Counter()
            return try await withThrowingTaskGroup(of: [(Int, Response)].self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        var done: [(Int, Response)] = []
                        while true {
                            let index = next.value.add(1, ordering: .relaxed).oldValue
                            guard index < count else { return done }
                            done.append((index, try await self.request(path, headers: make(index))))
                        }
                    }
                }
                var all: [Int: Response] = [:]
                for try await part in group { for (index, response) in part { all[index] = response } }
                return all
            }
        }

        func metrics() async throws -> [F.Sample] {
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics"), timeout: .seconds(10))
            #expect(response.headers.first(name: "content-type") == "text/plain; version=0.0.4; charset=utf-8")
            return try F.samples(String(buffer: try await response.body.collect(upTo: 16 << 20)))
        }

        /// Runs `body` with a started harness and shuts it down afterwards, also when `body` throws.
        static func with(backends names: [String], octet: Int,
                         configuration: IngressProxyConfiguration = IngressProxyConfiguration(host: "127.0.0.1", port: 0),
                         _ body: (Harness) async throws -> Void) async throws {
            let harness = try await start(backends: names, octet: octet, configuration: configuration)
            do {
                try await body(harness)
            } catch {
                await harness.shutdown()
                throw error
            }
            await harness.shutdown()
        }

        func shutdown() async {
            try? await client.shutdown()
            await proxy.stop()
            await metricsServer.stop()
            for backend in backends.values { await backend.kill() }
        }
    }

    static func canaryIngresses(_ annotations: [String: String]) -> [JSON] {
        var all = annotations
        all[F.canary] = "true"
        return [
            F.ingress("web", host: "app.test", paths: [.init(path: "/", service: "web")]),
            F.ingress("web-canary", host: "app.test", paths: [.init(path: "/", service: "web-canary")], annotations: all,
                      created: "2024-01-02T00:00:00Z"),
        ]
    }

    @Test("requests reach the backend of their host and path, with the forwarding headers")
    func routing() async throws {
        try await Harness.with(backends: ["site", "api"], octet: 10) { h in
            h.route([
                F.ingress("site", host: "site.test", paths: [.init(path: "/", service: "site"), .init(path: "/api", service: "api")]),
            ], ["site": ["site"], "api": ["api"]])
            let site = try await h.request("/index.html?x=1", host: "site.test:\(h.port)")
            #expect(site.status == 200)
            #expect(site.body == "site")
            let seen = try #require(h.backends["site"]).lastHeaders
            #expect(seen["x-forwarded-for"] == "127.0.0.1")
            #expect(seen["x-real-ip"] == "127.0.0.1")
            #expect(seen["x-forwarded-host"] == "site.test:\(h.port)")
            #expect(seen["x-forwarded-proto"] == "http")
            #expect(seen["x-forwarded-port"] == String(h.port))
            #expect(seen["host"] == "site.test:\(h.port)")
            #expect(seen["x-request-id"]?.count == 32)
            #expect(try await h.request("/api/users", host: "site.test").body == "api")
            let unknown = try await h.request("/", host: "other.test")
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("404 Not Found"))
        }
    }

    @Test("a canary at weight 20 gets 20% ± 2 points of 5,000 requests")
    func canaryWeight() async throws {
        try await Harness.with(backends: ["stable", "canary"], octet: 11) { h in
            h.route(Self.canaryIngresses([F.weight: "20"]), ["web": ["stable"], "web-canary": ["canary"]])
            let responses = try await h.load(count: 5000)
            #expect(responses.count == 5000)
            #expect(responses.values.allSatisfy { $0.status == 200 })
            let canary = responses.values.filter { $0.body == "canary" }.count
            let share = Double(canary) / 5000
            #expect(abs(share - 0.20) <= 0.02, "canary share \(share)")
            let samples = try await h.metrics()
            let requests = "nginx_ingress_controller_requests"
            #expect(F.value(samples, requests, ["ingress": "web", "service": "web", "canary": "default-web-canary-80", "status": "200"])
                == Double(canary))
            #expect(F.value(samples, requests, ["ingress": "web", "service": "web", "canary": "", "status": "200"]) == Double(5000 - canary))
        }
    }

    @Test("header and cookie routing send exactly the matching requests to the canary")
    func headerAndCookie() async throws {
        try await Harness.with(backends: ["stable", "canary"], octet: 12) { h in
            h.route(Self.canaryIngresses([F.byHeader: "X-Canary", F.byCookie: "canary_user"]), ["web": ["stable"], "web-canary": ["canary"]])
            // i % 3 == 0: header always; i % 5 == 0: cookie always; i % 7 == 0: header never (wins over the cookie).
            let responses = try await h.load(count: 600) { i in
                var headers: [(String, String)] = []
                if i % 7 == 0 {
                    headers.append(("X-Canary", "never"))
                } else if i % 3 == 0 {
                    headers.append(("X-Canary", "always"))
                }
                if i % 5 == 0 { headers.append(("Cookie", "theme=dark; canary_user=always")) }
                return headers
            }
            for (i, response) in responses {
                let expected = i % 7 != 0 && (i % 3 == 0 || i % 5 == 0)
                #expect(response.body == (expected ? "canary" : "stable"), "request \(i)")
            }
        }
    }

    @Test("requests are spread round-robin over the endpoints and reuse kept-alive upstream connections")
    func roundRobinAndPooling() async throws {
        try await Harness.with(backends: ["a", "b", "c"], octet: 13) { h in
            h.route([F.ingress("web", paths: [.init(path: "/", service: "web")])], ["web": ["a", "b", "c"]])
            for _ in 0..<90 {
                let response = try await h.request()
                #expect(response.status == 200)
            }
            let counts = ["a", "b", "c"].map { h.backends[$0]?.requests ?? 0 }
            #expect(counts.reduce(0, +) == 90)
            #expect(counts.allSatisfy { abs($0 - 30) <= 2 }, "\(counts)")
            // Sequential requests from one client connection run on one event loop: one upstream connection each.
            let connections = ["a", "b", "c"].map { h.backends[$0]?.connections ?? 0 }
            #expect(connections.allSatisfy { $0 <= 2 }, "\(connections)")
        }
    }

    @Test("a backend that goes away mid-load loses no request")
    func backendRemovalUnderLoad() async throws {
        try await Harness.with(backends: ["a", "b", "c"], octet: 14) { h in
            let ingresses = [F.ingress("web", paths: [.init(path: "/", service: "web")])]
            h.route(ingresses, ["web": ["a", "b", "c"]])
            let total = 3000
            let load = Task { try await h.load(count: total, concurrency: 24) }
            // Wait until the load is under way, then kill b while it is still listed (requests to it must be
            // retried elsewhere), then drop it from the endpoints.
            while (h.backends["b"]?.requests ?? 0) < 200 { try await Task.sleep(for: .milliseconds(5)) }
            await h.backends["b"]?.kill()
            try await Task.sleep(for: .milliseconds(50))
            h.route(ingresses, ["web": ["a", "c"]])
            let responses = try await load.value
            #expect(responses.count == total)
            let failed = responses.values.filter { $0.status != 200 }
            #expect(failed.isEmpty, "\(failed.count) failed, statuses \(Set(failed.map(\.status)))")
            #expect(responses.values.filter { $0.body == "a" }.count > 0 && responses.values.filter { $0.body == "c" }.count > 0)
        }
    }

    @Test("a Service without ready endpoints answers 503 and a refused connection 502 after the retry")
    func unavailable() async throws {
        try await Harness.with(backends: ["a"], octet: 15) { h in
            let ingresses = [F.ingress("web", paths: [.init(path: "/", service: "web")])]
            h.proxy.update(IngressRoutingTable(ingresses: ingresses, services: [F.service("web")], endpoints: [F.endpoints("web", ips: [])]))
            let none = try await h.request()
            #expect(none.status == 503)
            #expect(none.body.contains("503 Service Temporarily Unavailable") || none.body.contains("503"))
            // Nothing listens on 127.0.15.99: both attempts are refused.
            h.proxy.update(IngressRoutingTable(ingresses: ingresses, services: [F.service("web")],
                                               endpoints: [F.endpoints("web", targets: [("127.0.15.99", 9)])]))
            #expect(try await h.request().status == 502)
            let samples = try await h.metrics()
            #expect(F.value(samples, "nginx_ingress_controller_requests", ["ingress": "web", "status": "503"]) == 1)
            #expect(F.value(samples, "nginx_ingress_controller_requests", ["ingress": "web", "status": "502"]) == 1)
        }
    }

    @Test("large request and response bodies stream through intact")
    func streaming() async throws {
        try await Harness.with(backends: ["a"], octet: 16) { h in
            h.route([F.ingress("web", paths: [.init(path: "/", service: "web")])], ["web": ["a"]])
            let upload = ByteBuffer(repeating: UInt8(ascii: "u"), count: 3 << 20)
            let posted = try await h.request("/upload", method: .POST, body: upload)
            #expect(posted.status == 200)
            #expect(posted.headers.first(name: "x-received-bytes") == String(3 << 20))
            let download = try await h.request("/bytes/\(5 << 20)")
            #expect(download.status == 200)
            #expect(download.body.utf8.count == 5 << 20)
            #expect(download.body.utf8.allSatisfy { $0 == UInt8(ascii: "x") })
        }
    }

    @Test("metrics count requests per ingress, service, path and status")
    func metrics() async throws {
        try await Harness.with(backends: ["site", "api"], octet: 17) { h in
            h.route([
                F.ingress("site", host: "site.test", paths: [.init(path: "/", service: "site")]),
                F.ingress("api", host: "site.test", paths: [.init(path: "/api", service: "api")]),
            ], ["site": ["site"], "api": ["api"]])
            for _ in 0..<3 { _ = try await h.request("/", host: "site.test") }
            for _ in 0..<2 { _ = try await h.request("/api/v1", host: "site.test", method: .POST, body: ByteBuffer(string: "{}")) }
            _ = try await h.request("/", host: "nothing.test")
            let samples = try await h.metrics()
            let requests = "nginx_ingress_controller_requests"
            #expect(F.value(samples, requests, ["ingress": "site", "service": "site", "path": "/", "status": "200", "method": "GET",
                                               "host": "site.test", "namespace": "default"]) == 3)
            #expect(F.value(samples, requests, ["ingress": "api", "service": "api", "path": "/api", "status": "200", "method": "POST"]) == 2)
            #expect(F.value(samples, requests, ["ingress": "", "status": "404", "host": "nothing.test"]) == 1)
            #expect(F.value(samples, "nginx_ingress_controller_response_duration_seconds_count", ["ingress": "site"]) == 3)
            #expect(F.value(samples, "nginx_ingress_controller_request_size_count", ["ingress": "api"]) == 2)
            #expect((F.value(samples, "nginx_ingress_controller_response_size_sum", ["ingress": "site"]) ?? 0) > 3 * 4)
        }
    }

    @Test("HTTP/1.0, HEAD, pipelining, Expect: 100-continue and absolute targets are handled as nginx does")
    func protocolDetails() async throws {
        try await Harness.with(backends: ["a"], octet: 18) { h in
            h.route([F.ingress("web", host: "app.test", paths: [.init(path: "/", service: "web")])], ["web": ["a"]])
            let backend = try #require(h.backends["a"])

            let old = try await IngressRawClient.exchange(port: h.port, "GET /x HTTP/1.0\r\nHost: app.test\r\n\r\n")
            #expect(old.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(old.lowercased().contains("connection: close\r\n"))
            #expect(old.hasSuffix("\r\n\r\na"))

            let head = try await IngressRawClient.exchange(port: h.port, "HEAD / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(head.lowercased().contains("content-length: 1\r\n"))
            #expect(head.hasSuffix("\r\n\r\n"))
            #expect(backend.lastMethod == "HEAD")

            let pipelined = try await IngressRawClient.exchange(
                port: h.port, "GET /1 HTTP/1.1\r\nHost: app.test\r\n\r\nGET /2 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")
            #expect(pipelined.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
            #expect(backend.lastURI == "/2")

            let continued = try await IngressRawClient.exchange(
                port: h.port,
                "POST /upload HTTP/1.1\r\nHost: app.test\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
            #expect(continued.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
            #expect(continued.lowercased().contains("x-received-bytes: 5\r\n"))
            #expect(backend.lastHeaders["expect"] == nil)

            let absolute = try await IngressRawClient.exchange(
                port: h.port, "GET http://app.test/abs?q=1 HTTP/1.1\r\nHost: ignored.test\r\nConnection: close\r\n\r\n")
            #expect(absolute.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(backend.lastURI == "/abs?q=1")
        }
    }

    @Test("requests skip endpoints that refuse connections, up to three attempts")
    func retriesAvoidFailedEndpoints() async throws {
        try await Harness.with(backends: ["alive"], octet: 19) { h in
            let ingresses = [F.ingress("web", paths: [.init(path: "/", service: "web")])]
            let alive = try #require(h.ports["alive"])
            // Nothing listens on .8 and .9: requests that pick them first must end up on the live endpoint.
            h.proxy.update(IngressRoutingTable(
                ingresses: ingresses, services: [F.service("web")],
                endpoints: [F.endpoints("web", targets: [("127.0.19.8", alive), ("127.0.19.9", alive), ("127.0.19.1", alive)])]))
            for _ in 0..<30 {
                let response = try await h.request()
                #expect(response.status == 200)
                #expect(response.body == "alive")
            }
        }
    }

    @Test("an upstream that stays silent past the read timeout gets 504")
    func readTimeout() async throws {
        var configuration = IngressProxyConfiguration(host: "127.0.0.1", port: 0)
        configuration.readTimeout = .milliseconds(300)
        try await Harness.with(backends: ["stuck"], octet: 20, configuration: configuration) { h in
            h.route([F.ingress("web", paths: [.init(path: "/", service: "web")])], ["web": ["stuck"]])
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await h.request("/hang")
            #expect(response.status == 504)
            #expect(clock.now - start < .seconds(5))
            #expect(try await h.request("/fine").status == 200)
        }
    }

    @Test("a port in use fails the start with a message that names the address")
    func portInUse() async throws {
        let first = IngressProxyServer(configuration: IngressProxyConfiguration(host: "127.0.0.1", port: 0))
        let address = try await first.start()
        let port = try #require(address.port)
        let second = IngressProxyServer(configuration: IngressProxyConfiguration(host: "127.0.0.1", port: port))
        do {
            try await second.start()
            Issue.record("the second proxy started on a port in use")
        } catch let error as IngressListenError {
            #expect(error.description.hasPrefix("ingress proxy: cannot listen on 127.0.0.1:\(port) ("))
            #expect(error.description.hasSuffix("choose another port with --ingress-port"))
        }
        await second.stop()
        await first.stop()
    }
}
