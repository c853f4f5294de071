import Foundation
import KubeClient
import KubeModel
import TestCluster
import Testing
@testable import ControllerRuntime

/// Runs an informer in the background for the duration of `body`.
func withInformer<Object: KubeObject, T>(_ informer: Informer<Object>, _ body: () async throws -> T) async throws -> T {
    let runner = Task { try await informer.run() }
    defer { runner.cancel() }
    await informer.waitForSync()
    return try await body()
}

/// Waits (bounded) until `condition` holds; informers apply events asynchronously.
func eventually(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool,
                sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition did not hold within \(timeout)", sourceLocation: sourceLocation)
}

/// The cache's content as name → resourceVersion, to compare with a fresh list.
func snapshot(_ store: InformerStore<ConfigMap>) -> [String: String] {
    Dictionary(uniqueKeysWithValues: store.entries().map { ($0.key, $0.resourceVersion) })
}

func freshList(_ client: ResourceClient<ConfigMap>) async throws -> [String: String] {
    Dictionary(uniqueKeysWithValues: try await client.listAll().items.map { ($0.key, $0.resourceVersion) })
}

@Suite("Informers", .serialized)
struct InformerTests {
    @Test("the cache equals a fresh list after 10,000 random creates, updates and deletes")
    func cacheMatchesAfterRandomChurn() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        let informer = Informer(resource: client.resource(ConfigMap.self))
        let events = informer.events()
        let counter = Task { () -> Int in
            var n = 0
            for await _ in events { n += 1 }
            return n
        }
        try await withInformer(informer) {
            var generator = SystemRandomNumberGenerator()
            var live: Set<String> = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Eight writers on disjoint name ranges, 1,250 operations each.
                for writer in 0..<8 {
                    var names = (0..<40).map { "w\(writer)-\($0)" }
                    names.shuffle(using: &generator)
                    group.addTask {
                        var mine: Set<String> = []
                        var rng = SystemRandomNumberGenerator()
                        for _ in 0..<1250 {
                            let name = names.randomElement(using: &rng)!
                            if mine.contains(name) {
                                if Bool.random(using: &rng) {
                                    _ = try await configMaps.patch(name, type: .merge, body: ["data": ["n": .string(String(Int.random(in: 0...1_000_000, using: &rng)))]])
                                } else {
                                    try await configMaps.delete(name)
                                    mine.remove(name)
                                }
                            } else {
                                _ = try await configMaps.create(ConfigMap(name: name, namespace: "default"))
                                mine.insert(name)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            live = Set(try await configMaps.listAll().items.map(\.name))
            #expect(live.count > 0)
            let expected = try await freshList(configMaps)
            try await eventually { snapshot(informer.store).filter { $0.key.hasPrefix("default/") } == expected }
            #expect(informer.store.byIndex("namespace", "default").count == expected.count)
        }
        let delivered = await counter.value
        #expect(delivered >= 10_000, "every change reached the handler (\(delivered) events)")
    }

    @Test("watches survive server restarts and forced compaction: 410 makes the informer relist, and nothing is lost")
    func survivesRestartAndCompaction() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        var configuration = InformerConfiguration()
        configuration.initialBackoff = .milliseconds(50)
        configuration.maximumBackoff = .milliseconds(200)
        let informer = Informer(resource: client.resource(ConfigMap.self), configuration: configuration)
        try await withInformer(informer) {
            for i in 0..<20 { _ = try await configMaps.create(ConfigMap(name: "before-\(i)", namespace: "default")) }
            try await eventually { informer.store.count >= 20 }
            // Restart the server: the watch breaks, the informer reconnects from its last revision.
            try await cluster.restart()
            for i in 0..<20 { _ = try await configMaps.create(ConfigMap(name: "after-restart-\(i)", namespace: "default")) }
            try await configMaps.delete("before-0")
            try await eventually { snapshot(informer.store) == (try await freshList(configMaps)) }
            // Stop, change things while the informer cannot watch, compact, restart: its revision is gone (410).
            let listsBefore = informer.listCount
            await cluster.stop()
            try await cluster.restart()
            try await configMaps.delete("before-1")
            for i in 0..<5 { _ = try await configMaps.create(ConfigMap(name: "while-compacted-\(i)", namespace: "default")) }
            try await cluster.store.compactAll()
            try await cluster.restart()
            _ = try await configMaps.create(ConfigMap(name: "last", namespace: "default"))
            try await eventually { snapshot(informer.store) == (try await freshList(configMaps)) }
            #expect(informer.listCount > listsBefore, "a 410 forced a relist")
            #expect(informer.store.get(name: "before-1", namespace: "default") == nil)
        }
    }

    @Test("handlers registered after sync get the cached objects first; deletions while disconnected arrive as deletes")
    func lateHandlersAndMissedDeletes() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        _ = try await configMaps.create(ConfigMap(name: "a", namespace: "default"))
        let informer = Informer(resource: client.resource(ConfigMap.self, namespace: "default"))
        try await withInformer(informer) {
            var iterator = informer.events().makeAsyncIterator()
            let first = await iterator.next()
            #expect(first?.object.name == "a")
            if case .added = first {} else { Issue.record("expected the cached object as added") }
            _ = try await configMaps.create(ConfigMap(name: "b", namespace: "default"))
            let second = await iterator.next()
            #expect(second?.object.name == "b")
        }
    }
}

@Suite("Shared informers")
struct SharedInformerFactoryTests {
    @Test("the factory hands out one informer per resource, namespace and selector")
    func deduplicates() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let factory = SharedInformerFactory(client: client)
        let a = factory.informer(ConfigMap.self)
        let b = factory.informer(ConfigMap.self)
        let c = factory.informer(ConfigMap.self, namespace: "kube-system")
        #expect(a === b)
        #expect(a !== c)
        let runner = Task { try await factory.run() }
        defer { runner.cancel() }
        await factory.waitForSync()
        #expect(a.hasSynced && c.hasSynced)
        let late = factory.informer(Namespace.self)
        await late.waitForSync()
        #expect(late.store.get("default") != nil)
    }

    @Test("waiting for caches that never fill returns false when cancelled or when the informer stops")
    func waitingForSyncNeverHangs() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let factory = SharedInformerFactory(client: client)
        let neverRun = factory.informer(ConfigMap.self)
        let waiter = Task { await waitForCacheSync(neverRun) }
        waiter.cancel()
        #expect(await waiter.value == false)
        // An informer that stops before its first list completes releases its waiters too.
        // Port 9 on loopback: nothing listens there, so every list fails and the informer keeps backing off.
        let nowhere = try KubeClient(configuration: ClientConfiguration(server: URL(string: "http://127.0.0.1:9")!))
        defer { Task { await nowhere.shutdown() } }
        let unreachable = Informer(resource: nowhere.resource(ConfigMap.self))
        let runner = Task { try await unreachable.run() }
        let stopped = Task { await unreachable.waitForSync() }
        try await Task.sleep(for: .milliseconds(100))
        runner.cancel()
        #expect(await stopped.value == false)
        #expect(!unreachable.hasSynced)
    }
}

@Suite("Informer resync")
struct InformerResyncTests {
    @Test("a resync replays every cached object to handlers as an update, on the injected clock")
    func resyncReplaysCache() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        for name in ["a", "b"] { _ = try await client.resource(ConfigMap.self, namespace: "default").create(ConfigMap(name: name, namespace: "default")) }
        let clock = ManualClock()
        let informer = Informer(resource: client.resource(ConfigMap.self, namespace: "default"),
                                configuration: InformerConfiguration(resyncPeriod: .seconds(30)), clock: clock)
        try await withInformer(informer) {
            var events = informer.events().makeAsyncIterator()
            _ = await events.next()
            _ = await events.next()
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(30))
            var resynced: Set<String> = []
            for _ in 0..<2 {
                if case .updated(let old, let new)? = await events.next() {
                    #expect(old.resourceVersion == new.resourceVersion)
                    resynced.insert(new.name)
                }
            }
            #expect(resynced == ["a", "b"])
        }
    }
}
