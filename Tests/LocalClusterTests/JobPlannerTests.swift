import Foundation
import KubeModel
@testable import LocalCluster
import Testing

/// The Job controller's decisions, without I/O.
@Suite("Job planner")
struct JobPlannerTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text) ?? .distantPast }
    static let now = at("2024-05-01T10:00:00Z")
    static let nowText: JSON = "2024-05-01T10:00:00Z"

    static func job(completions: Int? = 1, parallelism: Int = 1, backoffLimit: Int = 6, indexed: Bool = false, suspend: Bool = false,
                    activeDeadline: Int? = nil, restartPolicy: String = "Never", ttl: Int? = nil, extraSpec: JSON = [:],
                    status: JSON = [:]) -> JSON {
        var spec: JSON = [
            "parallelism": JSON(parallelism), "backoffLimit": JSON(backoffLimit), "suspend": .bool(suspend),
            "completionMode": .string(indexed ? "Indexed" : "NonIndexed"),
            "selector": ["matchLabels": ["batch.kubernetes.io/controller-uid": "job-uid"]],
            "template": [
                "metadata": ["labels": ["batch.kubernetes.io/controller-uid": "job-uid", "batch.kubernetes.io/job-name": "pi",
                                        "controller-uid": "job-uid", "job-name": "pi"]],
                "spec": ["restartPolicy": .string(restartPolicy), "containers": [["name": "main", "image": "busybox"]]],
            ],
        ]
        if let completions { spec["completions"] = JSON(completions) }
        if let activeDeadline { spec["activeDeadlineSeconds"] = JSON(activeDeadline) }
        if let ttl { spec["ttlSecondsAfterFinished"] = JSON(ttl) }
        for (k, v) in extraSpec.objectValue ?? [:] { spec[k] = v }
        return ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "pi", "namespace": "ns", "uid": "job-uid"],
                "spec": spec, "status": status]
    }

    static func pod(_ name: String, phase: String = "Running", finalizer: Bool = true, ready: Bool = false, deleting: String? = nil,
                    index: Int? = nil, finishedAt: String? = nil, created: String = "2024-05-01T09:00:00Z", restarts: Int = 0) -> JSON {
        var metadata: JSON = ["name": .string(name), "namespace": "ns", "uid": .string("uid-\(name)"), "creationTimestamp": .string(created),
                              "ownerReferences": [["apiVersion": "batch/v1", "kind": "Job", "name": "pi", "uid": "job-uid", "controller": true]]]
        if finalizer { metadata["finalizers"] = [.string(JobPlanner.trackingFinalizer)] }
        if let deleting {
            metadata["deletionTimestamp"] = .string(deleting)
            metadata["deletionGracePeriodSeconds"] = 30
        }
        if let index { metadata["annotations"] = [JobPlanner.completionIndexAnnotation: .string(String(index))] }
        var status: JSON = ["phase": .string(phase),
                            "conditions": [["type": "Ready", "status": .string(ready ? "True" : "False"), "lastTransitionTime": "2024-05-01T09:00:00Z"]]]
        var container: JSON = ["name": "main", "restartCount": JSON(restarts)]
        if let finishedAt { container["state"] = ["terminated": ["exitCode": 1, "finishedAt": .string(finishedAt)]] }
        status["containerStatuses"] = [container]
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": ["nodeName": "tack"], "status": status]
    }

    static func input(_ job: JSON, pods: [JSON] = [], now: Date = now, backoff: JobPlanner.BackoffRecord = .init(),
                      satisfied: Bool = true) -> JobPlanner.Input {
        JobPlanner.Input(job: job, pods: pods, now: now, backoff: backoff, expectationsSatisfied: satisfied)
    }

    static func condition(_ type: String, status: String = "True", reason: String, message: String, at time: JSON = nowText) -> JSON {
        ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
         "lastProbeTime": time, "lastTransitionTime": time]
    }

    // MARK: Starting and counting

    @Test("a new Job of completions 3 and parallelism 2 starts two pods and records its start")
    func startsPods() {
        let (manage, tracking, finish) = JobPlanner.simulate(Self.input(Self.job(completions: 3, parallelism: 2)))
        #expect(manage.createIndexes == [nil, nil])
        #expect(manage.deletePods.isEmpty)
        #expect(tracking.statusToFlush == ["startTime": Self.nowText, "active": 2, "ready": 0, "terminating": 0, "uncountedTerminatedPods": [:]])
        #expect(tracking.removeFinalizers.isEmpty)
        #expect(finish.status == nil)
    }

    struct Sizing: CustomTestStringConvertible, Sendable {
        let label: String
        let completions: Int?
        let parallelism: Int
        let succeeded: Int
        let running: Int
        let creates: Int
        let deletes: Int
        var testDescription: String { label }
    }

    @Test("completions and parallelism decide how many pods run", arguments: [
        Sizing(label: "3 completions, 2 at a time, one done", completions: 3, parallelism: 2, succeeded: 1, running: 1, creates: 1, deletes: 0),
        Sizing(label: "3 completions, 2 at a time, two done", completions: 3, parallelism: 2, succeeded: 2, running: 1, creates: 0, deletes: 0),
        Sizing(label: "parallelism lowered to 1", completions: 5, parallelism: 1, succeeded: 0, running: 3, creates: 0, deletes: 2),
        Sizing(label: "completions reached with a pod left", completions: 2, parallelism: 2, succeeded: 2, running: 1, creates: 0, deletes: 1),
        Sizing(label: "work queue, nothing done", completions: nil, parallelism: 3, succeeded: 0, running: 0, creates: 3, deletes: 0),
        Sizing(label: "work queue, one done: the rest finish", completions: nil, parallelism: 3, succeeded: 1, running: 1, creates: 0, deletes: 0),
    ])
    func sizing(_ c: Sizing) {
        let job = Self.job(completions: c.completions, parallelism: c.parallelism, status: ["startTime": Self.nowText, "succeeded": JSON(c.succeeded)])
        let pods = (0..<c.running).map { Self.pod("r\($0)") }
        let manage = JobPlanner.manage(Self.input(job, pods: pods))
        #expect(manage.createIndexes.count == c.creates)
        #expect(manage.deletePods.count == c.deletes)
        #expect(manage.deletePods.isEmpty || manage.deleteRemovesFinalizer)
    }

    @Test("too many pods: the least advanced go first (pending before running, not ready before ready)")
    func deletionOrder() {
        let job = Self.job(completions: 5, parallelism: 1, status: ["startTime": Self.nowText])
        let pods = [Self.pod("ready", ready: true), Self.pod("pending", phase: "Pending"), Self.pod("running")]
        #expect(JobPlanner.manage(Self.input(job, pods: pods)).deletePods.map(\.name) == ["pending", "running"])
    }

    @Test("a succeeded pod is counted through uncountedTerminatedPods, then its finalizer comes off")
    func countsThroughFinalizer() {
        let job = Self.job(completions: 2, status: ["startTime": Self.nowText])
        let (manage, tracking, finish) = JobPlanner.simulate(Self.input(job, pods: [Self.pod("a", phase: "Succeeded")]))
        #expect(manage.createIndexes == [nil])
        #expect(tracking.statusToFlush?["uncountedTerminatedPods"] == ["succeeded": ["uid-a"]])
        #expect(tracking.statusToFlush?["active"] == 1)
        #expect(tracking.removeFinalizers.map(\.name) == ["a"])
        #expect(finish.status?["succeeded"] == 1)
        #expect(finish.status?["uncountedTerminatedPods"] == [:])
        #expect(finish.jobFinished == false)
    }

    @Test("a finalizer that could not be removed keeps the pod uncounted")
    func failedFinalizerRemoval() {
        let job = Self.job(completions: 2, status: ["startTime": Self.nowText])
        let input = Self.input(job, pods: [Self.pod("a", phase: "Succeeded")])
        let tracking = JobPlanner.track(input, JobPlanner.manage(input))
        let finish = JobPlanner.finish(tracking, removed: [], now: Self.now)
        #expect(finish.status == nil)
        #expect(tracking.status["uncountedTerminatedPods"] == ["succeeded": ["uid-a"]])
        #expect(tracking.status["succeeded"] == nil)
    }

    @Test("counts stay right when pods are deleted before their finalizer was seen removed")
    func countsSurviveDeletion() {
        let job = Self.job(completions: 3, status: ["startTime": Self.nowText, "succeeded": 1, "failed": 1,
                                                    "uncountedTerminatedPods": ["succeeded": ["uid-gone"], "failed": ["uid-lost"]]])
        let tracking = JobPlanner.track(Self.input(job), JobPlanner.manage(Self.input(job)))
        #expect(tracking.statusToFlush?["succeeded"] == 2)
        #expect(tracking.statusToFlush?["failed"] == 2)
        #expect(tracking.statusToFlush?["uncountedTerminatedPods"] == [:])
    }

    @Test("the last success completes the Job: SuccessCriteriaMet first, then Complete with completionTime")
    func completes() {
        let job = Self.job(completions: 1, status: ["startTime": "2024-05-01T09:00:00Z"])
        let (_, tracking, finish) = JobPlanner.simulate(Self.input(job, pods: [Self.pod("a", phase: "Succeeded")]))
        let met = Self.condition("SuccessCriteriaMet", reason: "CompletionsReached", message: "Reached expected number of succeeded pods")
        let complete = Self.condition("Complete", reason: "CompletionsReached", message: "Reached expected number of succeeded pods")
        #expect(tracking.statusToFlush?["conditions"] == [met])
        #expect(finish.status == ["startTime": "2024-05-01T09:00:00Z", "completionTime": Self.nowText, "succeeded": 1, "ready": 0,
                                  "terminating": 0, "uncountedTerminatedPods": [:], "conditions": [met, complete]])
        #expect(finish.jobFinished)
        #expect(finish.events.map(\.description) == ["Normal Completed: Job completed"])
    }

    // MARK: Failing

    @Test("past backoffLimit: FailureTarget at once, running pods deleted and counted, Failed once none is left")
    func backoffLimitExceeded() {
        let job = Self.job(completions: 3, parallelism: 2, backoffLimit: 2, status: ["startTime": Self.nowText, "failed": 2])
        let pods = [Self.pod("b", phase: "Failed", finishedAt: "2024-05-01T09:59:00Z"), Self.pod("c")]
        let (manage, tracking, finish) = JobPlanner.simulate(Self.input(job, pods: pods))
        let target = Self.condition("FailureTarget", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit")
        #expect(manage.deletePods.map(\.name) == ["c"])
        #expect(manage.deleteRemovesFinalizer == false)
        #expect(tracking.statusToFlush?["conditions"] == [target])
        #expect(tracking.statusToFlush?["uncountedTerminatedPods"] == ["failed": ["uid-b", "uid-c"]])
        #expect(tracking.statusToFlush?["terminating"] == 1)
        #expect(finish.status?["failed"] == 4)
        #expect(finish.jobFinished == false)

        // Next sync: the deleted pod is gone, nothing terminates any more.
        var next = job
        next["status"] = finish.status ?? .emptyObject
        let second = JobPlanner.simulate(Self.input(next, pods: [Self.pod("b", phase: "Failed", finalizer: false)]))
        let failed = Self.condition("Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit")
        #expect(second.finish.status?["conditions"] == [target, failed])
        #expect(second.finish.status?["completionTime"] == nil)
        #expect(second.finish.events.map(\.description) == ["Warning BackoffLimitExceeded: Job has reached the specified backoff limit"])
    }

    @Test("a Job whose pods always fail ends Failed after backoffLimit + 1 pods")
    func alwaysFailing() {
        var job = Self.job(completions: 1, backoffLimit: 2)
        var pods: [JSON] = []
        var backoff = JobPlanner.BackoffRecord()
        var now = Self.now
        var created = 0
        for _ in 0..<20 where !JobPlanner.isFinished(job) {
            let (manage, tracking, finish) = JobPlanner.simulate(Self.input(job, pods: pods, now: now, backoff: backoff))
            backoff = manage.newBackoff
            job["status"] = finish.status ?? tracking.status
            let released = Set(tracking.removeFinalizers.map(\.uid))
            pods = pods.map { pod in
                var copy = pod
                if released.contains(pod.uid) { copy.finalizers = [] }
                return copy
            }
            for _ in manage.createIndexes {
                created += 1
                pods.append(Self.pod("p\(created)", created: Timestamp.format(now)))
            }
            // The kubelet: every running pod fails a minute later.
            now = now.addingTimeInterval(60)
            pods = pods.map { $0["status"]?["phase"] == "Running" ? Self.pod($0.name, phase: "Failed", finishedAt: Timestamp.format(now)) : $0 }
            now = now.addingTimeInterval(400)
        }
        #expect(created == 3)
        #expect(job["status"]?["failed"] == 3)
        #expect(job["status"]?["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["FailureTarget", "Failed"])
        #expect(JobPlanner.finishedCondition(job)?["reason"] == "BackoffLimitExceeded")
    }

    @Test("restarts of OnFailure pods count against backoffLimit", arguments: [(1, false), (2, true)])
    func onFailureRestarts(restarts: Int, exceeded: Bool) {
        let job = Self.job(backoffLimit: 2, restartPolicy: "OnFailure", status: ["startTime": Self.nowText])
        let tracking = JobPlanner.simulate(Self.input(job, pods: [Self.pod("a", restarts: restarts)])).tracking
        let reasons = tracking.status["conditions"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
        #expect(reasons == (exceeded ? ["BackoffLimitExceeded"] : []))
    }

    @Test("past activeDeadlineSeconds the Job fails with DeadlineExceeded; before it, it is synced again at the deadline")
    func activeDeadline() {
        let late = Self.job(completions: 2, activeDeadline: 60, status: ["startTime": "2024-05-01T09:58:20Z"])
        let (manage, tracking, _) = JobPlanner.simulate(Self.input(late, pods: [Self.pod("a")]))
        #expect(manage.deletePods.map(\.name) == ["a"])
        #expect(tracking.status["conditions"] == [Self.condition("FailureTarget", reason: "DeadlineExceeded",
                                                                 message: "Job was active longer than specified deadline")])
        let early = Self.job(completions: 2, activeDeadline: 300, status: ["startTime": "2024-05-01T09:58:20Z"])
        let plan = JobPlanner.manage(Self.input(early, pods: [Self.pod("a")]))
        #expect(plan.requeueAfter == .seconds(200))
        #expect(plan.deletePods.isEmpty)
    }

    // MARK: Backoff

    @Test("the delay before a new pod doubles per failure from 10 s up to 6 minutes", arguments: [
        (1, 0, 10), (2, 0, 20), (3, 0, 40), (4, 0, 80), (5, 0, 160), (6, 0, 320), (7, 0, 360), (12, 0, 360), (2, 15, 5), (1, 12, 0),
    ])
    func backoffDelay(failures: Int, elapsed: Int, seconds: Int) {
        let record = JobPlanner.BackoffRecord(failuresAfterLastSuccess: failures, lastFailureTime: Self.now.addingTimeInterval(-Double(elapsed)))
        #expect(JobPlanner.backoffRemaining(record, now: Self.now, settings: JobPlanner.Settings()) == .seconds(seconds))
    }

    @Test("a recent failure delays the replacement pod; a shorter base shortens the delay")
    func delaysReplacement() {
        let job = Self.job(completions: 1, status: ["startTime": Self.nowText])
        let failed = Self.pod("a", phase: "Failed", finishedAt: "2024-05-01T09:59:56Z")
        let plan = JobPlanner.manage(Self.input(job, pods: [failed]))
        #expect(plan.createIndexes.isEmpty)
        #expect(plan.requeueAfter == .seconds(6))
        #expect(plan.newBackoff == JobPlanner.BackoffRecord(failuresAfterLastSuccess: 1, lastFailureTime: Self.at("2024-05-01T09:59:56Z")))
        var quick = Self.input(job, pods: [failed])
        quick.settings = JobPlanner.Settings(podFailureBackoff: .seconds(2), minimumBackoffRequeue: .milliseconds(10))
        #expect(JobPlanner.manage(quick).createIndexes == [nil])
    }

    @Test("a success resets the failure count to the failures after it")
    func backoffRecord() {
        let old = JobPlanner.BackoffRecord(failuresAfterLastSuccess: 3, lastFailureTime: Self.at("2024-05-01T08:00:00Z"))
        let success = Self.pod("s", phase: "Succeeded", finishedAt: "2024-05-01T09:05:00Z")
        let failures = ["09:03", "09:07", "09:08"].enumerated().map { Self.pod("f\($0.offset)", phase: "Failed", finishedAt: "2024-05-01T\($0.element):00Z") }
        #expect(JobPlanner.nextBackoffRecord(old, succeeded: [success], failed: failures)
            == JobPlanner.BackoffRecord(failuresAfterLastSuccess: 2, lastFailureTime: Self.at("2024-05-01T09:08:00Z")))
        #expect(JobPlanner.nextBackoffRecord(old, succeeded: [success], failed: []) == JobPlanner.BackoffRecord())
        #expect(JobPlanner.nextBackoffRecord(old, succeeded: [], failed: [failures[0]])
            == JobPlanner.BackoffRecord(failuresAfterLastSuccess: 4, lastFailureTime: Self.at("2024-05-01T09:03:00Z")))
    }

    // MARK: Terminating pods

    @Test("a deleted pod counts as failed and is replaced, unless only Failed pods are replaced", arguments: [false, true])
    func terminatingPods(onlyFailed: Bool) {
        let extra: JSON = onlyFailed ? ["podReplacementPolicy": "Failed"] : [:]
        let job = Self.job(completions: 1, extraSpec: extra, status: ["startTime": Self.nowText])
        let (manage, tracking, _) = JobPlanner.simulate(Self.input(job, pods: [Self.pod("a", deleting: "2024-05-01T09:00:00Z")]))
        #expect(manage.createIndexes.count == (onlyFailed ? 0 : 1))
        #expect(tracking.status["terminating"] == 1)
        #expect(tracking.status["uncountedTerminatedPods"] == (onlyFailed ? [:] : ["failed": ["uid-a"]]))
    }

    @Test("pods created or deleted but not yet seen hold back further creations")
    func unsatisfiedExpectations() {
        let (manage, tracking, _) = JobPlanner.simulate(Self.input(Self.job(completions: 3, parallelism: 2), satisfied: false))
        #expect(manage.createIndexes.isEmpty)
        #expect(tracking.statusToFlush?["startTime"] == Self.nowText)
    }

    // MARK: Suspension

    @Test("suspending deletes the running pods uncounted and sets Suspended; resuming restarts the clock")
    func suspendAndResume() {
        let suspended = Self.job(completions: 2, parallelism: 2, suspend: true)
        let (manage, tracking, _) = JobPlanner.simulate(Self.input(suspended, pods: [Self.pod("a", ready: true), Self.pod("b")]))
        #expect(manage.deletePods.map(\.name).sorted() == ["a", "b"])
        #expect(manage.deleteRemovesFinalizer)
        #expect(tracking.status["conditions"] == [Self.condition("Suspended", reason: "JobSuspended", message: "Job suspended")])
        #expect(tracking.status["startTime"] == nil)
        #expect(tracking.status["active"] == nil)
        #expect(tracking.status["ready"] == 0)
        #expect(tracking.events.map(\.description) == ["Normal Suspended: Job suspended"])

        let resumed = Self.job(completions: 2, parallelism: 2, status: [
            "startTime": "2024-05-01T08:00:00Z",
            "conditions": [Self.condition("Suspended", reason: "JobSuspended", message: "Job suspended", at: "2024-05-01T08:30:00Z")],
        ])
        let again = JobPlanner.simulate(Self.input(resumed))
        #expect(again.manage.createIndexes.count == 2)
        #expect(again.tracking.status["conditions"] == [Self.condition("Suspended", status: "False", reason: "JobResumed", message: "Job resumed")])
        #expect(again.tracking.status["startTime"] == Self.nowText)
        #expect(again.tracking.events.map(\.description) == ["Normal Resumed: Job resumed"])
    }

    // MARK: Indexed

    @Test("an Indexed Job creates the lowest pending indexes and records completed ones")
    func indexed() {
        let job = Self.job(completions: 3, parallelism: 2, indexed: true, status: ["startTime": Self.nowText])
        let pods = [Self.pod("zero", phase: "Succeeded", index: 0), Self.pod("one", index: 1)]
        let (manage, tracking, finish) = JobPlanner.simulate(Self.input(job, pods: pods))
        #expect(manage.createIndexes == [2])
        #expect(tracking.statusToFlush?["completedIndexes"] == "0")
        #expect(tracking.statusToFlush?["succeeded"] == 1)
        #expect(tracking.statusToFlush?["uncountedTerminatedPods"] == [:])
        #expect(finish.status == nil)
    }

    @Test("a repeated index keeps its most advanced pod")
    func repeatedIndex() {
        let job = Self.job(completions: 3, parallelism: 3, indexed: true, status: ["startTime": Self.nowText])
        let pods = [Self.pod("one-ready", ready: true, index: 1), Self.pod("one-pending", phase: "Pending", index: 1), Self.pod("zero", index: 0),
                    Self.pod("two", index: 2)]
        #expect(JobPlanner.manage(Self.input(job, pods: pods)).deletePods.map(\.name) == ["one-pending"])
    }

    @Test("completed indexes are written as intervals", arguments: [
        ([], ""), ([1], "1"), ([1, 2], "1,2"), ([1, 2, 3], "1-3"), ([0, 2, 3, 4, 7, 9, 10], "0,2-4,7,9,10"),
    ])
    func formatIndexes(indexes: [Int], text: String) {
        #expect(JobPlanner.formatIndexes(indexes) == text)
        #expect(JobPlanner.parseIndexes(text, completions: 11) == indexes)
    }

    @Test("out-of-range and malformed completed indexes are dropped")
    func parseIndexes() {
        #expect(JobPlanner.parseIndexes("0,2-4,x,7-9,12", completions: 8) == [0, 2, 3, 4, 7])
    }

    // MARK: Pods

    @Test("a pod from the template carries the finalizer, the controller reference and, indexed, its index")
    func newPod() {
        var job = Self.job(completions: 3, indexed: true)
        job[path: ["spec", "template", "spec", "initContainers"]] = [["name": "init", "image": "busybox",
                                                                       "env": [["name": "JOB_COMPLETION_INDEX", "value": "mine"]]]]
        let pod = JobPlanner.newPod(for: job, name: "pi-2-abcde", completionIndex: 2)
        #expect(pod.name == "pi-2-abcde")
        #expect(pod.generateName == "pi-2-")
        #expect(pod.namespace == "ns")
        #expect(pod.finalizers == ["batch.kubernetes.io/job-tracking"])
        #expect(pod.ownerReferences == [OwnerReference(apiVersion: "batch/v1", kind: "Job", name: "pi", uid: "job-uid", controller: true, blockOwnerDeletion: true)])
        #expect(pod.annotations == ["batch.kubernetes.io/job-completion-index": "2"])
        #expect(pod.labels["batch.kubernetes.io/job-completion-index"] == "2")
        #expect(pod.labels["job-name"] == "pi")
        #expect(pod["spec"]?["hostname"] == "pi-2")
        #expect(pod[path: ["spec", "containers"]]?[0]?["env"] == [["name": "JOB_COMPLETION_INDEX",
                                                                  "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"]]]])
        #expect(pod[path: ["spec", "initContainers"]]?[0]?["env"] == [["name": "JOB_COMPLETION_INDEX", "value": "mine"]])

        let plain = JobPlanner.newPod(for: Self.job(), name: "pi-xyzab", completionIndex: nil)
        #expect(plain.generateName == "pi-")
        #expect(plain.annotations.isEmpty)
        #expect(plain["spec"]?["hostname"] == nil)
    }

    @Test("pod names are the Job's name, a dash and five characters, within 63", arguments: [
        ("pi", nil, "pi-"), (String(repeating: "a", count: 60), nil, String(repeating: "a", count: 58)),
        ("pi", 12, "pi-12-"), (String(repeating: "b", count: 60), 7, String(repeating: "b", count: 55) + "-7-"),
    ] as [(String, Int?, String)])
    func podNames(job: String, index: Int?, prefix: String) {
        #expect(JobPlanner.podNamePrefix(job, completionIndex: index) == prefix)
        var generator = SystemRandomNumberGenerator()
        let name = JobPlanner.podName(for: job, completionIndex: index, using: &generator)
        #expect(name.hasPrefix(prefix) && name.count == prefix.count + 5 && name.count <= 63)
    }

    // MARK: Finished Jobs

    @Test("ttlSecondsAfterFinished counts from the finished condition", arguments: [
        (nil, "2024-05-01T10:00:00Z", JobPlanner.TTLDecision.none),
        (100, "2024-05-01T09:59:10Z", .wait(.seconds(50))),
        (100, "2024-05-01T09:58:20Z", .delete),
        (0, "2024-05-01T10:00:00Z", .delete),
    ] as [(Int?, String, JobPlanner.TTLDecision)])
    func ttl(seconds: Int?, finishedAt: String, decision: JobPlanner.TTLDecision) {
        let job = Self.job(ttl: seconds, status: ["conditions": [Self.condition("Complete", reason: "CompletionsReached", message: "m", at: .string(finishedAt))]])
        #expect(JobPlanner.ttl(of: job, now: Self.now) == decision)
        #expect(JobPlanner.ttl(of: Self.job(ttl: 0), now: Self.now) == .none)
    }

    @Test("finished Jobs and Jobs of another controller are left alone")
    func leftAlone() {
        let finished = Self.job(status: ["conditions": [Self.condition("Failed", reason: "DeadlineExceeded", message: "m")]])
        #expect(JobPlanner.manage(Self.input(finished, pods: [Self.pod("a")])).mode == .finished)
        let foreign = Self.job(extraSpec: ["managedBy": "example.com/queue"])
        #expect(JobPlanner.manage(Self.input(foreign)).mode == .skipped)
    }
}
