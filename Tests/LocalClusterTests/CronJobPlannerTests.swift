import Foundation
import KubeModel
@testable import LocalCluster
import Testing

/// The CronJob controller's decisions, without I/O.
@Suite("CronJob planner")
struct CronJobPlannerTests {
    static let utc = TimeZone(identifier: "UTC") ?? .current

    static func at(_ text: String) -> Date { Timestamp.parse(text) ?? .distantPast }

    static func cronJob(schedule: String = "*/5 * * * *", created: String = "2024-05-01T10:00:00Z", policy: String = "Allow",
                        suspend: Bool = false, startingDeadline: Int? = nil, timeZone: String? = nil, lastSchedule: String? = nil,
                        active: [JSON] = [], successfulLimit: Int? = 3, failedLimit: Int? = 1) -> JSON {
        var spec: JSON = [
            "schedule": .string(schedule), "concurrencyPolicy": .string(policy), "suspend": .bool(suspend),
            "jobTemplate": [
                "metadata": ["labels": ["app": "report"], "annotations": ["team": "data"]],
                "spec": ["backoffLimit": 2, "template": ["spec": ["restartPolicy": "Never", "containers": [["name": "c", "image": "busybox"]]]]],
            ],
        ]
        if let successfulLimit { spec["successfulJobsHistoryLimit"] = JSON(successfulLimit) }
        if let failedLimit { spec["failedJobsHistoryLimit"] = JSON(failedLimit) }
        if let startingDeadline { spec["startingDeadlineSeconds"] = JSON(startingDeadline) }
        if let timeZone { spec["timeZone"] = .string(timeZone) }
        var status: JSON = [:]
        if let lastSchedule { status["lastScheduleTime"] = .string(lastSchedule) }
        if !active.isEmpty { status["active"] = .array(active) }
        return ["apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": ["name": "report", "namespace": "ns", "uid": "cj-uid", "creationTimestamp": .string(created)],
                "spec": spec, "status": status]
    }

    static func job(_ name: String, uid: String, finished: String? = nil, start: String? = nil, completed: String? = nil) -> JSON {
        var status: JSON = [:]
        if let start { status["startTime"] = .string(start) }
        if let finished {
            status["conditions"] = [["type": .string(finished), "status": "True"]]
            if finished == "Complete" { status["completionTime"] = .string(completed ?? start ?? "2024-05-01T10:00:00Z") }
        }
        return ["apiVersion": "batch/v1", "kind": "Job",
                "metadata": ["name": .string(name), "namespace": "ns", "uid": .string(uid),
                             "ownerReferences": [["apiVersion": "batch/v1", "kind": "CronJob", "name": "report", "uid": "cj-uid", "controller": true]]],
                "status": status]
    }

    static func ref(_ name: String, uid: String) -> JSON {
        ["apiVersion": "batch/v1", "kind": "Job", "name": .string(name), "namespace": "ns", "uid": .string(uid)]
    }

    static func plan(_ cronJob: JSON, jobs: [JSON] = [], now: String, missing: Set<String> = []) -> CronJobPlanner.Plan {
        CronJobPlanner.plan(CronJobPlanner.Input(cronJob: cronJob, jobs: jobs, now: at(now), missingActive: missing, defaultTimeZone: utc))
    }

    @Test("at the scheduled minute a Job named after the minute is created from the template")
    func createsDueJob() throws {
        let plan = Self.plan(Self.cronJob(), now: "2024-05-01T10:05:00Z")
        let job = try #require(plan.createJob)
        #expect(job.name == "report-28575965")
        #expect(job.namespace == "ns")
        #expect(job.labels == ["app": "report"])
        #expect(job.annotations == ["team": "data", "batch.kubernetes.io/cronjob-scheduled-timestamp": "2024-05-01T10:05:00Z"])
        #expect(job.ownerReferences == [OwnerReference(apiVersion: "batch/v1", kind: "CronJob", name: "report", uid: "cj-uid",
                                                       controller: true, blockOwnerDeletion: true)])
        #expect(job["spec"]?["backoffLimit"] == 2)
        #expect(plan.scheduledTime == Self.at("2024-05-01T10:05:00Z"))
        #expect(plan.requeueAfter == .milliseconds(300_100))
        #expect(plan.events.isEmpty)
    }

    @Test("the created Job joins status.active and lastScheduleTime moves to its minute")
    func recordsCreatedJob() {
        var created = Self.job("report-28575965", uid: "j1")
        created.resourceVersion = "42"
        let status = CronJobPlanner.recordCreated(created, scheduledTime: Self.at("2024-05-01T10:05:00Z"), in: [:])
        #expect(status == ["lastScheduleTime": "2024-05-01T10:05:00Z",
                           "active": [["apiVersion": "batch/v1", "kind": "Job", "name": "report-28575965", "namespace": "ns",
                                       "uid": "j1", "resourceVersion": "42"]]])
    }

    struct Waiting: CustomTestStringConvertible, Sendable {
        let label: String
        let lastSchedule: String?
        let now: String
        let requeueMilliseconds: Int64
        var testDescription: String { label }
    }

    @Test("when nothing is due it requeues for the next schedule time plus 100 ms", arguments: [
        Waiting(label: "before the first time", lastSchedule: nil, now: "2024-05-01T10:03:00Z", requeueMilliseconds: 120_100),
        Waiting(label: "the due time already served", lastSchedule: "2024-05-01T10:05:00Z", now: "2024-05-01T10:06:00Z", requeueMilliseconds: 240_100),
    ])
    func waits(_ c: Waiting) {
        let plan = Self.plan(Self.cronJob(lastSchedule: c.lastSchedule), now: c.now)
        #expect(plan.createJob == nil)
        #expect(plan.requeueAfter == .milliseconds(c.requeueMilliseconds))
    }

    struct Concurrency: CustomTestStringConvertible, Sendable {
        let policy: String
        let creates: Bool
        let deletes: [String]
        let active: [String]
        let events: [String]
        var testDescription: String { policy }
    }

    @Test("concurrency policies with a Job still running at the next time", arguments: [
        Concurrency(policy: "Allow", creates: true, deletes: [], active: ["report-28575960"], events: []),
        Concurrency(policy: "Forbid", creates: false, deletes: [], active: ["report-28575960"],
                    events: ["Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid"]),
        Concurrency(policy: "Replace", creates: true, deletes: ["report-28575960"], active: [], events: []),
    ])
    func concurrency(_ c: Concurrency) {
        let running = Self.job("report-28575960", uid: "j0", start: "2024-05-01T10:00:00Z")
        let cronJob = Self.cronJob(policy: c.policy, lastSchedule: "2024-05-01T10:00:00Z", active: [Self.ref("report-28575960", uid: "j0")])
        let plan = Self.plan(cronJob, jobs: [running], now: "2024-05-01T10:05:00Z")
        #expect(plan.createJob?.name == (c.creates ? "report-28575965" : nil))
        #expect(plan.deleteJobs.map(\.name) == c.deletes)
        #expect((plan.status["active"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == c.active)
        #expect(plan.events.map(\.description) == c.events)
        #expect(plan.requeueAfter == .milliseconds(300_100))
    }

    @Test("a suspended CronJob creates nothing and waits for a change")
    func suspended() {
        let plan = Self.plan(Self.cronJob(suspend: true), now: "2024-05-01T10:05:00Z")
        #expect(plan.createJob == nil)
        #expect(plan.requeueAfter == nil)
    }

    struct Missed: CustomTestStringConvertible, Sendable {
        let label: String
        let startingDeadline: Int?
        let now: String
        let creates: String?
        var testDescription: String { label }
    }

    @Test("missed schedule times: only the most recent one runs, and only within startingDeadlineSeconds", arguments: [
        Missed(label: "no deadline: the latest missed time", startingDeadline: nil, now: "2024-05-01T10:32:00Z", creates: "report-28575990"),
        Missed(label: "within the deadline: starts late", startingDeadline: 200, now: "2024-05-01T10:32:00Z", creates: "report-28575990"),
        Missed(label: "past the deadline: skipped", startingDeadline: 60, now: "2024-05-01T10:32:00Z", creates: nil),
    ])
    func missed(_ c: Missed) {
        let plan = Self.plan(Self.cronJob(startingDeadline: c.startingDeadline, lastSchedule: "2024-05-01T10:05:00Z"), now: c.now)
        #expect(plan.createJob?.name == c.creates)
        #expect(plan.requeueAfter == .milliseconds(180_100))
    }

    @Test("more than 100 missed times warn, then the latest one runs")
    func tooManyMissed() {
        let plan = Self.plan(Self.cronJob(created: "2024-01-01T00:00:00Z"), now: "2024-05-01T10:07:00Z")
        #expect(plan.createJob?.name == "report-28575965")
        #expect(plan.events.map(\.description) == [
            "Warning TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        ])
    }

    @Test("finished Jobs beyond the history limits are deleted, oldest first")
    func historyLimits() {
        let successful = (1...5).map { Self.job("ok-\($0)", uid: "s\($0)", finished: "Complete", start: "2024-05-01T0\($0):00:00Z") }
        let failed = (1...2).map { Self.job("bad-\($0)", uid: "f\($0)", finished: "Failed", start: "2024-05-01T0\($0):30:00Z") }
        let plan = Self.plan(Self.cronJob(lastSchedule: "2024-05-01T10:05:00Z"), jobs: successful.reversed() + failed, now: "2024-05-01T10:06:00Z")
        #expect(plan.deleteJobs.map(\.name) == ["ok-1", "ok-2", "bad-1"])
    }

    @Test("a finished active Job leaves status.active and sets lastSuccessfulTime")
    func sawCompleted() {
        let done = Self.job("report-28575960", uid: "j0", finished: "Complete", start: "2024-05-01T10:00:00Z", completed: "2024-05-01T10:01:07Z")
        let cronJob = Self.cronJob(lastSchedule: "2024-05-01T10:00:00Z", active: [Self.ref("report-28575960", uid: "j0")])
        let plan = Self.plan(cronJob, jobs: [done], now: "2024-05-01T10:02:00Z")
        #expect(plan.status == ["lastScheduleTime": "2024-05-01T10:00:00Z", "lastSuccessfulTime": "2024-05-01T10:01:07Z"])
        #expect(plan.events.map(\.description) == ["Normal SawCompletedJob: Saw completed job: report-28575960, condition: Complete"])
    }

    @Test("an active Job confirmed missing leaves status.active; an unknown running Job is reported")
    func missingAndUnexpected() {
        let stranger = Self.job("report-1", uid: "x1", start: "2024-05-01T10:00:00Z")
        let cronJob = Self.cronJob(lastSchedule: "2024-05-01T10:00:00Z", active: [Self.ref("report-28575960", uid: "j0")])
        let plan = Self.plan(cronJob, jobs: [stranger], now: "2024-05-01T10:02:00Z", missing: ["j0"])
        #expect(plan.status["active"] == nil)
        #expect(plan.events.map(\.description) == [
            "Warning UnexpectedJob: Saw a job that the controller did not create or forgot: report-1",
            "Normal MissingJob: Active job went missing: report-28575960",
        ])
    }

    @Test("spec.timeZone sets the zone of the schedule and of the scheduled-timestamp annotation")
    func timeZone() throws {
        let cronJob = Self.cronJob(schedule: "0 9 * * *", created: "2024-06-30T00:00:00Z", timeZone: "America/New_York")
        let plan = Self.plan(cronJob, now: "2024-07-01T13:00:30Z")
        let job = try #require(plan.createJob)
        #expect(job.name == "report-28663980")
        #expect(job.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] == "2024-07-01T09:00:00-04:00")
    }

    @Test("an unknown zone or an impossible schedule is reported and not retried")
    func unusable() {
        let unknown = Self.plan(Self.cronJob(timeZone: "Mars/Olympus"), now: "2024-05-01T10:05:00Z")
        #expect(unknown.events.map(\.description) == ["Warning UnknownTimeZone: invalid timeZone: \"Mars/Olympus\": unknown time zone Mars/Olympus"])
        #expect(unknown.createJob == nil && unknown.requeueAfter == nil)
        let never = Self.plan(Self.cronJob(schedule: "0 0 30 2 *"), now: "2024-05-01T10:05:00Z")
        #expect(never.events.map(\.description) == ["Warning InvalidSchedule: invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second"])
        #expect(never.createJob == nil && never.requeueAfter == nil)
    }
}
