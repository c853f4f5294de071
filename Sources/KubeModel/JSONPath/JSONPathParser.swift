/// Parses the Kubernetes JSONPath dialect the way client-go's `jsonpath.Parser` does: text outside `{...}`
/// is literal, each `{...}` is an action. Quirks are kept on purpose (a `[...]` selection ends at the first
/// `]`; keys in `['a.b']` are split at dots; `\` escapes terminators in field names), so templates behave
/// as they do in kubectl.
struct JSONPathParser {
    private let input: [Unicode.Scalar]
    private var pos = 0
    private var start = 0

    init(_ text: String) {
        input = Array(text.unicodeScalars)
    }

    /// Parses a whole template into its top-level nodes (`.text` and `.list`).
    static func parse(_ template: String) throws(JSONPathError) -> [JSONPathNode] {
        var parser = JSONPathParser(template)
        return try parser.parseTemplate()
    }

    /// Parses the inside of one action, as client-go's `parseAction` does for filter operands and unions.
    static func parseAction(_ text: String) throws(JSONPathError) -> [JSONPathNode] {
        let nodes = try parse("{" + text + "}")
        guard case .list(let list)? = nodes.first else { return [] }
        return list
    }

    // MARK: - Scanning

    private mutating func next() -> Unicode.Scalar? {
        guard pos < input.count else { return nil }
        pos += 1
        return input[pos - 1]
    }

    private mutating func backup(_ scalar: Unicode.Scalar?) {
        if scalar != nil { pos -= 1 }
    }

    private func peek() -> Unicode.Scalar? { pos < input.count ? input[pos] : nil }

    private mutating func consume() -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: input[start..<pos])
        start = pos
        return String(s)
    }

    private func hasPrefix(_ prefix: String) -> Bool {
        var i = pos
        for scalar in prefix.unicodeScalars {
            guard i < input.count, input[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    // MARK: - Template and actions

    private mutating func parseTemplate() throws(JSONPathError) -> [JSONPathNode] {
        var root: [JSONPathNode] = []
        while true {
            if hasPrefix("{") {
                if pos > start { root.append(.text(consume())) }
                pos += 1
                _ = consume()
                root.append(.list(try parseInsideAction()))
                continue
            }
            if next() == nil { break }
        }
        if pos > start { root.append(.text(consume())) }
        return root
    }

    /// Reads nodes up to and including the closing `}`.
    private mutating func parseInsideAction() throws(JSONPathError) -> [JSONPathNode] {
        var nodes: [JSONPathNode] = []
        while true {
            if hasPrefix("}") {
                pos += 1
                _ = consume()
                return nodes
            }
            if hasPrefix("[?(") {
                nodes.append(try parseFilter())
                continue
            }
            if hasPrefix("..") {
                if nodes.last == .recursive { throw .parse("invalid multiple recursive descent") }
                pos += 2
                _ = consume()
                nodes.append(.recursive)
                if let r = peek(), Self.isAlphaNumeric(r) { nodes.append(parseField()) }
                continue
            }
            let r = next()
            guard let r, !Self.isEndOfLine(r) else { throw .parse("unclosed action") }
            switch r {
            case " ", "@", "$":
                _ = consume()
            case "[":
                nodes.append(contentsOf: try parseArray())
            case "\"", "'":
                nodes.append(.text(try parseQuote(r)))
            case ".":
                nodes.append(parseField())
            case "+", "-":
                backup(r)
                nodes.append(try parseNumber())
            default:
                if Self.isDigit(r) {
                    backup(r)
                    nodes.append(try parseNumber())
                } else if Self.isAlphaNumeric(r) {
                    backup(r)
                    nodes.append(parseIdentifier())
                } else {
                    throw .parse("unrecognized character in action: \(Self.goRuneDescription(r))")
                }
            }
        }
    }

    private mutating func parseIdentifier() -> JSONPathNode {
        while let r = next() {
            if Self.isTerminator(r) {
                backup(r)
                break
            }
        }
        let value = consume()
        switch value {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .identifier(value)
        }
    }

    private mutating func parseNumber() throws(JSONPathError) -> JSONPathNode {
        if let r = peek(), r == "+" || r == "-" { _ = next() }
        while let r = next() {
            if r != "." && !Self.isDigit(r) {
                backup(r)
                break
            }
        }
        let value = consume()
        if let i = Self.goAtoi(value) { return .int(i) }
        if let d = Self.goParseFloat(value) { return .float(d) }
        throw .parse("cannot parse number \(value)")
    }

    /// `[...]`: union, quoted dictionary key, or slice. The text runs to the first `]`.
    private mutating func parseArray() throws(JSONPathError) -> [JSONPathNode] {
        while true {
            let r = next()
            if r == nil || r == "\n" { throw .parse("unterminated array") }
            if r == "]" { break }
        }
        var text = consume()
        text = String(text.unicodeScalars.dropFirst().dropLast())
        if text == "*" { text = ":" }

        let members = text.split(separator: ",", omittingEmptySubsequences: false)
        if members.count > 1 {
            var union: [[JSONPathNode]] = []
            for member in members {
                union.append(try Self.parseAction("[" + Self.trimSpaces(member) + "]"))
            }
            return [.union(union)]
        }

        // A quoted key: ['name'] reads as .name (so ['a.b'] reads as .a.b, as upstream).
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            let key = String(text.dropFirst().dropLast())
            if !key.contains("'") { return try Self.parseAction("." + key) }
        }

        return [.array(try Self.parseSlice(text))]
    }

    /// `start:end:step`, each part `-?[0-9]*`, as client-go's slice regular expression accepts them.
    private static func parseSlice(_ text: String) throws(JSONPathError) -> JSONPathNode.Slice {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3, parts.allSatisfy(isSliceNumber) else {
            throw .parse("invalid array index \(text)")
        }
        func number(_ s: String) throws(JSONPathError) -> Int {
            guard let v = goAtoi(s) else { throw .parse("array index \(s) is not a number") }
            return v
        }
        var slice = JSONPathNode.Slice(start: nil, end: nil, endDerived: false, step: nil)
        if !parts[0].isEmpty { slice.start = try number(parts[0]) }
        if parts.count >= 2 {
            if !parts[1].isEmpty { slice.end = try number(parts[1]) }
        } else {
            slice.end = (slice.start ?? 0) + 1
            slice.endDerived = true
        }
        if parts.count == 3, !parts[2].isEmpty { slice.step = try number(parts[2]) }
        return slice
    }

    private static func isSliceNumber(_ s: String) -> Bool {
        var scalars = Substring(s).unicodeScalars[...]
        if scalars.first == "-" { scalars = scalars.dropFirst() }
        return scalars.allSatisfy { $0.value >= 0x30 && $0.value <= 0x39 }
    }

    /// `[?(...)]`: reads to the `)` outside quotes, then splits at the first run of `!<>=`.
    private mutating func parseFilter() throws(JSONPathError) -> JSONPathNode {
        pos += 3
        _ = consume()
        var begin = false
        var end = false
        var pair: Unicode.Scalar = "\""
        loop: while true {
            guard let r = next(), r != "\n" else { throw .parse("unterminated filter") }
            switch r {
            case "\"", "'":
                if !begin {
                    begin = true
                    pair = r
                    continue
                }
                if input[pos - 2] != "\\" && r == pair { end = true }
            case ")":
                if begin == end { break loop }
            default:
                break
            }
        }
        if next() != "]" { throw .parse("unclosed array expect ]") }
        var text = consume()
        text = String(text.unicodeScalars.dropLast(2))

        let scalars = Array(text.unicodeScalars)
        func isOperator(_ s: Unicode.Scalar) -> Bool { s == "!" || s == "<" || s == ">" || s == "=" }
        var i = 0
        while i < scalars.count, !isOperator(scalars[i]) { i += 1 }
        var j = i
        while j < scalars.count, isOperator(scalars[j]) { j += 1 }
        if i == 0 || i == scalars.count || j == scalars.count {
            return .filter(left: try Self.parseAction(text), op: "exists", right: [])
        }
        func string(_ range: Range<Int>) -> String {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: scalars[range])
            return String(v)
        }
        let left = try Self.parseAction(string(0..<i))
        let right = try Self.parseAction(string(j..<scalars.count))
        return .filter(left: left, op: string(i..<j), right: right)
    }

    private mutating func parseQuote(_ quote: Unicode.Scalar) throws(JSONPathError) -> String {
        while true {
            guard let r = next(), r != "\n" else { throw .parse("unterminated quoted string") }
            if r == quote && input[pos - 2] != "\\" { break }
        }
        let value = consume()
        guard let text = Self.unquote(value) else {
            throw .parse("unquote string \(value) error invalid syntax")
        }
        return text
    }

    private mutating func parseField() -> JSONPathNode {
        _ = consume()
        while let r = next() {
            if r == "\\" {
                _ = next()
            } else if Self.isTerminator(r) {
                backup(r)
                break
            }
        }
        let value = consume()
        if value == "*" { return .wildcard }
        return .field(value.replacingOccurrences(of: "\\", with: ""))
    }

    // MARK: - Character classes (Go's unicode package)

    static func isTerminator(_ r: Unicode.Scalar) -> Bool {
        switch r {
        case " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}": return true
        default: return false
        }
    }

    static func isEndOfLine(_ r: Unicode.Scalar) -> Bool { r == "\r" || r == "\n" }

    static func isDigit(_ r: Unicode.Scalar) -> Bool { r.properties.generalCategory == .decimalNumber }

    static func isAlphaNumeric(_ r: Unicode.Scalar) -> Bool {
        if r == "_" || isDigit(r) { return true }
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private static func trimSpaces(_ s: Substring) -> String {
        var t = s[...]
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }

    /// `%#U` in Go: `U+0021 '!'`.
    private static func goRuneDescription(_ r: Unicode.Scalar) -> String {
        var hex = String(r.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        return "U+\(hex) '\(Character(r))'"
    }

    /// Go's `strconv.Atoi`: optional sign, decimal digits only.
    static func goAtoi(_ s: String) -> Int? {
        var body = Substring(s)
        if body.hasPrefix("+") { body = body.dropFirst() }
        else if body.hasPrefix("-") { return goAtoi(String(body.dropFirst())).map { -$0 } }
        guard !body.isEmpty, body.unicodeScalars.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) else { return nil }
        return Int(body)
    }

    /// Go's `strconv.ParseFloat` for the shapes the number scanner produces (signs, digits and dots).
    static func goParseFloat(_ s: String) -> Double? {
        var body = Substring(s)
        var negative = false
        if body.hasPrefix("+") { body = body.dropFirst() }
        else if body.hasPrefix("-") { negative = true; body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.contains(where: { !$0.isEmpty }) else { return nil }
        let text = (parts[0].isEmpty ? "0" : String(parts[0])) + (parts.count == 2 ? "." + (parts[1].isEmpty ? "0" : String(parts[1])) : "")
        guard let v = Double(text) else { return nil }
        return negative ? -v : v
    }

    /// client-go's `UnquoteExtend`: Go string unquoting that also accepts single quotes.
    static func unquote(_ quoted: String) -> String? {
        let scalars = Array(quoted.unicodeScalars)
        guard scalars.count >= 2, let quote = scalars.first, quote == scalars.last, quote == "\"" || quote == "'" else {
            return nil
        }
        let body = scalars[1..<(scalars.count - 1)]
        if !body.contains("\\") && !body.contains(quote) {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: body)
            return String(v)
        }
        var bytes: [UInt8] = []
        var i = body.startIndex
        func appendScalar(_ s: Unicode.Scalar) { bytes.append(contentsOf: Array(String(Character(s)).utf8)) }
        func hexValue(_ count: Int) -> UInt32? {
            guard i + count <= body.endIndex else { return nil }
            var v: UInt32 = 0
            for k in 0..<count {
                guard let d = Int(String(body[i + k]), radix: 16) else { return nil }
                v = v * 16 + UInt32(d)
            }
            i += count
            return v
        }
        while i < body.endIndex {
            let c = body[i]
            i += 1
            if c == quote { return nil }
            guard c == "\\" else {
                appendScalar(c)
                continue
            }
            guard i < body.endIndex else { return nil }
            let e = body[i]
            i += 1
            switch e {
            case "a": bytes.append(0x07)
            case "b": bytes.append(0x08)
            case "f": bytes.append(0x0C)
            case "n": bytes.append(0x0A)
            case "r": bytes.append(0x0D)
            case "t": bytes.append(0x09)
            case "v": bytes.append(0x0B)
            case "\\": bytes.append(0x5C)
            case "'", "\"":
                guard e == quote else { return nil }
                appendScalar(e)
            case "x":
                guard let v = hexValue(2) else { return nil }
                bytes.append(UInt8(v))
            case "u", "U":
                guard let v = hexValue(e == "u" ? 4 : 8), let s = Unicode.Scalar(v) else { return nil }
                appendScalar(s)
            case "0"..."7":
                var v = e.value - 0x30
                for _ in 0..<2 {
                    guard i < body.endIndex, body[i].value >= 0x30, body[i].value <= 0x37 else { return nil }
                    v = v * 8 + body[i].value - 0x30
                    i += 1
                }
                guard v <= 255 else { return nil }
                bytes.append(UInt8(v))
            default:
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
