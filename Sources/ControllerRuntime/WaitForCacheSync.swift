import ServiceLifecycle

/// Something whose cache fills asynchronously: an informer or an informer factory.
public protocol CacheSyncWaiting: Sendable {
    /// Waits until the cache holds a full list; false when cancelled or stopped first.
    func waitForSync() async -> Bool
}

extension Informer: CacheSyncWaiting {}
extension SharedInformerFactory: CacheSyncWaiting {}

/// Waits until every cache has synced, as client-go's `WaitForCacheSync`. Returns false as soon as the
/// calling task is cancelled or its service is asked to shut down gracefully, so that a controller
/// stopped while still starting returns at once instead of waiting for caches that will never fill.
public func waitForCacheSync(_ caches: any CacheSyncWaiting...) async -> Bool {
    let synced = try? await cancelWhenGracefulShutdown {
        for cache in caches where await !cache.waitForSync() { return false }
        return !Task.isCancelled
    }
    return synced ?? false
}
