/// Syntax check of a CronJob schedule as `cron.ParseStandard` (robfig/cron v3) performs it: five fields
/// (minute, hour, day of month, month, day of week) or a descriptor (`@hourly`, `@every 5m`), with the
/// parser's own error texts, which the API server returns verbatim.
enum CronSchedule {
    private struct Bounds {
        let min: Int
        let max: Int
        let names: [String: Int]
    }

    private static let minutes = Bounds(min: 0, max: 59, names: [:])
    private static let hours = Bounds(min: 0, max: 23, names: [:])
    private static let daysOfMonth = Bounds(min: 1, max: 31, names: [:])
    private static let months = Bounds(min: 1, max: 12, names: [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
        "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ])
    private static let daysOfWeek = Bounds(min: 0, max: 6, names: [
        "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
    ])

    /// Why `spec` is not a valid schedule, or nil.
    static func error(in spec: String) -> String? {
        if spec.isEmpty { return "empty spec string" }
        var text = Substring(spec)
        if text.hasPrefix("TZ=") || text.hasPrefix("CRON_TZ=") {
            guard let space = text.firstIndex(of: " ") else { return "missing spec after timezone" }
            text = text[text.index(after: space)...].drop { $0 == " " }
        }
        if text.hasPrefix("@") { return descriptorError(String(text)) }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard fields.count == 5 else {
            return "expected exactly 5 fields, found \(fields.count): [\(fields.joined(separator: " "))]"
        }
        let bounds = [minutes, hours, daysOfMonth, months, daysOfWeek]
        for (field, b) in zip(fields, bounds) {
            for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                if let e = rangeError(String(part), b) { return e }
            }
        }
        return nil
    }

    private static func descriptorError(_ spec: String) -> String? {
        switch spec {
        case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly": return nil
        default:
            let every = "@every "
            if spec.hasPrefix(every) {
                let duration = String(spec.dropFirst(every.count))
                if !isGoDuration(duration) { return "failed to parse duration \(spec): time: invalid duration \"\(duration)\"" }
                return nil
            }
            return "unrecognized descriptor: \(spec)"
        }
    }

    /// `time.ParseDuration` shapes: `1h30m`, `90s`, `1.5h`, `300ms`.
    private static func isGoDuration(_ s: String) -> Bool {
        var rest = Substring(s)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        if rest == "0" { return true }
        guard !rest.isEmpty else { return false }
        let units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, number != "." else { return false }
            rest = rest.dropFirst(number.count)
            guard let unit = units.filter({ rest.hasPrefix($0) }).max(by: { $0.count < $1.count }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }

    private static func rangeError(_ expr: String, _ r: Bounds) -> String? {
        let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let single = lowAndHigh.count == 1
        var start: Int
        var end: Int
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = r.min
            end = r.max
        } else {
            switch parseIntOrName(lowAndHigh[0], r) {
            case .failure(let e): return e.text
            case .success(let v): start = v
            }
            switch lowAndHigh.count {
            case 1: end = start
            case 2:
                switch parseIntOrName(lowAndHigh[1], r) {
                case .failure(let e): return e.text
                case .success(let v): end = v
                }
            default: return "too many hyphens: \(expr)"
            }
        }
        var step = 1
        switch rangeAndStep.count {
        case 1: break
        case 2:
            switch parseInt(rangeAndStep[1]) {
            case .failure(let e): return e.text
            case .success(let v): step = v
            }
            if single { end = r.max }
        default: return "too many slashes: \(expr)"
        }
        if start < r.min { return "beginning of range (\(start)) below minimum (\(r.min)): \(expr)" }
        if end > r.max { return "end of range (\(end)) above maximum (\(r.max)): \(expr)" }
        if start > end { return "beginning of range (\(start)) beyond end of range (\(end)): \(expr)" }
        if step == 0 { return "step of range should be a positive number: \(expr)" }
        return nil
    }

    private struct Failure: Error {
        let text: String
    }

    private static func parseIntOrName(_ s: String, _ r: Bounds) -> Result<Int, Failure> {
        if let named = r.names[s.lowercased()] { return .success(named) }
        return parseInt(s)
    }

    private static func parseInt(_ s: String) -> Result<Int, Failure> {
        guard let n = Int(s) else {
            let reason = s.isEmpty || s.contains(where: { !$0.isNumber && $0 != "-" && $0 != "+" }) ? "invalid syntax" : "value out of range"
            return .failure(Failure(text: "failed to parse int from \(s): strconv.Atoi: parsing \"\(s)\": \(reason)"))
        }
        if n < 0 { return .failure(Failure(text: "negative number (\(n)) not allowed: \(s)")) }
        return .success(n)
    }
}
