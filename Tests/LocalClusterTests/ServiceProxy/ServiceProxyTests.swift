import KubeModel
import LocalCluster
import NIOCore
import NIOPosix
import Testing

/// The proxy against real TCP echo backends on their own loopback addresses.
@Suite("Service proxy")
struct ServiceProxyTests {
    static func rule(_ listener: ServiceProxyListenerKey, _ backends: [ServiceProxyBackend], service: String = "default/web") -> ServiceProxyRule {
        ServiceProxyRule(service: service, portName: "http", kind: .clusterIP, listener: listener, backends: backends)
    }

    static func listener() -> ServiceProxyListenerKey {
        ServiceProxyListenerKey(address: TestAddress.randomClusterIP(), port: 8080)
    }

    /// Polls `condition` until it holds or `timeout` passes (for effects that reach sockets asynchronously).
    static func eventually(timeout: Duration = .seconds(3), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    static func refused(_ key: ServiceProxyListenerKey) async -> Bool {
        do {
            _ = try await TCPProbe.exchange(key.address, key.port)
            return false
        } catch {
            return true
        }
    }

    @Test("new connections go round-robin over the backends")
    func balances() async throws {
        let backends = [try await EchoBackend.start("a"), try await EchoBackend.start("b"), try await EchoBackend.start("c")]
        let proxy = ServiceProxy()
        let key = Self.listener()
        #expect(await proxy.apply([Self.rule(key, backends.map(\.backend))]) == [])
        var answers: [String] = []
        for _ in 0..<6 { answers.append(try await TCPProbe.exchange(key.address, key.port, "x")) }
        let names = answers.map { String($0.prefix(1)) }
        #expect(Set(names.prefix(3)) == ["a", "b", "c"])
        #expect(Array(names.suffix(3)) == Array(names.prefix(3)))
        #expect(answers.allSatisfy { $0.hasSuffix(":x") })
        await proxy.shutdown()
        for backend in backends { await backend.stop() }
    }

    @Test("a backend that refuses is skipped and the next one tried")
    func skipsRefusing() async throws {
        let live = try await EchoBackend.start("live")
        let dead = ServiceProxyBackend(host: TestAddress.random(), port: 9)
        let proxy = ServiceProxy()
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [dead, live.backend])])
        for _ in 0..<4 { #expect(try await TCPProbe.exchange(key.address, key.port) == "live:hello") }
        await proxy.shutdown()
        await live.stop()
    }

    @Test("a removed backend gets no new connections and its idle connections are closed")
    func removal() async throws {
        let a = try await EchoBackend.start("a"), b = try await EchoBackend.start("b")
        let proxy = ServiceProxy()
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [a.backend, b.backend])])
        let first = try await TCPProbe.connect(key.address, key.port)
        try await first.executeThenClose { inbound, outbound in
            var answers = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(string: "1"))
            let answer = String(buffer: try #require(try await answers.next()))
            let pinned = answer == "a:1" ? a : b
            let other = pinned === a ? b : a
            await proxy.apply([Self.rule(key, [other.backend])])
            for _ in 0..<4 { #expect(try await TCPProbe.exchange(key.address, key.port) == "\(other.name):hello") }
            // The pinned connection was idle (its backend answered last): closed within the quiet period.
            #expect(try await answers.next() == nil)
        }
        await proxy.shutdown()
        await a.stop()
        await b.stop()
    }

    @Test("a request in flight to a removed backend gets its answer before the connection closes")
    func inFlight() async throws {
        let slow = try await EchoBackend.start("slow", delay: .milliseconds(300))
        let other = try await EchoBackend.start("other")
        let proxy = ServiceProxy()
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [slow.backend])])
        let connection = try await TCPProbe.connect(key.address, key.port)
        try await connection.executeThenClose { inbound, outbound in
            var answers = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(string: "slow request"))
            try await Task.sleep(for: .milliseconds(50))
            await proxy.apply([Self.rule(key, [other.backend])])
            let answer = try await answers.next()
            #expect(answer.map { String(buffer: $0) } == "slow:slow request")
            #expect(try await answers.next() == nil)
        }
        await proxy.shutdown()
        await slow.stop()
        await other.stop()
    }

    @Test("kube-proxy's TCP behaviour keeps connections to removed backends when asked")
    func keepsConnections() async throws {
        let a = try await EchoBackend.start("a"), b = try await EchoBackend.start("b")
        var configuration = ServiceProxyConfiguration()
        configuration.closeConnectionsToRemovedBackends = false
        let proxy = ServiceProxy(configuration: configuration)
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [a.backend])])
        let connection = try await TCPProbe.connect(key.address, key.port)
        try await connection.executeThenClose { inbound, outbound in
            var answers = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(string: "1"))
            #expect(try await answers.next().map { String(buffer: $0) } == "a:1")
            await proxy.apply([Self.rule(key, [b.backend])])
            try await Task.sleep(for: .milliseconds(200))
            try await outbound.write(ByteBuffer(string: "2"))
            #expect(try await answers.next().map { String(buffer: $0) } == "a:2")
        }
        await proxy.shutdown()
        await a.stop()
        await b.stop()
    }

    @Test("a NodePort Service listens on the host address at its node port")
    func nodePort() async throws {
        let backend = try await EchoBackend.start("pod")
        let nodePort = try await Self.freePort(on: "127.0.0.1")
        let clusterIP = TestAddress.randomClusterIP()
        let service: JSON = [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
            "spec": ["type": "NodePort", "clusterIP": .string(clusterIP), "ports": [["name": "http", "port": 8080, "nodePort": .int(Int64(nodePort))]]],
        ]
        let endpoints: JSON = [
            "apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": "web", "namespace": "default"],
            "subsets": [["addresses": [["ip": .string(backend.host)]], "ports": [["name": "http", "port": .int(Int64(backend.port))]]]],
        ]
        let proxy = ServiceProxy()
        #expect(await proxy.apply(ServiceProxyRules.rules(services: [service], endpoints: [endpoints])) == [])
        #expect(try await TCPProbe.exchange("127.0.0.1", nodePort) == "pod:hello")
        #expect(try await TCPProbe.exchange(clusterIP, 8080) == "pod:hello")
        await proxy.shutdown()
        await backend.stop()
    }

    @Test("the listener closes when the Service goes or has no ready endpoint left")
    func listenerCloses() async throws {
        let backend = try await EchoBackend.start("pod")
        let proxy = ServiceProxy()
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [backend.backend])])
        #expect(await proxy.openListeners == [key])
        #expect(try await TCPProbe.exchange(key.address, key.port) == "pod:hello")

        await proxy.apply([Self.rule(key, [])])
        #expect(await proxy.openListeners == [])
        #expect(await Self.refused(key))

        await proxy.apply([Self.rule(key, [backend.backend])])
        #expect(try await TCPProbe.exchange(key.address, key.port) == "pod:hello")

        await proxy.apply([])
        #expect(await proxy.openListeners == [])
        #expect(await Self.refused(key))
        await proxy.shutdown()
        await backend.stop()
    }

    @Test("a listener that cannot be opened is reported and retried on the next apply")
    func bindFailure() async throws {
        let backend = try await EchoBackend.start("pod")
        let squatter = try await EchoBackend.start("squatter")
        let key = ServiceProxyListenerKey(address: squatter.host, port: squatter.port)
        let proxy = ServiceProxy()
        let failures = await proxy.apply([Self.rule(key, [backend.backend])])
        #expect(failures.count == 1)
        #expect(failures.first?.description.hasPrefix("Service default/web: cannot listen on \(key) for port \"http\": ") == true)
        #expect(failures.first?.message.contains("Address already in use") == true)
        await squatter.stop()
        #expect(await proxy.apply([Self.rule(key, [backend.backend])]) == [])
        #expect(try await TCPProbe.exchange(key.address, key.port) == "pod:hello")
        await proxy.shutdown()
        await backend.stop()
    }

    @Test("a client's half-close reaches the backend, and the backend's answer still comes back")
    func halfClose() async throws {
        let backend = try await EchoBackend.start("pod")
        let proxy = ServiceProxy()
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [backend.backend])])
        let connection = try await TCPProbe.connect(key.address, key.port)
        try await connection.executeThenClose { inbound, outbound in
            var answers = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(string: "slow bye"))
            outbound.finish()
            #expect(try await answers.next().map { String(buffer: $0) } == "pod:slow bye")
        }
        await proxy.shutdown()
        await backend.stop()
    }

    @Test("a backend that speaks first and closes at once is heard in full")
    func serverFirst() async throws {
        let backend = try await EchoBackend.start("pod", greeting: "220 ready")
        let proxy = ServiceProxy()
        let key = Self.listener()
        await proxy.apply([Self.rule(key, [backend.backend])])
        for _ in 0..<3 {
            let connection = try await TCPProbe.connect(key.address, key.port)
            try await connection.executeThenClose { (inbound, _) async throws in
                var answers = inbound.makeAsyncIterator()
                #expect(try await answers.next().map { String(buffer: $0) } == "pod:220 ready")
                #expect(try await answers.next() == nil)
            }
        }
        await proxy.shutdown()
        await backend.stop()
    }

    static func freePort(on host: String) async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: host, port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
