/// Go's text renderings that upstream messages embed: `%q` quoting and `%v` of a `float64`.
enum GoText {
    /// Go's `strconv.Quote` for the common cases: quotes, backslashes and control characters escaped,
    /// printable Unicode kept.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `fmt.Sprintf("%v", f)` for a float64: shortest digits, exponent form when the decimal exponent is
    /// below -4 or at least 6 (`1e+06`, `1.5`, `0.0001`, `1e-05`).
    static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (negative, digits, point) = decimalDigits(value)
        let exponent = point - 1
        var out = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            out.append(digits.first ?? "0")
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let e = abs(exponent)
            out += (exponent < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + String(e)
            return out
        }
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out += digits + String(repeating: "0", count: point - digits.count)
        } else {
            out += digits.prefix(point) + "." + digits.dropFirst(point)
        }
        return out
    }

    /// Shortest round-trip digits (no leading/trailing zeros) and the decimal point position.
    private static func decimalDigits(_ value: Double) -> (Bool, String, Int) {
        var text = value.description
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (negative, digits, point)
    }

    /// A number as Go's `%v` prints it: integers plainly, floats with `float(_:)`.
    static func number(_ value: JSON) -> String {
        switch value {
        case .int(let i): return String(i)
        case .double(let d): return float(d)
        default: return value.serializedString()
        }
    }
}
