/// An RFC 6901 JSON pointer (`/metadata/labels/app.kubernetes.io~1name`), split into unescaped reference
/// tokens. `~1` stands for `/` and `~0` for `~`; the empty pointer is the whole document.
struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The pointer as written in the patch, used in error messages.
    let text: String
    /// The unescaped reference tokens; empty for the whole document.
    let tokens: [String]

    init(_ text: String) throws {
        self.text = text
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw PatchError("invalid JSON pointer \"\(text)\": a pointer must be empty or start with \"/\"")
        }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(Self.unescape)
    }

    var description: String { text }

    /// `~1` → `/`, `~0` → `~`, decoded in one pass so that `~01` reads as `~1` (RFC 6901 §4).
    static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var out = ""
        out.reserveCapacity(token.utf8.count)
        var iterator = token.makeIterator()
        while let c = iterator.next() {
            guard c == "~" else {
                out.append(c)
                continue
            }
            switch iterator.next() {
            case "0": out.append("~")
            case "1": out.append("/")
            case let other?: out.append("~"); out.append(other)
            case nil: out.append("~")
            }
        }
        return out
    }

    /// The index an array token names in an array of `count` elements. Negative indices count from the end,
    /// as in the evanphx/json-patch v4 library the API server uses; `-1` is the last element.
    static func index(_ token: String, count: Int) -> Int? {
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
              let i = Int(token) else { return nil }
        let resolved = i < 0 ? i + count : i
        return resolved >= 0 && resolved < count ? resolved : nil
    }
}
