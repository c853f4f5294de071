/// Combines limiters by taking the longest delay any of them asks for, as client-go's
/// `MaxOfRateLimiter`. Every limiter sees every call (each records the failure or spends a token).
public final class MaxOfRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let limiters: [any RateLimiter<Key>]

    public init(_ limiters: [any RateLimiter<Key>]) {
        self.limiters = limiters
    }

    public func when(_ key: Key) -> Duration {
        var longest = Duration.zero
        for limiter in limiters {
            longest = max(longest, limiter.when(key))
        }
        return longest
    }

    public func forget(_ key: Key) {
        for limiter in limiters { limiter.forget(key) }
    }

    public func numRequeues(_ key: Key) -> Int {
        limiters.reduce(0) { max($0, $1.numRequeues(key)) }
    }
}
