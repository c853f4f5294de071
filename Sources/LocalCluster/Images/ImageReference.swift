/// A container image reference, parsed and normalised as Docker and containerd do
/// (distribution/reference): `[registry/][namespace/]name[:tag][@digest]`.
///
/// Normalisation makes familiar and fully qualified spellings equal: `busybox:1.36`,
/// `library/busybox:1.36` and `docker.io/library/busybox:1.36` are the same reference. The registry
/// is the first path component when it looks like a host (contains `.` or `:`, or is `localhost`);
/// otherwise it is `docker.io`, and a one-component name on Docker Hub gets the `library/` namespace.
/// A reference without tag or digest is *not* given `latest` here (``effectiveTag`` does that), so the
/// text a user wrote round-trips through ``familiarString``.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (and port), `docker.io` for Docker Hub.
    public let registry: String
    /// The repository path below the registry, e.g. `library/busybox` or `argoproj/rollouts-demo`.
    public let repository: String
    /// The tag, if the reference has one.
    public let tag: String?
    /// The digest (`sha256:…`), if the reference has one.
    public let digest: String?

    /// The Docker Hub registry name after normalisation.
    public static let dockerHub = "docker.io"

    /// Parses and normalises `text`.
    ///
    /// - Throws: ``ImageReferenceError`` when `text` is not a valid reference (empty, upper-case
    ///   repository, bad tag or digest), with the same reasons the container runtime gives.
    public init(parsing text: String) throws(ImageReferenceError) {
        let parts = try ImageReferenceParser.parse(text, wildcards: false)
        registry = parts.registry
        repository = parts.repository
        tag = parts.tag
        digest = parts.digest
    }

    /// `registry/repository`, e.g. `docker.io/library/busybox`.
    public var fullName: String { "\(registry)/\(repository)" }

    /// The name as people write it: `busybox`, `argoproj/rollouts-demo`, `ghcr.io/acme/app`.
    public var familiarName: String {
        guard registry == Self.dockerHub else { return fullName }
        if repository.hasPrefix("library/"), !repository.dropFirst("library/".count).contains("/") {
            return String(repository.dropFirst("library/".count))
        }
        return repository
    }

    /// The tag a runtime pulls: the tag, or `latest` when the reference has neither tag nor digest.
    /// `nil` for a digest-only reference.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }

    /// `familiarName[:tag][@digest]`, e.g. `busybox:1.36`.
    public var familiarString: String { familiarName + suffix }

    /// `registry/repository[:tag][@digest]`, e.g. `docker.io/library/busybox:1.36`.
    public var canonicalString: String { fullName + suffix }

    public var description: String { familiarString }

    private var suffix: String {
        (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }
}

/// Why an image reference (or a catalog pattern) could not be parsed.
public struct ImageReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public let reference: String
    /// The reason, worded as the container runtime words it (e.g. `invalid reference format`).
    public let reason: String

    public init(reference: String, reason: String) {
        self.reference = reference
        self.reason = reason
    }

    public var description: String { "couldn't parse image reference \"\(reference)\": \(reason)" }
}

/// The grammar of distribution/reference, shared by ``ImageReference`` and ``ImagePattern``.
enum ImageReferenceParser {
    struct Parts: Equatable {
        var registry: String
        var repository: String
        var tag: String?
        var digest: String?
    }

    static let maximumNameLength = 255

    /// Splits and validates a reference. With `wildcards`, `*` may appear in name components and in
    /// the tag (validated as if it were a letter).
    static func parse(_ text: String, wildcards: Bool) throws(ImageReferenceError) -> Parts {
        func fail(_ reason: String) -> ImageReferenceError { ImageReferenceError(reference: text, reason: reason) }
        if text.isEmpty { throw fail("invalid reference format: empty reference") }
        if text.contains(where: { $0.isWhitespace }) { throw fail("invalid reference format") }

        var remainder = Substring(text)
        var digest: String?
        if let at = remainder.firstIndex(of: "@") {
            let value = String(remainder[remainder.index(after: at)...])
            guard isValidDigest(value) else { throw fail("invalid reference format: invalid digest \"\(value)\"") }
            digest = value
            remainder = remainder[..<at]
        }
        var tag: String?
        if let colon = remainder.lastIndex(of: ":"), !remainder[colon...].contains("/") {
            let value = String(remainder[remainder.index(after: colon)...])
            guard isValidTag(value, wildcards: wildcards) else { throw fail("invalid reference format: invalid tag \"\(value)\"") }
            tag = value
            remainder = remainder[..<colon]
        }
        let name = String(remainder)
        if name.isEmpty { throw fail("invalid reference format: missing repository name") }
        if name.count > maximumNameLength { throw fail("repository name must not be more than \(maximumNameLength) characters") }

        var registry = ImageReference.dockerHub
        var repository = name
        if let slash = name.firstIndex(of: "/") {
            let first = String(name[..<slash])
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                registry = first
                repository = String(name[name.index(after: slash)...])
            }
        }
        if registry == "index.docker.io" { registry = ImageReference.dockerHub }
        guard isValidRegistry(registry, wildcards: wildcards) else { throw fail("invalid reference format: invalid registry \"\(registry)\"") }
        if registry == ImageReference.dockerHub, !repository.contains("/") { repository = "library/" + repository }
        if repository.lowercased() != repository { throw fail("invalid reference format: repository name must be lowercase") }
        let components = repository.split(separator: "/", omittingEmptySubsequences: false)
        for component in components where !isValidPathComponent(component, wildcards: wildcards) {
            throw fail("invalid reference format")
        }
        return Parts(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    static func isValidPathComponent(_ component: Substring, wildcards: Bool) -> Bool {
        func isAlphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) || (wildcards && c == "*") }
        guard let first = component.first, let last = component.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        var separatorRun = ""
        for c in component {
            if isAlphanumeric(c) {
                if !separatorRun.isEmpty {
                    let valid = separatorRun == "." || separatorRun == "_" || separatorRun == "__" || separatorRun.allSatisfy { $0 == "-" }
                    if !valid { return false }
                    separatorRun = ""
                }
            } else if c == "." || c == "_" || c == "-" {
                separatorRun.append(c)
            } else {
                return false
            }
        }
        return true
    }

    /// `[\w][\w.-]{0,127}`
    static func isValidTag(_ tag: String, wildcards: Bool) -> Bool {
        func isWord(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") || (wildcards && c == "*") }
        guard let first = tag.first, isWord(first), tag.count <= 128 else { return false }
        return tag.allSatisfy { isWord($0) || $0 == "." || $0 == "-" }
    }

    /// `algorithm:hex` with at least 32 hex digits, e.g. `sha256:…`.
    static func isValidDigest(_ digest: String) -> Bool {
        guard let colon = digest.firstIndex(of: ":") else { return false }
        let algorithm = digest[..<colon]
        let encoded = digest[digest.index(after: colon)...]
        guard !algorithm.isEmpty, algorithm.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "+._-".contains($0)) }) else {
            return false
        }
        return encoded.count >= 32 && encoded.allSatisfy { $0.isHexDigit }
    }

    /// A host name or address with an optional port.
    static func isValidRegistry(_ registry: String, wildcards: Bool) -> Bool {
        !registry.isEmpty && registry.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]_".contains($0) || (wildcards && $0 == "*")) }
    }
}
