import Foundation
import KubeModel

/// What the CronJob controller decides about one CronJob, without I/O (`pkg/controller/cronjob`:
/// `cronjob_controllerv2.go` `syncCronJob` and `cleanupFinishedJobs`, and `utils.go`).
///
/// The reconciler gathers the inputs (the CronJob, the Jobs it controls, the active Jobs confirmed missing by
/// an uncached read), executes the plan's deletions and creation, folds the created Job into the status with
/// ``recordCreated(_:scheduledTime:in:)``, writes the status when it changed, records the events and
/// requeues after ``Plan/requeueAfter``.
public enum CronJobPlanner {
    /// The annotation with the scheduled time a Job was created for (RFC 3339 in the CronJob's zone).
    public static let scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"
    /// Requeues land this long after the scheduled time, against clock skew (`nextScheduleDelta`).
    public static let nextScheduleDelta = 0.1

    /// How many schedule times passed unserved (`missedSchedulesType`).
    public enum MissedSchedules: Sendable, Equatable {
        case none, few, many
    }

    /// What the reconciler knows.
    public struct Input: Sendable {
        /// The CronJob (fresh from the API when the cache's active list missed one of its running Jobs).
        public var cronJob: JSON
        /// Jobs in the CronJob's namespace whose controller reference names it.
        public var jobs: [JSON]
        public var now: Date
        /// UIDs of Jobs in `status.active` that an uncached read found gone.
        public var missingActive: Set<String>
        /// The zone of schedules without `spec.timeZone` (kube-controller-manager's local zone upstream).
        public var defaultTimeZone: TimeZone

        public init(cronJob: JSON, jobs: [JSON], now: Date, missingActive: Set<String> = [],
                    defaultTimeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current) {
            self.cronJob = cronJob
            self.jobs = jobs
            self.now = now
            self.missingActive = missingActive
            self.defaultTimeZone = defaultTimeZone
        }
    }

    /// What to do.
    public struct Plan: Sendable {
        /// Jobs to delete with background propagation, in order: finished Jobs past the history limits,
        /// then the active Jobs a `Replace` policy replaces. Each is already out of `status.active`; the
        /// reconciler records `SuccessfulDelete` (`Deleted job <name>`) or `FailedDelete` per deletion.
        public var deleteJobs: [JSON] = []
        /// The Job to create, if a schedule time is due.
        public var createJob: JSON?
        /// The schedule time `createJob` is for.
        public var scheduledTime: Date?
        /// The status to write (compare with the CronJob's to know whether to).
        public var status: JSON = .emptyObject
        /// Events about the CronJob, to record once the writes succeeded.
        public var events: [ControllerEvent] = []
        /// When to look again (the next schedule time plus ``nextScheduleDelta``); nil while suspended or
        /// when the schedule cannot be used.
        public var requeueAfter: Duration?
    }

    // MARK: Planning

    /// `sync`: history cleanup, then `syncCronJob`.
    public static func plan(_ input: Input) -> Plan {
        let cronJob = input.cronJob
        let spec = cronJob["spec"] ?? .emptyObject
        var plan = Plan()
        var status = cronJob["status"] ?? .emptyObject
        if !status.isObject { status = .emptyObject }
        var active = status["active"]?.arrayValue ?? []

        // cleanupFinishedJobs
        if spec["successfulJobsHistoryLimit"]?.intValue != nil || spec["failedJobsHistoryLimit"]?.intValue != nil {
            let successful = input.jobs.filter { finishedType(of: $0) == "Complete" }
            let failed = input.jobs.filter { finishedType(of: $0) == "Failed" }
            for (jobs, limit) in [(successful, spec["successfulJobsHistoryLimit"]?.intValue), (failed, spec["failedJobsHistoryLimit"]?.intValue)] {
                guard let limit, jobs.count > limit else { continue }
                for job in sortedByStartTime(jobs).prefix(jobs.count - limit) {
                    plan.deleteJobs.append(job)
                    active.removeAll { $0["uid"]?.stringValue == job.uid }
                }
            }
        }

        // The children: forget finished ones, note unexpected ones, track the last success.
        var children: Set<String> = []
        for job in input.jobs {
            children.insert(job.uid)
            let found = active.contains { $0["uid"]?.stringValue == job.uid }
            let finished = finishedType(of: job)
            if !found && finished == nil {
                plan.events.append(ControllerEvent(.warning, reason: "UnexpectedJob",
                                                   message: "Saw a job that the controller did not create or forgot: \(job.name)"))
            } else if let finished {
                if found {
                    active.removeAll { $0["uid"]?.stringValue == job.uid }
                    plan.events.append(ControllerEvent(reason: "SawCompletedJob", message: "Saw completed job: \(job.name), condition: \(finished)"))
                }
                if finished == "Complete", let completed = job["status"]?["completionTime"]?.stringValue.flatMap(Timestamp.parse) {
                    let last = status["lastSuccessfulTime"]?.stringValue.flatMap(Timestamp.parse)
                    if last.map({ completed > $0 }) ?? true {
                        status["lastSuccessfulTime"] = .string(Timestamp.format(completed))
                    }
                }
            }
        }
        // Active Jobs that are gone for good.
        for ref in active {
            let uid = ref["uid"]?.stringValue ?? ""
            guard !children.contains(uid), input.missingActive.contains(uid) else { continue }
            active.removeAll { $0["uid"]?.stringValue == uid }
            plan.events.append(ControllerEvent(reason: "MissingJob", message: "Active job went missing: \(ref["name"]?.stringValue ?? "")"))
        }
        func finish() -> Plan {
            status["active"] = JobPlanner.omitEmpty(.array(active))
            plan.status = status
            return plan
        }

        if cronJob.isBeingDeleted { return finish() }
        let zoneName = spec["timeZone"]?.stringValue
        var zone = input.defaultTimeZone
        if let zoneName {
            guard let named = CronScheduleCalculator.zone(named: zoneName) else {
                plan.events.append(ControllerEvent(.warning, reason: "UnknownTimeZone",
                                                   message: "invalid timeZone: \"\(zoneName)\": unknown time zone \(zoneName)"))
                return finish()
            }
            zone = named
        }
        if spec["suspend"]?.boolValue == true { return finish() }
        let scheduleText = spec["schedule"]?.stringValue ?? ""
        if scheduleText.contains("TZ") {
            plan.events.append(ControllerEvent(.warning, reason: "UnsupportedSchedule",
                                               message: "CRON_TZ or TZ used in schedule \"\(scheduleText)\" is not officially supported, see "
                                                   + "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"))
        }
        let schedule: CronScheduleCalculator
        do {
            schedule = try CronScheduleCalculator(scheduleText, timeZone: zone)
        } catch {
            plan.events.append(ControllerEvent(.warning, reason: "UnparseableSchedule", message: "unparseable schedule: \"\(scheduleText)\" : \(error)"))
            return finish()
        }

        let scheduled: Date?
        do {
            let (recent, missed) = try nextScheduleTime(cronJob, now: input.now, schedule: schedule)
            if missed == .many {
                plan.events.append(ControllerEvent(.warning, reason: "TooManyMissedTimes",
                                                   message: "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"))
            }
            scheduled = recent
        } catch {
            plan.events.append(ControllerEvent(.warning, reason: "InvalidSchedule", message: "invalid schedule: \(scheduleText) : \(error)"))
            return finish()
        }
        var withStatus = cronJob
        withStatus["status"] = status
        plan.requeueAfter = nextScheduleDelay(withStatus, now: input.now, schedule: schedule)
        guard let scheduled else { return finish() }

        if let deadline = spec["startingDeadlineSeconds"]?.intValue, scheduled.addingTimeInterval(Double(deadline)) < input.now {
            plan.events.append(ControllerEvent(.warning, reason: "MissSchedule",
                                               message: "Missed scheduled time to start a job: \(rfc1123Z(scheduled))"))
            return finish()
        }
        let name = jobName(cronJobName: cronJob.name, scheduledTime: scheduled)
        let lastScheduled = status["lastScheduleTime"]?.stringValue.flatMap(Timestamp.parse)
        if active.contains(where: { $0["name"]?.stringValue == name }) || lastScheduled == scheduled {
            return finish()
        }
        let policy = spec["concurrencyPolicy"]?.stringValue ?? "Allow"
        if policy == "Forbid" && !active.isEmpty {
            plan.events.append(ControllerEvent(reason: "JobAlreadyActive",
                                               message: "Not starting job because prior execution is running and concurrency policy is Forbid"))
            return finish()
        }
        if policy == "Replace" {
            for ref in active {
                var job: JSON = ["apiVersion": "batch/v1", "kind": "Job"]
                job.name = ref["name"]?.stringValue ?? ""
                job.namespace = ref["namespace"]?.stringValue ?? cronJob.namespace
                job.uid = ref["uid"]?.stringValue ?? ""
                plan.deleteJobs.append(job)
            }
            active = []
        }
        plan.createJob = newJob(for: cronJob, scheduledTime: scheduled, annotationZone: zoneName.flatMap(CronScheduleCalculator.zone(named:)))
        plan.scheduledTime = scheduled
        // Upstream computes the requeue after moving lastScheduleTime to the time being served.
        withStatus[path: ["status", "lastScheduleTime"]] = .string(Timestamp.format(scheduled))
        plan.requeueAfter = nextScheduleDelay(withStatus, now: input.now, schedule: schedule)
        return finish()
    }

    /// `status` once `job` (as the API returned it) was created for `scheduledTime`: the Job joins
    /// `active` (unless there already) and `lastScheduleTime` moves to the schedule time.
    public static func recordCreated(_ job: JSON, scheduledTime: Date, in status: JSON) -> JSON {
        var status = status.isObject ? status : .emptyObject
        var active = status["active"]?.arrayValue ?? []
        if !active.contains(where: { $0["uid"]?.stringValue == job.uid }) { active.append(reference(to: job)) }
        status["active"] = .array(active)
        status["lastScheduleTime"] = .string(Timestamp.format(scheduledTime))
        return status
    }

    /// The `ObjectReference` of a Job in `status.active`.
    public static func reference(to job: JSON) -> JSON {
        ["apiVersion": "batch/v1", "kind": "Job", "name": .string(job.name), "namespace": .string(job.namespace),
         "uid": .string(job.uid), "resourceVersion": .string(job.resourceVersion)]
    }

    // MARK: Schedule times (utils.go)

    /// `mostRecentScheduleTime`: the time counting starts from (the last schedule time, else the creation
    /// time, moved up to `now - startingDeadlineSeconds` when asked), the latest schedule time in
    /// (earliest, now] if any, and how many were missed. Throws for schedules whose consecutive times are
    /// less than a second apart or that never match (`59 23 31 2 *`).
    public static func mostRecentScheduleTime(_ cronJob: JSON, now: Date, schedule: CronScheduleCalculator,
                                              includeStartingDeadline: Bool) throws(CronScheduleCalculator.ParseError)
        -> (earliest: Date, mostRecent: Date?, missed: MissedSchedules) {
        var earliest = cronJob.creationTimestamp.flatMap(Timestamp.parse) ?? now
        if let last = cronJob["status"]?["lastScheduleTime"]?.stringValue.flatMap(Timestamp.parse) { earliest = last }
        if includeStartingDeadline, let deadline = cronJob["spec"]?["startingDeadlineSeconds"]?.intValue {
            let schedulingDeadline = now.addingTimeInterval(-Double(deadline))
            if schedulingDeadline > earliest { earliest = schedulingDeadline }
        }
        let invalid = CronScheduleCalculator.ParseError("time difference between two schedules is less than 1 second")
        guard let t1 = schedule.next(after: earliest) else { throw invalid }
        if now < t1 { return (earliest, nil, .none) }
        guard let t2 = schedule.next(after: t1) else { throw invalid }
        if now < t2 { return (earliest, t1, .none) }
        let between = Int64(t2.timeIntervalSince(t1).rounded(.toNearestOrAwayFromZero))
        if between < 1 { throw invalid }
        let elapsed = Int64(now.timeIntervalSince(t1).rounded(.towardZero))
        let missedCount = elapsed / between + 1
        // Start one interval before the estimate so that irregular schedules still find the right time.
        let potentialEarliest = t1.addingTimeInterval(Double((missedCount - 2) * between))
        var mostRecent: Date?
        var t = schedule.next(after: potentialEarliest)
        while let current = t, current <= now {
            mostRecent = current
            t = schedule.next(after: current)
        }
        let missed: MissedSchedules = missedCount > 100 ? .many : missedCount > 0 ? .few : .none
        return (earliest, mostRecent, missed)
    }

    /// `nextScheduleTime`: the schedule time to start a Job for now, if any, and how many were missed.
    public static func nextScheduleTime(_ cronJob: JSON, now: Date, schedule: CronScheduleCalculator) throws(CronScheduleCalculator.ParseError)
        -> (time: Date?, missed: MissedSchedules) {
        let (_, mostRecent, missed) = try mostRecentScheduleTime(cronJob, now: now, schedule: schedule, includeStartingDeadline: true)
        guard let mostRecent, mostRecent <= now else { return (nil, missed) }
        return (mostRecent, missed)
    }

    /// `nextScheduleTimeDuration`: how long until the schedule time after the last one served (or after
    /// now, when some were missed), plus ``nextScheduleDelta``. Nil when the schedule never matches again.
    public static func nextScheduleDelay(_ cronJob: JSON, now: Date, schedule: CronScheduleCalculator) -> Duration? {
        var from = now
        if let (earliest, mostRecent, missed) = try? mostRecentScheduleTime(cronJob, now: now, schedule: schedule, includeStartingDeadline: false) {
            from = mostRecent ?? (missed == .none ? earliest : now)
        }
        guard let next = schedule.next(after: from) else { return nil }
        let seconds = next.timeIntervalSince(now) + nextScheduleDelta
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    // MARK: Jobs

    /// `<cronjob>-<scheduled time in minutes since the epoch>` (`getJobName`).
    public static func jobName(cronJobName: String, scheduledTime: Date) -> String {
        "\(cronJobName)-\(Int64(scheduledTime.timeIntervalSince1970.rounded(.down)) / 60)"
    }

    /// The Job for `scheduledTime` (`getJobFromTemplate2`): the template's labels, annotations and spec, the
    /// scheduled-timestamp annotation (in `annotationZone`, UTC when nil), and a controller reference.
    public static func newJob(for cronJob: JSON, scheduledTime: Date, annotationZone: TimeZone?) -> JSON {
        let template = cronJob["spec"]?["jobTemplate"] ?? .emptyObject
        var metadata: JSON = ["name": .string(jobName(cronJobName: cronJob.name, scheduledTime: scheduledTime)),
                              "namespace": .string(cronJob.namespace)]
        if let labels = template["metadata"]?["labels"], !labels.isEmptyValue { metadata["labels"] = labels }
        var annotations = JSON.stringMap(template["metadata"]?["annotations"])
        let zone = annotationZone ?? TimeZone(identifier: "UTC") ?? .current
        annotations[scheduledTimestampAnnotation] = CronScheduleCalculator.rfc3339(scheduledTime, in: zone)
        metadata["annotations"] = JSON(annotations)
        let owner = OwnerReference(apiVersion: "batch/v1", kind: "CronJob", name: cronJob.name, uid: cronJob.uid,
                                   controller: true, blockOwnerDeletion: true)
        metadata["ownerReferences"] = [owner.json]
        return ["apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": template["spec"] ?? .emptyObject]
    }

    /// `Complete` or `Failed` when the Job has that condition set to `True`.
    public static func finishedType(of job: JSON) -> String? {
        for condition in job["status"]?["conditions"]?.arrayValue ?? [] {
            let type = condition["type"]?.stringValue
            if (type == "Complete" || type == "Failed") && condition["status"]?.stringValue == "True" { return type }
        }
        return nil
    }

    /// Oldest first by `status.startTime`, Jobs without one last, names breaking ties (`byJobStartTime`).
    static func sortedByStartTime(_ jobs: [JSON]) -> [JSON] {
        jobs.sorted { a, b in
            let ta = a["status"]?["startTime"]?.stringValue.flatMap(Timestamp.parse)
            let tb = b["status"]?["startTime"]?.stringValue.flatMap(Timestamp.parse)
            switch (ta, tb) {
            case (nil, nil): return a.name < b.name
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?): return x == y ? a.name < b.name : x < y
            }
        }
    }

    /// Go's `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`.
    static func rfc1123Z(_ date: Date) -> String {
        let c = CronScheduleCalculator.local(Int64(date.timeIntervalSince1970.rounded(.down)), in: TimeZone(identifier: "UTC") ?? .current)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[c.weekday]), \(pad(c.day)) \(months[c.month - 1]) \(c.year) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) +0000"
    }
}
