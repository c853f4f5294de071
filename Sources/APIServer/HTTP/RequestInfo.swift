import KubeModel

/// What a request path addresses, parsed the way kube-apiserver's RequestInfoFactory does.
struct RequestInfo: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        /// `/version`, `/healthz`, ...
        case other(String)
        /// `/api` or `/apis`
        case discoveryRoot(legacy: Bool)
        /// `/apis/{group}`
        case groupDiscovery(group: String)
        /// `/api/v1`, `/apis/{g}/{v}`
        case versionDiscovery(GroupVersion)
        /// A resource collection or object.
        case resource
    }

    var target: Target
    var groupVersion = GroupVersion(group: "", version: "")
    var resource = ""
    var namespace = ""
    var name = ""
    var subresource = ""
    /// The deprecated `/watch/` prefix was used.
    var watchPrefix = false

    init(target: Target) { self.target = target }

    /// Parses an absolute request path (already split from the query).
    static func parse(path: String) -> RequestInfo {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map { decode(String($0)) }
        guard let first = segments.first else { return RequestInfo(target: .other("/")) }
        switch first {
        case "api":
            if segments.count == 1 { return RequestInfo(target: .discoveryRoot(legacy: true)) }
            let gv = GroupVersion(group: "", version: segments[1])
            if segments.count == 2 { return RequestInfo(target: .versionDiscovery(gv)) }
            segments.removeFirst(2)
            return resourceInfo(gv, segments)
        case "apis":
            if segments.count == 1 { return RequestInfo(target: .discoveryRoot(legacy: false)) }
            if segments.count == 2 { return RequestInfo(target: .groupDiscovery(group: segments[1])) }
            let gv = GroupVersion(group: segments[1], version: segments[2])
            if segments.count == 3 { return RequestInfo(target: .versionDiscovery(gv)) }
            segments.removeFirst(3)
            return resourceInfo(gv, segments)
        default:
            return RequestInfo(target: .other("/" + segments.joined(separator: "/")))
        }
    }

    private static func resourceInfo(_ gv: GroupVersion, _ input: [String]) -> RequestInfo {
        var info = RequestInfo(target: .resource)
        info.groupVersion = gv
        var segments = input[...]
        if segments.first == "watch" {
            info.watchPrefix = true
            segments = segments.dropFirst()
        }
        if segments.first == "namespaces", segments.count >= 3,
           !(segments.count == 3 && (segments[segments.startIndex + 2] == "status" || segments[segments.startIndex + 2] == "finalize")) {
            info.namespace = segments[segments.startIndex + 1]
            segments = segments.dropFirst(2)
        }
        let parts = Array(segments)
        if parts.count >= 1 { info.resource = parts[0] }
        if parts.count >= 2 { info.name = parts[1] }
        if parts.count >= 3 { info.subresource = parts[2...].joined(separator: "/") }
        // `/api/v1/namespaces/{name}` addresses the namespace itself.
        if info.resource == "namespaces", info.namespace.isEmpty, !info.name.isEmpty {
            // cluster-scoped object; nothing to move
        }
        return info
    }

    static func decode(_ segment: String) -> String {
        guard segment.contains("%") else { return segment }
        return segment.removingPercentEncodingLenient
    }
}

extension String {
    /// Percent-decoding that leaves malformed escapes as they are.
    var removingPercentEncodingLenient: String {
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while i < utf8.count {
            if utf8[i] == 37, i + 2 < utf8.count, let h = hex(utf8[i + 1]), let l = hex(utf8[i + 2]) {
                bytes.append(h << 4 | l)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Query parameters decoded as Go's `url.ParseQuery` does (`+` is a space).
struct QueryParameters: Sendable {
    private var values: [String: [String]] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).replacingPlus.removingPercentEncodingLenient
            let value = kv.count > 1 ? String(kv[1]).replacingPlus.removingPercentEncodingLenient : ""
            values[key, default: []].append(value)
        }
    }

    subscript(_ key: String) -> String? { values[key]?.first }

    func all(_ key: String) -> [String] { values[key] ?? [] }

    /// Go `strconv.ParseBool` semantics; absent or unparsable → nil.
    func bool(_ key: String) -> Bool? {
        switch self[key] {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    func int(_ key: String) -> Int? { self[key].flatMap { Int($0) } }
}

extension String {
    fileprivate var replacingPlus: String { contains("+") ? replacingOccurrences(of: "+", with: " ") : self }
}
