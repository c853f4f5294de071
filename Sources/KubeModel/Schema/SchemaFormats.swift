import Foundation

/// String formats as upstream checks them: the `format`s apiextensions validates for custom resources
/// (go-openapi's `strfmt` registry, limited to apiextensions' supported list), and the Go parsers behind
/// built-in types (`resource.Quantity`, `metav1.Time`, base64 `[]byte`) with their error wording.
enum SchemaFormats {
    // MARK: - apiextensions formats

    /// Formats apiextensions validates (`StripUnsupportedFormatsPostProcess`): others, including `int32`,
    /// `int64`, `double` and `int-or-string`, are dropped from the schema before validation.
    static let supported: Set<String> = [
        "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4",
        "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password",
        "date", "duration", "datetime",
    ]

    /// The format as written when apiextensions keeps it, nil when it is stripped.
    static func supportedFormat(_ format: String?) -> String? {
        guard let format, !format.isEmpty else { return nil }
        return supported.contains(format.replacingOccurrences(of: "-", with: "")) ? format : nil
    }

    /// Whether `value` is valid for a supported format. Formats whose checks are intricate and rarely used
    /// in CRDs (isbn, creditcard, email, uri) are checked leniently.
    static func isValid(_ value: String, format: String) -> Bool {
        switch format.replacingOccurrences(of: "-", with: "") {
        case "datetime": return isDateTime(value)
        case "date": return isDate(value)
        case "byte": return base64Error(value) == nil
        case "uuid": return matches(value, #"^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"#)
        case "uuid3": return matches(value, #"^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$"#)
        case "uuid4": return matches(value, #"^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"#)
        case "uuid5": return matches(value, #"^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"#)
        case "ipv4": return isIPv4(value)
        case "ipv6": return isIPv6(value)
        case "cidr": return isCIDR(value)
        case "mac": return isMAC(value)
        case "hostname":
            return value.utf8.count <= 255 && matches(value, #"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$"#)
        case "email":
            guard let at = value.lastIndex(of: "@") else { return false }
            return at != value.startIndex && value.index(after: at) != value.endIndex
        case "uri":
            if value.hasPrefix("/") { return true }
            return matches(value, #"^[a-zA-Z][a-zA-Z0-9+.\-]*:"#)
        case "duration": return isDuration(value)
        case "hexcolor": return matches(value, #"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"#)
        case "rgbcolor":
            return matches(value, #"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$"#)
        case "ssn": return matches(value, #"^\d{3}[- ]?\d{2}[- ]?\d{4}$"#)
        case "bsonobjectid": return matches(value, #"^[0-9a-fA-F]{24}$"#)
        default: return true
        }
    }

    private static func matches(_ value: String, _ pattern: String) -> Bool {
        SchemaPatternCache.shared.matches(value, pattern: pattern) ?? true
    }

    /// strfmt's `IsDateTime`: a full date, `t`, then `hh:mm:ss[.frac](z|±hh:mm)`, case-insensitive.
    static func isDateTime(_ value: String) -> Bool {
        guard value.utf8.count >= 4 else { return false }
        let parts = value.lowercased().split(separator: "t", omittingEmptySubsequences: false)
        guard parts.count >= 2, isDate(String(parts[0])) else { return false }
        let time = Array(parts[1].utf8)
        func digit(_ i: Int) -> Bool { i < time.count && time[i] >= 48 && time[i] <= 57 }
        guard time.count >= 9, digit(0), digit(1), time[2] == 58, digit(3), digit(4), time[5] == 58, digit(6), digit(7)
        else { return false }
        var i = 8
        if i < time.count, time[i] != 122, time[i] != 43, time[i] != 45 {
            // `(.[0-9]+)?`: any one character, then digits.
            i += 1
            let start = i
            while digit(i) { i += 1 }
            guard i > start else { return false }
        }
        guard i < time.count else { return false }
        if time[i] == 122 {
            i += 1
        } else if time[i] == 43 || time[i] == 45 {
            guard digit(i + 1), digit(i + 2), i + 3 < time.count, time[i + 3] == 58, digit(i + 4), digit(i + 5) else { return false }
            i += 6
        } else {
            return false
        }
        guard i == time.count else { return false }
        func two(_ at: Int) -> Int { Int(time[at] - 48) * 10 + Int(time[at + 1] - 48) }
        return two(0) <= 23 && two(3) <= 59 && two(6) <= 59
    }

    /// Go's `time.Parse("2006-01-02", value)`.
    static func isDate(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return false }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = num(0, 4), let month = num(5, 2), let day = num(8, 2), (1...12).contains(month) else { return false }
        return day >= 1 && day <= daysIn(month: month, year: year)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            // Go's ParseIP also accepts IPv4-mapped IPv6 text, which contains a dot.
            return value.contains(".") && isIPv6(value)
        }
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  let n = Int(part), n <= 255, part.count == 1 || part.first != "0" else { return false }
        }
        return true
    }

    static func isIPv6(_ value: String) -> Bool {
        guard value.contains(":") else { return false }
        var addr = in6_addr()
        return value.withCString { inet_pton(AF_INET6, $0, &addr) } == 1
    }

    static func isCIDR(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) else { return false }
        let ip = String(parts[0])
        if isIPv4(ip), !ip.contains(":") { return bits >= 0 && bits <= 32 }
        if isIPv6(ip) { return bits >= 0 && bits <= 128 }
        return false
    }

    static func isMAC(_ value: String) -> Bool {
        func hex(_ s: Substring) -> Bool { s.allSatisfy(\.isHexDigit) }
        for separator: Character in [":", "-"] where value.contains(separator) {
            let groups = value.split(separator: separator, omittingEmptySubsequences: false)
            return [6, 8, 20].contains(groups.count) && groups.allSatisfy { $0.count == 2 && hex($0) }
        }
        let groups = value.split(separator: ".", omittingEmptySubsequences: false)
        return [3, 4, 10].contains(groups.count) && groups.allSatisfy { $0.count == 4 && hex($0) }
    }

    /// strfmt's `ParseDuration`: Go durations (`1h30m`) or `<n> <unit>` sequences (`3 days`).
    static func isDuration(_ value: String) -> Bool {
        if matches(value, #"^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+$"#) || value == "0" {
            return value != "" && value != "+" && value != "-"
        }
        let units = "ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|sec|min|hr"
        return matches(value, #"^((\d+)\s*("# + units + #")\s*)+$"#)
    }

    // MARK: - Go parsers behind built-in types

    /// `resource.ErrFormatWrong`.
    static let quantityFormatError =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

    /// Why `resource.ParseQuantity` rejects the text, or nil.
    static func quantityError(_ text: String) -> String? {
        let s = Array(text.utf8)
        if s.isEmpty { return quantityFormatError }
        if text == "0" { return nil }
        var pos = 0
        if s[0] == 45 || s[0] == 43 { pos = 1 }
        while pos < s.count, s[pos] == 48 { pos += 1 }
        if pos >= s.count { return nil }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while pos < s.count, isDigit(s[pos]) { pos += 1 }
        if pos >= s.count { return nil }
        if s[pos] == 46 {
            pos += 1
            while pos < s.count, isDigit(s[pos]) { pos += 1 }
            if pos >= s.count { return nil }
        }
        let suffixStart = pos
        let suffixLetters: Set<UInt8> = Set("eEinumkKMGTP".utf8)
        while pos < s.count, suffixLetters.contains(s[pos]) { pos += 1 }
        if pos < s.count, s[pos] == 45 || s[pos] == 43 { pos += 1 }
        while pos < s.count, isDigit(s[pos]) { pos += 1 }
        if pos < s.count { return quantityFormatError }
        let suffix = String(decoding: s[suffixStart...], as: UTF8.self)
        let known: Set<String> = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"]
        if known.contains(suffix) { return nil }
        if suffix.count > 1, suffix.first == "e" || suffix.first == "E", Int64(suffix.dropFirst()) != nil { return nil }
        return "unable to parse quantity's suffix"
    }

    /// Why Go's `base64.StdEncoding.Decode` rejects the text (`illegal base64 data at input byte 4`), or nil.
    static func base64Error(_ text: String) -> String? {
        let src = Array(text.utf8)
        func corrupt(_ at: Int) -> String { "illegal base64 data at input byte \(at)" }
        func decodes(_ c: UInt8) -> Bool {
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 43 || c == 47
        }
        func isNewline(_ c: UInt8) -> Bool { c == 10 || c == 13 }
        var si = 0
        while true {
            var j = 0
            while j < 4 {
                if si == src.count {
                    if j == 0 { return nil }
                    return corrupt(si - j)
                }
                let c = src[si]
                si += 1
                if decodes(c) { j += 1; continue }
                if isNewline(c) { continue }
                if c != 61 { return corrupt(si - 1) }
                // Padding.
                switch j {
                case 0, 1:
                    return corrupt(si - 1)
                case 2:
                    while si < src.count, isNewline(src[si]) { si += 1 }
                    if si == src.count { return corrupt(src.count) }
                    if src[si] != 61 { return corrupt(si - 1) }
                    si += 1
                default:
                    break
                }
                while si < src.count, isNewline(src[si]) { si += 1 }
                if si < src.count { return corrupt(si) }
                return nil
            }
        }
    }

    static let rfc3339Layout = "2006-01-02T15:04:05Z07:00"
    static let rfc3339MicroLayout = "2006-01-02T15:04:05.000000Z07:00"

    /// Go's `time.Parse(layout, value)` error text for the RFC 3339 layouts of `metav1.Time` and
    /// `metav1.MicroTime`, or nil when the value parses.
    static func goTimeError(_ value: String, micro: Bool) -> String? {
        let layout = micro ? rfc3339MicroLayout : rfc3339Layout
        let v = Array(value.utf8)
        var i = 0
        func rest() -> String { String(decoding: v[min(i, v.count)...], as: UTF8.self) }
        func cannot(_ elem: String, _ at: Int) -> String {
            "parsing time \(GoText.quote(value)) as \(GoText.quote(layout)): cannot parse "
                + "\(GoText.quote(String(decoding: v[min(at, v.count)...], as: UTF8.self))) as \(GoText.quote(elem))"
        }
        func range(_ what: String) -> String { "parsing time \(GoText.quote(value)): \(what) out of range" }
        func isDigit(_ at: Int) -> Bool { at < v.count && v[at] >= 48 && v[at] <= 57 }
        func fixed(_ n: Int) -> Int? {
            guard (0..<n).allSatisfy({ isDigit(i + $0) }) else { return nil }
            var x = 0
            for k in 0..<n { x = x * 10 + Int(v[i + k] - 48) }
            i += n
            return x
        }
        func literal(_ c: UInt8, _ text: String) -> String? {
            guard i < v.count, v[i] == c else { return cannot(text, i) }
            i += 1
            return nil
        }
        // 2006
        guard let year = fixed(4) else { return cannot("2006", i) }
        if let e = literal(45, "-") { return e }
        var at = i
        guard let month = fixed(2) else { return cannot("01", at) }
        if month < 1 || month > 12 { return range("month") }
        if let e = literal(45, "-") { return e }
        at = i
        guard let day = fixed(2) else { return cannot("02", at) }
        if day < 1 || day > 31 { return range("day") }
        if let e = literal(84, "T") { return e }
        // "15": one or two digits.
        at = i
        guard isDigit(i) else { return cannot("15", at) }
        var hour = Int(v[i] - 48)
        i += 1
        if isDigit(i) { hour = hour * 10 + Int(v[i] - 48); i += 1 }
        if hour >= 24 { return range("hour") }
        if let e = literal(58, ":") { return e }
        at = i
        guard let minute = fixed(2) else { return cannot("04", at) }
        if minute > 59 { return range("minute") }
        if let e = literal(58, ":") { return e }
        at = i
        guard let second = fixed(2) else { return cannot("05", at) }
        if second > 59 { return range("second") }
        if micro {
            at = i
            guard i + 7 <= v.count, v[i] == 46 || v[i] == 44, (1...6).allSatisfy({ isDigit(i + $0) }) else {
                return cannot(".000000", at)
            }
            i += 7
        } else if i + 1 < v.count, v[i] == 46 || v[i] == 44, isDigit(i + 1) {
            i += 1
            while isDigit(i) { i += 1 }
        }
        // Z07:00
        at = i
        if i < v.count, v[i] == 90 {
            i += 1
        } else {
            guard i + 6 <= v.count, v[i + 3] == 58, v[i] == 43 || v[i] == 45,
                  isDigit(i + 1), isDigit(i + 2), isDigit(i + 4), isDigit(i + 5)
            else { return cannot("Z07:00", at) }
            let offsetHour = Int(v[i + 1] - 48) * 10 + Int(v[i + 2] - 48)
            let offsetMinute = Int(v[i + 4] - 48) * 10 + Int(v[i + 5] - 48)
            if offsetHour > 24 { return range("time zone offset hour") }
            if offsetMinute > 60 { return range("time zone offset minute") }
            i += 6
        }
        if i < v.count { return "parsing time \(GoText.quote(value)): extra text: \(GoText.quote(rest()))" }
        if day > daysIn(month: month, year: year) { return range("day") }
        return nil
    }
}
