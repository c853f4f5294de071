/// A fast, non-cryptographic generator (SplitMix64) for canary draws and request ids on the proxy's hot
/// path, where `SystemRandomNumberGenerator` would make a system call per request. One per event loop.
public struct IngressRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Seeded from the system generator.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// A reproducible sequence (tests).
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
