import KubeModel

/// One registered watcher: which events it wants and the bounded buffer they go to. A watcher that lets
/// its buffer fill is closed rather than allowed to hold memory without bound; its client re-watches.
final class StoreWatcher: Sendable {
    let resource: GroupResource?
    let namespace: String?
    let continuation: AsyncThrowingStream<StoreEvent, any Error>.Continuation

    init(resource: GroupResource?, namespace: String?, continuation: AsyncThrowingStream<StoreEvent, any Error>.Continuation) {
        self.resource = resource
        self.namespace = namespace
        self.continuation = continuation
    }

    func wants(_ event: StoreEvent) -> Bool {
        if let resource, event.key.resource != resource { return false }
        if let namespace, !namespace.isEmpty, event.key.namespace != namespace { return false }
        return true
    }

    /// False when the buffer is full.
    func deliver(_ event: StoreEvent) -> Bool {
        if case .dropped = continuation.yield(event) { return false }
        return true
    }

    func finish(throwing error: (any Error)?) {
        continuation.finish(throwing: error)
    }
}
