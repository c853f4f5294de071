import NIOHTTP1

/// Which headers the proxy rewrites are present, found in one pass over a head, so that the common request
/// (no hop-by-hop or forwarding headers) costs no `remove` scans, each of which walks every header.
struct IngressHeaderScan {
    var hopByHop = false
    var host = false
    var requestID = false
    var expect = false
    var forwarding = false
    var contentLength = false

    init(_ headers: HTTPHeaders) {
        for (name, _) in headers {
            let utf8 = name.utf8
            switch utf8.count {
            case 2: if Self.equals(utf8, "te") { hopByHop = true }
            case 4: if Self.equals(utf8, "host") { host = true }
            case 6: if Self.equals(utf8, "expect") { expect = true }
            case 7: if Self.equals(utf8, "upgrade") { hopByHop = true }
            case 8: if Self.equals(utf8, "x-scheme") { forwarding = true }
            case 9: if Self.equals(utf8, "x-real-ip") { forwarding = true }
            case 10: if Self.equals(utf8, "connection") || Self.equals(utf8, "keep-alive") { hopByHop = true }
            case 12: if Self.equals(utf8, "x-request-id") { requestID = true }
            case 14:
                if Self.equals(utf8, "http2-settings") {
                    hopByHop = true
                } else if Self.equals(utf8, "content-length") {
                    contentLength = true
                }
            case 15...18:
                if Self.equals(utf8, "proxy-connection") {
                    hopByHop = true
                } else if Self.hasPrefix(utf8, "x-forwarded-") {
                    forwarding = true
                }
            default: break
            }
        }
    }

    /// ASCII case-insensitive equality with a lowercase name of letters, digits and dashes.
    @inline(__always)
    static func equals(_ name: String.UTF8View, _ lowercase: StaticString) -> Bool {
        guard name.count == lowercase.utf8CodeUnitCount else { return false }
        return hasPrefix(name, lowercase)
    }

    @inline(__always)
    static func hasPrefix(_ name: String.UTF8View, _ lowercase: StaticString) -> Bool {
        guard name.count >= lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            var index = name.startIndex
            for byte in expected {
                if name[index] | 0x20 != byte { return false }
                index = name.index(after: index)
            }
            return true
        }
    }
}
