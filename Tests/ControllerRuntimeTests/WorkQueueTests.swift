import Synchronization
import Testing

@testable import ControllerRuntime

/// QueueTestState mutable state for test tasks (a `Mutex` local cannot be captured by several tasks).
private final class QueueTestState<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func update<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// A limiter returning fixed delays, to test the queue's use of it apart from backoff arithmetic.
private final class FixedRateLimiter: RateLimiter {
    let delay: Duration
    let requeues = Mutex<[String: Int]>([:])

    init(delay: Duration) { self.delay = delay }

    func when(_ key: String) -> Duration {
        requeues.withLock { $0[key, default: 0] += 1 }
        return delay
    }

    func forget(_ key: String) { _ = requeues.withLock { $0.removeValue(forKey: key) } }
    func numRequeues(_ key: String) -> Int { requeues.withLock { $0[key, default: 0] } }
}

/// Takes every key currently queued (each marked done at once), in order, without waiting.
private func takeAll(_ queue: WorkQueue<String>) async -> [String] {
    var keys: [String] = []
    while await queue.count > 0, let key = await queue.get() {
        keys.append(key)
        await queue.done(key)
    }
    return keys
}

/// Suspends until `condition` holds, yielding in between (the outcome, not the timing, is asserted).
private func eventually(_ condition: () async -> Bool) async {
    while await !condition() { await Task.yield() }
}

@Suite("WorkQueue", .timeLimit(.minutes(1)))
struct WorkQueueTests {
    @Test("a key added many times before a get is handed out once", arguments: [1, 2, 10, 500])
    func deduplicates(times: Int) async {
        let queue = WorkQueue<String>(clock: ManualClock())
        for _ in 0..<times { await queue.add("a") }
        #expect(await queue.count == 1)
        #expect(await queue.get() == "a")
        #expect(await queue.count == 0)
        await queue.done("a")
        #expect(await queue.count == 0)
        #expect(await queue.processingCount == 0)
    }

    @Test("distinct keys come out first-in first-out; duplicates keep their first place")
    func fifo() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        for key in ["c", "a", "b", "a", "c", "d"] { await queue.add(key) }
        #expect(await takeAll(queue) == ["c", "a", "b", "d"])
    }

    @Test("a key re-added while processing is delivered once more, after done")
    func reAddDuringProcessing() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.get() == "a")
        await queue.add("a")
        await queue.add("a")
        // Not handed out again while processing: only "b" is ready.
        #expect(await queue.count == 1)
        #expect(await queue.get() == "b")
        #expect(await queue.count == 0)
        await queue.done("a")
        #expect(await queue.count == 1)
        #expect(await queue.get() == "a")
        await queue.done("a")
        await queue.done("b")
        #expect(await queue.count == 0)
        #expect(await queue.processingCount == 0)
    }

    @Test("done for a key that is not processing changes nothing")
    func strayDone() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.done("a")
        await queue.done("zzz")
        #expect(await queue.count == 1)
        #expect(await takeAll(queue) == ["a"])
    }

    @Test("a waiting get receives the next added key")
    func getWaits() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        let worker = Task { await queue.get() }
        await queue.add("a")
        #expect(await worker.value == "a")
        #expect(await queue.processingCount == 1)
    }

    @Test("many workers never process one key at the same time, and every add is followed by processing",
          arguments: [(workers: 8, keys: 5, adds: 2000), (workers: 3, keys: 50, adds: 3000)])
    func exclusivityUnderConcurrency(workers: Int, keys: Int, adds: Int) async {
        let queue = WorkQueue<String>(clock: ManualClock())
        let inFlight = QueueTestState<Set<String>>([])
        let overlaps = QueueTestState(0)
        let sequence = QueueTestState(0)
        let lastAdd = QueueTestState<[String: Int]>([:])
        let lastStart = QueueTestState<[String: Int]>([:])
        let processed = QueueTestState(0)

        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while let key = await queue.get() {
                        let start = sequence.update { $0 += 1; return $0 }
                        lastStart.update { $0[key] = max($0[key, default: 0], start) }
                        let fresh = inFlight.update { $0.insert(key).inserted }
                        if !fresh { overlaps.update { $0 += 1 } }
                        await Task.yield()
                        await Task.yield()
                        inFlight.update { _ = $0.remove(key) }
                        processed.update { $0 += 1 }
                        await queue.done(key)
                    }
                }
            }
            await withTaskGroup(of: Void.self) { producers in
                for producer in 0..<4 {
                    producers.addTask {
                        for index in 0..<(adds / 4) {
                            let key = "k\((index * 7 + producer) % keys)"
                            let stamp = sequence.update { $0 += 1; return $0 }
                            lastAdd.update { $0[key] = max($0[key, default: 0], stamp) }
                            await queue.add(key)
                            if index % 16 == 0 { await Task.yield() }
                        }
                    }
                }
            }
            // Everything queued or dirty is still handed out after a drain shutdown; workers then get nil.
            await queue.shutDownWithDrain()
        }

        #expect(overlaps.value == 0)
        #expect(await queue.count == 0)
        #expect(await queue.processingCount == 0)
        let lastAdds = lastAdd.value
        let starts = lastStart.value
        #expect(lastAdds.count == keys)
        for (key, added) in lastAdds {
            #expect(starts[key, default: 0] > added, "no processing of \(key) began after its last add")
        }
        // Each delivery consumes at least one add; deduplication usually merges many.
        #expect(processed.value <= (adds / 4) * 4)
        #expect(processed.value >= keys)
    }

    // MARK: Delays

    @Test("addAfter delivers only once the clock passes the deadline")
    func addAfterWaitsForClock() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addAfter("a", delay: .seconds(5))
        #expect(await queue.count == 0)
        #expect(await queue.delayedCount == 1)
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(4999))
        #expect(await queue.count == 0)
        clock.advance(by: .milliseconds(1))
        #expect(await queue.get() == "a")
        #expect(await queue.delayedCount == 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test("a non-positive delay adds at once", arguments: [Duration.zero, .seconds(-1)])
    func addAfterNonPositive(delay: Duration) async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addAfter("a", delay: delay)
        #expect(await queue.count == 1)
        #expect(await queue.delayedCount == 0)
    }

    @Test("for a key delayed twice the earlier deadline wins",
          arguments: [(first: 10, second: 2), (first: 2, second: 10)])
    func earliestDeadlineWins(first: Int, second: Int) async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addAfter("a", delay: .seconds(first))
        await queue.addAfter("a", delay: .seconds(second))
        #expect(await queue.delayedCount == 1)
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == .init(offset: .seconds(2)))
        clock.advance(by: .seconds(2))
        #expect(await queue.get() == "a")
        await queue.done("a")
        #expect(await queue.delayedCount == 0)
        // Nothing is left for the later deadline.
        clock.advance(by: .seconds(20))
        #expect(await queue.count == 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test("delayed keys become ready in deadline order, one timer at a time")
    func delayedOrder() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addAfter("b", delay: .seconds(3))
        await queue.addAfter("a", delay: .seconds(1))
        await queue.addAfter("c", delay: .seconds(2))
        await queue.addAfter("d", delay: .seconds(9))
        await clock.waitForSleepers(1)
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(5))
        await eventually { await queue.count == 3 }
        #expect(await takeAll(queue) == ["a", "c", "b"])
        #expect(await queue.delayedCount == 1)
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == .init(offset: .seconds(9)))
    }

    @Test("a delayed key already queued is not duplicated")
    func delayedDedupes() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addAfter("a", delay: .seconds(1))
        await queue.add("a")
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        await eventually { await queue.delayedCount == 0 }
        #expect(await queue.count == 1)
    }

    @Test("addRateLimited waits for the limiter's delay; forget resets the count")
    func rateLimited() async {
        let clock = ManualClock()
        let limiter = FixedRateLimiter(delay: .seconds(1))
        let queue = WorkQueue<String>(rateLimiter: limiter, clock: clock)
        await queue.addRateLimited("a")
        await queue.addRateLimited("a")
        #expect(await queue.numRequeues("a") == 2)
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(999))
        #expect(await queue.count == 0)
        clock.advance(by: .milliseconds(1))
        #expect(await queue.get() == "a")
        await queue.forget("a")
        #expect(await queue.numRequeues("a") == 0)
    }

    @Test("the default limiter backs off on the injected clock: 5ms, then 10ms")
    func defaultLimiterOnManualClock() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addRateLimited("a")
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(5))
        #expect(await queue.get() == "a")
        await queue.addRateLimited("a")
        await queue.done("a")
        #expect(await queue.numRequeues("a") == 2)
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(9))
        #expect(await queue.count == 0)
        clock.advance(by: .milliseconds(1))
        #expect(await queue.get() == "a")
    }

    // MARK: Shutdown

    @Test("get after shutdown returns nil; adds are ignored")
    func getAfterShutdown() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.shutDown()
        #expect(await queue.isShuttingDown)
        #expect(await queue.get() == nil)
        await queue.add("a")
        await queue.addAfter("b", delay: .seconds(1))
        await queue.addRateLimited("c")
        #expect(await queue.count == 0)
        #expect(await queue.delayedCount == 0)
        #expect(await queue.get() == nil)
    }

    @Test("shutdown wakes waiting workers with nil")
    func shutdownWakesWaiters() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        let workers = (0..<3).map { _ in Task { await queue.get() } }
        await queue.shutDown()
        for worker in workers { #expect(await worker.value == nil) }
    }

    @Test("keys queued before shutdown are still handed out, then nil")
    func shutdownHandsOutQueued() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.get() == "a")
        await queue.add("a")  // dirty while processing
        await queue.shutDown()
        #expect(await queue.get() == "b")
        await queue.done("a")  // re-queued: it was dirty before shutdown
        #expect(await queue.get() == "a")
        #expect(await queue.get() == nil)
    }

    @Test("shutdown cancels the delay timer and drops delayed keys")
    func shutdownCancelsTimer() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addAfter("a", delay: .seconds(1))
        await clock.waitForSleepers(1)
        await queue.shutDown()
        #expect(clock.sleeperCount == 0)
        #expect(await queue.delayedCount == 0)
        clock.advance(by: .seconds(2))
        #expect(await queue.get() == nil)
    }

    @Test("shutDownWithDrain waits for in-flight keys to be done")
    func drainWaitsForInFlight() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.get() == "a")
        #expect(await queue.get() == "b")
        let drained = QueueTestState(false)
        let drainer = Task {
            await queue.shutDownWithDrain()
            drained.update { $0 = true }
        }
        // Shutting down is set in the same actor turn in which the drainer starts waiting.
        await eventually { await queue.isShuttingDown }
        await queue.done("a")
        #expect(drained.value == false)
        await queue.done("b")
        await drainer.value
        #expect(drained.value == true)
    }

    @Test("shutDownWithDrain returns at once when nothing is in flight")
    func drainIdle() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.shutDownWithDrain()
        #expect(await queue.get() == nil)
    }

    @Test("shutDown ends a drain that is still waiting")
    func shutdownEndsDrain() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        #expect(await queue.get() == "a")
        let drainer = Task { await queue.shutDownWithDrain() }
        await eventually { await queue.isShuttingDown }
        await queue.shutDown()
        await drainer.value
        #expect(await queue.processingCount == 1)
    }

    @Test("a cancelled worker gets nil, without taking a key")
    func cancelledGet() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        let worker = Task { await queue.get() }
        worker.cancel()
        #expect(await worker.value == nil)
        await queue.add("a")
        #expect(await queue.count == 1)
        #expect(await queue.get() == "a")
    }
}
