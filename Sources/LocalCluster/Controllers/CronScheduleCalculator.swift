import Foundation

/// A parsed CronJob schedule and its next run times, computed as `github.com/robfig/cron/v3` does for
/// `cron.ParseStandard`, which the CronJob controller uses: five fields (minute, hour, day of month, month,
/// day of week) with lists, ranges, steps and month/day names, the `@yearly`, `@annually`, `@monthly`,
/// `@weekly`, `@daily`, `@midnight` and `@hourly` macros, `@every <duration>`, and a `TZ=`/`CRON_TZ=` prefix.
///
/// The quirks are upstream's, on purpose, so that a schedule fires here when it would fire in a cluster:
/// - Day of month and day of week are OR-ed unless either field starts with `*` or `?` (and a step of more
///   than one, as in `*/2`, removes that star: `0 0 */2 * 1` runs on odd days *and* Mondays).
/// - Times are walked in the schedule's zone with absolute hour and minute steps, so a wall time skipped by
///   a spring-forward transition does not run that day, and one repeated by a fall-back transition runs
///   twice (once per offset).
/// - A schedule that matches nothing within five years (`0 0 30 2 *`) has no next time.
///
/// The API server validates syntax with its own checker; this type repeats the parse because it needs the
/// bit sets, and reports robfig/cron's error texts, which the controller puts into Events.
public struct CronScheduleCalculator: Sendable, Equatable {
    /// Why a schedule could not be parsed, in robfig/cron's words.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    enum Kind: Sendable, Equatable {
        /// One bit per allowed value (bit `n` for value `n`); `starBit` marks a field written as `*` or `?`.
        case fields(second: UInt64, minute: UInt64, hour: UInt64, dayOfMonth: UInt64, month: UInt64, dayOfWeek: UInt64)
        /// `@every`: a constant delay in whole seconds, independent of any zone.
        case every(seconds: Int64)
    }

    let kind: Kind
    /// The zone the fields are read in: the `TZ=`/`CRON_TZ=` prefix's, or the one passed to `init`.
    public let timeZone: TimeZone

    static let starBit: UInt64 = 1 << 63

    /// Parses `schedule`; fields are read in `timeZone` unless the schedule names its own zone.
    public init(_ schedule: String, timeZone: TimeZone) throws(ParseError) {
        guard !schedule.isEmpty else { throw ParseError("empty spec string") }
        var text = Substring(schedule)
        var zone = timeZone
        if text.hasPrefix("TZ=") || text.hasPrefix("CRON_TZ=") {
            guard let space = text.firstIndex(of: " "), let equals = text.firstIndex(of: "=") else {
                throw ParseError("missing spec after timezone")
            }
            let name = String(text[text.index(after: equals)..<space])
            guard let named = Self.zone(named: name) else {
                throw ParseError("provided bad location \(name): unknown time zone \(name)")
            }
            zone = named
            text = text[space...].drop { $0.isWhitespace }
            while text.last?.isWhitespace == true { text = text.dropLast() }
        }
        self.timeZone = zone
        if text.hasPrefix("@") {
            kind = try Self.descriptor(String(text))
            return
        }
        let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            throw ParseError("expected exactly 5 fields, found \(fields.count): [\(fields.joined(separator: " "))]")
        }
        kind = .fields(second: 1, minute: try Self.field(fields[0], Self.minutes), hour: try Self.field(fields[1], Self.hours),
                       dayOfMonth: try Self.field(fields[2], Self.daysOfMonth), month: try Self.field(fields[3], Self.months),
                       dayOfWeek: try Self.field(fields[4], Self.daysOfWeek))
    }

    /// A zone as Go's `time.LoadLocation` finds it: empty and `UTC` are UTC, `Local` is this process's zone,
    /// anything else an IANA name.
    public static func zone(named name: String) -> TimeZone? {
        switch name {
        case "", "UTC": return TimeZone(identifier: "UTC")
        case "Local": return TimeZone.current
        default: return TimeZone(identifier: name)
        }
    }

    // MARK: Next time

    /// The first time strictly after `date` (from the next whole second on) that the schedule matches, or
    /// nil when nothing matches within five years (`SpecSchedule.Next`, `ConstantDelaySchedule.Next`).
    public func next(after date: Date) -> Date? {
        let whole = Int64(date.timeIntervalSince1970.rounded(.down))
        guard case .fields(let second, let minute, let hour, let dayOfMonth, let month, let dayOfWeek) = kind else {
            if case .every(let seconds) = kind { return Date(timeIntervalSince1970: Double(whole + seconds)) }
            return nil
        }
        var t = whole + 1
        var added = false
        let yearLimit = local(t).year + 5
        wrap: while true {
            var c = local(t)
            if c.year > yearLimit { return nil }
            while month & Self.bit(c.month) == 0 {
                if !added {
                    added = true
                    t = unix(c.year, c.month, 1, 0, 0, 0)
                    c = local(t)
                }
                t = unix(c.year, c.month + 1, c.day, c.hour, c.minute, c.second)
                c = local(t)
                if c.month == 1 { continue wrap }
            }
            while !Self.dayMatches(c, dayOfMonth: dayOfMonth, dayOfWeek: dayOfWeek) {
                if !added {
                    added = true
                    t = unix(c.year, c.month, c.day, 0, 0, 0)
                    c = local(t)
                }
                t = unix(c.year, c.month, c.day + 1, c.hour, c.minute, c.second)
                c = local(t)
                // A DST change can land the new day off midnight: move back to it, as robfig/cron does.
                if c.hour != 0 {
                    t += c.hour > 12 ? Int64(24 - c.hour) * 3600 : -Int64(c.hour) * 3600
                    c = local(t)
                }
                if c.day == 1 { continue wrap }
            }
            while hour & Self.bit(c.hour) == 0 {
                if !added {
                    added = true
                    t = unix(c.year, c.month, c.day, c.hour, 0, 0)
                }
                t += 3600
                c = local(t)
                if c.hour == 0 { continue wrap }
            }
            while minute & Self.bit(c.minute) == 0 {
                if !added {
                    added = true
                    t = Self.floorDiv(t, 60) * 60
                }
                t += 60
                c = local(t)
                if c.minute == 0 { continue wrap }
            }
            while second & Self.bit(c.second) == 0 {
                added = true
                t += 1
                c = local(t)
                if c.second == 0 { continue wrap }
            }
            return Date(timeIntervalSince1970: Double(t))
        }
    }

    static func bit(_ value: Int) -> UInt64 { value >= 0 && value < 63 ? 1 << UInt64(value) : 0 }

    static func dayMatches(_ c: LocalTime, dayOfMonth: UInt64, dayOfWeek: UInt64) -> Bool {
        let domMatch = dayOfMonth & bit(c.day) != 0
        let dowMatch = dayOfWeek & bit(c.weekday) != 0
        if dayOfMonth & starBit != 0 || dayOfWeek & starBit != 0 { return domMatch && dowMatch }
        return domMatch || dowMatch
    }

    // MARK: Wall time in the zone (Go's time.Date and Time.Date semantics)

    /// Calendar fields of an instant in some zone.
    struct LocalTime: Equatable {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
        /// 0 = Sunday.
        var weekday: Int
        /// Seconds east of UTC at that instant.
        var offset: Int
    }

    func local(_ unix: Int64) -> LocalTime { Self.local(unix, in: timeZone) }

    static func local(_ unix: Int64, in zone: TimeZone) -> LocalTime {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(unix)))
        let wall = unix + Int64(offset)
        let days = floorDiv(wall, 86_400)
        let seconds = Int(wall - days * 86_400)
        let (y, m, d) = civil(fromDays: days)
        let weekday = Int(((days + 4) % 7 + 7) % 7)
        return LocalTime(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60,
                         weekday: weekday, offset: offset)
    }

    func unix(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Int64 {
        Self.unix(year, month, day, hour, minute, second, in: timeZone)
    }

    /// The instant of a wall time in `zone`, normalising out-of-range fields (month 13, day 32) as Go's
    /// `time.Date` does. A wall time in a spring-forward gap takes the offset after the transition applied
    /// backwards (02:30 in New York's gap is 01:30 EST); one in a fall-back overlap is the first occurrence.
    static func unix(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, in zone: TimeZone) -> Int64 {
        let m0 = Int64(month - 1)
        let y = Int64(year) + floorDiv(m0, 12)
        let m = m0 - floorDiv(m0, 12) * 12 + 1
        let wall = (days(fromCivil: y, m, 1) + Int64(day) - 1) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        let guess = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall))))
        let utc = wall - guess
        let actual = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))))
        return actual == guess ? utc : wall - actual
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`); the day
    /// may be out of range and counts on linearly.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    /// `2024-03-10T03:00:00-04:00` (or `...Z` at offset zero): Go's `time.RFC3339` in `zone`.
    public static func rfc3339(_ date: Date, in zone: TimeZone) -> String {
        let c = local(Int64(date.timeIntervalSince1970.rounded(.down)), in: zone)
        func pad(_ v: Int, _ width: Int = 2) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        var text = "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))"
        if c.offset == 0 { return text + "Z" }
        let magnitude = abs(c.offset) / 60
        text += (c.offset < 0 ? "-" : "+") + pad(magnitude / 60) + ":" + pad(magnitude % 60)
        return text
    }

    // MARK: Parsing (robfig/cron v3 parser.go)

    struct Bounds {
        let min: Int
        let max: Int
        let names: [String: Int]
    }

    static let minutes = Bounds(min: 0, max: 59, names: [:])
    static let hours = Bounds(min: 0, max: 23, names: [:])
    static let daysOfMonth = Bounds(min: 1, max: 31, names: [:])
    static let months = Bounds(min: 1, max: 12, names: [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ])
    static let daysOfWeek = Bounds(min: 0, max: 6, names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6])

    static func all(_ r: Bounds) -> UInt64 { bits(r.min, r.max, 1) | starBit }

    static func bits(_ start: Int, _ end: Int, _ step: Int) -> UInt64 {
        var result: UInt64 = 0
        var v = start
        while v <= end {
            result |= bit(v)
            v += step
        }
        return result
    }

    static func field(_ text: String, _ r: Bounds) throws(ParseError) -> UInt64 {
        var result: UInt64 = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            result |= try range(String(part), r)
        }
        return result
    }

    static func range(_ expr: String, _ r: Bounds) throws(ParseError) -> UInt64 {
        let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let single = lowAndHigh.count == 1
        var start: Int, end: Int
        var extra: UInt64 = 0
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = r.min
            end = r.max
            extra = starBit
        } else {
            start = try intOrName(lowAndHigh[0], r)
            switch lowAndHigh.count {
            case 1: end = start
            case 2: end = try intOrName(lowAndHigh[1], r)
            default: throw ParseError("too many hyphens: \(expr)")
            }
        }
        var step = 1
        switch rangeAndStep.count {
        case 1: break
        case 2:
            step = try positiveInt(rangeAndStep[1])
            if single { end = r.max }
            if step > 1 { extra = 0 }
        default: throw ParseError("too many slashes: \(expr)")
        }
        if start < r.min { throw ParseError("beginning of range (\(start)) below minimum (\(r.min)): \(expr)") }
        if end > r.max { throw ParseError("end of range (\(end)) above maximum (\(r.max)): \(expr)") }
        if start > end { throw ParseError("beginning of range (\(start)) beyond end of range (\(end)): \(expr)") }
        if step == 0 { throw ParseError("step of range should be a positive number: \(expr)") }
        return bits(start, end, step) | extra
    }

    static func intOrName(_ text: String, _ r: Bounds) throws(ParseError) -> Int {
        if let named = r.names[text.lowercased()] { return named }
        return try positiveInt(text)
    }

    static func positiveInt(_ text: String) throws(ParseError) -> Int {
        guard let n = Int(text) else {
            let syntax = text.isEmpty || text.contains { !$0.isASCII || !($0.isNumber || $0 == "-" || $0 == "+") }
            throw ParseError("failed to parse int from \(text): strconv.Atoi: parsing \"\(text)\": \(syntax ? "invalid syntax" : "value out of range")")
        }
        if n < 0 { throw ParseError("negative number (\(n)) not allowed: \(text)") }
        return n
    }

    static func descriptor(_ text: String) throws(ParseError) -> Kind {
        let once: UInt64 = 1
        switch text {
        case "@yearly", "@annually":
            return .fields(second: once, minute: once, hour: once, dayOfMonth: bit(1), month: bit(1), dayOfWeek: all(daysOfWeek))
        case "@monthly":
            return .fields(second: once, minute: once, hour: once, dayOfMonth: bit(1), month: all(months), dayOfWeek: all(daysOfWeek))
        case "@weekly":
            return .fields(second: once, minute: once, hour: once, dayOfMonth: all(daysOfMonth), month: all(months), dayOfWeek: bit(0))
        case "@daily", "@midnight":
            return .fields(second: once, minute: once, hour: once, dayOfMonth: all(daysOfMonth), month: all(months), dayOfWeek: all(daysOfWeek))
        case "@hourly":
            return .fields(second: once, minute: once, hour: all(hours), dayOfMonth: all(daysOfMonth), month: all(months), dayOfWeek: all(daysOfWeek))
        default:
            let every = "@every "
            guard text.hasPrefix(every) else { throw ParseError("unrecognized descriptor: \(text)") }
            let duration = String(text.dropFirst(every.count))
            guard let seconds = goDurationSeconds(duration) else {
                throw ParseError("failed to parse duration \(text): time: invalid duration \"\(duration)\"")
            }
            // `cron.Every`: at least a second, whole seconds only.
            return .every(seconds: max(1, Int64(seconds.rounded(.towardZero))))
        }
    }

    /// `time.ParseDuration` in seconds: `1h30m`, `90s`, `1.5h`, `300ms`.
    static func goDurationSeconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if rest.first == "-" || rest.first == "+" {
            if rest.first == "-" { sign = -1 }
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", let value = Double(number.hasPrefix(".") ? "0" + number : String(number)) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return sign * total
    }
}
