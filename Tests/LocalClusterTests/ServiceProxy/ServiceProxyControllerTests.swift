import ControllerRuntime
import KubeClient
import KubeModel
import LocalCluster
import Testing
import TestCluster

/// The controller against the embedded API server. This test plays the endpoints controller: it
/// writes the Endpoints object itself, with the addresses of real echo backends.
@Suite("Service proxy controller", .serialized)
struct ServiceProxyControllerTests {
    /// One subset per backend: each echo backend listens on its own random port, like pods whose
    /// named container port has different numbers.
    static func endpoints(_ name: String, _ backends: [EchoBackend]) -> Endpoints {
        var object = Endpoints(name: name, namespace: "default")
        object.json["subsets"] = .array(backends.map { backend in
            ["addresses": [["ip": .string(backend.host)]], "ports": [["name": "http", "port": .int(Int64(backend.port)), "protocol": "TCP"]]]
        })
        return object
    }

    @Test("Services and Endpoints through the API become listeners that follow every change")
    func followsTheCluster() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        let a = try await EchoBackend.start("a"), b = try await EchoBackend.start("b")
        let factory = SharedInformerFactory(client: client)
        let proxy = ServiceProxy()
        let controller = ServiceProxyController(informers: factory, proxy: proxy)
        let runFactory = Task { try await factory.run() }
        let runController = Task { try await controller.run() }

        let clusterIP = TestAddress.randomClusterIP()
        var service = ServiceObject(name: "web", namespace: "default")
        service.json["spec"] = ["clusterIP": .string(clusterIP), "selector": ["app": "web"],
                                "ports": [["name": "http", "port": 8080, "targetPort": "http"]]]
        let services = client.resource(ServiceObject.self, namespace: "default")
        let created = try await services.create(service)
        #expect(created.json[path: ["spec", "clusterIP"]]?.stringValue == clusterIP)
        let key = ServiceProxyListenerKey(address: clusterIP, port: 8080)

        // No endpoints yet: no listener, connections refused.
        try await Task.sleep(for: .milliseconds(200))
        #expect(await ServiceProxyTests.refused(key))

        let endpointsClient = client.resource(Endpoints.self, namespace: "default")
        _ = try await endpointsClient.create(Self.endpoints("web", [a, b]))
        #expect(await ServiceProxyTests.eventually { (try? await TCPProbe.exchange(clusterIP, 8080)) != nil })
        var seen = Set<String>()
        for _ in 0..<4 { seen.insert(String(try await TCPProbe.exchange(clusterIP, 8080).prefix(1))) }
        #expect(seen == ["a", "b"])

        // b leaves the endpoints: from then on only a answers.
        var current = try await endpointsClient.get("web")
        current.json["subsets"] = Self.endpoints("web", [a]).json["subsets"]
        _ = try await endpointsClient.update(current)
        #expect(await ServiceProxyTests.eventually { await proxy.rule(for: key)?.backends == [a.backend] })
        for _ in 0..<4 { #expect(try await TCPProbe.exchange(clusterIP, 8080) == "a:hello") }

        // The Service goes: the listener closes.
        try await services.delete("web")
        #expect(await ServiceProxyTests.eventually { await ServiceProxyTests.refused(key) })
        #expect(await proxy.openListeners == [])

        runController.cancel()
        _ = try? await runController.value
        runFactory.cancel()
        _ = try? await runFactory.value
        await a.stop()
        await b.stop()
        await client.shutdown()
        await cluster.destroy()
    }
}
