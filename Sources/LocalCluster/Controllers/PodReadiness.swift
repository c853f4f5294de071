import Foundation
import KubeModel

/// Readiness and availability of a pod as the workload controllers judge them (`k8s.io/kubernetes/pkg/api/v1/pod`
/// `IsPodReady`, `IsPodAvailable`, and `controller.IsPodActive`). "Now" is always passed in so that callers
/// decide which clock counts.
public enum PodReadiness {
    /// The `Ready` entry of `status.conditions`, if any.
    public static func readyCondition(_ pod: JSON) -> JSON? {
        pod["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }
    }

    /// True when the pod's `Ready` condition is `True`.
    public static func isReady(_ pod: JSON) -> Bool {
        readyCondition(pod)?["status"]?.stringValue == "True"
    }

    /// When a ready pod became ready (the `Ready` condition's `lastTransitionTime`); nil when the pod is not
    /// ready or the time is missing.
    public static func readySince(_ pod: JSON) -> Date? {
        guard let condition = readyCondition(pod), condition["status"]?.stringValue == "True",
              let text = condition["lastTransitionTime"]?.stringValue
        else { return nil }
        return Timestamp.parse(text)
    }

    /// True when the pod is ready and has been for more than `minReadySeconds` (always, for 0). A ready pod
    /// without a transition time is not available while `minReadySeconds` is positive, as upstream.
    public static func isAvailable(_ pod: JSON, minReadySeconds: Int, now: Date) -> Bool {
        guard isReady(pod) else { return false }
        if minReadySeconds <= 0 { return true }
        guard let since = readySince(pod) else { return false }
        return since.addingTimeInterval(TimeInterval(minReadySeconds)) < now
    }

    /// When a ready pod that is not yet available will become available; nil when it is not ready, already
    /// available, or has no transition time.
    public static func becomesAvailable(_ pod: JSON, minReadySeconds: Int, now: Date) -> Date? {
        guard minReadySeconds > 0, let since = readySince(pod) else { return nil }
        let at = since.addingTimeInterval(TimeInterval(minReadySeconds))
        return at < now ? nil : at
    }

    /// True for pods that count towards a controller's replicas: not `Succeeded`, not `Failed`, and not being
    /// deleted (`controller.IsPodActive`).
    public static func isActive(_ pod: JSON) -> Bool {
        let phase = pod["status"]?["phase"]?.stringValue
        return phase != "Succeeded" && phase != "Failed" && !pod.isBeingDeleted
    }
}
