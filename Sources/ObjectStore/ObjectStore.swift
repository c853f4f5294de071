/// ObjectStore: the revisioned object store behind the embedded API server.
///
/// One global revision counter stamps every write; an object's revision is its `resourceVersion`. Writes are
/// checked against the latest state (optimistic concurrency), queued, and committed to SQLite in batches
/// (group commit): a write is acknowledged only after its batch is durable. Committed changes become
/// visible to readers and are fanned out to watchers, and kept in a bounded history so that watchers can
/// resume from a recent revision; older revisions are compacted away in the background.
///
/// This module knows nothing of HTTP or of Kubernetes kinds beyond keys and metadata; it depends only on
/// KubeModel.
import DequeModule
import Foundation
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

public final class ObjectStore: Service, Sendable {
    public let configuration: StoreConfiguration
    let log: RevisionLog
    let state: Mutex<State>
    let signals: AsyncStream<Void>
    let signal: AsyncStream<Void>.Continuation
    let logger: Logger
    let now: @Sendable () -> Date

    struct Pending {
        let event: StoreEvent
        let continuation: CheckedContinuation<StoredObject, any Error>
    }

    /// The newest pending write to a key; `object` is nil for a pending deletion.
    struct OverlayEntry {
        var revision: Int64
        var object: StoredObject?
    }

    struct State {
        var tables: [GroupResource: ResourceTable] = [:]
        /// Last revision handed out (pending writes included).
        var revision: Int64 = 0
        /// Last revision committed and visible.
        var committedRevision: Int64 = 0
        var pending: [Pending] = []
        /// Latest state of keys with pending writes.
        var overlay: [ObjectKey: OverlayEntry] = [:]
        var history: Deque<StoreEvent> = []
        /// Events at or below this revision are gone from history.
        var compacted: Int64 = 0
        var watchers: [Int: StoreWatcher] = [:]
        var nextWatcherID = 0
        var failure: String?
        var closed = false

        func latest(_ key: ObjectKey) -> StoredObject? {
            if let entry = overlay[key] { return entry.object }
            return tables[key.resource]?.objects[key.namespacedName]
        }
    }

    /// Opens (or creates) the store and loads its live objects and retained history.
    public init(configuration: StoreConfiguration, logger: Logger = Logger(label: "tack.store"),
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.configuration = configuration
        self.logger = logger
        self.now = now
        log = try RevisionLog(configuration: configuration)
        let loaded = try log.load()
        var state = State()
        for object in loaded.objects {
            state.tables[object.key.resource, default: ResourceTable()].objects[object.key.namespacedName] = object
        }
        state.revision = loaded.revision
        state.committedRevision = loaded.revision
        state.compacted = loaded.compacted
        // Rebuild history events; `previous` is known for keys seen earlier in the retained window.
        var lastSeen: [ObjectKey: StoredObject] = [:]
        let loadTime = now()
        for row in loaded.history {
            let object = StoredObject(key: row.key, revision: row.revision, data: row.data,
                                      object: (try? JSON.parse(row.data)) ?? .emptyObject)
            let previous = lastSeen[row.key]
            state.history.append(StoreEvent(kind: row.kind, object: object, previous: previous, committedAt: loadTime))
            lastSeen[row.key] = row.kind == .deleted ? nil : object
        }
        self.state = Mutex(state)
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The latest committed revision.
    public var revision: Int64 { state.withLock { $0.committedRevision } }

    /// The oldest revision a watch may start after.
    public var compactedRevision: Int64 { state.withLock { $0.compacted } }

    /// Runs the committer and the compaction loop until graceful shutdown; then flushes pending writes.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.commitLoop() }
                group.addTask { await self.compactionLoop() }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// Stops accepting writes; the committer flushes what is queued and returns.
    public func close() {
        let watchers: [StoreWatcher] = state.withLock { s in
            s.closed = true
            let w = Array(s.watchers.values)
            s.watchers = [:]
            return w
        }
        for w in watchers { w.finish(throwing: nil) }
        signal.finish()
    }

    // MARK: Reads

    /// The committed object with this key.
    public func get(_ key: ObjectKey) -> StoredObject? {
        state.withLock { $0.tables[key.resource]?.objects[key.namespacedName] }
    }

    /// The latest object with this key, including writes not yet committed. Read-modify-write loops use it
    /// so that their precondition matches what the write will be checked against.
    public func latest(_ key: ObjectKey) -> StoredObject? {
        state.withLock { $0.latest(key) }
    }

    /// A consistent snapshot of one resource's committed objects.
    public func snapshot(of resource: GroupResource) -> ResourceSnapshot {
        state.withLock { s in
            var table = s.tables[resource] ?? ResourceTable()
            let keys = table.sorted()
            if s.tables[resource] != nil { s.tables[resource]!.sortedKeys = keys }
            return ResourceSnapshot(objects: table.objects, sortedKeys: keys, revision: s.committedRevision)
        }
    }

    /// The resources that hold at least one object.
    public var resources: [GroupResource] {
        state.withLock { s in s.tables.compactMap { $0.value.objects.isEmpty ? nil : $0.key } }
    }

    /// One page of a list: objects matching `predicate` in key order after `afterKey`, at most `limit`.
    public func list(_ resource: GroupResource, namespace: String?, after afterKey: String? = nil, limit: Int? = nil,
                     where predicate: (StoredObject) -> Bool = { _ in true }) -> ListPage {
        let snapshot = snapshot(of: resource)
        var items: [StoredObject] = []
        var lastKey: String?
        var more = false
        for object in snapshot.ordered(namespace: namespace, after: afterKey) where predicate(object) {
            if let limit, items.count >= limit {
                more = true
                break
            }
            items.append(object)
            lastKey = object.key.namespacedName
        }
        return ListPage(items: items, revision: snapshot.revision, continueAfter: more ? lastKey : nil)
    }

    /// Number of revision rows in the log (for tests and diagnostics).
    public func logRowCount() throws -> Int { try log.revisionRowCount() }
}

/// A page of list results.
public struct ListPage: Sendable {
    public var items: [StoredObject]
    /// The revision the list reflects.
    public var revision: Int64
    /// When more items remain: the key to continue after.
    public var continueAfter: String?
}
