// InformerBench: how fast and how lean a ControllerRuntime `Informer` is against a running API server.
// Run by ../informer.sh; see ../README.md. Three modes:
//
//   InformerBench load   --kubeconfig K --kind configmaps|pods --count N [--namespace NS] [--concurrency C]
//       creates N objects (C concurrent creates) so that `sync` has something to list.
//   InformerBench sync   --kubeconfig K --kind configmaps|pods --count N [--namespace NS]
//       starts an Informer on NS, times list+cache until `waitForSync()`, measures memory before and after
//       (RSS and malloc's in-use bytes, each after malloc_trim), then lists the same objects once more
//       (a plain list, outside the informer) to learn their JSON size.
//   InformerBench events --kubeconfig K [--seconds S] [--writers W] [--namespace NS]
//       starts a synced Informer on NS (ConfigMaps, one event handler), then W writers create and update
//       ConfigMaps as fast as the server takes them for S seconds; reports events/s into the cache and the
//       lag until the cache holds the last acknowledged write.
//
// Every mode prints human-readable lines and one `RESULT key=value ...` line for the script.
import ControllerRuntime
import Foundation
import Glibc
import KubeClient
import KubeModel
import Synchronization

struct Options {
    var mode = ""
    var kubeconfig = ""
    var kind = "configmaps"
    var count = 10_000
    var namespace = "bench"
    var concurrency = 32
    var seconds = 10
    var writers = 16

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var it = args.makeIterator()
        guard let mode = it.next() else { usage() }
        o.mode = mode
        while let flag = it.next() {
            guard let value = it.next() else { usage() }
            switch flag {
            case "--kubeconfig": o.kubeconfig = value
            case "--kind": o.kind = value
            case "--count": o.count = Int(value) ?? o.count
            case "--namespace": o.namespace = value
            case "--concurrency": o.concurrency = Int(value) ?? o.concurrency
            case "--seconds": o.seconds = Int(value) ?? o.seconds
            case "--writers": o.writers = Int(value) ?? o.writers
            default: usage()
            }
        }
        guard ["load", "sync", "events"].contains(o.mode), ["configmaps", "pods"].contains(o.kind), !o.kubeconfig.isEmpty else { usage() }
        return o
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("""
            usage: InformerBench load|sync|events --kubeconfig FILE [--kind configmaps|pods] [--count N] [--namespace NS]
                                 [--concurrency C] [--seconds S] [--writers W]

            """.utf8))
        exit(2)
    }
}

// MARK: Memory and time

/// Resident set size of this process in bytes (/proc/self/statm).
func rssBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields.count > 1 ? fields[1] : "0") ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Peak resident set size (VmHWM) in bytes.
func peakRSSBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0) * 1024
    }
    return 0
}

/// glibc's malloc_trim and mallinfo2, looked up at run time: the Glibc module does not export them.
func libcSymbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(dlopen(nil, RTLD_NOW), name) }

/// Bytes malloc has handed out and not got back: mallinfo2's uordblks (small blocks in use) plus hblkhd
/// (mmapped blocks). mallinfo2 returns a 10-word struct, which the x86-64 System V ABI returns through a
/// hidden pointer in the first argument register, so it is called as a function taking that pointer.
func heapInUse() -> Int {
    #if arch(x86_64)
    guard let symbol = libcSymbol("mallinfo2") else { return 0 }
    typealias Mallinfo2 = @convention(c) (UnsafeMutablePointer<Int>) -> UnsafeMutableRawPointer?
    let call = unsafeBitCast(symbol, to: Mallinfo2.self)
    var fields = [Int](repeating: 0, count: 10)  // arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost
    fields.withUnsafeMutableBufferPointer { _ = call($0.baseAddress!) }
    return fields[7] + fields[4]
    #else
    return 0
    #endif
}

func mallocTrim() {
    guard let symbol = libcSymbol("malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
}

/// Returns free memory to the system and lets background work settle, so that RSS reflects live data.
func settle() async {
    for _ in 0..<3 {
        mallocTrim()
        try? await Task.sleep(for: .milliseconds(300))
    }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

// MARK: Objects

func configMap(_ name: String, namespace: String) -> ConfigMap {
    ConfigMap(json: [
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": ["name": .string(name), "namespace": .string(namespace),
                     "labels": ["app.kubernetes.io/name": "bench", "app.kubernetes.io/part-of": "tack-bench"]],
        "data": ["LOG_LEVEL": "info", "FEATURE_FLAGS": "checkout,search,recommendations",
                 "config.yaml": "server:\n  port: 8080\n  timeout: 30s\nstorage:\n  path: /var/lib/app\n  retention: 7d\n"],
    ])
}

/// A Pod as a Deployment would stamp it out: labels, one container with ports, env, resources and probes.
func pod(_ name: String, namespace: String) -> Pod {
    Pod(json: [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": ["name": .string(name), "namespace": .string(namespace),
                     "labels": ["app.kubernetes.io/name": "bench", "app.kubernetes.io/part-of": "tack-bench",
                                "pod-template-hash": "6d4cf56db6"]],
        "spec": [
            "containers": [[
                "name": "web", "image": "argoproj/rollouts-demo:blue",
                "ports": [["name": "http", "containerPort": 8080, "protocol": "TCP"]],
                "env": [["name": "LOG_LEVEL", "value": "info"], ["name": "COLOR", "value": "blue"]],
                "resources": ["requests": ["cpu": "50m", "memory": "64Mi"], "limits": ["memory": "128Mi"]],
                "readinessProbe": ["httpGet": ["path": "/color", "port": 8080], "periodSeconds": 5],
            ]],
            "terminationGracePeriodSeconds": 5,
        ],
    ])
}

// MARK: Modes

@main
struct InformerBench {
    static func main() async throws {
        let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
        var configuration = try KubeconfigLoader.load(kubeconfig: options.kubeconfig, environment: [:])
        // The client's own rate limiter (500 requests/s by default) would cap the loader and the writers.
        configuration.qps = 1_000_000
        configuration.burst = 1_000_000
        let client = try KubeClient(configuration: configuration)
        do {
            switch options.mode {
            case "load": try await load(client, options)
            case "sync":
                if options.kind == "pods" {
                    try await sync(client, client.resource(Pod.self, namespace: options.namespace), options)
                } else {
                    try await sync(client, client.resource(ConfigMap.self, namespace: options.namespace), options)
                }
            default: try await events(client, options)
            }
        } catch {
            await client.shutdown()
            FileHandle.standardError.write(Data("InformerBench: \(error)\n".utf8))
            exit(1)
        }
        await client.shutdown()
    }

    /// Creates `count` objects with `concurrency` creates in flight.
    static func load(_ client: KubeClient, _ o: Options) async throws {
        let start = now()
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<o.concurrency {
                group.addTask {
                    while true {
                        let i = next.value.add(1, ordering: .relaxed).oldValue
                        if i >= o.count { return }
                        let name = String(format: "bench-%05d", i)
                        if o.kind == "pods" {
                            _ = try await client.resource(Pod.self, namespace: o.namespace).create(pod(name, namespace: o.namespace))
                        } else {
                            _ = try await client.resource(ConfigMap.self, namespace: o.namespace).create(configMap(name, namespace: o.namespace))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = now() - start
        print(String(format: "loaded %d %@ into %@ in %.1f s (%.0f creates/s)", o.count, o.kind, o.namespace, seconds, Double(o.count) / seconds))
        print(String(format: "RESULT mode=load kind=%@ count=%d seconds=%.2f creates_per_s=%.0f", o.kind, o.count, seconds, Double(o.count) / seconds))
    }

    /// Initial sync time and memory per cached object against the objects' JSON size.
    static func sync<Object: TypedKubeObject>(_ client: KubeClient, _ resource: ResourceClient<Object>, _ o: Options) async throws {
        // Warm up: the connection, TLS session and the JSON code paths, with a one-item list.
        _ = try await resource.list(ListOptions(limit: 1))
        await settle()
        let rss0 = rssBytes(), heap0 = heapInUse()

        let informer = Informer(resource: resource)
        let start = now()
        let runner = Task { try await informer.run() }
        guard await informer.waitForSync() else { throw InformerBenchError("informer stopped before it synced") }
        let syncSeconds = now() - start
        let cached = informer.store.count
        let peak = peakRSSBytes()
        await settle()
        let rss1 = rssBytes(), heap1 = heapInUse()
        let storedBytes = informer.store.storedBytes

        // The same objects once more through a plain list: their JSON as the server serves them (each
        // item alone, compact), and the whole response body.
        var bodyBytes = 0, itemBytes = 0, items = 0
        var options = ListOptions(limit: 500)
        let path = "/api/v1/namespaces/\(o.namespace)/\(o.kind)"
        while true {
            var query: [(String, String)] = [("limit", "500")]
            if let token = options.continueToken { query.append(("continue", token)) }
            let response = try await client.send(KubeRequest(method: .GET, path: path, query: query))
            bodyBytes += response.body.count
            let doc = try response.json()
            for item in doc["items"]?.arrayValue ?? [] {
                itemBytes += item.serialized().count
                items += 1
            }
            guard let token = doc["metadata"]?["continue"]?.stringValue, !token.isEmpty else { break }
            options.continueToken = token
        }
        runner.cancel()
        _ = try? await runner.value

        let n = max(cached, 1)
        let rssPer = Double(rss1 - rss0) / Double(n)
        let heapPer = Double(heap1 - heap0) / Double(n)
        let jsonPer = Double(itemBytes) / Double(max(items, 1))
        print("""
            \(o.kind): \(cached) objects cached (expected \(o.count)) in \(String(format: "%.3f", syncSeconds)) s \
            (\(String(format: "%.0f", Double(cached) / syncSeconds)) objects/s)
              RSS before \(mb(rss0)) MB, after \(mb(rss1)) MB (peak during sync \(mb(peak)) MB); malloc in use before \(mb(heap0)) MB, after \(mb(heap1)) MB
              per cached object: RSS \(String(format: "%.0f", rssPer)) B, malloc in use \(String(format: "%.0f", heapPer)) B; \
            JSON per object \(String(format: "%.0f", jsonPer)) B (list bodies \(bodyBytes) B for \(items) items; cache holds \(storedBytes) B of JSON)
              ratio to JSON size: RSS \(String(format: "%.2f", rssPer / jsonPer))x, malloc in use \(String(format: "%.2f", heapPer / jsonPer))x
            """)
        print(String(format: "RESULT mode=sync kind=%@ count=%d cached=%d sync_s=%.3f objects_per_s=%.0f rss_before_mb=%.1f rss_after_mb=%.1f peak_rss_mb=%.1f rss_per_object_b=%.0f heap_per_object_b=%.0f json_per_object_b=%.0f stored_json_b=%d rss_ratio=%.2f heap_ratio=%.2f",
                     o.kind, o.count, cached, syncSeconds, Double(cached) / syncSeconds, Double(rss0) / 1_048_576, Double(rss1) / 1_048_576,
                     Double(peak) / 1_048_576, rssPer, heapPer, jsonPer, storedBytes, rssPer / jsonPer, heapPer / jsonPer))
        if cached != o.count { throw InformerBenchError("cached \(cached) objects, expected \(o.count)") }
    }

    /// Sustained watch events into the cache while writers create and update ConfigMaps flat out.
    static func events(_ client: KubeClient, _ o: Options) async throws {
        let resource = client.resource(ConfigMap.self, namespace: o.namespace)
        let informer = Informer(resource: resource)
        let runner = Task { try await informer.run() }
        guard await informer.waitForSync() else { throw InformerBenchError("informer stopped before it synced") }
        let received = Counter()
        let handler = Task {
            for await _ in informer.events() { received.value.add(1, ordering: .relaxed) }
        }
        try await Task.sleep(for: .milliseconds(500))
        let base = received.value.load(ordering: .relaxed)

        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let deadline = now() + Double(o.seconds)
        let writes = Counter()
        let maxRevision = Counter()
        let start = now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<o.writers {
                group.addTask {
                    var i = 0
                    while now() < deadline {
                        // Create, then update the object just created: one ADDED and one MODIFIED event.
                        let created = try await resource.create(configMap("ev-\(run)-\(w)-\(i)", namespace: o.namespace))
                        var changed = created
                        changed.json[path: ["data", "LOG_LEVEL"]] = "debug"
                        let updated = try await resource.update(changed)
                        writes.value.add(2, ordering: .relaxed)
                        maxRevision.value.max(Int(updated.resourceVersion) ?? 0, ordering: .relaxed)
                        i += 1
                    }
                }
            }
            try await group.waitForAll()
        }
        let writeEnd = now()
        let last = maxRevision.value.load(ordering: .relaxed)
        // Wait until the cache has seen the last acknowledged write.
        while (Int(informer.lastResourceVersion) ?? 0) < last, now() - writeEnd < 60 {
            try await Task.sleep(for: .milliseconds(1))
        }
        let cacheEnd = now()
        let events = received.value.load(ordering: .relaxed) - base
        runner.cancel()
        handler.cancel()
        _ = try? await runner.value
        let totalWrites = writes.value.load(ordering: .relaxed)
        let writeSeconds = writeEnd - start, totalSeconds = cacheEnd - start
        print("""
            events: \(o.writers) writers for \(o.seconds) s: \(totalWrites) writes acknowledged (\(String(format: "%.0f", Double(totalWrites) / writeSeconds))/s); \
            \(events) events into the cache and its handler in \(String(format: "%.2f", totalSeconds)) s \
            (\(String(format: "%.0f", Double(events) / totalSeconds)) events/s); cache caught up \(String(format: "%.0f", (cacheEnd - writeEnd) * 1000)) ms after the last write
            """)
        print(String(format: "RESULT mode=events writers=%d seconds=%.2f writes=%d writes_per_s=%.0f events=%d events_per_s=%.0f catchup_ms=%.0f",
                     o.writers, totalSeconds, totalWrites, Double(totalWrites) / writeSeconds, events, Double(events) / totalSeconds,
                     (cacheEnd - writeEnd) * 1000))
        if events < totalWrites { throw InformerBenchError("the cache saw \(events) events for \(totalWrites) writes") }
    }
}

/// An atomic integer the concurrent tasks share.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

struct InformerBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
