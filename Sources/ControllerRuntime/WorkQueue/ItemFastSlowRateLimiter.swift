import Synchronization

/// client-go's `ItemFastSlowRateLimiter`: the first `maxFastAttempts` retries of a key wait `fastDelay`,
/// later ones `slowDelay`, until the key is forgotten.
public final class ItemFastSlowRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let fastDelay: Duration
    public let slowDelay: Duration
    public let maxFastAttempts: Int
    private let attempts = Mutex<[Key: Int]>([:])

    public init(fastDelay: Duration, slowDelay: Duration, maxFastAttempts: Int) {
        self.fastDelay = fastDelay
        self.slowDelay = slowDelay
        self.maxFastAttempts = maxFastAttempts
    }

    public func when(_ key: Key) -> Duration {
        let attempt = attempts.withLock { attempts in
            attempts[key, default: 0] += 1
            return attempts[key, default: 0]
        }
        return attempt <= maxFastAttempts ? fastDelay : slowDelay
    }

    public func forget(_ key: Key) {
        _ = attempts.withLock { $0.removeValue(forKey: key) }
    }

    public func numRequeues(_ key: Key) -> Int {
        attempts.withLock { $0[key, default: 0] }
    }
}
