import Glibc

/// Small byte-level helpers: the watchers scan event lines for a few markers instead of parsing JSON, so
/// that the client spends as little of the shared CPU as possible.
enum Scan {
    /// Index of the first occurrence of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = max(from, haystack.startIndex)
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Every decimal number that directly follows `marker` (e.g. `"mod_revision":"`).
    static func numbers(after marker: [UInt8], in line: ArraySlice<UInt8>) -> [Int64] {
        var result: [Int64] = []
        var position = line.startIndex
        while let hit = find(marker, in: line, from: position) {
            var i = hit + marker.count
            var value: Int64 = 0
            var digits = 0
            while i < line.endIndex, line[i] >= 0x30, line[i] <= 0x39 {
                value = value * 10 + Int64(line[i] - 0x30)
                digits += 1
                i += 1
            }
            if digits > 0 { result.append(value) }
            position = i
        }
        return result
    }

    /// Monotonic clock in nanoseconds.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
