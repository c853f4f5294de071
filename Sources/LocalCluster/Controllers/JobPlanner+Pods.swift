import Foundation
import KubeModel

/// How the Job controller reads and makes pods: failure and termination, backoff from failure times,
/// completion indexes, the order pods are given up in, and new pods from the template.
extension JobPlanner {
    // MARK: Reading pods

    /// Being deleted and not yet terminal (`controller.CountTerminatingPods`).
    public static func isTerminating(_ pod: JSON) -> Bool {
        let phase = pod["status"]?["phase"]?.stringValue
        return pod.isBeingDeleted && phase != "Failed" && phase != "Succeeded"
    }

    public static func hasTrackingFinalizer(_ pod: JSON) -> Bool { pod.finalizers.contains(trackingFinalizer) }

    /// `isPodFailed`: `Failed`, or (unless only failed pods are replaced) deleted before succeeding, which
    /// covers pods that never get to report a phase.
    public static func isPodFailed(_ pod: JSON, job: JSON) -> Bool {
        let phase = pod["status"]?["phase"]?.stringValue
        if phase == "Failed" { return true }
        if onlyReplaceFailedPods(job) { return false }
        return pod.isBeingDeleted && phase != "Succeeded"
    }

    /// `podReplacementPolicy: Failed`, or a pod failure policy: terminating pods are not replaced yet.
    public static func onlyReplaceFailedPods(_ job: JSON) -> Bool {
        job["spec"]?["podReplacementPolicy"]?.stringValue == "Failed" || job["spec"]?["podFailurePolicy"].map { !$0.isNull } == true
    }

    /// The completion index annotation as a number, nil when missing or malformed.
    public static func completionIndex(of pod: JSON) -> Int? {
        guard let text = pod.annotations[completionIndexAnnotation], let index = Int(text), index >= 0 else { return nil }
        return index
    }

    /// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure` the kubelet restarts containers instead
    /// of failing pods, so their restarts (of running and pending pods) count against the backoff limit.
    static func pastBackoffLimitOnFailure(_ job: JSON, pods: [JSON]) -> Bool {
        guard job[path: ["spec", "template", "spec", "restartPolicy"]]?.stringValue == "OnFailure" else { return false }
        var restarts = 0
        for pod in pods {
            let phase = pod["status"]?["phase"]?.stringValue
            guard phase == "Running" || phase == "Pending" else { continue }
            for key in ["initContainerStatuses", "containerStatuses"] {
                for status in pod["status"]?[key]?.arrayValue ?? [] { restarts += status["restartCount"]?.intValue ?? 0 }
            }
        }
        let limit = job["spec"]?["backoffLimit"]?.intValue ?? 6
        return limit == 0 ? restarts > 0 : restarts >= limit
    }

    // MARK: Backoff (backoff_utils.go)

    /// When a pod finished (`getFinishedTime`): the last container termination if every container
    /// terminated, else the `Ready=False` transition, else the deletion time less the grace period, else
    /// the creation time.
    public static func finishedTime(of pod: JSON) -> Date? {
        let statuses = pod["status"]?["containerStatuses"]?.arrayValue ?? []
        if !statuses.isEmpty {
            let times = statuses.map { $0["state"]?["terminated"]?["finishedAt"]?.stringValue.flatMap(Timestamp.parse) }
            if times.allSatisfy({ $0 != nil }), let latest = times.compactMap({ $0 }).max() { return latest }
        }
        if let ready = PodReadiness.readyCondition(pod), ready["status"]?.stringValue == "False",
           let at = ready["lastTransitionTime"]?.stringValue.flatMap(Timestamp.parse) {
            return at
        }
        if let deleted = pod.deletionTimestamp.flatMap(Timestamp.parse) {
            return deleted.addingTimeInterval(-Double(pod["metadata"]?["deletionGracePeriodSeconds"]?.intValue ?? 0))
        }
        return pod.creationTimestamp.flatMap(Timestamp.parse)
    }

    /// `newBackoffRecord`: failures since the last success grow the record; a success resets it, keeping
    /// only failures that finished after the latest success.
    public static func nextBackoffRecord(_ record: BackoffRecord, succeeded: [JSON], failed: [JSON]) -> BackoffRecord {
        let failedTimes = failed.map { finishedTime(of: $0) ?? .distantPast }.sorted()
        guard let lastSuccess = succeeded.map({ finishedTime(of: $0) ?? .distantPast }).max() else {
            guard let last = failedTimes.last else { return record }
            return BackoffRecord(failuresAfterLastSuccess: record.failuresAfterLastSuccess + failedTimes.count, lastFailureTime: last)
        }
        var next = BackoffRecord()
        for time in failedTimes.reversed() {
            guard time > lastSuccess else { break }
            if next.lastFailureTime == nil { next.lastFailureTime = time }
            next.failuresAfterLastSuccess += 1
        }
        return next
    }

    /// How long pod creation waits after the last failure: the base doubled per further failure, capped
    /// (`getRemainingTimeForFailuresCount`); zero when the delay has passed.
    public static func backoffRemaining(_ record: BackoffRecord, now: Date, settings: Settings) -> Duration {
        guard record.failuresAfterLastSuccess > 0, let last = record.lastFailureTime else { return .zero }
        var delay = settings.podFailureBackoff
        for _ in 1..<record.failuresAfterLastSuccess {
            delay = delay * 2
            if delay >= settings.maxPodFailureBackoff {
                delay = settings.maxPodFailureBackoff
                break
            }
        }
        let elapsed = Duration.milliseconds(Int64((now.timeIntervalSince(last) * 1000).rounded(.down)))
        return delay < elapsed ? .zero : delay - elapsed
    }

    // MARK: Choosing pods

    /// `activePodsForRemoval`: for Indexed Jobs, pods without a valid index and all but the most advanced
    /// pod of a repeated index first; then the least advanced pods (`controller.ActivePods`: unscheduled,
    /// pending, not ready, ready the shortest, most restarts, newest).
    static func activePodsForRemoval(_ pods: [JSON], count: Int, indexed: Bool, completions: Int?) -> [JSON] {
        var remove: [JSON] = []
        var left = pods
        if indexed {
            left = []
            var byIndex: [Int: [JSON]] = [:]
            for pod in pods {
                if let index = completionIndex(of: pod), index < (completions ?? 0) {
                    byIndex[index, default: []].append(pod)
                } else {
                    remove.append(pod)
                }
            }
            for index in byIndex.keys.sorted() {
                let group = PodDeletionOrder.sorted(byIndex[index] ?? [], now: nil)
                remove += group.dropLast()
                if let kept = group.last { left.append(kept) }
            }
        }
        if remove.count < count {
            remove += PodDeletionOrder.sorted(left, now: nil).prefix(count - remove.count)
        }
        return remove
    }

    /// `firstPendingIndexes`: the lowest indexes neither succeeded nor held by an active pod.
    static func firstPendingIndexes(activePods: [JSON], succeeded: [Int], count: Int, completions: Int) -> [Int] {
        guard count > 0 else { return [] }
        var taken = Set(succeeded)
        for pod in activePods { if let index = completionIndex(of: pod) { taken.insert(index) } }
        var result: [Int] = []
        var index = 0
        while result.count < count && index < completions {
            if !taken.contains(index) { result.append(index) }
            index += 1
        }
        return result
    }

    /// `status.completedIndexes` read back: `1,3-5` as [1, 3, 4, 5], out-of-range and malformed parts dropped.
    public static func parseIndexes(_ text: String, completions: Int) -> [Int] {
        var result = Set<Int>()
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0) }
            guard let first = bounds.first ?? nil, first >= 0 else { continue }
            let last = bounds.count == 2 ? (bounds[1] ?? -1) : first
            let upper = min(last, completions - 1)
            guard upper >= first else { continue }
            for index in first...upper { result.insert(index) }
        }
        return result.sorted()
    }

    /// Sorted indexes in the `completedIndexes` form: runs of three or more as `a-b`, pairs as `a,b`.
    public static func formatIndexes(_ indexes: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = Array(Set(indexes)).sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            switch j - i {
            case 0: parts.append("\(sorted[i])")
            case 1: parts.append("\(sorted[i]),\(sorted[j])")
            default: parts.append("\(sorted[i])-\(sorted[j])")
            }
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    // MARK: New pods

    /// A pod for `job` named `name` (`GetPodFromTemplate` plus the Job's additions): the template's labels,
    /// annotations, finalizers and spec, the tracking finalizer, a controller reference with
    /// `blockOwnerDeletion`, and for an index the completion-index annotation and label, the hostname
    /// `<job>-<index>` and `JOB_COMPLETION_INDEX` in every container that does not set it.
    public static func newPod(for job: JSON, name: String, completionIndex index: Int?) -> JSON {
        let template = job["spec"]?["template"] ?? .emptyObject
        var spec = template["spec"] ?? .emptyObject
        var labels = JSON.stringMap(template["metadata"]?["labels"])
        var annotations = JSON.stringMap(template["metadata"]?["annotations"])
        var finalizers = template["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !finalizers.contains(trackingFinalizer) { finalizers.append(trackingFinalizer) }
        if let index {
            annotations[completionIndexAnnotation] = String(index)
            labels[completionIndexAnnotation] = String(index)
            spec["hostname"] = .string("\(job.name)-\(index)")
            for key in ["initContainers", "containers"] {
                guard let containers = spec[key]?.arrayValue else { continue }
                spec[key] = .array(containers.map(withCompletionIndexVariable))
            }
        }
        var metadata: JSON = ["name": .string(name), "generateName": .string(podNamePrefix(job.name, completionIndex: index)),
                              "namespace": .string(job.namespace), "finalizers": JSON(finalizers)]
        if !labels.isEmpty { metadata["labels"] = JSON(labels) }
        if !annotations.isEmpty { metadata["annotations"] = JSON(annotations) }
        let owner = OwnerReference(apiVersion: "batch/v1", kind: "Job", name: job.name, uid: job.uid, controller: true, blockOwnerDeletion: true)
        metadata["ownerReferences"] = [owner.json]
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec]
    }

    static func withCompletionIndexVariable(_ container: JSON) -> JSON {
        var env = container["env"]?.arrayValue ?? []
        guard !env.contains(where: { $0["name"]?.stringValue == completionIndexEnvName }) else { return container }
        env.append(["name": .string(completionIndexEnvName),
                    "valueFrom": ["fieldRef": ["fieldPath": .string("metadata.labels['\(completionIndexAnnotation)']")]]])
        var copy = container
        copy["env"] = .array(env)
        return copy
    }

    /// `<job>-` (`<job>-<index>-` for an index), cut so that five random characters keep the name within
    /// 63 (`getPodsPrefix`, `podGenerateNameWithIndex`, `names.SimpleNameGenerator`).
    public static func podNamePrefix(_ jobName: String, completionIndex index: Int?) -> String {
        guard let index else { return String((jobName + "-").prefix(58)) }
        let suffix = "-\(index)-"
        let prefix = jobName + suffix
        return prefix.count > 58 ? String(prefix.prefix(58 - suffix.count)) + suffix : prefix
    }

    /// A pod name: the prefix and five random characters of the Kubernetes name alphabet.
    public static func podName<G: RandomNumberGenerator>(for jobName: String, completionIndex index: Int?, using generator: inout G) -> String {
        var suffix = ""
        for _ in 0..<5 {
            let i = Int.random(in: 0..<PodTemplateHash.alphabet.count, using: &generator)
            suffix.unicodeScalars.append(Unicode.Scalar(PodTemplateHash.alphabet[i]))
        }
        return podNamePrefix(jobName, completionIndex: index) + suffix
    }
}
