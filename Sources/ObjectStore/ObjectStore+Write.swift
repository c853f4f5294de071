import Foundation
import KubeModel

extension ObjectStore {
    /// Stores a new object. Fails with `isAlreadyExists` when the key is taken.
    /// `metadata.resourceVersion` is set to the new revision.
    public func create(_ object: JSON, key: ObjectKey) async throws -> StoredObject {
        try await write(.create, key: key, object: object, expectedRevision: nil)
    }

    /// Replaces an object. With `expectedRevision`, fails with `isConflict` unless the object is still at
    /// that revision; fails with `isNotFound` when it does not exist.
    public func update(_ object: JSON, key: ObjectKey, expectedRevision: Int64?) async throws -> StoredObject {
        try await write(.update, key: key, object: object, expectedRevision: expectedRevision)
    }

    /// Removes an object. The DELETED event carries `finalState` (or the stored object) stamped with the
    /// deletion revision, which is also returned.
    @discardableResult
    public func delete(_ key: ObjectKey, expectedRevision: Int64? = nil, finalState: JSON? = nil) async throws -> StoredObject {
        try await write(.delete, key: key, object: finalState, expectedRevision: expectedRevision)
    }

    enum Operation { case create, update, delete }

    func write(_ operation: Operation, key: ObjectKey, object: JSON?, expectedRevision: Int64?) async throws -> StoredObject {
        let committedAt = now()
        return try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<Void, StoreError> = state.withLock { s in
                if let failure = s.failure { return .failure(StoreError(.storage(failure), key: key)) }
                if s.closed { return .failure(StoreError(.closed, key: key)) }
                let current = s.latest(key)
                let kind: StoreEvent.Kind
                switch operation {
                case .create:
                    if current != nil { return .failure(StoreError(.alreadyExists, key: key)) }
                    kind = .added
                case .update, .delete:
                    guard let current else { return .failure(StoreError(.notFound, key: key)) }
                    if let expectedRevision, expectedRevision != current.revision {
                        return .failure(StoreError(.conflict(current: current.revision), key: key))
                    }
                    kind = operation == .update ? .modified : .deleted
                }
                s.revision += 1
                let revision = s.revision
                var body = object ?? current?.object ?? .emptyObject
                body.resourceVersion = String(revision)
                let stored = StoredObject(key: key, revision: revision, data: body.serialized(), object: body)
                s.overlay[key] = OverlayEntry(revision: revision, object: kind == .deleted ? nil : stored)
                let event = StoreEvent(kind: kind, object: stored, previous: current, committedAt: committedAt)
                s.pending.append(Pending(event: event, continuation: continuation))
                return .success(())
            }
            switch outcome {
            case .success: signal.yield()
            case .failure(let error): continuation.resume(throwing: error)
            }
        }
    }

    /// Commits queued writes in batches until the store is closed, then flushes the rest.
    func commitLoop() async {
        for await _ in signals {
            await commitPending()
        }
        await commitPending()
    }

    func commitPending() async {
        while true {
            let batch: [Pending] = state.withLock { s in
                let b = s.pending
                s.pending = []
                return b
            }
            if batch.isEmpty { return }
            let rows = batch.map {
                RevisionLog.Row(revision: $0.event.revision, kind: $0.event.kind, key: $0.event.key, data: $0.event.object.data)
            }
            do {
                try await log.append(rows)
            } catch {
                let message = "\(error)"
                logger.critical("object store commit failed; refusing further writes", metadata: ["error": "\(message)"])
                let failed: [Pending] = state.withLock { s in
                    s.failure = message
                    let rest = s.pending
                    s.pending = []
                    s.overlay = [:]
                    return rest
                }
                for p in batch + failed { p.continuation.resume(throwing: StoreError(.storage(message), key: p.event.key)) }
                return
            }
            let slow: [StoreWatcher] = state.withLock { s in
                var slow: [StoreWatcher] = []
                for p in batch {
                    let event = p.event
                    let key = event.key
                    var table = s.tables[key.resource] ?? ResourceTable()
                    s.tables[key.resource] = nil  // mutate the table in place
                    switch event.kind {
                    case .added:
                        table.objects[key.namespacedName] = event.object
                        table.sortedKeys = nil
                    case .modified:
                        table.objects[key.namespacedName] = event.object
                    case .deleted:
                        table.objects[key.namespacedName] = nil
                        table.sortedKeys = nil
                    }
                    s.tables[key.resource] = table
                    // Drop the overlay entry unless a newer write to the same key is still pending.
                    if s.overlay[key]?.revision == event.revision {
                        s.overlay[key] = nil
                    }
                    s.committedRevision = event.revision
                    s.history.append(event)
                    for (id, watcher) in s.watchers where watcher.wants(event) {
                        if !watcher.deliver(event) {
                            slow.append(watcher)
                            s.watchers[id] = nil
                        }
                    }
                }
                trimHistory(&s, now: nil)
                return slow
            }
            for p in batch { p.continuation.resume(returning: p.event.object) }
            for watcher in slow { watcher.finish(throwing: StoreError(.watcherTooSlow)) }
        }
    }

    /// Drops history beyond the size limit, and (when `now` is given) events older than the retention age
    /// while more than the minimum remain.
    func trimHistory(_ s: inout State, now: Date?) {
        while s.history.count > configuration.maxHistoryEvents, let first = s.history.first {
            s.compacted = first.revision
            s.history.removeFirst()
        }
        guard let now else { return }
        let cutoff = now.addingTimeInterval(-configuration.historyRetention.seconds)
        while s.history.count > configuration.minHistoryEvents, let first = s.history.first, first.committedAt < cutoff {
            s.compacted = first.revision
            s.history.removeFirst()
        }
    }

    /// Trims the in-memory history and deletes compacted revisions from the log.
    public func compact() async throws {
        let compacted: Int64 = state.withLock { s in
            trimHistory(&s, now: now())
            return s.compacted
        }
        try await log.compact(before: compacted + 1)
    }

    /// Compacts everything up to the current revision (tests use it to force 410 Gone).
    public func compactAll() async throws {
        let compacted: Int64 = state.withLock { s in
            s.history.removeAll()
            s.compacted = s.committedRevision
            return s.compacted
        }
        try await log.compact(before: compacted + 1)
    }

    func compactionLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.compactionInterval)
            } catch {
                return
            }
            if state.withLock({ $0.closed }) { return }
            do {
                try await compact()
            } catch {
                logger.warning("compaction failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
