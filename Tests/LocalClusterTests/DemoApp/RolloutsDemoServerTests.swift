import AsyncHTTPClient
import Logging
import LocalCluster
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// The demo server in-process on a free port of its own loopback address, over real HTTP.
@Suite("Rollouts demo server")
struct RolloutsDemoServerTests {
    struct Running {
        let base: String
        let host: String
        let port: Int
        let services: ServiceGroup
        let task: Task<Void, any Error>
    }

    static func start(_ configuration: RolloutsDemoConfiguration, responder: RolloutsDemoResponder? = nil) async throws -> Running {
        var configuration = configuration
        configuration.host = "127.62.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        configuration.port = 0
        configuration.logRequests = false
        let (addresses, continuation) = AsyncStream.makeStream(of: SocketAddress.self)
        let server = RolloutsDemoServer(configuration: configuration, responder: responder, onListening: { continuation.yield($0) })
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [server], logger: Logger(label: "test")))
        let task = Task {
            defer { continuation.finish() }
            try await services.run()
        }
        for await address in addresses {
            let port = address.port ?? 0
            return Running(base: "http://\(configuration.host):\(port)", host: configuration.host, port: port, services: services, task: task)
        }
        try await task.value
        throw CancellationError()
    }

    static func get(_ url: String, method: HTTPMethod = .GET) async throws -> (status: UInt, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, response.headers, String(buffer: body))
    }

    static func stop(_ running: Running) async throws {
        await running.services.triggerGracefulShutdown()
        try await running.task.value
    }

    @Test("GET / serves the page and GET /color the colour, as upstream")
    func serves() async throws {
        let running = try await Self.start(RolloutsDemoConfiguration(color: "blue"))
        let page = try await Self.get(running.base + "/")
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"] == ["text/html; charset=utf-8"])
        #expect(page.body.contains("Rollouts demo: blue"))
        let color = try await Self.get(running.base + "/color")
        #expect(color.status == 200)
        #expect(color.body == "\"blue\"")
        #expect(color.headers["Content-Type"] == ["text/plain; charset=utf-8"])
        #expect(color.headers["X-Content-Type-Options"] == ["nosniff"])
        let missing = try await Self.get(running.base + "/nope")
        #expect(missing.status == 404)
        try await Self.stop(running)
    }

    @Test("ERROR_RATE=100 answers every /color with 500")
    func errorRate() async throws {
        let configuration = try RolloutsDemoConfiguration.fromEnvironment(color: "green", environment: ["ERROR_RATE": "100"])
        let running = try await Self.start(configuration)
        for _ in 0..<3 {
            let color = try await Self.get(running.base + "/color")
            #expect(color.status == 500)
            #expect(color.body == "\"green\"")
        }
        #expect(try await Self.get(running.base + "/").status == 200)
        try await Self.stop(running)
    }

    @Test("LATENCY=0.3 delays /color by at least 0.3 s")
    func latency() async throws {
        let configuration = try RolloutsDemoConfiguration.fromEnvironment(color: "blue", environment: ["LATENCY": "0.3"])
        let running = try await Self.start(configuration)
        let start = ContinuousClock.now
        let color = try await Self.get(running.base + "/color")
        let elapsed = ContinuousClock.now - start
        #expect(color.status == 200)
        #expect(elapsed >= .milliseconds(300))
        try await Self.stop(running)
    }

    @Test("graceful shutdown finishes the request in flight, then stops listening")
    func gracefulShutdown() async throws {
        // The responder's random roll tells when the server has the request (and never fails it).
        let (received, signal) = AsyncStream.makeStream(of: Void.self)
        let configuration = RolloutsDemoConfiguration(color: "blue", errorRate: 1, latency: 0.5)
        let responder = RolloutsDemoResponder(configuration: configuration, randomPercent: { signal.yield(); return 99 })
        let running = try await Self.start(configuration, responder: responder)
        async let inFlight = Self.get(running.base + "/color")
        for await _ in received { break }
        await running.services.triggerGracefulShutdown()
        let answer = try await inFlight
        #expect(answer.status == 200)
        #expect(answer.body == "\"blue\"")
        #expect(answer.headers["Connection"] == ["close"])
        try await running.task.value
        // A raw connect: the HTTP client would retry refused connections until its deadline.
        await #expect(throws: (any Error).self) { try await TCPProbe.connect(running.host, running.port) }
    }
}
