import KubeModel

/// A stream of committed changes for one resource (and optionally one namespace).
public struct StoreWatch: AsyncSequence, Sendable {
    public typealias Element = StoreEvent
    let stream: AsyncThrowingStream<StoreEvent, any Error>

    public func makeAsyncIterator() -> AsyncThrowingStream<StoreEvent, any Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}

extension ObjectStore {
    /// Watches changes committed after `revision`. Throws `isGone` when history no longer reaches back that
    /// far. `resource: nil` watches every resource (the garbage collector does).
    public func watch(_ resource: GroupResource?, namespace: String?, after revision: Int64) throws -> StoreWatch {
        try register(resource: resource, namespace: namespace, after: revision, snapshot: false).watch
    }

    /// Watches from now on, with a snapshot of the current objects taken atomically with registration, so
    /// that the caller can send them as ADDED events and miss nothing.
    public func watchWithSnapshot(_ resource: GroupResource, namespace: String?) -> (snapshot: ResourceSnapshot, watch: StoreWatch) {
        // Cannot be gone: it starts at the current revision.
        let result = try! register(resource: resource, namespace: namespace, after: nil, snapshot: true)
        return (result.snapshot!, result.watch)
    }

    private func register(resource: GroupResource?, namespace: String?, after revision: Int64?, snapshot: Bool)
        throws -> (snapshot: ResourceSnapshot?, watch: StoreWatch)
    {
        let (stream, continuation) = AsyncThrowingStream<StoreEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(configuration.watcherBufferLimit))
        let watcher = StoreWatcher(resource: resource, namespace: namespace, continuation: continuation)
        let (id, snap): (Int, ResourceSnapshot?) = try state.withLock { s in
            if s.closed {
                continuation.finish()
                return (-1, nil)
            }
            var snap: ResourceSnapshot?
            if snapshot, let resource {
                var table = s.tables[resource] ?? ResourceTable()
                let keys = table.sorted()
                if s.tables[resource] != nil { s.tables[resource]!.sortedKeys = keys }
                snap = ResourceSnapshot(objects: table.objects, sortedKeys: keys, revision: s.committedRevision)
            }
            if let revision {
                if revision < s.compacted {
                    throw StoreError(.gone(requested: revision, oldest: s.compacted))
                }
                // Replay retained history after `revision`.
                let start = s.history.partitioningIndex { $0.revision > revision }
                for event in s.history[start...] where watcher.wants(event) {
                    if !watcher.deliver(event) {
                        throw StoreError(.watcherTooSlow)
                    }
                }
            }
            let id = s.nextWatcherID
            s.nextWatcherID += 1
            s.watchers[id] = watcher
            return (id, snap)
        }
        if id >= 0 {
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
            }
        }
        return (snap, StoreWatch(stream: stream))
    }

    /// Number of registered watchers (diagnostics, tests).
    public var watcherCount: Int { state.withLock { $0.watchers.count } }
}
