/// Caps another limiter's delay at `maxDelay`, as client-go's `WithMaxWaitRateLimiter`.
public final class WithMaxWaitRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let limiter: any RateLimiter<Key>
    public let maxDelay: Duration

    public init(_ limiter: any RateLimiter<Key>, maxDelay: Duration) {
        self.limiter = limiter
        self.maxDelay = maxDelay
    }

    public func when(_ key: Key) -> Duration {
        min(limiter.when(key), maxDelay)
    }

    public func forget(_ key: Key) {
        limiter.forget(key)
    }

    public func numRequeues(_ key: Key) -> Int {
        limiter.numRequeues(key)
    }
}
