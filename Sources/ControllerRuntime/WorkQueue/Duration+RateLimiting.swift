extension Duration {
    /// The duration in nanoseconds as a floating-point number (client-go does its backoff arithmetic in
    /// float64 nanoseconds).
    var nanosecondsAsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }

    /// The duration in seconds as a floating-point number, like Go's `Duration.Seconds()`.
    var secondsAsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// `nanoseconds` truncated to a whole nanosecond, or nil when it does not fit in Int64 (Go's
    /// `time.Duration` range) or is not a number.
    static func truncatingNanoseconds(_ nanoseconds: Double) -> Duration? {
        guard nanoseconds.isFinite, nanoseconds < 0x1p63, nanoseconds >= -0x1p63 else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }
}
