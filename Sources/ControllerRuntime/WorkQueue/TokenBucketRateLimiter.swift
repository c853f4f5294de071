import Synchronization

/// An overall token bucket shared by all keys, as client-go's `BucketRateLimiter` over
/// `golang.org/x/time/rate.Limiter.Reserve()`: the bucket holds up to `burst` tokens and refills at `qps`
/// per second; each `when(_:)` takes one token and, when none is left, reserves a future one and returns
/// the wait until then (so consecutive calls space out by `1/qps`). Time comes from the injected clock.
///
/// It keeps no per-key state: `numRequeues` is always 0 and `forget` does nothing.
public final class TokenBucketRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let qps: Double
    public let burst: Int
    private let clock: AnyClock

    private struct Bucket {
        var tokens: Double
        var last: AnyClock.Instant
    }

    private let bucket: Mutex<Bucket>

    /// A full bucket of `burst` tokens refilling at `qps` per second. `qps` may be `.infinity` (no limit);
    /// it must be positive and `burst` at least 1.
    public init(qps: Double, burst: Int, clock: any Clock<Duration> = ContinuousClock()) {
        precondition(qps > 0 && burst >= 1, "TokenBucketRateLimiter needs qps > 0 and burst >= 1")
        self.qps = qps
        self.burst = burst
        let clock = AnyClock(clock)
        self.clock = clock
        bucket = Mutex(Bucket(tokens: Double(burst), last: clock.now))
    }

    public func when(_ key: Key) -> Duration {
        guard qps.isFinite else { return .zero }
        let now = clock.now
        return bucket.withLock { bucket in
            // x/time/rate `advance`: refill for the time since the last reservation (never backwards),
            // capped at the burst size.
            let last = min(bucket.last, now)
            let refill = last.duration(to: now).secondsAsDouble * qps
            let tokens = min(Double(burst), bucket.tokens + refill) - 1
            bucket.tokens = tokens
            bucket.last = now
            guard tokens < 0 else { return .zero }
            return Duration.truncatingNanoseconds(1e9 * (-tokens / qps)) ?? .nanoseconds(Int64.max)
        }
    }

    public func forget(_ key: Key) {}

    public func numRequeues(_ key: Key) -> Int { 0 }
}
