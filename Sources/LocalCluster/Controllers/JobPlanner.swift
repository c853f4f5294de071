import Foundation
import KubeModel

/// What the Job controller decides about one Job, without I/O (`pkg/controller/job/job_controller.go`
/// `syncJob`, `manageJob` and `trackJobStatusAndRemoveFinalizers`, `backoff_utils.go`, `indexed_job_utils.go`,
/// and the ttl-after-finished controller's expiry check), as Kubernetes 1.32 behaves with its default feature
/// gates.
///
/// A sync runs in three pure steps with the reconciler's I/O between them, as upstream's does:
///
/// 1. ``manage(_:)`` counts pods, decides whether the Job has failed (backoff limit, active deadline), met
///    its completions or is suspended, and which pods to create or delete (respecting the exponential
///    delay after pod failures).
/// 2. The reconciler creates and deletes pods; ``track(_:_:outcome:)`` then builds the status: `active`,
///    `ready`, `terminating`, the finished pods that still carry the tracking finalizer added to
///    `status.uncountedTerminatedPods`, and the interim `SuccessCriteriaMet`/`FailureTarget` condition. The
///    reconciler writes that status, then removes the finalizers.
/// 3. ``finish(_:removed:now:)`` moves the pods whose finalizer is gone from `uncountedTerminatedPods` into
///    `succeeded`/`failed`, and once nothing is uncounted or terminating adds `Complete`/`Failed` (with
///    `completionTime`), and the events that go with it.
///
/// Counting through the `batch.kubernetes.io/job-tracking` finalizer is what keeps `succeeded` and
/// `failed` right when pods are deleted: a pod cannot disappear before its outcome is in the Job status,
/// and a pod whose finalizer is gone was counted already. A crash between the steps is safe: the UIDs are
/// in `uncountedTerminatedPods`, so the next sync neither loses nor double-counts them.
///
/// Not implemented: `podFailurePolicy` rules (a Job with one only replaces `Failed` pods, as upstream),
/// `backoffLimitPerIndex`, `successPolicy`, and `managedBy` other than the built-in controller (such Jobs are
/// left alone).
public enum JobPlanner {
    /// The finalizer on every pod the controller creates until its outcome is counted.
    public static let trackingFinalizer = "batch.kubernetes.io/job-tracking"
    /// The annotation (and label) with an Indexed Job pod's completion index.
    public static let completionIndexAnnotation = "batch.kubernetes.io/job-completion-index"
    /// The variable an Indexed Job's containers read their index from.
    public static let completionIndexEnvName = "JOB_COMPLETION_INDEX"
    /// The `spec.managedBy` value of this controller.
    public static let controllerName = "kubernetes.io/job-controller"
    /// Pods created or deleted per sync at most (`MaxPodCreateDeletePerSync`).
    public static let maxPodCreateDeletePerSync = 500
    /// Entries in `uncountedTerminatedPods` at most (`MaxUncountedPods`).
    public static let maxUncountedPods = 500

    /// Tunables of the decisions.
    public struct Settings: Sendable, Equatable {
        /// Delay before the first replacement of a failed pod; it doubles with each further failure
        /// (`DefaultJobPodFailureBackOff`, 10 s). Tests use a shorter one.
        public var podFailureBackoff: Duration
        /// Ceiling of that delay. Kubernetes documents six minutes (`MaxJobBackOff`); newer controllers use ten.
        public var maxPodFailureBackoff: Duration
        /// A delayed recreation is never requeued sooner than this (`syncJobBatchPeriod`, 1 s).
        public var minimumBackoffRequeue: Duration

        public init(podFailureBackoff: Duration = .seconds(10), maxPodFailureBackoff: Duration = .seconds(360),
                    minimumBackoffRequeue: Duration = .seconds(1)) {
            self.podFailureBackoff = podFailureBackoff
            self.maxPodFailureBackoff = maxPodFailureBackoff
            self.minimumBackoffRequeue = minimumBackoffRequeue
        }
    }

    /// Pod failures since the last success, which set the delay before the next pod (`backoffRecord`). The
    /// controller keeps one per Job in memory, as upstream does: after a restart the delay starts over.
    public struct BackoffRecord: Sendable, Equatable {
        public var failuresAfterLastSuccess: Int
        public var lastFailureTime: Date?

        public init(failuresAfterLastSuccess: Int = 0, lastFailureTime: Date? = nil) {
            self.failuresAfterLastSuccess = failuresAfterLastSuccess
            self.lastFailureTime = lastFailureTime
        }
    }

    /// Everything one sync looks at.
    public struct Input: Sendable {
        public var job: JSON
        /// The pods the Job controls (after adoption), terminal ones included.
        public var pods: [JSON]
        public var now: Date
        public var backoff: BackoffRecord
        /// False while pods created or deleted by an earlier sync are not yet seen in the cache; pods are
        /// then neither created nor deleted (`expectations.SatisfiedExpectations`).
        public var expectationsSatisfied: Bool
        /// UIDs of pods whose finalizer this controller removed but whose update the cache has not shown.
        public var expectedFinalizerRemovals: Set<String>
        public var settings: Settings

        public init(job: JSON, pods: [JSON], now: Date, backoff: BackoffRecord = BackoffRecord(), expectationsSatisfied: Bool = true,
                    expectedFinalizerRemovals: Set<String> = [], settings: Settings = Settings()) {
            self.job = job
            self.pods = pods
            self.now = now
            self.backoff = backoff
            self.expectationsSatisfied = expectationsSatisfied
            self.expectedFinalizerRemovals = expectedFinalizerRemovals
            self.settings = settings
        }
    }

    /// Step 1: what to do with pods.
    public struct Manage: Sendable {
        public enum Mode: Sendable, Equatable {
            /// Work to do (possibly none).
            case sync
            /// The Job has `Complete` or `Failed` already: only its TTL matters.
            case finished
            /// The Job is not this controller's to sync (unknown completion mode, other `managedBy`).
            case skipped
        }

        public var mode: Mode
        /// One entry per pod to create: its completion index for Indexed Jobs, nil otherwise.
        public var createIndexes: [Int?] = []
        /// Pods to delete.
        public var deletePods: [JSON] = []
        /// True when the deleted pods' tracking finalizer goes first, so that they are not counted
        /// (suspension, too many pods: `deleteJobPods`); false when a failing Job deletes its active pods,
        /// which are then counted as failed (`deleteActivePods`).
        public var deleteRemovesFinalizer = false
        /// When to sync again at the latest: the active deadline, or the end of a pod failure backoff.
        public var requeueAfter: Duration?
        /// The backoff record to keep once the status is written.
        public var newBackoff: BackoffRecord
        /// Events to record whatever happens next.
        public var events: [ControllerEvent] = []

        // Carried to `track`.
        var status: JSON = .emptyObject
        var finishedCondition: JSON?
        var manageCalled = false
        var active = 0
        var ready = 0
        var terminating = 0
        var succeeded = 0
        var succeededIndexes: [Int] = []
        var previousSucceededIndexes: [Int] = []
    }

    /// What the reconciler's pod writes came to.
    public struct PodOutcome: Sendable, Equatable {
        /// Creates that failed.
        public var failedCreates: Int
        /// UIDs of pods whose deletion failed (NotFound counts as deleted).
        public var failedDeletes: Set<String>

        public init(failedCreates: Int = 0, failedDeletes: Set<String> = []) {
            self.failedCreates = failedCreates
            self.failedDeletes = failedDeletes
        }

        public static let allSucceeded = PodOutcome()
    }

    /// Step 2: the status to write before finalizers come off, and which come off.
    public struct Tracking: Sendable {
        /// The status to write now; nil when it equals the Job's.
        public var statusToFlush: JSON?
        /// The status after that write.
        public var status: JSON
        /// Pods whose tracking finalizer to remove, after the status is written.
        public var removeFinalizers: [JSON]
        /// Events about suspension, to record once the status is written.
        public var events: [ControllerEvent]
        var finishedCondition: JSON?
        var uidsWithFinalizer: Set<String>
        var reachedMaxUncounted: Bool
        var terminating: Int
        var completions: Int?
    }

    /// Step 3: the final status.
    public struct Finish: Sendable {
        /// The status to write; nil when nothing changed since the flush.
        public var status: JSON?
        /// True when this sync added `Complete` or `Failed`.
        public var jobFinished: Bool
        public var events: [ControllerEvent]
    }

    // MARK: Step 1

    /// Counts, failure checks and `manageJob`.
    public static func manage(_ input: Input) -> Manage {
        let job = input.job
        let spec = job["spec"] ?? .emptyObject
        var status = job["status"] ?? .emptyObject
        if !status.isObject { status = .emptyObject }
        var plan = Manage(mode: .sync, newBackoff: input.backoff)
        if let managedBy = spec["managedBy"]?.stringValue, managedBy != controllerName {
            plan.mode = .skipped
            return plan
        }
        if isFinished(job) {
            plan.mode = .finished
            return plan
        }
        let completionMode = spec["completionMode"]?.stringValue ?? "NonIndexed"
        guard completionMode == "NonIndexed" || completionMode == "Indexed" else {
            plan.mode = .skipped
            plan.events.append(ControllerEvent(.warning, reason: "UnknownCompletionMode", message: "Skipped Job sync because completion mode is unknown"))
            return plan
        }
        let indexed = completionMode == "Indexed"
        let completions = spec["completions"]?.intValue
        let now = input.now
        if status["uncountedTerminatedPods"] == nil { status["uncountedTerminatedPods"] = .emptyObject }
        let uncounted = UncountedPods(status)

        let activePods = input.pods.filter(PodReadiness.isActive)
        plan.active = activePods.count
        plan.ready = activePods.filter(PodReadiness.isReady).count
        plan.terminating = input.pods.filter(isTerminating).count
        let newSucceeded = uncountedFinishedPods(input, excluding: uncounted.succeeded) { $0["status"]?["phase"]?.stringValue == "Succeeded" }
        let newFailed = uncountedFinishedPods(input, excluding: uncounted.failed) { isPodFailed($0, job: job) }
        plan.succeeded = (status["succeeded"]?.intValue ?? 0) + newSucceeded.count + uncounted.succeeded.count
        let failed = (status["failed"]?.intValue ?? 0) + newFailed.count + uncounted.failed.count

        let suspended = spec["suspend"]?.boolValue == true
        if status["startTime"] == nil && !suspended { status["startTime"] = .string(Timestamp.format(now)) }
        plan.newBackoff = nextBackoffRecord(input.backoff, succeeded: newSucceeded, failed: newFailed)

        let backoffLimit = spec["backoffLimit"]?.intValue ?? 6
        var finished = trueCondition(status, "SuccessCriteriaMet")
        if finished == nil, let target = trueCondition(status, "FailureTarget") {
            finished = newCondition("Failed", reason: target["reason"]?.stringValue ?? "", message: target["message"]?.stringValue ?? "", now: now)
        }
        if finished == nil {
            if failed > backoffLimit || pastBackoffLimitOnFailure(job, pods: input.pods) {
                finished = newCondition("FailureTarget", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", now: now)
            } else if let deadline = spec["activeDeadlineSeconds"]?.intValue, !suspended,
                      let start = status["startTime"]?.stringValue.flatMap(Timestamp.parse) {
                let left = Double(deadline) - now.timeIntervalSince(start)
                if left <= 0 {
                    finished = newCondition("FailureTarget", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline", now: now)
                } else {
                    plan.requeueAfter = .milliseconds(Int64((left * 1000).rounded(.up)))
                }
            }
        }
        if indexed, let completions {
            plan.previousSucceededIndexes = parseIndexes(status["completedIndexes"]?.stringValue ?? "", completions: completions)
            let fresh = input.pods.compactMap { pod -> Int? in
                guard pod["status"]?["phase"]?.stringValue == "Succeeded", hasTrackingFinalizer(pod),
                      let index = completionIndex(of: pod), index < completions else { return nil }
                return index
            }
            plan.succeededIndexes = Array(Set(plan.previousSucceededIndexes + fresh)).sorted()
            plan.succeeded = plan.succeededIndexes.count
        }
        plan.status = status
        plan.finishedCondition = finished

        if finished != nil {
            plan.deletePods = activePods
            plan.deleteRemovesFinalizer = false
        } else if input.expectationsSatisfied && !job.isBeingDeleted {
            plan.manageCalled = true
            manageJob(input, activePods: activePods, completions: completions, indexed: indexed, suspended: suspended, plan: &plan)
        }
        return plan
    }

    /// `manageJob`: pods to delete (suspension, too many) or to create (too few, unless backing off).
    static func manageJob(_ input: Input, activePods: [JSON], completions: Int?, indexed: Bool, suspended: Bool, plan: inout Manage) {
        let spec = input.job["spec"] ?? .emptyObject
        let active = activePods.count
        if suspended {
            plan.deletePods = activePodsForRemoval(activePods, count: active, indexed: indexed, completions: completions)
            plan.deleteRemovesFinalizer = true
            return
        }
        let parallelism = spec["parallelism"]?.intValue ?? 1
        let wantActive: Int
        if let completions {
            wantActive = max(0, min(completions - plan.succeeded, parallelism))
        } else {
            // Work queue: parallelism until one pod succeeded, then let whatever runs finish.
            wantActive = plan.succeeded > 0 ? active : parallelism
        }
        let excess = activePodsForRemoval(activePods, count: max(0, active - wantActive), indexed: indexed, completions: completions)
        if !excess.isEmpty {
            plan.deletePods = Array(excess.prefix(maxPodCreateDeletePerSync))
            plan.deleteRemovesFinalizer = true
            return
        }
        let terminating = onlyReplaceFailedPods(input.job) ? plan.terminating : 0
        var diff = wantActive - terminating - active
        guard diff > 0 else { return }
        let remaining = backoffRemaining(plan.newBackoff, now: input.now, settings: input.settings)
        if remaining > .zero {
            plan.requeueAfter = earliest(plan.requeueAfter, max(remaining, input.settings.minimumBackoffRequeue))
            return
        }
        diff = min(diff, maxPodCreateDeletePerSync)
        if indexed, let completions {
            plan.createIndexes = firstPendingIndexes(activePods: activePods, succeeded: plan.succeededIndexes, count: diff, completions: completions)
        } else {
            plan.createIndexes = Array(repeating: nil, count: diff)
        }
    }

    // MARK: Step 2

    /// The rest of `syncJob` once pods were written, and the first half of
    /// `trackJobStatusAndRemoveFinalizers`.
    public static func track(_ input: Input, _ plan: Manage, outcome: PodOutcome = .allSucceeded) -> Tracking {
        let job = input.job
        let spec = job["spec"] ?? .emptyObject
        let now = input.now
        let completions = spec["completions"]?.intValue
        let indexed = spec["completionMode"]?.stringValue == "Indexed"
        var status = plan.status
        var active = plan.active, ready = plan.ready, terminating = plan.terminating
        var finished = plan.finishedCondition
        var events: [ControllerEvent] = []

        let deleted = plan.deletePods.filter { !outcome.failedDeletes.contains($0.uid) }
        let deletedReady = deleted.filter(PodReadiness.isReady).count
        if finished != nil {
            // Not finished until every active pod is going and the cache holds all our pods.
            if deleted.count != active || !input.expectationsSatisfied { finished = nil }
            active -= deleted.count
            terminating += deleted.count
            ready -= deletedReady
        } else {
            if plan.manageCalled {
                active += plan.createIndexes.count - min(outcome.failedCreates, plan.createIndexes.count)
                active -= deleted.count
                terminating += deleted.count
                ready -= deletedReady
            }
            let complete = completions.map { plan.succeeded >= $0 && active == 0 } ?? (plan.succeeded > 0 && active == 0)
            if complete {
                finished = newCondition("SuccessCriteriaMet", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", now: now)
            } else if plan.manageCalled {
                var conditions = status["conditions"]?.arrayValue ?? []
                if spec["suspend"]?.boolValue == true {
                    if ensureCondition(&conditions, type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended", now: now) {
                        events.append(ControllerEvent(reason: "Suspended", message: "Job suspended"))
                    }
                } else if ensureCondition(&conditions, type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed", now: now) {
                    events.append(ControllerEvent(reason: "Resumed", message: "Job resumed"))
                    // The active deadline counts from the resumption.
                    status["startTime"] = .string(Timestamp.format(now))
                }
                status["conditions"] = omitEmpty(.array(conditions))
            }
        }
        status["active"] = omitEmpty(JSON(active))
        status["ready"] = JSON(max(0, ready))
        status["terminating"] = JSON(max(0, terminating))

        // trackJobStatusAndRemoveFinalizers, up to the first status write.
        let pods = indexed ? input.pods.sorted { (completionIndex(of: $0) ?? Int.max) < (completionIndex(of: $1) ?? Int.max) } : input.pods
        var uidsWithFinalizer: Set<String> = []
        for pod in pods where hasTrackingFinalizer(pod) && !input.expectedFinalizerRemovals.contains(pod.uid) {
            uidsWithFinalizer.insert(pod.uid)
        }
        cleanUncounted(&status, uidsWithFinalizer: uidsWithFinalizer)
        var uncounted = UncountedPods(status)
        var succeededUIDs = status["uncountedTerminatedPods"]?["succeeded"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var failedUIDs = status["uncountedTerminatedPods"]?["failed"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var newSucceededIndexes: [Int] = []
        var removeFinalizers: [JSON] = []
        var reachedMax = false
        for pod in pods {
            let uid = pod.uid
            guard hasTrackingFinalizer(pod), !input.expectedFinalizerRemovals.contains(uid) else { continue }
            let considerFailed = isPodFailed(pod, job: job)
            let phase = pod["status"]?["phase"]?.stringValue
            guard job.isBeingDeleted || finished != nil || phase == "Succeeded" || considerFailed else { continue }
            removeFinalizers.append(pod)
            let index = completionIndex(of: pod)
            let validIndex = index.map { ix in completions.map { ix < $0 } ?? false } ?? false
            if phase == "Succeeded" && !uncounted.failed.contains(uid) {
                if indexed {
                    if let index, validIndex, !plan.previousSucceededIndexes.contains(index) { newSucceededIndexes.append(index) }
                } else if !uncounted.succeeded.contains(uid) {
                    succeededUIDs.append(uid)
                    uncounted.succeeded.insert(uid)
                }
            } else if considerFailed || (finished != nil && finished?["type"]?.stringValue != "SuccessCriteriaMet") {
                // Once the Job is finished (not successfully), every pod not succeeded counts as failed.
                if !uncounted.failed.contains(uid) && (!indexed || validIndex) {
                    failedUIDs.append(uid)
                    uncounted.failed.insert(uid)
                }
            }
            if newSucceededIndexes.count + succeededUIDs.count + failedUIDs.count >= maxUncountedPods {
                reachedMax = true
                break
            }
        }
        var uncountedJSON = JSON.emptyObject
        if !succeededUIDs.isEmpty { uncountedJSON["succeeded"] = JSON(succeededUIDs) }
        if !failedUIDs.isEmpty { uncountedJSON["failed"] = JSON(failedUIDs) }
        status["uncountedTerminatedPods"] = uncountedJSON
        if indexed {
            let all = Array(Set(plan.succeededIndexes + newSucceededIndexes)).sorted()
            let text = formatIndexes(all)
            status["completedIndexes"] = omitEmpty(.string(text))
            status["succeeded"] = omitEmpty(JSON(all.count))
        }
        var conditions = status["conditions"]?.arrayValue ?? []
        if let condition = finished, condition["type"]?.stringValue == "FailureTarget" {
            conditions.append(condition)
            finished = newCondition("Failed", reason: condition["reason"]?.stringValue ?? "", message: condition["message"]?.stringValue ?? "", now: now)
        }
        if let condition = finished, condition["type"]?.stringValue == "SuccessCriteriaMet" {
            if !conditions.contains(where: { $0["type"]?.stringValue == "SuccessCriteriaMet" && $0["status"]?.stringValue == "True" }) {
                conditions.append(condition)
            }
            finished = newCondition("Complete", reason: condition["reason"]?.stringValue ?? "", message: condition["message"]?.stringValue ?? "", now: now)
        }
        status["conditions"] = omitEmpty(.array(conditions))

        let original = job["status"] ?? .emptyObject
        return Tracking(statusToFlush: status == original ? JSON?.none : status, status: status, removeFinalizers: removeFinalizers, events: events,
                        finishedCondition: finished, uidsWithFinalizer: uidsWithFinalizer, reachedMaxUncounted: reachedMax,
                        terminating: max(0, terminating), completions: completions)
    }

    // MARK: Step 3

    /// The end of `trackJobStatusAndRemoveFinalizers`: counts pods whose finalizer is gone (`removed` holds
    /// the UIDs whose removal succeeded or found the pod gone) and enacts the finished condition
    /// (`enactJobFinished`) once nothing is uncounted or terminating.
    public static func finish(_ tracking: Tracking, removed: Set<String>, now: Date) -> Finish {
        var status = tracking.status
        let changed = cleanUncounted(&status, uidsWithFinalizer: tracking.uidsWithFinalizer.subtracting(removed))
        var events: [ControllerEvent] = []
        var jobFinished = false
        let uncounted = UncountedPods(status)
        if !tracking.reachedMaxUncounted, let condition = tracking.finishedCondition,
           uncounted.succeeded.isEmpty, uncounted.failed.isEmpty, tracking.terminating == 0 {
            let type = condition["type"]?.stringValue ?? ""
            let reason = condition["reason"]?.stringValue ?? ""
            let message = condition["message"]?.stringValue ?? ""
            var conditions = status["conditions"]?.arrayValue ?? []
            _ = ensureCondition(&conditions, type: type, status: "True", reason: reason, message: message, now: now)
            status["conditions"] = .array(conditions)
            jobFinished = true
            if type == "Complete" {
                status["completionTime"] = .string(Timestamp.format(now))
                if let completions = tracking.completions, (status["succeeded"]?.intValue ?? 0) > completions {
                    events.append(ControllerEvent(.warning, reason: "TooManySucceededPods",
                                                  message: "Too many succeeded pods running after completion count reached"))
                }
                events.append(ControllerEvent(reason: "Completed", message: "Job completed"))
            } else {
                events.append(ControllerEvent(.warning, reason: reason, message: message))
            }
        }
        return Finish(status: changed || jobFinished ? status : JSON?.none, jobFinished: jobFinished, events: events)
    }

    /// The three steps with every write succeeding: what a sync does when nothing fails (for tests and
    /// for reading).
    public static func simulate(_ input: Input) -> (manage: Manage, tracking: Tracking, finish: Finish) {
        let plan = manage(input)
        let tracking = track(input, plan)
        let done = finish(tracking, removed: Set(tracking.removeFinalizers.map(\.uid)), now: input.now)
        return (plan, tracking, done)
    }

    // MARK: TTL after finished

    /// What the ttl-after-finished controller does with a Job.
    public enum TTLDecision: Sendable, Equatable {
        /// No TTL, not finished, or being deleted already.
        case none
        /// Expired: delete it (background propagation, UID precondition, after re-reading it).
        case delete
        /// Look again after this long.
        case wait(Duration)
    }

    /// `ttlSecondsAfterFinished` counted from the `Complete`/`Failed` condition's transition time.
    public static func ttl(of job: JSON, now: Date) -> TTLDecision {
        guard !job.isBeingDeleted, let ttl = job["spec"]?["ttlSecondsAfterFinished"]?.intValue,
              let finishedAt = finishedCondition(job)?["lastTransitionTime"]?.stringValue.flatMap(Timestamp.parse)
        else { return .none }
        let left = finishedAt.addingTimeInterval(Double(ttl)).timeIntervalSince(now)
        if left <= 0 { return .delete }
        return .wait(.milliseconds(Int64((left * 1000).rounded(.up))))
    }

    // MARK: Conditions

    /// The `Complete` or `Failed` condition with status `True`, if any (`IsJobFinished`).
    public static func finishedCondition(_ job: JSON) -> JSON? {
        (job["status"]?["conditions"]?.arrayValue ?? []).first {
            let type = $0["type"]?.stringValue
            return (type == "Complete" || type == "Failed") && $0["status"]?.stringValue == "True"
        }
    }

    public static func isFinished(_ job: JSON) -> Bool { finishedCondition(job) != nil }

    static func trueCondition(_ status: JSON, _ type: String) -> JSON? {
        (status["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
    }

    static func newCondition(_ type: String, status: String = "True", reason: String, message: String, now: Date) -> JSON {
        let time = JSON.string(Timestamp.format(now))
        var condition: JSON = ["type": .string(type), "status": .string(status), "lastProbeTime": time, "lastTransitionTime": time]
        if !reason.isEmpty { condition["reason"] = .string(reason) }
        if !message.isEmpty { condition["message"] = .string(message) }
        return condition
    }

    /// `ensureJobConditionStatus`: updates the condition of `type` when its status, reason or message
    /// differ, or appends it (unless the new status is `False`). Returns whether anything changed.
    static func ensureCondition(_ list: inout [JSON], type: String, status: String, reason: String, message: String, now: Date) -> Bool {
        if let i = list.firstIndex(where: { $0["type"]?.stringValue == type }) {
            let c = list[i]
            if c["status"]?.stringValue != status || (c["reason"]?.stringValue ?? "") != reason || (c["message"]?.stringValue ?? "") != message {
                list[i] = newCondition(type, status: status, reason: reason, message: message, now: now)
                return true
            }
            return false
        }
        guard status != "False" else { return false }
        list.append(newCondition(type, status: status, reason: reason, message: message, now: now))
        return true
    }

    // MARK: Uncounted pods

    struct UncountedPods {
        var succeeded: Set<String>
        var failed: Set<String>

        init(_ status: JSON) {
            succeeded = Set(status["uncountedTerminatedPods"]?["succeeded"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            failed = Set(status["uncountedTerminatedPods"]?["failed"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }

    /// `cleanUncountedPodsWithoutFinalizers`: UIDs no longer carrying the finalizer leave
    /// `uncountedTerminatedPods` for the `succeeded`/`failed` counters. Returns whether anything moved.
    @discardableResult
    static func cleanUncounted(_ status: inout JSON, uidsWithFinalizer: Set<String>) -> Bool {
        var changed = false
        var uncounted = status["uncountedTerminatedPods"] ?? .emptyObject
        for (list, counter) in [("succeeded", "succeeded"), ("failed", "failed")] {
            let uids = uncounted[list]?.arrayValue?.compactMap(\.stringValue) ?? []
            let kept = uids.filter(uidsWithFinalizer.contains)
            guard kept.count != uids.count else { continue }
            changed = true
            let total = (status[counter]?.intValue ?? 0) + uids.count - kept.count
            status[counter] = omitEmpty(JSON(total))
            uncounted[list] = omitEmpty(JSON(kept))
        }
        if changed { status["uncountedTerminatedPods"] = uncounted }
        return changed
    }

    /// `getValidPodsWithFilter`: pods matching `filter` that still carry the finalizer, are not uncounted
    /// already, and (Indexed) have a valid index.
    static func uncountedFinishedPods(_ input: Input, excluding uncounted: Set<String>, filter: (JSON) -> Bool) -> [JSON] {
        let spec = input.job["spec"] ?? .emptyObject
        let indexed = spec["completionMode"]?.stringValue == "Indexed"
        let completions = spec["completions"]?.intValue ?? 0
        return input.pods.filter { pod in
            guard hasTrackingFinalizer(pod), !uncounted.contains(pod.uid), !input.expectedFinalizerRemovals.contains(pod.uid) else { return false }
            if indexed {
                guard let index = completionIndex(of: pod), index < completions else { return false }
            }
            return filter(pod)
        }
    }

    static func earliest(_ a: Duration?, _ b: Duration) -> Duration { a.map { min($0, b) } ?? b }

    /// Nil for what Go's `omitempty` leaves out (0, "", [], {}), so that the key disappears. A ternary with
    /// a `nil` branch would not do: `JSON` is `ExpressibleByNilLiteral`, so that `nil` becomes `.null`.
    static func omitEmpty(_ value: JSON) -> JSON? {
        if value.isEmptyValue { return nil }
        return value
    }
}
