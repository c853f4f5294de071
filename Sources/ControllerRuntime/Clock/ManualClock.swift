import Synchronization

/// A clock that moves only when told to: tests inject it wherever production code takes a
/// `Clock<Duration>`, then call `advance(by:)` / `advance(to:)` instead of sleeping.
///
/// `sleep(until:)` suspends until time reaches the deadline (a deadline already reached returns at
/// once) and throws `CancellationError` if the sleeping task is cancelled. Because code under test
/// usually starts sleeping on another task, a test that wants to assert "nothing happens before the
/// deadline" first awaits `waitForSleepers(_:)`, so that `advance` is not raced by a sleeper that has
/// not yet registered:
///
/// ```swift
/// let clock = ManualClock()
/// await queue.addAfter("a", delay: .seconds(5))
/// await clock.waitForSleepers(1)
/// clock.advance(by: .seconds(5))   // the queue's timer wakes up; "a" becomes ready
/// ```
public final class ManualClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    /// A point on the manual time line: an offset from the clock's zero.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public typealias Duration = Swift.Duration

        /// Time since the clock's zero.
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "ManualClock.Instant(\(offset))" }
    }

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct SleeperWaiter {
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Instant
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var sleeperWaiters: [UInt64: SleeperWaiter] = [:]

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }

        /// Removes and returns the waiters whose threshold the current sleeper count satisfies.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
            let ready = sleeperWaiters.filter { $0.value.count <= sleepers.count }
            for id in ready.keys { sleeperWaiters[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    private let state: Mutex<State>

    /// A clock reading `now` (zero by default).
    public init(now: Instant = .init(offset: .zero)) {
        state = Mutex(State(now: now))
    }

    /// The current manual time.
    public var now: Instant { state.withLock { $0.now } }

    /// Manual time has no granularity of its own; one nanosecond keeps arithmetic on it meaningful.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// How many tasks are currently suspended in `sleep(until:)`.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline any sleeper waits for, if any.
    public var nextDeadline: Instant? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// Suspends until `advance` moves time to `deadline` or later. `tolerance` is ignored: manual time
    /// is exact. Throws `CancellationError` when the calling task is (or becomes) cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // `Task.isCancelled` is set before cancellation handlers run, so checking it under the lock
                // closes the window between entering the handler and registering the sleeper.
                enum Outcome { case wait, ready, cancelled }
                let (outcome, waiters) = state.withLock { state -> (Outcome, [CheckedContinuation<Void, Never>]) in
                    if Task.isCancelled { return (.cancelled, []) }
                    if deadline <= state.now { return (.ready, []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (.wait, state.satisfiedWaiters())
                }
                switch outcome {
                case .wait: break
                case .ready: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
                for waiter in waiters { waiter.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration` (negative durations are ignored) and wakes every sleeper whose
    /// deadline has been reached, earliest first.
    public func advance(by duration: Duration) {
        let target = now.advanced(by: max(duration, .zero))
        advance(to: target)
    }

    /// Moves time to `instant` (never backwards) and wakes every sleeper whose deadline has been reached,
    /// earliest first.
    public func advance(to instant: Instant) {
        let woken = state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }.map(\.value)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Suspends until at least `count` tasks are suspended in `sleep(until:)`. Returns early if the
    /// calling task is cancelled.
    public func waitForSleepers(_ count: Int) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if Task.isCancelled || state.sleepers.count >= count { return true }
                    state.sleeperWaiters[id] = SleeperWaiter(count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.sleeperWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}
