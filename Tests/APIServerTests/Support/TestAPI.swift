import Foundation
import KubeModel
import ObjectStore
@testable import APIServer

/// A KubeAPIHandler over an in-memory store, driven in-process: fast tests of API semantics with no
/// network. Bootstraps the system namespaces; bundled CRDs only when asked.
final class TestAPI: @unchecked Sendable {
    let store: ObjectStore
    let handler: KubeAPIHandler
    let loops: ControlPlaneLoops
    private let runner: Task<Void, any Error>

    init(installCRDs: Bool = false) async throws {
        var configuration = StoreConfiguration(path: nil)
        configuration.durability = .processCrash
        store = try ObjectStore(configuration: configuration)
        handler = KubeAPIHandler(store: store, registry: ResourceRegistry(), configuration: APIServerConfiguration())
        loops = ControlPlaneLoops(handler: handler)
        let store = self.store
        runner = Task { try await store.run() }
        try await Bootstrap(handler: handler, installCRDs: installCRDs, logger: .init(label: "test")).run()
    }

    deinit {
        store.close()
        runner.cancel()
    }

    struct Reply {
        var status: Int
        var body: JSON
        var headers: [(String, String)]
        var raw: [UInt8]

        func header(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
        var message: String { body["message"]?.stringValue ?? "" }
        var reason: String { body["reason"]?.stringValue ?? "" }
    }

    func call(_ method: String, _ path: String, query: String? = nil, body: JSON? = nil, rawBody: [UInt8]? = nil,
              contentType: String? = "application/json", accept: String? = nil, userAgent: String = "kubectl/v1.32.4 (linux/amd64) kubernetes/test") async -> Reply {
        var headers = ["User-Agent": userAgent]
        if let contentType, body != nil || rawBody != nil { headers["Content-Type"] = contentType }
        if let accept { headers["Accept"] = accept }
        let request = APIRequest(method: method, path: path, query: query, headers: headers,
                                 body: rawBody ?? body?.serialized() ?? [])
        let response = await handler.handle(request)
        let bytes: [UInt8]
        switch response.body {
        case .bytes(let b): bytes = b
        case .stream: bytes = []
        }
        return Reply(status: response.status, body: (try? JSON.parse(bytes)) ?? .null, headers: response.headers, raw: bytes)
    }

    func get(_ path: String, query: String? = nil, accept: String? = nil) async -> Reply {
        await call("GET", path, query: query, accept: accept)
    }

    func create(_ path: String, _ body: JSON, query: String? = nil) async -> Reply {
        await call("POST", path, query: query, body: body)
    }

    func put(_ path: String, _ body: JSON, query: String? = nil) async -> Reply {
        await call("PUT", path, query: query, body: body)
    }

    func patch(_ path: String, _ body: JSON, type: String = "application/merge-patch+json", query: String? = nil) async -> Reply {
        await call("PATCH", path, query: query, body: body, contentType: type)
    }

    func delete(_ path: String, _ body: JSON? = nil, query: String? = nil) async -> Reply {
        await call("DELETE", path, query: query, body: body)
    }

    /// Collects a watch stream's events until `count` arrived or the stream ends.
    func watch(_ path: String, query: String, count: Int, timeout: Duration = .seconds(10),
               during action: @escaping @Sendable () async -> Void = {}) async throws -> [JSON] {
        let response = await handler.handle(APIRequest(method: "GET", path: path, query: query, headers: ["Accept": "application/json"]))
        guard case .stream(let produce) = response.body else {
            return [(try? JSON.parse(response.bytes)) ?? .null]
        }
        let collector = EventCollector(wanted: count)
        let producer = Task {
            var writer: any ChunkWriter = collector
            try? await produce(&writer)
            await collector.finish()
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            producer.cancel()
        }
        await action()
        await collector.waitUntilDone()
        producer.cancel()
        timer.cancel()
        return await collector.events
    }
}

/// Gathers newline-delimited watch events from a streamed response.
actor EventCollector: ChunkWriter {
    let wanted: Int
    var events: [JSON] = []
    var buffer: [UInt8] = []
    var waiters: [CheckedContinuation<Void, Never>] = []

    init(wanted: Int) { self.wanted = wanted }

    func write(_ bytes: [UInt8]) async throws {
        buffer += bytes
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = Array(buffer[..<newline])
            buffer.removeFirst(newline + 1)
            if let event = try? JSON.parse(line) { events.append(event) }
        }
        if events.count >= wanted { finish() }
        if events.count >= wanted { throw CancellationError() }
    }

    var finished = false

    func finish() {
        finished = true
        for w in waiters { w.resume() }
        waiters = []
    }

    func waitUntilDone() async {
        if events.count >= wanted || finished { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

func configMap(_ name: String, namespace: String? = nil, data: [String: String] = ["k": "v"], labels: [String: String] = [:]) -> JSON {
    var o: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name)], "data": JSON(data)]
    if let namespace { o[path: ["metadata", "namespace"]] = .string(namespace) }
    if !labels.isEmpty { o.labels = labels }
    return o
}

func deployment(_ name: String, replicas: Int = 1, image: String = "nginx:1.25") -> JSON {
    [
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
        "spec": [
            "replicas": .int(Int64(replicas)), "selector": ["matchLabels": ["app": .string(name)]],
            "template": ["metadata": ["labels": ["app": .string(name)]],
                         "spec": ["containers": [["name": "main", "image": .string(image)]]]],
        ],
    ]
}
