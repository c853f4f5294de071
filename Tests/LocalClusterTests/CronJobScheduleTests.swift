import Foundation
import KubeModel
@testable import LocalCluster
import Testing

/// Next run times of CronJob schedules, as robfig/cron v3 (what kube-controller-manager uses) computes them.
@Suite("CronJob schedule arithmetic")
struct CronJobScheduleTests {
    static let utc = TimeZone(identifier: "UTC") ?? .current
    static let newYork = TimeZone(identifier: "America/New_York") ?? .current

    static func at(_ text: String) -> Date { Timestamp.parse(text) ?? .distantPast }

    struct Case: CustomTestStringConvertible, Sendable {
        let schedule: String
        let after: String
        let next: String?
        var testDescription: String { "\(schedule) after \(after)" }
    }

    @Test("the next time in UTC honours ranges, steps, lists, names, month ends and leap days", arguments: [
        Case(schedule: "*/15 * * * *", after: "2024-01-31T23:50:00Z", next: "2024-02-01T00:00:00Z"),
        Case(schedule: "0 0 31 * *", after: "2024-01-31T00:00:00Z", next: "2024-03-31T00:00:00Z"),
        Case(schedule: "0 0 29 2 *", after: "2024-03-01T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        Case(schedule: "0 12 * * mon-fri", after: "2024-03-08T13:00:00Z", next: "2024-03-11T12:00:00Z"),
        Case(schedule: "30 4 1,15 * *", after: "2024-01-15T04:30:00Z", next: "2024-02-01T04:30:00Z"),
        Case(schedule: "5-20/5 * * * *", after: "2024-01-01T10:20:00Z", next: "2024-01-01T11:05:00Z"),
        Case(schedule: "0 9 * JAN,jul SUN", after: "2024-01-31T10:00:00Z", next: "2024-07-07T09:00:00Z"),
        Case(schedule: "59 23 31 12 *", after: "2024-06-01T00:00:00Z", next: "2024-12-31T23:59:00Z"),
        Case(schedule: "* * * * *", after: "2024-01-01T10:20:30.5Z", next: "2024-01-01T10:21:00Z"),
        Case(schedule: "* * * * *", after: "2024-01-01T10:21:00Z", next: "2024-01-01T10:22:00Z"),
        Case(schedule: "0 0 30 2 *", after: "2024-01-01T00:00:00Z", next: nil),
    ])
    func nextInUTC(_ c: Case) throws {
        let schedule = try CronScheduleCalculator(c.schedule, timeZone: Self.utc)
        #expect(schedule.next(after: Self.at(c.after)).map(Timestamp.format) == c.next)
    }

    @Test("day of month and day of week are OR-ed unless one is a star, and a step removes the star", arguments: [
        // October 2024: the 11th and 18th are Fridays, the 13th a Sunday.
        Case(schedule: "0 0 13 * 5", after: "2024-10-11T00:00:00Z", next: "2024-10-13T00:00:00Z"),
        Case(schedule: "0 0 * * 5", after: "2024-10-11T00:00:00Z", next: "2024-10-18T00:00:00Z"),
        Case(schedule: "0 0 */1 * 5", after: "2024-10-11T00:00:00Z", next: "2024-10-18T00:00:00Z"),
        Case(schedule: "0 0 */2 * 5", after: "2024-10-11T00:00:00Z", next: "2024-10-13T00:00:00Z"),
        Case(schedule: "0 0 ? * fri", after: "2024-10-11T00:00:00Z", next: "2024-10-18T00:00:00Z"),
    ])
    func dayOfMonthAndWeek(_ c: Case) throws {
        let schedule = try CronScheduleCalculator(c.schedule, timeZone: Self.utc)
        #expect(schedule.next(after: Self.at(c.after)).map(Timestamp.format) == c.next)
    }

    @Test("macros and @every", arguments: [
        Case(schedule: "@hourly", after: "2024-01-01T10:30:00Z", next: "2024-01-01T11:00:00Z"),
        Case(schedule: "@daily", after: "2024-02-28T12:00:00Z", next: "2024-02-29T00:00:00Z"),
        Case(schedule: "@midnight", after: "2024-02-29T00:00:00Z", next: "2024-03-01T00:00:00Z"),
        Case(schedule: "@weekly", after: "2024-03-06T08:00:00Z", next: "2024-03-10T00:00:00Z"),
        Case(schedule: "@monthly", after: "2024-12-15T00:00:00Z", next: "2025-01-01T00:00:00Z"),
        Case(schedule: "@yearly", after: "2024-06-01T00:00:00Z", next: "2025-01-01T00:00:00Z"),
        Case(schedule: "@annually", after: "2025-01-01T00:00:00Z", next: "2026-01-01T00:00:00Z"),
        Case(schedule: "@every 90s", after: "2024-01-01T00:00:30Z", next: "2024-01-01T00:02:00Z"),
        Case(schedule: "@every 1h30m", after: "2024-01-01T00:00:00Z", next: "2024-01-01T01:30:00Z"),
    ])
    func macros(_ c: Case) throws {
        let schedule = try CronScheduleCalculator(c.schedule, timeZone: Self.utc)
        #expect(schedule.next(after: Self.at(c.after)).map(Timestamp.format) == c.next)
    }

    @Test("wall times are read in the schedule's zone, across DST changes as robfig/cron walks them", arguments: [
        // 09:00 in Tokyo is midnight UTC.
        Case(schedule: "0 9 * * *", after: "2024-01-01T00:30:00Z", next: "2024-01-02T00:00:00Z"),
    ])
    func tokyo(_ c: Case) throws {
        let schedule = try CronScheduleCalculator(c.schedule, timeZone: TimeZone(identifier: "Asia/Tokyo") ?? Self.utc)
        #expect(schedule.next(after: Self.at(c.after)).map(Timestamp.format) == c.next)
    }

    @Test("New York's DST changes: a skipped wall time does not run that day, a repeated one runs twice", arguments: [
        // 2024-03-10 02:00 EST jumps to 03:00 EDT: 02:30 does not exist that day.
        Case(schedule: "30 2 * * *", after: "2024-03-09T08:00:00Z", next: "2024-03-11T06:30:00Z"),
        // Hourly runs go from 01:00 EST straight to 03:00 EDT.
        Case(schedule: "0 * * * *", after: "2024-03-10T06:30:00Z", next: "2024-03-10T07:00:00Z"),
        // Midnight before and after the change.
        Case(schedule: "0 0 * * *", after: "2024-03-09T05:00:00Z", next: "2024-03-10T05:00:00Z"),
        Case(schedule: "0 0 * * *", after: "2024-03-10T05:00:00Z", next: "2024-03-11T04:00:00Z"),
        // 2024-11-03 02:00 EDT falls back to 01:00 EST: 01:30 happens twice and runs twice.
        Case(schedule: "30 1 * * *", after: "2024-11-02T16:00:00Z", next: "2024-11-03T05:30:00Z"),
        Case(schedule: "30 1 * * *", after: "2024-11-03T05:30:00Z", next: "2024-11-03T06:30:00Z"),
        Case(schedule: "30 1 * * *", after: "2024-11-03T06:30:00Z", next: "2024-11-04T06:30:00Z"),
        // A month change inside the zone: 31 March 23:00 EDT is already April in UTC.
        Case(schedule: "0 23 31 * *", after: "2024-03-01T00:00:00Z", next: "2024-04-01T03:00:00Z"),
    ])
    func newYork(_ c: Case) throws {
        let schedule = try CronScheduleCalculator(c.schedule, timeZone: Self.newYork)
        #expect(schedule.next(after: Self.at(c.after)).map(Timestamp.format) == c.next)
    }

    @Test("a TZ= or CRON_TZ= prefix overrides the zone passed in")
    func timeZonePrefix() throws {
        for text in ["TZ=America/New_York 0 9 * * *", "CRON_TZ=America/New_York  0 9 * * *"] {
            let schedule = try CronScheduleCalculator(text, timeZone: Self.utc)
            #expect(schedule.timeZone.identifier == "America/New_York")
            #expect(schedule.next(after: Self.at("2024-01-01T00:00:00Z")).map(Timestamp.format) == "2024-01-01T14:00:00Z")
        }
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        let schedule: String
        let message: String
        var testDescription: String { schedule.isEmpty ? "(empty)" : schedule }
    }

    @Test("invalid schedules fail with robfig/cron's messages", arguments: [
        Invalid(schedule: "", message: "empty spec string"),
        Invalid(schedule: "* * * *", message: "expected exactly 5 fields, found 4: [* * * *]"),
        Invalid(schedule: "0 * * * * *", message: "expected exactly 5 fields, found 6: [0 * * * * *]"),
        Invalid(schedule: "60 * * * *", message: "end of range (60) above maximum (59): 60"),
        Invalid(schedule: "* * 0 * *", message: "beginning of range (0) below minimum (1): 0"),
        Invalid(schedule: "* * * * 7", message: "end of range (7) above maximum (6): 7"),
        Invalid(schedule: "5-1 * * * *", message: "beginning of range (5) beyond end of range (1): 5-1"),
        Invalid(schedule: "*/0 * * * *", message: "step of range should be a positive number: */0"),
        Invalid(schedule: "1-2-3 * * * *", message: "too many hyphens: 1-2-3"),
        Invalid(schedule: "*/2/3 * * * *", message: "too many slashes: */2/3"),
        Invalid(schedule: "x * * * *", message: "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"),
        Invalid(schedule: "* * * foo *", message: "failed to parse int from foo: strconv.Atoi: parsing \"foo\": invalid syntax"),
        Invalid(schedule: "@fortnightly", message: "unrecognized descriptor: @fortnightly"),
        Invalid(schedule: "@every 5x", message: "failed to parse duration @every 5x: time: invalid duration \"5x\""),
        Invalid(schedule: "TZ=Mars/Olympus * * * * *", message: "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
    ])
    func invalid(_ c: Invalid) {
        #expect(throws: CronScheduleCalculator.ParseError(c.message)) {
            _ = try CronScheduleCalculator(c.schedule, timeZone: Self.utc)
        }
    }

    @Test("RFC 3339 in a zone uses the zone's offset, and Z at offset zero")
    func rfc3339() {
        let date = Self.at("2024-07-01T13:00:00Z")
        #expect(CronScheduleCalculator.rfc3339(date, in: Self.newYork) == "2024-07-01T09:00:00-04:00")
        #expect(CronScheduleCalculator.rfc3339(date, in: TimeZone(identifier: "Asia/Kolkata") ?? Self.utc) == "2024-07-01T18:30:00+05:30")
        #expect(CronScheduleCalculator.rfc3339(date, in: Self.utc) == "2024-07-01T13:00:00Z")
    }
}
