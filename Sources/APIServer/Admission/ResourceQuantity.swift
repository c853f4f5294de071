import KubeModel

/// A `resource.Quantity` reduced to what admission needs: parsing with upstream's errors, exact comparison,
/// rounding, and the canonical text the API server writes back (`0.5` → `500m`, `1024Mi` → `1Gi`,
/// `1.5Gi` → `1536Mi`, a bare number `1` → `"1"`).
///
/// The value is `mantissa × 10^exponent` in an `Int64`. Quantities too large for that (beyond about 9.2e18
/// in their smallest unit) parse as valid but keep their original text; comparisons then fall back to
/// floating point. No real resource request comes close.
struct ResourceQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    enum Format: Sendable, Hashable {
        case decimalSI
        case binarySI
        case decimalExponent
    }

    /// Upstream's parse error (`resource.ErrFormatWrong`).
    static let formatMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    /// Upstream's error for an unknown suffix (`resource.ErrSuffix`).
    static let suffixMessage = "unable to parse quantity's suffix"

    var mantissa: Int64
    var exponent: Int
    var format: Format
    /// Set when the value did not fit: the text is kept as given.
    private(set) var oversizedText: String?
    private var approximate: Double

    private init(mantissa: Int64, exponent: Int, format: Format) {
        self.mantissa = mantissa
        self.exponent = exponent
        self.format = format
        self.oversizedText = nil
        self.approximate = Double(mantissa) * Self.pow10(exponent)
    }

    static let zero = ResourceQuantity(mantissa: 0, exponent: 0, format: .decimalSI)

    /// Parses a quantity from a JSON string or number, or says why it cannot.
    static func parse(_ json: JSON) -> Result<ResourceQuantity, ParseError> {
        switch json {
        case .string(let s): return parse(s)
        case .int(let i): return parse(String(i))
        case .double(let d):
            // Go reads the number's text; JSON numbers we hold as doubles print the shortest form.
            var text = "\(d)"
            if text.hasSuffix(".0") { text.removeLast(2) }
            return parse(text)
        default: return .failure(ParseError(message: formatMessage))
        }
    }

    /// Why a quantity could not be parsed.
    struct ParseError: Error, Sendable, Hashable {
        let message: String
    }

    static func parse(_ raw: String) -> Result<ResourceQuantity, ParseError> {
        let text = raw.trimmingASCIISpaces
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(ParseError(message: formatMessage)) }
        if text == "0" { return .success(.zero) }
        var pos = 0
        var negative = false
        if bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") {
            negative = bytes[pos] == UInt8(ascii: "-")
            pos += 1
        }
        var whole: [UInt8] = []
        while pos < bytes.count, isDigit(bytes[pos]) { whole.append(bytes[pos]); pos += 1 }
        var fraction: [UInt8] = []
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            while pos < bytes.count, isDigit(bytes[pos]) { fraction.append(bytes[pos]); pos += 1 }
        }
        if whole.isEmpty && fraction.isEmpty { return .failure(ParseError(message: formatMessage)) }
        // Suffix: letters from the SI set, then an optional sign and digits (for exponents).
        let suffixStart = pos
        let suffixLetters = Set("eEinumkKMGTP".utf8)
        while pos < bytes.count, suffixLetters.contains(bytes[pos]) { pos += 1 }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") || bytes[pos] == UInt8(ascii: "+") { pos += 1 }
        while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        if pos < bytes.count { return .failure(ParseError(message: formatMessage)) }
        let suffix = String(decoding: bytes[suffixStart...], as: UTF8.self)
        guard let (base, power, format) = interpret(suffix) else { return .failure(ParseError(message: suffixMessage)) }

        // Digits as an integer with a decimal exponent.
        var digits = Array((whole + fraction).drop { $0 == UInt8(ascii: "0") })
        var exponent = -fraction.count
        // Trailing zeros cost nothing but may overflow: fold them into the exponent.
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast(); exponent += 1 }
        guard digits.count <= 18 else { return .success(oversized(text, negative: negative, digits: digits, exponent: exponent, base: base, power: power, format: format)) }
        var mantissa: Int64 = 0
        for d in digits { mantissa = mantissa * 10 + Int64(d - UInt8(ascii: "0")) }
        if base == 10 {
            exponent += power
        } else {
            // Binary suffix: multiply by 2^power exactly.
            for _ in 0..<power {
                let (doubled, overflow) = mantissa.multipliedReportingOverflow(by: 2)
                if overflow { return .success(oversized(text, negative: negative, digits: digits, exponent: exponent, base: base, power: power, format: format)) }
                mantissa = doubled
            }
        }
        var q = ResourceQuantity(mantissa: negative ? -mantissa : mantissa, exponent: exponent, format: format)
        q.normalize()
        // ParseQuantity keeps at most nano precision, rounding up.
        q = q.roundedUp(toExponent: -9)
        return .success(q)
    }

    private static func oversized(_ text: String, negative: Bool, digits: [UInt8], exponent: Int, base: Int, power: Int, format: Format) -> ResourceQuantity {
        var value = 0.0
        for d in digits { value = value * 10 + Double(d - UInt8(ascii: "0")) }
        value *= pow10(exponent)
        value *= base == 10 ? pow10(power) : Double(sign: .plus, exponent: power, significand: 1)
        var q = ResourceQuantity(mantissa: 0, exponent: 0, format: format)
        q.oversizedText = text
        q.approximate = negative ? -value : value
        return q
    }

    /// Base, power and format of a suffix (`Mi` → 2^20 binary, `m` → 10^-3, `e3` → 10^3 exponent).
    private static func interpret(_ suffix: String) -> (Int, Int, Format)? {
        switch suffix {
        case "": return (10, 0, .decimalSI)
        case "n": return (10, -9, .decimalSI)
        case "u": return (10, -6, .decimalSI)
        case "m": return (10, -3, .decimalSI)
        case "k": return (10, 3, .decimalSI)
        case "M": return (10, 6, .decimalSI)
        case "G": return (10, 9, .decimalSI)
        case "T": return (10, 12, .decimalSI)
        case "P": return (10, 15, .decimalSI)
        case "E": return (10, 18, .decimalSI)
        case "Ki": return (2, 10, .binarySI)
        case "Mi": return (2, 20, .binarySI)
        case "Gi": return (2, 30, .binarySI)
        case "Ti": return (2, 40, .binarySI)
        case "Pi": return (2, 50, .binarySI)
        case "Ei": return (2, 60, .binarySI)
        default:
            let utf8 = Array(suffix.utf8)
            guard utf8.count > 1, utf8[0] == UInt8(ascii: "e") || utf8[0] == UInt8(ascii: "E"),
                  let power = Int(String(decoding: utf8[1...], as: UTF8.self)), abs(power) < 1000
            else { return nil }
            return (10, power, .decimalExponent)
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }

    /// Moves trailing decimal zeros of the mantissa into the exponent.
    private mutating func normalize() {
        guard oversizedText == nil else { return }
        if mantissa == 0 { exponent = 0; return }
        while mantissa % 10 == 0 { mantissa /= 10; exponent += 1 }
    }

    /// Rounds away from zero to a multiple of 10^`target` (`RoundUp(milliScale)` is `target = -3`).
    func roundedUp(toExponent target: Int) -> ResourceQuantity {
        guard oversizedText == nil, exponent < target else { return self }
        var m = mantissa
        var carry = false
        for _ in 0..<(target - exponent) {
            if m % 10 != 0 { carry = true }
            m /= 10
        }
        if carry { m += mantissa < 0 ? -1 : 1 }
        var q = ResourceQuantity(mantissa: m, exponent: target, format: format)
        q.normalize()
        return q
    }

    /// The sum, in the left operand's format.
    static func sum(_ a: ResourceQuantity, _ b: ResourceQuantity) -> ResourceQuantity {
        if a.oversizedText == nil, b.oversizedText == nil {
            let low = min(a.exponent, b.exponent)
            if let x = a.scaled(to: low), let y = b.scaled(to: low) {
                let (total, overflow) = x.addingReportingOverflow(y)
                if !overflow {
                    var q = ResourceQuantity(mantissa: total, exponent: low, format: a.format)
                    q.normalize()
                    return q
                }
            }
        }
        var q = ResourceQuantity(mantissa: 0, exponent: 0, format: a.format)
        q.approximate = a.approximate + b.approximate
        q.oversizedText = "\(q.approximate)"
        return q
    }

    /// -1, 0 or 1.
    var sign: Int {
        if oversizedText != nil { return approximate < 0 ? -1 : (approximate > 0 ? 1 : 0) }
        return mantissa < 0 ? -1 : (mantissa > 0 ? 1 : 0)
    }

    /// Whether the value is a whole number (`MilliValue() % 1000 == 0`).
    var isInteger: Bool {
        if oversizedText != nil { return approximate.rounded() == approximate }
        return exponent >= 0 || mantissa == 0
    }

    static func < (lhs: ResourceQuantity, rhs: ResourceQuantity) -> Bool { compare(lhs, rhs) < 0 }

    static func == (lhs: ResourceQuantity, rhs: ResourceQuantity) -> Bool { compare(lhs, rhs) == 0 }

    func hash(into hasher: inout Hasher) { hasher.combine(approximate) }

    private static func compare(_ a: ResourceQuantity, _ b: ResourceQuantity) -> Int {
        if a.oversizedText == nil, b.oversizedText == nil {
            if a.sign != b.sign { return a.sign < b.sign ? -1 : 1 }
            // Align exponents; overflow means the larger exponent dominates.
            let low = min(a.exponent, b.exponent)
            if let x = a.scaled(to: low), let y = b.scaled(to: low) { return x < y ? -1 : (x > y ? 1 : 0) }
        }
        return a.approximate < b.approximate ? -1 : (a.approximate > b.approximate ? 1 : 0)
    }

    private func scaled(to e: Int) -> Int64? {
        var m = mantissa
        for _ in 0..<(exponent - e) {
            let (r, o) = m.multipliedReportingOverflow(by: 10)
            if o { return nil }
            m = r
        }
        return m
    }

    /// The canonical text (`Quantity.String()`).
    var description: String {
        if let oversizedText { return oversizedText }
        if mantissa == 0 { return "0" }
        var format = self.format
        if format == .binarySI {
            // Fractional or small binary values print in decimal rather than lose precision.
            if exponent < 0 {
                format = .decimalSI
            } else if let whole = scaled(to: 0) {
                if whole > -1024 && whole < 1024 { format = .decimalSI }
            } else {
                format = .decimalSI
            }
        }
        switch format {
        case .binarySI:
            guard var value = scaled(to: 0) else { return decimalText(.decimalSI) }
            var power = 0
            while value % 1024 == 0 && power < 6 { value /= 1024; power += 1 }
            let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            return "\(value)\(suffixes[power])"
        case .decimalSI, .decimalExponent:
            return decimalText(format)
        }
    }

    private func decimalText(_ format: Format) -> String {
        var m = mantissa
        var e = exponent
        // The exponent must be a multiple of three; move digits into the mantissa to get there.
        let rem = ((e % 3) + 3) % 3
        for _ in 0..<rem {
            let (r, o) = m.multipliedReportingOverflow(by: 10)
            if o { break }
            m = r
            e -= 1
        }
        if format == .decimalExponent { return e == 0 ? "\(m)" : "\(m)e\(e)" }
        let suffixes: [Int: String] = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
        if let s = suffixes[e] { return "\(m)\(s)" }
        return "\(m)e\(e)"
    }
}
