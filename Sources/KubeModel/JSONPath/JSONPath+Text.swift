extension JSONPath {
    /// How one result prints in `kubectl -o jsonpath` output: strings raw, `null` for null, integers in
    /// decimal, floating point numbers as Go's `%v` (`1.5`, `1e+06`), booleans as `true`/`false`, objects
    /// and arrays as Go's `json.Marshal` (compact, keys sorted, `<`, `>`, `&` escaped).
    public static func text(of value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return goFloat(d)
        case .string(let s): return s
        case .array, .object: return goJSON(value)
        }
    }

    /// Go's `json.Marshal` text: our compact serialisation plus Go's HTML-safe escapes. The replaced
    /// characters can only occur inside strings, so a plain replacement is exact.
    static func goJSON(_ value: JSON) -> String {
        let text = value.serializedString()
        guard text.contains(where: { $0 == "<" || $0 == ">" || $0 == "&" || $0 == "\u{2028}" || $0 == "\u{2029}" }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Go's `strconv.FormatFloat(d, 'g', -1, 64)`, which `fmt` uses for `%v`: the shortest digits that
    /// round-trip, in exponent form when the decimal exponent is below -4 or at least 6 (so `1e+06`,
    /// `123456`, `1.5e-05`).
    static func goFloat(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (negative, digits, point) = shortestDigits(d)
        let exponent = point - 1
        var out = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            // %e: d.ddddde±XX
            out += String(digits.first ?? "0")
            if digits.count > 1 { out += "." + digits.dropFirst() }
            out += exponent < 0 ? "e-" : "e+"
            let magnitude = abs(exponent)
            out += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
            return out
        }
        // %f with exactly the digits needed.
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out += digits + String(repeating: "0", count: point - digits.count)
        } else {
            out += digits.prefix(point) + "." + digits.dropFirst(point)
        }
        return out
    }

    /// The shortest round-trip decimal digits of a finite non-zero double (no leading or trailing zeros)
    /// and the position of the decimal point relative to the first digit (value = 0.DIGITS × 10^point).
    private static func shortestDigits(_ d: Double) -> (negative: Bool, digits: String, point: Int) {
        var text = Substring(abs(d).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var point = integer.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (d < 0, digits, point)
    }
}
