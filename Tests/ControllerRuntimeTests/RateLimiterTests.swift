import Testing

@testable import ControllerRuntime

@Suite("Rate limiters")
struct RateLimiterTests {
    @Test("per-key exponential backoff doubles from 5ms and caps at 1000s")
    func exponentialSequence() {
        let limiter = ItemExponentialFailureRateLimiter<String>(baseDelay: .milliseconds(5), maxDelay: .seconds(1000))
        // 5ms × 2^17 = 655.36s; 5ms × 2^18 = 1310.72s is over the cap.
        let expected: [Duration] = (0...17).map { .milliseconds(5 * (1 << $0)) } + [.seconds(1000), .seconds(1000)]
        var actual: [Duration] = []
        for attempt in 0..<expected.count {
            #expect(limiter.numRequeues("a") == attempt)
            actual.append(limiter.when("a"))
        }
        #expect(actual == expected)
        #expect(actual[0...3] == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40)])
        #expect(limiter.numRequeues("a") == expected.count)
    }

    @Test("forget resets one key and leaves the others")
    func forgetResets() {
        let limiter = ItemExponentialFailureRateLimiter<String>(baseDelay: .milliseconds(5), maxDelay: .seconds(1000))
        _ = limiter.when("a")
        _ = limiter.when("a")
        _ = limiter.when("b")
        limiter.forget("a")
        #expect(limiter.numRequeues("a") == 0)
        #expect(limiter.numRequeues("b") == 1)
        #expect(limiter.when("a") == .milliseconds(5))
        #expect(limiter.when("b") == .milliseconds(10))
    }

    @Test("backoff beyond the int64 nanosecond range is the cap, not a crash")
    func exponentialOverflow() {
        let limiter = ItemExponentialFailureRateLimiter<Int>(baseDelay: .seconds(1), maxDelay: .seconds(Int64(1) << 40))
        var last = Duration.zero
        for _ in 0..<1100 { last = limiter.when(1) }
        #expect(last == .seconds(Int64(1) << 40))
        #expect(limiter.numRequeues(1) == 1100)
    }

    @Test("token bucket: burst without delay, then spaced by 1/qps")
    func tokenBucketBurstThenSpacing() {
        let clock = ManualClock()
        let bucket = TokenBucketRateLimiter<String>(qps: 10, burst: 100, clock: clock)
        let burst = (0..<100).map { bucket.when("k\($0)") }
        #expect(burst == Array(repeating: .zero, count: 100))
        #expect(bucket.when("x") == .milliseconds(100))
        #expect(bucket.when("x") == .milliseconds(200))
        #expect(bucket.when("y") == .milliseconds(300))
        #expect(bucket.numRequeues("x") == 0)
    }

    @Test("token bucket refills with the injected clock, up to the burst")
    func tokenBucketRefill() {
        let clock = ManualClock()
        let bucket = TokenBucketRateLimiter<String>(qps: 10, burst: 5, clock: clock)
        for _ in 0..<5 { #expect(bucket.when("a") == .zero) }
        #expect(bucket.when("a") == .milliseconds(100))  // owes one token
        clock.advance(by: .milliseconds(300))            // +3 tokens: 2 available
        #expect(bucket.when("a") == .zero)
        #expect(bucket.when("a") == .zero)
        #expect(bucket.when("a") == .milliseconds(100))
        clock.advance(by: .seconds(3600))                // long idle: capped at the burst
        for _ in 0..<5 { #expect(bucket.when("a") == .zero) }
        #expect(bucket.when("a") == .milliseconds(100))
    }

    @Test("an unlimited bucket never delays")
    func tokenBucketInfinite() {
        let bucket = TokenBucketRateLimiter<Int>(qps: .infinity, burst: 1, clock: ManualClock())
        for key in 0..<10 { #expect(bucket.when(key) == .zero) }
    }

    @Test("max-of takes the longest delay and forwards forget")
    func maxOf() {
        let exponential = ItemExponentialFailureRateLimiter<String>(baseDelay: .milliseconds(1), maxDelay: .seconds(1))
        let fastSlow = ItemFastSlowRateLimiter<String>(fastDelay: .milliseconds(3), slowDelay: .seconds(10), maxFastAttempts: 2)
        let limiter = MaxOfRateLimiter<String>([exponential, fastSlow])
        #expect(limiter.when("a") == .milliseconds(3))  // max(1ms, 3ms)
        #expect(limiter.when("a") == .milliseconds(3))  // max(2ms, 3ms)
        #expect(limiter.when("a") == .seconds(10))      // max(4ms, slow)
        #expect(limiter.numRequeues("a") == 3)
        limiter.forget("a")
        #expect(exponential.numRequeues("a") == 0)
        #expect(fastSlow.numRequeues("a") == 0)
        #expect(limiter.when("a") == .milliseconds(3))
    }

    @Test("fast-slow switches after the fast attempts")
    func fastSlow() {
        let limiter = ItemFastSlowRateLimiter<String>(fastDelay: .milliseconds(5), slowDelay: .seconds(10), maxFastAttempts: 3)
        let delays = (0..<5).map { _ in limiter.when("a") }
        #expect(delays == [.milliseconds(5), .milliseconds(5), .milliseconds(5), .seconds(10), .seconds(10)])
        #expect(limiter.numRequeues("a") == 5)
    }

    @Test("with-max-wait caps the delay")
    func withMaxWait() {
        let limiter = WithMaxWaitRateLimiter<String>(
            ItemExponentialFailureRateLimiter(baseDelay: .seconds(1), maxDelay: .seconds(100)), maxDelay: .seconds(3))
        let delays = (0..<4).map { _ in limiter.when("a") }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
        #expect(limiter.numRequeues("a") == 4)
    }

    @Test("the controller default is max(5ms exponential, 10 qps burst 100) on the given clock")
    func controllerDefault() {
        let clock = ManualClock()
        let limiter: MaxOfRateLimiter<String> = DefaultRateLimiters.controller(clock: clock)
        #expect(limiter.when("a") == .milliseconds(5))
        #expect(limiter.when("a") == .milliseconds(10))
        // 98 more distinct keys empty the bucket (100 tokens in all)...
        for index in 0..<98 { #expect(limiter.when("k\(index)") == .milliseconds(5)) }
        // ...so the next first failure waits for the bucket rather than 5ms.
        #expect(limiter.when("b") == .milliseconds(100))
        clock.advance(by: .seconds(1))  // 10 tokens back, one owed
        #expect(limiter.when("c") == .milliseconds(5))
        #expect(limiter.numRequeues("a") == 2)
        #expect(MaxOfRateLimiter<String>.controllerDefault.limiters.count == 2)
    }
}
