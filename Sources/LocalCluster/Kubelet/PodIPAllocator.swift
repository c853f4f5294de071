import Synchronization

/// Gives every pod its own loopback address (127/8 is all local on Linux), so that replicas of one pod
/// spec can listen on the same container port side by side. Addresses are reused after release.
final class PodIPAllocator: Sendable {
    private let base: UInt32
    private let size: UInt32
    private let state = Mutex<(byPod: [String: UInt32], used: Set<UInt32>, next: UInt32)>(([:], [], 2))

    /// `cidr` such as `127.244.0.0/16`.
    init(cidr: String = "127.244.0.0/16") {
        let parts = cidr.split(separator: "/")
        let octets = parts.first.map { $0.split(separator: ".").compactMap { UInt32($0) } } ?? [127, 244, 0, 0]
        let address = octets.count == 4 ? octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3] : 0x7FF4_0000
        let bits = parts.count > 1 ? UInt32(parts[1]) ?? 16 : 16
        base = address & (bits == 0 ? 0 : ~UInt32(0) << (32 - bits))
        size = UInt32(1) << (32 - bits)
    }

    static func format(_ ip: UInt32) -> String { "\(ip >> 24).\(ip >> 16 & 0xFF).\(ip >> 8 & 0xFF).\(ip & 0xFF)" }

    /// The pod's address, allocating one the first time (or taking `preferred` when it is free: a pod keeps
    /// its address across a restart of tack).
    func address(for podUID: String, preferred: String? = nil) -> String? {
        state.withLock { s in
            if let ip = s.byPod[podUID] { return Self.format(ip) }
            if let preferred, let ip = Self.parse(preferred), ip > base, ip < base + size - 1, !s.used.contains(ip) {
                s.byPod[podUID] = ip
                s.used.insert(ip)
                return preferred
            }
            for _ in 0..<size {
                let candidate = base + s.next
                s.next = s.next + 1 >= size - 1 ? 2 : s.next + 1
                if !s.used.contains(candidate) {
                    s.byPod[podUID] = candidate
                    s.used.insert(candidate)
                    return Self.format(candidate)
                }
            }
            return nil
        }
    }

    func release(_ podUID: String) {
        state.withLock { s in
            if let ip = s.byPod.removeValue(forKey: podUID) { s.used.remove(ip) }
        }
    }

    static func parse(_ text: String) -> UInt32? {
        let o = text.split(separator: ".").compactMap { UInt32($0) }
        guard o.count == 4, o.allSatisfy({ $0 < 256 }) else { return nil }
        return o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]
    }
}
