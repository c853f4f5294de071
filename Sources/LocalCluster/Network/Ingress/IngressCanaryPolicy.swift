/// The traffic-shaping rules of a canary Ingress, parsed once from its ingress-nginx annotations
/// (`<prefix>/canary`, `canary-by-header`, `canary-by-header-value`, `canary-by-header-pattern`,
/// `canary-by-cookie`, `canary-weight`, `canary-weight-total`).
///
/// Evaluation follows ingress-nginx's balancer.lua: the header rule first, then the cookie, then the weight.
/// - Header present: with a `headerValue`, an exact match routes to the canary and anything else falls
///   through; else with a `headerPattern`, a regex match routes to the canary and anything else falls
///   through; else `always` routes to the canary, `never` to the main backend, anything else falls through.
/// - Cookie present: `always` / `never` as for the header; other values fall through.
/// - Weight: a uniform draw in `1...total` routes to the canary when it is `<= weight`, where `total` is
///   `weightTotal` when above 100 and 100 otherwise (balancer.lua ignores totals of 100 or less).
public struct IngressCanaryPolicy: Sendable, Equatable {
    /// `canary-by-header`: the request header that can force the canary (`always`) or the main backend (`never`).
    public var header: String?
    /// `canary-by-header-value`: the header value that routes to the canary instead of `always`.
    public var headerValue: String?
    /// `canary-by-header-pattern`: used when no `headerValue` is set.
    public var headerPattern: IngressHeaderPattern?
    /// `canary-by-cookie`: the cookie whose value `always` / `never` decides.
    public var cookie: String?
    /// `canary-weight`: requests out of `effectiveTotal` that go to the canary.
    public var weight: Int
    /// `canary-weight-total` as written (default 100).
    public var weightTotal: Int

    /// A policy from parts (tests; Ingresses use `init?(annotations:prefix:)`).
    public init(header: String? = nil, headerValue: String? = nil, headerPattern: IngressHeaderPattern? = nil, cookie: String? = nil,
                weight: Int = 0, weightTotal: Int = 100) {
        self.header = header
        self.headerValue = headerValue
        self.headerPattern = headerPattern
        self.cookie = cookie
        self.weight = weight
        self.weightTotal = weightTotal
    }

    /// The policy of an Ingress whose `<prefix>/canary` annotation is true, nil for other Ingresses.
    /// Unparsable numbers count as absent (0 weight, 100 total), as ingress-nginx's annotation parser does.
    public init?(annotations: [String: String], prefix: String) {
        func value(_ name: String) -> String? {
            guard let raw = annotations["\(prefix)/\(name)"] else { return nil }
            let trimmed = raw.trimmingASCIIWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let enabled = value("canary"), Self.parseBool(enabled) == true else { return nil }
        header = value("canary-by-header")
        headerValue = value("canary-by-header-value")
        headerPattern = value("canary-by-header-pattern").flatMap(IngressHeaderPattern.init(pattern:))
        cookie = value("canary-by-cookie")
        weight = value("canary-weight").flatMap { Int($0) }.map { max(0, $0) } ?? 0
        weightTotal = value("canary-weight-total").flatMap { Int($0) }.map { max(0, $0) } ?? 100
    }

    /// The denominator of the weight draw (see the type's documentation).
    public var effectiveTotal: Int { weightTotal > 100 ? weightTotal : 100 }

    /// Whether a request goes to the canary. `header` and `cookie` look up a request header (by name,
    /// case-insensitively) and a cookie; `random` draws the weight.
    @inlinable
    public func routesToCanary<R: RandomNumberGenerator>(header lookupHeader: (String) -> String?, cookie lookupCookie: (String) -> String?,
                                                        random: inout R) -> Bool {
        if let header, let value = lookupHeader(header) {
            if let headerValue {
                if value == headerValue { return true }
            } else if let headerPattern {
                if headerPattern.matches(value) { return true }
            } else if value == "always" {
                return true
            } else if value == "never" {
                return false
            }
        }
        if let cookie, let value = lookupCookie(cookie) {
            if value == "always" { return true }
            if value == "never" { return false }
        }
        if weight <= 0 { return false }
        let total = effectiveTotal
        if weight >= total { return true }
        return Int.random(in: 1...total, using: &random) <= weight
    }

    /// Go's strconv.ParseBool, which ingress-nginx uses for boolean annotations.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\n" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\n" || last == "\r" { slice.removeLast() }
        return String(slice)
    }
}
