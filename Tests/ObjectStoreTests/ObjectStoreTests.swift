import Foundation
import KubeModel
import Testing
@testable import ObjectStore

/// Runs `body` against a running store (committer active), then closes it.
func withStore<T>(path: String? = nil, configure: (inout StoreConfiguration) -> Void = { _ in },
                  _ body: (ObjectStore) async throws -> T) async throws -> T {
    var configuration = StoreConfiguration(path: path)
    configuration.durability = .processCrash
    configure(&configuration)
    let store = try ObjectStore(configuration: configuration)
    let runner = Task { try await store.run() }
    defer {
        store.close()
        runner.cancel()
    }
    let result = try await body(store)
    store.close()
    _ = try? await runner.value
    return result
}

let configMaps = GroupResource(group: "", resource: "configmaps")

func configMap(_ name: String, namespace: String = "default", data: [String: String] = [:], labels: [String: String] = [:]) -> JSON {
    var o: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": .string(namespace)],
                   "data": JSON(data)]
    if !labels.isEmpty { o.labels = labels }
    return o
}

func key(_ name: String, _ namespace: String = "default") -> ObjectKey {
    ObjectKey(resource: configMaps, namespace: namespace, name: name)
}

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tack-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Object store")
struct ObjectStoreTests {
    @Test("every write gets the next revision, which becomes the object's resourceVersion")
    func revisionsIncreaseByOnePerWrite() async throws {
        try await withStore { store in
            let a = try await store.create(configMap("a"), key: key("a"))
            let b = try await store.create(configMap("b"), key: key("b"))
            let a2 = try await store.update(configMap("a", data: ["x": "1"]), key: key("a"), expectedRevision: a.revision)
            #expect(b.revision == a.revision + 1)
            #expect(a2.revision == b.revision + 1)
            #expect(a2.object.resourceVersion == String(a2.revision))
            #expect(store.get(key("a"))?.object["data"]?["x"] == "1")
            #expect(store.revision == a2.revision)
        }
    }

    @Test("a stale expected revision is a conflict and changes nothing")
    func staleUpdateConflicts() async throws {
        try await withStore { store in
            let a = try await store.create(configMap("a"), key: key("a"))
            _ = try await store.update(configMap("a", data: ["x": "1"]), key: key("a"), expectedRevision: a.revision)
            await #expect(throws: StoreError.self) {
                try await store.update(configMap("a", data: ["x": "2"]), key: key("a"), expectedRevision: a.revision)
            }
            do {
                _ = try await store.update(configMap("a", data: ["x": "2"]), key: key("a"), expectedRevision: a.revision)
            } catch let error as StoreError {
                #expect(error.isConflict)
            }
            #expect(store.get(key("a"))?.object["data"]?["x"] == "1")
        }
    }

    @Test("creating a taken name fails as already existing; updating or deleting a missing one as not found")
    func existenceErrors() async throws {
        try await withStore { store in
            _ = try await store.create(configMap("a"), key: key("a"))
            do { _ = try await store.create(configMap("a"), key: key("a")); Issue.record("expected failure") }
            catch let e as StoreError { #expect(e.isAlreadyExists) }
            do { _ = try await store.update(configMap("b"), key: key("b"), expectedRevision: nil); Issue.record("expected failure") }
            catch let e as StoreError { #expect(e.isNotFound) }
            do { try await store.delete(key("b")); Issue.record("expected failure") }
            catch let e as StoreError { #expect(e.isNotFound) }
        }
    }

    @Test("sixteen concurrent writers are committed together and each gets a distinct revision")
    func concurrentWritersGetDistinctRevisions() async throws {
        try await withStore { store in
            let revisions = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        var mine: [Int64] = []
                        for i in 0..<50 {
                            let name = "w\(writer)-\(i)"
                            mine.append(try await store.create(configMap(name), key: key(name)).revision)
                        }
                        return mine
                    }
                }
                var all: [Int64] = []
                for try await part in group { all += part }
                return all
            }
            #expect(revisions.count == 800)
            #expect(Set(revisions).count == 800)
            #expect(store.snapshot(of: configMaps).count == 800)
        }
    }

    @Test("lists come in key order and page with a continuation key")
    func listsPageInKeyOrder() async throws {
        try await withStore { store in
            for name in ["c", "a", "e", "b", "d"] { _ = try await store.create(configMap(name), key: key(name)) }
            _ = try await store.create(configMap("z", namespace: "other"), key: key("z", "other"))
            let first = store.list(configMaps, namespace: "default", limit: 2)
            #expect(first.items.map(\.key.name) == ["a", "b"])
            #expect(first.continueAfter == "default/b")
            let second = store.list(configMaps, namespace: "default", after: first.continueAfter, limit: 2)
            #expect(second.items.map(\.key.name) == ["c", "d"])
            let last = store.list(configMaps, namespace: "default", after: second.continueAfter, limit: 2)
            #expect(last.items.map(\.key.name) == ["e"])
            #expect(last.continueAfter == nil)
            #expect(store.list(configMaps, namespace: nil).items.count == 6)
            let labelled = store.list(configMaps, namespace: nil, where: { $0.key.name > "c" })
            #expect(labelled.items.map(\.key.name) == ["d", "e", "z"])
        }
    }

    @Test("a watch from a retained revision replays what came after it, then follows live changes")
    func watchReplaysThenFollows() async throws {
        try await withStore { store in
            let a = try await store.create(configMap("a"), key: key("a"))
            _ = try await store.create(configMap("b"), key: key("b"))
            let watch = try store.watch(configMaps, namespace: "default", after: a.revision)
            try await store.delete(key("a"))
            var iterator = watch.makeAsyncIterator()
            let first = try await iterator.next()
            let second = try await iterator.next()
            #expect(first?.kind == .added)
            #expect(first?.key.name == "b")
            #expect(second?.kind == .deleted)
            #expect(second?.key.name == "a")
            #expect(second?.previous?.revision == a.revision)
            #expect(second?.object.object.resourceVersion == String(second!.revision))
        }
    }

    @Test("a watch from a compacted revision is gone")
    func compactedRevisionIsGone() async throws {
        try await withStore { store in
            let a = try await store.create(configMap("a"), key: key("a"))
            _ = try await store.update(configMap("a", data: ["k": "v"]), key: key("a"), expectedRevision: nil)
            try await store.compactAll()
            #expect(throws: StoreError.self) { try store.watch(configMaps, namespace: nil, after: a.revision) }
            do { _ = try store.watch(configMaps, namespace: nil, after: a.revision) } catch let e as StoreError {
                #expect(e.isGone)
            }
            // The current revision is still a valid starting point.
            _ = try store.watch(configMaps, namespace: nil, after: store.revision)
        }
    }

    @Test("compaction deletes old revisions but keeps every live object's latest one")
    func compactionKeepsLiveObjects() async throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("store.db").path
        try await withStore(path: path) { store in
            for i in 0..<10 { _ = try await store.create(configMap("c\(i)"), key: key("c\(i)")) }
            for round in 0..<5 {
                for i in 0..<10 {
                    _ = try await store.update(configMap("c\(i)", data: ["round": "\(round)"]), key: key("c\(i)"), expectedRevision: nil)
                }
            }
            try await store.delete(key("c0"))
            #expect(try store.logRowCount() == 61)
            try await store.compactAll()
            #expect(try store.logRowCount() == 9)
        }
        try await withStore(path: path) { store in
            #expect(store.snapshot(of: configMaps).count == 9)
            #expect(store.get(key("c5"))?.object["data"]?["round"] == "4")
        }
    }

    @Test("objects, revisions and retained history survive closing and reopening the store")
    func reopenKeepsEverything() async throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("store.db").path
        let (revision, firstRevision) = try await withStore(path: path) { store in
            let first = try await store.create(configMap("a", labels: ["app": "web"]), key: key("a"))
            _ = try await store.create(configMap("b"), key: key("b"))
            try await store.delete(key("b"))
            return (store.revision, first.revision)
        }
        try await withStore(path: path) { store in
            #expect(store.revision == revision)
            let a = try #require(store.get(key("a")))
            #expect(a.revision == firstRevision)
            #expect(a.labels == ["app": "web"])
            #expect(store.get(key("b")) == nil)
            // History after `a` is still there: b's creation and deletion.
            let watch = try store.watch(configMaps, namespace: nil, after: firstRevision)
            var iterator = watch.makeAsyncIterator()
            #expect(try await iterator.next()?.kind == .added)
            #expect(try await iterator.next()?.kind == .deleted)
            // New writes continue the revision sequence.
            let c = try await store.create(configMap("c"), key: key("c"))
            #expect(c.revision == revision + 1)
        }
    }

    @Test("a watcher that stops reading is closed when its buffer fills, and others are unaffected")
    func slowWatcherIsClosed() async throws {
        try await withStore(configure: { $0.watcherBufferLimit = 10 }) { store in
            let slow = try store.watch(configMaps, namespace: nil, after: store.revision)
            for i in 0..<20 { _ = try await store.create(configMap("s\(i)"), key: key("s\(i)")) }
            var received = 0
            do {
                for try await _ in slow { received += 1 }
                Issue.record("the slow watcher should have been closed with an error")
            } catch let error as StoreError {
                #expect(error.isWatcherTooSlow)
            }
            #expect(received == 10)
            #expect(store.watcherCount == 0)
        }
    }
}
