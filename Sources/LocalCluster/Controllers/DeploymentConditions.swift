import Foundation
import KubeModel

/// The conditions of `Deployment.status` and their vocabulary (`deploymentutil`: `NewDeploymentCondition`,
/// `SetDeploymentCondition`, `RemoveDeploymentCondition` and the reason constants), over the status JSON.
public enum DeploymentConditions {
    /// The rollout is moving, complete, paused or stuck (see the reasons below).
    public static let progressing = "Progressing"
    /// At least `replicas - maxUnavailable` pods are available.
    public static let available = "Available"
    /// A ReplicaSet cannot create or delete pods (copied from the ReplicaSet).
    public static let replicaFailure = "ReplicaFailure"

    /// Progressing: a ReplicaSet was scaled or its pods became ready or available.
    public static let replicaSetUpdatedReason = "ReplicaSetUpdated"
    /// Progressing (False): the new ReplicaSet could not be created.
    public static let failedReplicaSetCreateReason = "ReplicaSetCreateError"
    /// Progressing: the new ReplicaSet was created.
    public static let newReplicaSetReason = "NewReplicaSetCreated"
    /// Progressing: an existing ReplicaSet runs the template (first progress estimate).
    public static let foundNewReplicaSetReason = "FoundNewReplicaSet"
    /// Progressing: the rollout is complete.
    public static let newReplicaSetAvailableReason = "NewReplicaSetAvailable"
    /// Progressing (False): no progress within `progressDeadlineSeconds`.
    public static let timedOutReason = "ProgressDeadlineExceeded"
    /// Progressing (Unknown): `spec.paused` is set.
    public static let pausedReason = "DeploymentPaused"
    /// Progressing (Unknown): `spec.paused` was cleared.
    public static let resumedReason = "DeploymentResumed"
    /// Available (True).
    public static let minimumReplicasAvailable = "MinimumReplicasAvailable"
    /// Available (False).
    public static let minimumReplicasUnavailable = "MinimumReplicasUnavailable"

    /// A new condition whose update and transition times are both `now`.
    public static func make(_ type: String, status: String, reason: String, message: String, now: Date) -> JSON {
        let time = JSON.string(Timestamp.format(now))
        return ["type": .string(type), "status": .string(status), "lastUpdateTime": time, "lastTransitionTime": time,
                "reason": .string(reason), "message": .string(message)]
    }

    /// The condition of `type` in `status`, if any.
    public static func get(_ status: JSON, _ type: String) -> JSON? {
        status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// Puts `condition` into `status`: nothing changes when one of its type already has the same status and
    /// reason; a change of reason alone keeps the old `lastTransitionTime`. The new condition goes last.
    public static func set(_ status: inout JSON, _ condition: JSON) {
        let type = condition["type"]?.stringValue ?? ""
        var condition = condition
        if let current = get(status, type) {
            if current["status"] == condition["status"] && current["reason"] == condition["reason"] { return }
            if current["status"] == condition["status"] { condition["lastTransitionTime"] = current["lastTransitionTime"] }
        }
        let others = (status["conditions"]?.arrayValue ?? []).filter { $0["type"]?.stringValue != type }
        status["conditions"] = .array(others + [condition])
    }

    /// Removes the condition of `type` (and the list when it becomes empty).
    public static func remove(_ status: inout JSON, _ type: String) {
        guard let conditions = status["conditions"]?.arrayValue else { return }
        let kept = conditions.filter { $0["type"]?.stringValue != type }
        status["conditions"] = kept.isEmpty ? JSON?.none : .array(kept)
    }

    /// A ReplicaSet's `ReplicaFailure` condition as a Deployment condition (`ReplicaSetToDeploymentCondition`).
    public static func fromReplicaSetCondition(_ condition: JSON) -> JSON {
        ["type": condition["type"] ?? .string(replicaFailure), "status": condition["status"] ?? "True",
         "lastTransitionTime": condition["lastTransitionTime"] ?? .null, "lastUpdateTime": condition["lastTransitionTime"] ?? .null,
         "reason": condition["reason"] ?? "", "message": condition["message"] ?? ""]
    }
}
