/// The `image:` of an image catalog entry: an image reference in which `*` matches any run of
/// characters (including `/`) in the name and in the tag.
///
/// Patterns are normalised like references, so `busybox` means `docker.io/library/busybox` and does
/// not match `ghcr.io/x/busybox`. A pattern without a tag matches every tag (and digest-only
/// references); `name:*` is the same. The pattern `*` (optionally with a tag, `*:debug`) matches
/// every repository on every registry. A pattern with a digest matches only that digest.
public struct ImagePattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    /// Glob over `registry/repository`; nil matches any repository.
    let name: String?
    /// Glob over the tag; nil matches any tag.
    let tag: String?
    let digest: String?

    /// Parses a pattern.
    ///
    /// - Throws: ``ImageReferenceError`` when the pattern, with each `*` read as a letter, is not a
    ///   valid reference.
    public init(_ text: String) throws(ImageReferenceError) {
        self.text = text
        if text == "*" || text.hasPrefix("*:") || text.hasPrefix("*@") {
            // "Any repository": parse the rest against a placeholder name to validate tag and digest.
            let parts = try ImageReferenceParser.parse("x" + text.dropFirst(), wildcards: true)
            name = nil
            tag = parts.tag
            digest = parts.digest
            return
        }
        let parts = try ImageReferenceParser.parse(text, wildcards: true)
        name = "\(parts.registry)/\(parts.repository)"
        tag = parts.tag == "*" ? nil : parts.tag
        digest = parts.digest
    }

    /// True when `reference` is one of the images this pattern names.
    public func matches(_ reference: ImageReference) -> Bool {
        if let name, !Self.glob(name, matches: reference.fullName) { return false }
        if let digest, reference.digest != digest { return false }
        if let tag {
            // A digest-only reference has no tag to compare; only a match-all tag accepts it.
            guard let referenceTag = reference.effectiveTag else { return tag.allSatisfy { $0 == "*" } }
            if !Self.glob(tag, matches: referenceTag) { return false }
        }
        return true
    }

    /// How specific the pattern is: more literal characters first, then fewer wildcards. A digest
    /// outranks any tag. Used to try the most specific catalog entry first.
    var specificity: (literals: Int, wildcards: Int) {
        let nameLiterals = name?.filter { $0 != "*" }.count ?? 0
        let tagLiterals = tag?.filter { $0 != "*" }.count ?? 0
        let wildcards = (name?.filter { $0 == "*" }.count ?? 1) + (tag?.filter { $0 == "*" }.count ?? 1)
        return (nameLiterals + tagLiterals + (digest == nil ? 0 : 1_000), wildcards)
    }

    /// True when this pattern should be tried before `other`.
    func isMoreSpecific(than other: ImagePattern) -> Bool {
        let (a, b) = (specificity, other.specificity)
        return a.literals != b.literals ? a.literals > b.literals : a.wildcards < b.wildcards
    }

    public var description: String { text }

    /// `*` matches any run of characters (including none); everything else matches itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var (pi, ti) = (0, 0)
        var star: Int? = nil
        var resume = 0
        let asterisk = UInt8(ascii: "*")
        while ti < t.count {
            if pi < p.count, p[pi] == asterisk {
                star = pi
                resume = ti
                pi += 1
            } else if pi < p.count, p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if let s = star {
                pi = s + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == asterisk { pi += 1 }
        return pi == p.count
    }
}
