import NIOHTTP1

/// Reads what routing needs from a request head without copying more than it must.
enum IngressRequestParsing {
    /// The host a request names: from an absolute request target (`http://host/...`) first, else from the
    /// Host header; without port and trailing dot (nginx's `$host`, before lowercasing). Empty when none.
    static func host(of head: HTTPRequestHead) -> Substring {
        if let authority = absoluteAuthority(head.uri) { return stripPort(authority) }
        guard let header = head.headers.first(name: "host") else { return "" }
        return stripPort(Substring(header))
    }

    /// The path of a request target, without query string or fragment; `/` when empty.
    static func path(of uri: String) -> Substring {
        var target = Substring(uri)
        if let authority = absoluteAuthority(uri) {
            target = target[authority.endIndex...]
        }
        if let end = target.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            target = target[..<end]
        }
        return target.isEmpty ? "/" : target
    }

    /// A cookie's value by name (names compare case-insensitively, as nginx's `$cookie_NAME`).
    static func cookie(named name: String, in headers: HTTPHeaders) -> String? {
        for header in headers["cookie"] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals].lowercased() == name.lowercased() {
                    return String(trimmed[trimmed.index(after: equals)...].trimmingSuffix(" "))
                }
            }
        }
        return nil
    }

    /// The authority of an absolute-form request target, `http://authority/path`.
    private static func absoluteAuthority(_ uri: String) -> Substring? {
        guard uri.utf8.first != UInt8(ascii: "/") else { return nil }
        let rest: Substring
        if uri.utf8.starts(with: "http://".utf8) {
            rest = uri.dropFirst(7)
        } else if uri.utf8.starts(with: "https://".utf8) {
            rest = uri.dropFirst(8)
        } else {
            return nil
        }
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        return rest[..<end]
    }

    private static func stripPort(_ host: Substring) -> Substring {
        var result = host
        if result.first == "[" {
            if let close = result.firstIndex(of: "]") { result = result[...close] }
        } else if let colon = result.firstIndex(of: ":") {
            result = result[..<colon]
        }
        if result.last == "." { result = result.dropLast() }
        return result
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}
