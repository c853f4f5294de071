import Foundation
import KubeModel

/// The Deployment's status and progress conditions (`sync.go` `calculateStatus`, `checkPausedConditions`,
/// `progress.go`, and the progress predicates of `deploymentutil`).
extension DeploymentSync {
    /// `calculateStatus`: counts from the ReplicaSets, `observedGeneration`, and the `Available` condition.
    /// Zero counts are omitted, as Go's `omitempty` writes them.
    func calculateStatus(all: [JSON], new: JSON?) -> JSON {
        let available = all.reduce(0) { $0 + availableReplicas($1) }
        let total = all.reduce(0) { $0 + ReplicaSetOrder.replicas($1) }
        var result: JSON = .emptyObject
        func put(_ key: String, _ value: Int) { result[key] = value == 0 ? JSON?.none : JSON(value) }
        result["observedGeneration"] = d.generation == 0 ? JSON?.none : .int(d.generation)
        put("replicas", all.reduce(0) { $0 + statusReplicas($1) })
        put("updatedReplicas", new.map(statusReplicas) ?? 0)
        put("readyReplicas", all.reduce(0) { $0 + readyReplicas($1) })
        put("availableReplicas", available)
        put("unavailableReplicas", max(0, total - available))
        result["collisionCount"] = status["collisionCount"]
        result["conditions"] = status["conditions"]
        if available >= replicas - maxUnavailable {
            DeploymentConditions.set(&result, DeploymentConditions.make(
                DeploymentConditions.available, status: "True", reason: DeploymentConditions.minimumReplicasAvailable,
                message: "Deployment has minimum availability.", now: now))
        } else {
            DeploymentConditions.set(&result, DeploymentConditions.make(
                DeploymentConditions.available, status: "False", reason: DeploymentConditions.minimumReplicasUnavailable,
                message: "Deployment does not have minimum availability.", now: now))
        }
        return result
    }

    /// `syncDeploymentStatus`.
    mutating func syncDeploymentStatus(all: [JSON], new: JSON?) {
        status = calculateStatus(all: all, new: new)
    }

    /// `checkPausedConditions`: a paused Deployment reports `DeploymentPaused` (Unknown) so that the time it
    /// spends paused never counts against its progress deadline; resuming reports `DeploymentResumed`.
    mutating func checkPausedConditions() {
        guard hasProgressDeadline else { return }
        let condition = DeploymentConditions.get(status, DeploymentConditions.progressing)
        let reason = condition?["reason"]?.stringValue
        if reason == DeploymentConditions.timedOutReason { return }
        let pausedReported = reason == DeploymentConditions.pausedReason
        if paused && !pausedReported {
            DeploymentConditions.set(&status, DeploymentConditions.make(
                DeploymentConditions.progressing, status: "Unknown", reason: DeploymentConditions.pausedReason,
                message: "Deployment is paused", now: now))
        } else if !paused && pausedReported {
            DeploymentConditions.set(&status, DeploymentConditions.make(
                DeploymentConditions.progressing, status: "Unknown", reason: DeploymentConditions.resumedReason,
                message: "Deployment is resumed", now: now))
        }
    }

    /// `syncRolloutStatus`: the status with the `Progressing` condition moved on (complete, progressing or
    /// timed out) and the ReplicaSets' failures surfaced; when nothing changed, a requeue for the moment the
    /// progress deadline would pass.
    mutating func syncRolloutStatus(all: [JSON], new: JSON?) {
        var next = calculateStatus(all: all, new: new)
        if !hasProgressDeadline { DeploymentConditions.remove(&next, DeploymentConditions.progressing) }
        let current = DeploymentConditions.get(status, DeploymentConditions.progressing)
        let isComplete = (next["replicas"]?.intValue ?? 0) == (next["updatedReplicas"]?.intValue ?? 0)
            && current?["reason"]?.stringValue == DeploymentConditions.newReplicaSetAvailableReason
        if hasProgressDeadline && !isComplete {
            let subject = new.map { "ReplicaSet \(quoted($0.name))" } ?? "Deployment \(quoted(d.name))"
            if deploymentComplete(next) {
                DeploymentConditions.set(&next, DeploymentConditions.make(
                    DeploymentConditions.progressing, status: "True", reason: DeploymentConditions.newReplicaSetAvailableReason,
                    message: "\(subject) has successfully progressed.", now: now))
            } else if deploymentProgressing(next) {
                var condition = DeploymentConditions.make(
                    DeploymentConditions.progressing, status: "True", reason: DeploymentConditions.replicaSetUpdatedReason,
                    message: "\(subject) is progressing.", now: now)
                // Progress refreshes lastUpdateTime even when the reason stays the same, which the generic
                // setter would ignore; the transition time survives while the status stays True.
                if let current {
                    if current["status"]?.stringValue == "True" { condition["lastTransitionTime"] = current["lastTransitionTime"] }
                    DeploymentConditions.remove(&next, DeploymentConditions.progressing)
                }
                DeploymentConditions.set(&next, condition)
            } else if deploymentTimedOut(next) {
                DeploymentConditions.set(&next, DeploymentConditions.make(
                    DeploymentConditions.progressing, status: "False", reason: DeploymentConditions.timedOutReason,
                    message: "\(subject) has timed out progressing.", now: now))
            }
        }
        if let failure = replicaFailure(all: all, new: new) {
            DeploymentConditions.set(&next, failure)
        } else {
            DeploymentConditions.remove(&next, DeploymentConditions.replicaFailure)
        }
        if next == status {
            requeueAfter = stuckRequeue(next)
            return
        }
        status = next
    }

    /// `getReplicaFailures`: the new ReplicaSet's `ReplicaFailure` condition, else an old one's.
    func replicaFailure(all: [JSON], new: JSON?) -> JSON? {
        func failure(_ rs: JSON?) -> JSON? {
            rs?["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == DeploymentConditions.replicaFailure }
        }
        if let condition = failure(new) { return DeploymentConditions.fromReplicaSetCondition(condition) }
        for rs in all {
            if let condition = failure(rs) { return DeploymentConditions.fromReplicaSetCondition(condition) }
        }
        return nil
    }

    /// `DeploymentComplete`: every desired replica is updated and available, no old ones remain, and the
    /// controller has seen the latest spec.
    func deploymentComplete(_ candidate: JSON) -> Bool {
        let updated = candidate["updatedReplicas"]?.intValue ?? 0
        let total = candidate["replicas"]?.intValue ?? 0
        let available = candidate["availableReplicas"]?.intValue ?? 0
        let observed = candidate["observedGeneration"]?.int64Value ?? 0
        return updated == replicas && total == replicas && available == replicas && observed >= d.generation
    }

    /// `DeploymentProgressing`: more updated, ready or available pods than the current status says, or
    /// fewer old ones.
    func deploymentProgressing(_ candidate: JSON) -> Bool {
        func int(_ s: JSON, _ key: String) -> Int { s[key]?.intValue ?? 0 }
        let oldOld = int(status, "replicas") - int(status, "updatedReplicas")
        let newOld = int(candidate, "replicas") - int(candidate, "updatedReplicas")
        return int(candidate, "updatedReplicas") > int(status, "updatedReplicas") || newOld < oldOld
            || int(candidate, "readyReplicas") > int(status, "readyReplicas")
            || int(candidate, "availableReplicas") > int(status, "availableReplicas")
    }

    /// `DeploymentTimedOut`: the `Progressing` condition was last updated more than
    /// `progressDeadlineSeconds` ago (never after a completed rollout; always once timed out).
    func deploymentTimedOut(_ candidate: JSON) -> Bool {
        guard hasProgressDeadline, let condition = DeploymentConditions.get(candidate, DeploymentConditions.progressing) else {
            return false
        }
        switch condition["reason"]?.stringValue {
        case DeploymentConditions.newReplicaSetAvailableReason: return false
        case DeploymentConditions.timedOutReason: return true
        default: break
        }
        guard let from = condition["lastUpdateTime"]?.stringValue.flatMap(Timestamp.parse) else { return false }
        return from.addingTimeInterval(TimeInterval(progressDeadlineSeconds)) < now
    }

    /// `requeueStuckDeployment`: when to look again for a rollout that shows no progress: just after its
    /// deadline passes (nil when it has no deadline, is complete or already timed out).
    func stuckRequeue(_ next: JSON) -> Duration? {
        guard hasProgressDeadline, let condition = DeploymentConditions.get(status, DeploymentConditions.progressing) else { return nil }
        if deploymentComplete(next) || condition["reason"]?.stringValue == DeploymentConditions.timedOutReason { return nil }
        guard let from = condition["lastUpdateTime"]?.stringValue.flatMap(Timestamp.parse) else { return nil }
        let after = from.addingTimeInterval(TimeInterval(progressDeadlineSeconds)).timeIntervalSince(now)
        if after < 1 { return .seconds(1) }
        return .milliseconds(Int64((after * 1000).rounded(.up))) + .seconds(1)
    }
}
