import Foundation

/// Compiled `pattern` regular expressions, shared by every validation: a CRD's patterns are compiled once
/// per process, not once per request. Upstream uses Go's RE2; ICU (NSRegularExpression) accepts the same
/// syntax for the patterns CRDs use. A pattern ICU cannot compile is treated as matching, since the API
/// server already accepted the CRD that carries it.
final class SchemaPatternCache: @unchecked Sendable {
    static let shared = SchemaPatternCache()

    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression?] = [:]

    /// Whether `value` contains a match (Go's `MatchString`: unanchored unless the pattern anchors).
    /// nil when the pattern does not compile.
    func matches(_ value: String, pattern: String) -> Bool? {
        guard let regex = regex(for: pattern) else { return nil }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return regex.firstMatch(in: value, options: [], range: range) != nil
    }

    private func regex(for pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = compiled[pattern] { return cached }
        let regex = try? NSRegularExpression(pattern: pattern, options: [])
        if compiled.count > 4096 { compiled.removeAll() }
        compiled[pattern] = regex
        return regex
    }
}
