extension JSON {
    /// Compact JSON bytes with object keys sorted, as Go's encoding/json writes maps.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(self, into: &out)
        return out
    }

    /// Appends compact JSON bytes to a buffer.
    public func serialize(into out: inout [UInt8]) {
        JSONWriter.write(self, into: &out)
    }

    /// Compact JSON text.
    public func serializedString() -> String {
        String(decoding: serialized(), as: UTF8.self)
    }

    /// Indented JSON text (four spaces, as `kubectl -o json` prints), keys sorted.
    public func prettyString(indent: Int = 4) -> String {
        var out: [UInt8] = []
        JSONWriter.writePretty(self, into: &out, level: 0, indent: indent)
        return String(decoding: out, as: UTF8.self)
    }
}

enum JSONWriter {
    static func write(_ value: JSON, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .int(let i): writeInt(i, into: &out)
        case .double(let d): writeDouble(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in a {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in sortedKeys(o) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(o[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writePretty(_ value: JSON, into out: inout [UInt8], level: Int, indent: Int) {
        func newline(_ level: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * indent))
        }
        switch value {
        case .array(let a) where !a.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                writePretty(element, into: &out, level: level + 1, indent: indent)
            }
            newline(level)
            out.append(UInt8(ascii: "]"))
        case .object(let o) where !o.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, key) in sortedKeys(o).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                writeString(key, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                writePretty(o[key]!, into: &out, level: level + 1, indent: indent)
            }
            newline(level)
            out.append(UInt8(ascii: "}"))
        default:
            write(value, into: &out)
        }
    }

    @inline(__always) static func sortedKeys(_ o: [String: JSON]) -> [String] {
        o.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func writeInt(_ value: Int64, into out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while v > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(raw[i]) }
        }
    }

    /// Formats like Go's encoding/json: integral values without a fraction, exponents for very large or
    /// very small magnitudes, shortest representation that round-trips.
    static func writeDouble(_ value: Double, into out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: Array("null".utf8))
            return
        }
        let magnitude = abs(value)
        if value == value.rounded(), magnitude < 1e21 {
            if magnitude < 9.0e15 {
                writeInt(Int64(value), into: &out)
                return
            }
        }
        var text = value.description
        if magnitude != 0, magnitude < 1e-6 || magnitude >= 1e21 {
            // Swift prints 1e-07 / 1e+21; Go prints 1e-07 → 1e-7 and keeps 1e+21.
            if let e = text.firstIndex(of: "e") {
                var mantissa = String(text[..<e])
                if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
                var exponent = String(text[text.index(after: e)...])
                var sign = ""
                if exponent.hasPrefix("-") || exponent.hasPrefix("+") {
                    sign = String(exponent.removeFirst())
                }
                while exponent.count > 2 && exponent.hasPrefix("0") { exponent.removeFirst() }
                if sign == "-" && exponent.count == 2 && exponent.hasPrefix("0") { exponent.removeFirst() }
                if sign.isEmpty { sign = "+" }
                text = mantissa + "e" + sign + exponent
            }
        } else if text.contains("e") {
            // Swift switches to exponents earlier than Go (at 2^53); print positional digits instead.
            text = positional(value)
        }
        out.append(contentsOf: text.utf8)
    }

    /// Expands Swift's shortest exponent form (`1.2345e-05`) into positional digits (`0.000012345`).
    static func positional(_ value: Double) -> String {
        let text = value.description
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        var mantissa = String(text[..<e])
        var negative = false
        if mantissa.hasPrefix("-") { negative = true; mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var fracPart = parts.count > 1 ? String(parts[1]) : ""
        if fracPart == "0" { fracPart = "" }
        var digits = intPart + fracPart
        var point = intPart.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: -point + 1) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var result = String(digits.prefix(point))
        var fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { result += "." + fraction }
        return (negative ? "-" : "") + result
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    i += 1
                    continue
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                i += 1
                runStart = i
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
