import Foundation
import KubeModel

/// What a ReplicaSet controller decides about one ReplicaSet, without I/O (`pkg/controller/replicaset`:
/// `manageReplicas`, `getPodsToDelete`, `calculateStatus`, and `controller.GetPodFromTemplate`).
public enum ReplicaSetPlanner {
    /// At most this many pods are created or deleted per sync (`BurstReplicas`).
    public static let burstReplicas = 500

    /// What `manageReplicas` does.
    public enum Action: Equatable, Sendable {
        /// Create this many pods from the template.
        case createPods(Int)
        /// Delete these pods (already ranked; the first ones are the best to lose).
        case deletePods([JSON])
    }

    /// Creates or deletes pods so that `pods` (the active pods the ReplicaSet owns) reach `spec.replicas`;
    /// nil when the count is right. `related` are the pods of all ReplicaSets with the same controller,
    /// used to rank pods by how crowded their node is (none for a ReplicaSet without a controller).
    public static func manage(replicaSet rs: JSON, pods: [JSON], related: [JSON] = [], now: Date,
                              burst: Int = burstReplicas) -> Action? {
        let desired = max(0, replicas(of: rs))
        let diff = pods.count - desired
        if diff < 0 { return .createPods(min(-diff, burst)) }
        if diff > 0 { return .deletePods(podsToDelete(pods, related: related, count: min(diff, burst), now: now)) }
        return nil
    }

    /// The `count` pods to delete first (`getPodsToDelete`): all of them in their order when every pod goes,
    /// otherwise the head of `PodDeletionOrder`.
    public static func podsToDelete(_ pods: [JSON], related: [JSON], count: Int, now: Date) -> [JSON] {
        guard count < pods.count else { return Array(pods.prefix(count)) }
        let ranks = PodDeletionOrder.ranks(of: pods, related: related)
        return Array(PodDeletionOrder.sorted(pods, ranks: ranks, now: now).prefix(count))
    }

    /// The status the ReplicaSet should have (`calculateStatus` plus `observedGeneration`). `failure` is the
    /// error of this sync's creates or deletes, if any: it adds a `ReplicaFailure` condition when none exists,
    /// and a successful sync removes it.
    public static func status(of rs: JSON, pods: [JSON], failure: String?, now: Date) -> JSON {
        var status = rs["status"] ?? .emptyObject
        if !status.isObject { status = .emptyObject }
        let minReadySeconds = rs["spec"]?["minReadySeconds"]?.intValue ?? 0
        let templateLabels = (rs[path: ["spec", "template", "metadata", "labels"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        var fullyLabeled = 0, ready = 0, available = 0
        for pod in pods {
            let labels = pod.labels
            if templateLabels.allSatisfy({ labels[$0.key] == $0.value }) { fullyLabeled += 1 }
            if PodReadiness.isReady(pod) {
                ready += 1
                if PodReadiness.isAvailable(pod, minReadySeconds: minReadySeconds, now: now) { available += 1 }
            }
        }
        var conditions = status["conditions"]?.arrayValue ?? []
        let hasFailure = conditions.contains { $0["type"]?.stringValue == "ReplicaFailure" }
        if let failure, !hasFailure {
            let diff = pods.count - replicas(of: rs)
            let reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : ""
            conditions.append(["type": "ReplicaFailure", "status": "True", "lastTransitionTime": .string(Timestamp.format(now)),
                               "reason": .string(reason), "message": .string(failure)])
        } else if failure == nil, hasFailure {
            conditions.removeAll { $0["type"]?.stringValue == "ReplicaFailure" }
        }
        status["replicas"] = JSON(pods.count)
        status["fullyLabeledReplicas"] = fullyLabeled == 0 ? JSON?.none : JSON(fullyLabeled)
        status["readyReplicas"] = ready == 0 ? JSON?.none : JSON(ready)
        status["availableReplicas"] = available == 0 ? JSON?.none : JSON(available)
        status["observedGeneration"] = rs.generation == 0 ? JSON?.none : .int(rs.generation)
        status["conditions"] = conditions.isEmpty ? JSON?.none : .array(conditions)
        return status
    }

    /// How long until a ready pod of the ReplicaSet passes `minReadySeconds` and the status must be
    /// recomputed (plus a second against clock skew, as upstream); nil when no pod is waiting for that.
    public static func availabilityRecheck(of rs: JSON, pods: [JSON], now: Date) -> Duration? {
        let minReadySeconds = rs["spec"]?["minReadySeconds"]?.intValue ?? 0
        guard minReadySeconds > 0 else { return nil }
        let next = pods.compactMap { PodReadiness.becomesAvailable($0, minReadySeconds: minReadySeconds, now: now) }.min()
        guard let next else { return nil }
        return .milliseconds(Int64((next.timeIntervalSince(now) * 1000).rounded(.up))) + .seconds(1)
    }

    /// `spec.replicas` (1 when unset, the API default).
    public static func replicas(of rs: JSON) -> Int {
        rs["spec"]?["replicas"]?.intValue ?? 1
    }

    /// A new pod for `rs` named `name` (`GetPodFromTemplate`): the template's labels, annotations,
    /// finalizers and spec, and a controller reference with `blockOwnerDeletion`. No `nodeName`: the
    /// scheduler binds it.
    public static func newPod(for rs: JSON, name: String) -> JSON {
        let template = rs["spec"]?["template"] ?? .emptyObject
        var metadata: JSON = ["name": .string(name), "generateName": .string(podNamePrefix(rs.name)),
                              "namespace": .string(rs.namespace)]
        for key in ["labels", "annotations", "finalizers"] {
            if let value = template["metadata"]?[key], !value.isEmptyValue { metadata[key] = value }
        }
        var owner = rs
        if owner.apiVersion.isEmpty { owner["apiVersion"] = "apps/v1" }
        if owner.kind.isEmpty { owner["kind"] = "ReplicaSet" }
        metadata["ownerReferences"] = [ControllerRefClaim.controllerReference(to: owner).json]
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"] ?? .emptyObject]
    }

    /// `<rs>-`, cut to 58 characters so that a 5-character suffix keeps the name within 63
    /// (`getPodsPrefix` and `names.SimpleNameGenerator`).
    public static func podNamePrefix(_ replicaSetName: String) -> String {
        String((replicaSetName + "-").prefix(58))
    }

    /// A pod name for `rs`: the prefix and five random characters of `PodTemplateHash.alphabet`.
    public static func podName<G: RandomNumberGenerator>(for replicaSetName: String, using generator: inout G) -> String {
        var suffix = ""
        for _ in 0..<5 {
            let index = Int.random(in: 0..<PodTemplateHash.alphabet.count, using: &generator)
            suffix.unicodeScalars.append(Unicode.Scalar(PodTemplateHash.alphabet[index]))
        }
        return podNamePrefix(replicaSetName) + suffix
    }
}
