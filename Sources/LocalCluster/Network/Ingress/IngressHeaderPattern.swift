/// A compiled `canary-by-header-pattern` regex. ingress-nginx uses PCRE (`ngx.re.match`, unanchored); this
/// uses Swift's regex engine, whose syntax covers the patterns people write there (alternation, classes,
/// anchors, quantifiers). A pattern that does not compile is ignored, as a failing PCRE match is in
/// ingress-nginx ("the request will be considered as not matching").
public struct IngressHeaderPattern: Sendable, Equatable {
    /// The pattern as written in the annotation.
    public let pattern: String
    private let box: Box

    /// Regex values are not Sendable; the box only hands the compiled regex to matching, which does not
    /// mutate it.
    private final class Box: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
        init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
    }

    /// Nil when the pattern does not compile.
    public init?(pattern: String) {
        guard let regex = try? Regex(pattern) else { return nil }
        self.pattern = pattern
        box = Box(regex)
    }

    /// Whether the pattern matches anywhere in `value`.
    public func matches(_ value: String) -> Bool {
        (try? box.regex.firstMatch(in: value)) != nil
    }

    public static func == (lhs: IngressHeaderPattern, rhs: IngressHeaderPattern) -> Bool { lhs.pattern == rhs.pattern }
}
