/// A type-erased `Clock<Duration>` whose instants can be compared and subtracted.
///
/// Why not just `any Clock<Duration>`: it is enough to *sleep for* a duration, but its `now` is an
/// `any InstantProtocol<Duration>`, and two such values cannot be compared or subtracted without opening
/// the existential each time. Code that keeps deadlines (the work queue's delayed adds, the token bucket)
/// needs exactly that, so it wraps the injected clock once: `AnyClock` fixes an origin (the wrapped
/// clock's `now` at wrapping time) and represents every instant as the duration since that origin.
/// Sleeping converts back, so a `ManualClock` or a `ContinuousClock` behaves exactly as itself.
///
/// Instants of two different `AnyClock` values are not comparable in a meaningful way (different
/// origins); keep one `AnyClock` per consumer, as the work queue does.
public struct AnyClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    /// A point in time: the duration since the wrapped clock's reading when this `AnyClock` was made.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public typealias Duration = Swift.Duration

        /// Time since the origin.
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

        public var description: String { "AnyClock.Instant(\(offset))" }
    }

    private let readNow: @Sendable () -> Duration
    private let sleepUntil: @Sendable (Duration, Duration?) async throws -> Void
    public let minimumResolution: Duration

    /// Wraps `clock`. An `any Clock<Duration>` is accepted too (the existential is opened implicitly).
    /// Wrapping an `AnyClock` returns it unchanged, so instants stay comparable with the original.
    public init<C: Clock>(_ clock: C) where C.Duration == Swift.Duration {
        if let erased = clock as? AnyClock {
            self = erased
            return
        }
        let origin = clock.now
        readNow = { origin.duration(to: clock.now) }
        sleepUntil = { offset, tolerance in
            try await clock.sleep(until: origin.advanced(by: offset), tolerance: tolerance)
        }
        minimumResolution = clock.minimumResolution
    }

    /// The wrapped clock's current reading, as time since the origin.
    public var now: Instant { Instant(offset: readNow()) }

    /// Sleeps on the wrapped clock until `deadline`; throws `CancellationError` on cancellation.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleepUntil(deadline.offset, tolerance)
    }
}
