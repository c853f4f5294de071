/// Decides how long a work-queue key waits before it is retried, as client-go's
/// `workqueue.TypedRateLimiter` does. Implementations are classes with internal locking (the queue calls
/// them from its actor, controllers may call `numRequeues` from anywhere), so every method is synchronous.
///
/// `when(_:)` is not a query: it records a failure (or consumes a token) and returns the delay for this
/// attempt. `forget(_:)` is called once the key has been handled successfully, so the next failure starts
/// the backoff from the beginning.
public protocol RateLimiter<Key>: Sendable {
    associatedtype Key: Hashable & Sendable

    /// Records one more retry of `key` and returns how long it should wait before being added again.
    func when(_ key: Key) -> Duration

    /// Stops tracking `key`: its failure history is cleared.
    func forget(_ key: Key)

    /// How many times `key` has been retried since it was last forgotten.
    func numRequeues(_ key: Key) -> Int
}

/// Ready-made limiters with client-go's defaults.
public enum DefaultRateLimiters {
    /// client-go's `DefaultControllerRateLimiter`: the larger of a per-key exponential backoff
    /// (5 ms × 2^failures, capped at 1000 s) and an overall token bucket (10 per second, burst 100) that
    /// only bites when many keys fail at once. The bucket reads time from `clock`.
    public static func controller<Key: Hashable & Sendable>(
        clock: any Clock<Duration> = ContinuousClock()
    ) -> MaxOfRateLimiter<Key> {
        MaxOfRateLimiter([
            ItemExponentialFailureRateLimiter<Key>(baseDelay: .milliseconds(5), maxDelay: .seconds(1000)),
            TokenBucketRateLimiter<Key>(qps: 10, burst: 100, clock: clock),
        ])
    }
}

extension MaxOfRateLimiter {
    /// ``DefaultRateLimiters/controller(clock:)`` on the continuous clock.
    public static var controllerDefault: MaxOfRateLimiter<Key> { DefaultRateLimiters.controller() }
}
