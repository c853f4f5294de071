import AsyncHTTPClient
import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import NIOCore
import TestCluster
import Testing
@testable import LocalCluster

/// The controller against the real embedded API server: Services, Endpoints and Ingresses created through
/// the API are routed by the proxy. The test plays the endpoints controller by writing Endpoints objects
/// that point at backend servers it started itself.
@Suite("Ingress controller", .serialized)
struct IngressControllerTests {
    typealias F = IngressFixtures

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// Runs `body`, failing after `seconds`.
    static func within<T: Sendable>(_ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Timeout(what: what) }
            return value
        }
    }

    @Test("Ingresses, Services and Endpoints created through the API route requests through the proxy")
    func endToEnd() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        let namespace = "ingress-\(UUID().uuidString.prefix(6).lowercased())"
        let stable = [IngressTestBackend(name: "stable-1", host: "127.0.20.1"), IngressTestBackend(name: "stable-2", host: "127.0.20.2")]
        let canary = IngressTestBackend(name: "canary", host: "127.0.20.3")
        var ports: [String: Int] = [:]
        for backend in stable + [canary] { ports[backend.name] = try await backend.start() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let factory = SharedInformerFactory(client: client)
        var configuration = IngressControllerConfiguration(ingressPort: 0, metricsPort: 0)
        configuration.metrics.controllerPod = "test-pod"
        let controller = IngressController(client: client, informers: factory, configuration: configuration)
        var tasks: [Task<Void, any Error>] = []
        do {
            _ = try await client.resource(Namespace.self).create(Namespace(name: namespace))
            func endpoints(_ name: String, _ backends: [IngressTestBackend]) -> Endpoints {
                Endpoints(json: F.endpoints(name, namespace: namespace, targets: backends.map { ($0.host, ports[$0.name] ?? 0) }))
            }
            let services = client.resource(ServiceObject.self, namespace: namespace)
            let endpointsClient = client.resource(Endpoints.self, namespace: namespace)
            let ingresses = client.resource(Ingress.self, namespace: namespace)
            _ = try await services.create(ServiceObject(json: F.service("web", namespace: namespace)))
            _ = try await services.create(ServiceObject(json: F.service("web-canary", namespace: namespace)))
            _ = try await endpointsClient.create(endpoints("web", stable))
            _ = try await endpointsClient.create(endpoints("web-canary", [canary]))
            _ = try await ingresses.create(Ingress(json: F.ingress("web", namespace: namespace, host: "app.test",
                                                                   paths: [.init(path: "/", service: "web")])))
            _ = try await ingresses.create(Ingress(json: F.ingress("web-canary", namespace: namespace, host: "app.test",
                                                                   paths: [.init(path: "/", service: "web-canary")],
                                                                   annotations: [F.canary: "true", F.byHeader: "X-Canary"])))

            let (ingressAddress, metricsAddress) = try await controller.start()
            let port = try #require(ingressAddress.port)
            tasks.append(Task { try await factory.run() })
            tasks.append(Task { try await controller.run() })

            let upstream = "\(namespace)-web-80"
            let ready = try await Self.within(20, "the first routing table") {
                await controller.waitForTable { table in
                    table.backend(upstream: upstream)?.endpoints.count == 2 && table.servers["app.test"]?.locations.first?.canary != nil
                }
            }
            #expect(ready != nil)

            func get(_ headers: [(String, String)] = []) async throws -> (Int, String) {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/")
                request.headers.add(name: "host", value: "app.test")
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                let response = try await http.execute(request, timeout: .seconds(10))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }
            var seen: Set<String> = []
            for _ in 0..<10 {
                let (status, body) = try await get()
                #expect(status == 200)
                seen.insert(body)
            }
            #expect(seen == ["stable-1", "stable-2"])
            #expect(try await get([("X-Canary", "always")]).1 == "canary")

            // Status: the address shows in `kubectl get ingress`.
            let status = try await Self.within(20, "Ingress status") {
                while true {
                    let ingress = try await ingresses.get("web")
                    if let ip = ingress.json["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.stringValue { return ip }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(status == "127.0.0.1")

            // An endpoint leaves: it gets no more requests.
            var shrunk = endpoints("web", [stable[1]])
            shrunk.json["metadata"] = try await endpointsClient.get("web").json["metadata"]
            _ = try await endpointsClient.update(shrunk)
            _ = try await Self.within(20, "the endpoint removal") {
                await controller.waitForTable { $0.backend(upstream: upstream)?.endpoints.count == 1 }
            }
            for _ in 0..<6 {
                let (_, body) = try await get()
                #expect(body == "stable-2")
            }

            // Metrics, with the controller's labels.
            let metricsResponse = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(metricsAddress.port ?? 0)/metrics"),
                                                         timeout: .seconds(10))
            let samples = try F.samples(String(buffer: try await metricsResponse.body.collect(upTo: 16 << 20)))
            #expect(F.value(samples, "nginx_ingress_controller_requests", ["namespace": namespace, "ingress": "web", "service": "web",
                                                                           "status": "200", "controller_pod": "test-pod"]) == 17)
            #expect(F.value(samples, "nginx_ingress_controller_requests", ["canary": "\(namespace)-web-canary-80"]) == 1)
            #expect((F.value(samples, "nginx_ingress_controller_success") ?? 0) >= 2)
            #expect(F.value(samples, "nginx_ingress_controller_config_last_reload_successful") == 1)
        } catch {
            Issue.record(error)
        }
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
        try? await http.shutdown()
        for backend in stable + [canary] { await backend.kill() }
        await client.shutdown()
        await cluster.destroy()
    }
}
