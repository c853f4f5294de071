import Foundation
import Synchronization

/// What a ReplicaSet controller still expects to see in its pod cache after its own creates and deletes
/// (`controller.UIDTrackingControllerExpectations`). Until the informer has shown them, the cache is known to
/// be stale for that ReplicaSet and the controller must not create or delete again, or it would overshoot.
/// Expectations expire after `timeout` so that a lost watch event cannot wedge a ReplicaSet forever.
public final class PodExpectations: Sendable {
    struct Record {
        var adds: Int
        var deletions: Set<String>
        var since: Date
    }

    let records = Mutex<[String: Record]>([:])
    let timeout: TimeInterval
    let now: @Sendable () -> Date

    /// `timeout` is upstream's `ExpectationsTimeout` (5 minutes).
    public init(timeout: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.timeout = timeout
        self.now = now
    }

    /// The controller is about to create `count` pods for `key` (replaces any earlier record).
    public func expectCreations(_ key: String, count: Int) {
        let at = now()
        records.withLock { $0[key] = Record(adds: count, deletions: [], since: at) }
    }

    /// The controller is about to delete the pods `podKeys` (`namespace/name`) of `key`.
    public func expectDeletions(_ key: String, podKeys: [String]) {
        let at = now()
        records.withLock { $0[key] = Record(adds: 0, deletions: Set(podKeys), since: at) }
    }

    /// A pod of `key` appeared (or a create failed and will not appear).
    public func creationObserved(_ key: String) {
        records.withLock { records in
            guard var record = records[key] else { return }
            record.adds -= 1
            records[key] = record
        }
    }

    /// The pod `podKey` of `key` is being deleted or gone (or its delete failed). Counts once per pod.
    public func deletionObserved(_ key: String, podKey: String) {
        records.withLock { records in
            guard var record = records[key] else { return }
            record.deletions.remove(podKey)
            records[key] = record
        }
    }

    /// True when `key` may act on its cache: nothing expected, everything seen, or the record expired.
    public func satisfied(_ key: String) -> Bool {
        let at = now()
        return records.withLock { records in
            guard let record = records[key] else { return true }
            if record.adds <= 0 && record.deletions.isEmpty { return true }
            return at.timeIntervalSince(record.since) > timeout
        }
    }

    /// Forgets `key` (its ReplicaSet is gone).
    public func delete(_ key: String) {
        _ = records.withLock { $0.removeValue(forKey: key) }
    }
}
