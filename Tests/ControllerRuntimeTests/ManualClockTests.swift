import Synchronization
import Testing

@testable import ControllerRuntime

/// ClockTestState mutable state for test tasks (a `Mutex` local cannot be captured by several tasks).
private final class ClockTestState<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func update<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

@Suite("ManualClock", .timeLimit(.minutes(1)))
struct ManualClockTests {
    @Test("a sleeper wakes only once time reaches its deadline")
    func sleeperWakesAtDeadline() async throws {
        let clock = ManualClock()
        let woke = ClockTestState(false)
        let sleeper = Task {
            try await clock.sleep(until: .init(offset: .seconds(5)), tolerance: nil)
            woke.update { $0 = true }
        }
        await clock.waitForSleepers(1)
        #expect(clock.sleeperCount == 1)
        #expect(clock.nextDeadline == .init(offset: .seconds(5)))

        clock.advance(by: .milliseconds(4999))
        #expect(clock.sleeperCount == 1)
        #expect(woke.value == false)

        clock.advance(by: .milliseconds(1))
        #expect(clock.sleeperCount == 0)
        try await sleeper.value
        #expect(woke.value == true)
        #expect(clock.now == .init(offset: .seconds(5)))
    }

    @Test("a deadline already reached returns without suspending")
    func pastDeadlineReturnsAtOnce() async throws {
        let clock = ManualClock(now: .init(offset: .seconds(10)))
        try await clock.sleep(until: .init(offset: .seconds(10)), tolerance: nil)
        try await clock.sleep(until: .init(offset: .seconds(3)), tolerance: nil)
        #expect(clock.sleeperCount == 0)
    }

    @Test("advancing wakes exactly the sleepers whose deadlines have passed")
    func advanceWakesOnlyDueSleepers() async throws {
        let clock = ManualClock()
        let woken = ClockTestState<[Int]>([])
        let sleepers = (1...3).map { seconds in
            Task {
                try await clock.sleep(until: .init(offset: .seconds(seconds)), tolerance: nil)
                woken.update { $0.append(seconds) }
            }
        }
        await clock.waitForSleepers(3)
        clock.advance(to: .init(offset: .seconds(2)))
        #expect(clock.sleeperCount == 1)
        #expect(clock.nextDeadline == .init(offset: .seconds(3)))
        try await sleepers[0].value
        try await sleepers[1].value
        #expect(woken.value.sorted() == [1, 2])

        clock.advance(by: .seconds(1))
        try await sleepers[2].value
        #expect(woken.value.sorted() == [1, 2, 3])
    }

    @Test("time never moves backwards")
    func neverBackwards() {
        let clock = ManualClock(now: .init(offset: .seconds(7)))
        clock.advance(to: .init(offset: .seconds(2)))
        #expect(clock.now == .init(offset: .seconds(7)))
        clock.advance(by: .seconds(-3))
        #expect(clock.now == .init(offset: .seconds(7)))
        clock.advance(by: .milliseconds(250))
        #expect(clock.now == .init(offset: .milliseconds(7250)))
    }

    @Test("cancelling a sleeper throws CancellationError and unregisters it")
    func cancellation() async {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(until: .init(offset: .seconds(60)), tolerance: nil) }
        await clock.waitForSleepers(1)
        sleeper.cancel()
        #expect(clock.sleeperCount == 0)
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test("a task cancelled before sleeping throws without registering")
    func cancelledBeforeSleeping() async {
        let clock = ManualClock()
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(until: .init(offset: .seconds(1)), tolerance: nil)
        }
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.sleeperCount == 0)
    }

    @Test("waitForSleepers returns once enough tasks sleep")
    func waitForSeveralSleepers() async throws {
        let clock = ManualClock()
        await clock.waitForSleepers(0)  // already satisfied
        let waiter = Task { await clock.waitForSleepers(2) }
        let first = Task { try await clock.sleep(until: .init(offset: .seconds(1)), tolerance: nil) }
        let second = Task { try await clock.sleep(until: .init(offset: .seconds(2)), tolerance: nil) }
        await waiter.value
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(2))
        try await first.value
        try await second.value
    }

    @Test("works through `any Clock<Duration>` and AnyClock")
    func existentialAndErased() async throws {
        let manual = ManualClock(now: .init(offset: .seconds(100)))
        let existential: any Clock<Duration> = manual
        let erased = AnyClock(existential)
        #expect(erased.now == .init(offset: .zero))

        let sleeper = Task { try await existential.sleep(for: .seconds(3)) }
        let erasedSleeper = Task { try await erased.sleep(until: .init(offset: .seconds(4))) }
        await manual.waitForSleepers(2)
        manual.advance(by: .seconds(3))
        try await sleeper.value
        #expect(manual.sleeperCount == 1)
        #expect(erased.now == .init(offset: .seconds(3)))
        manual.advance(by: .seconds(1))
        try await erasedSleeper.value
        #expect(AnyClock(erased).now == erased.now)
    }
}
