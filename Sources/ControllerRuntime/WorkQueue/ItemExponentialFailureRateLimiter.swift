import Synchronization

/// Per-key exponential backoff, as client-go's `ItemExponentialFailureRateLimiter`: the n-th consecutive
/// failure of a key (counting from zero) waits `baseDelay × 2^n`, capped at `maxDelay`. `forget(_:)`
/// resets the key.
public final class ItemExponentialFailureRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let baseDelay: Duration
    public let maxDelay: Duration
    private let failures = Mutex<[Key: Int]>([:])

    public init(baseDelay: Duration, maxDelay: Duration) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public func when(_ key: Key) -> Duration {
        let exponent = failures.withLock { failures in
            let exponent = failures[key, default: 0]
            failures[key] = exponent + 1
            return exponent
        }
        // Float arithmetic as upstream; anything beyond Go's int64 nanosecond range is the cap.
        let backoff = baseDelay.nanosecondsAsDouble * pow2(exponent)
        guard let calculated = Duration.truncatingNanoseconds(backoff), calculated <= maxDelay else { return maxDelay }
        return calculated
    }

    public func forget(_ key: Key) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    public func numRequeues(_ key: Key) -> Int {
        failures.withLock { $0[key, default: 0] }
    }
}

/// 2^exponent as a Double (infinity once it overflows), without Foundation's `pow`.
func pow2(_ exponent: Int) -> Double {
    exponent >= 1024 ? .infinity : Double(sign: .plus, exponent: exponent, significand: 1)
}
