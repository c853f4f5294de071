import Foundation
import KubeModel

/// The order in which a ReplicaSet gives up pods when it scales down (`controller.ActivePodsWithRanks`,
/// with the `PodDeletionCost` and `LogarithmicScaleDown` features on, as in Kubernetes 1.32). Earlier pods go
/// first:
///
/// 1. unassigned before assigned (no `spec.nodeName`);
/// 2. `Pending` before `Unknown` before `Running`;
/// 3. not ready before ready;
/// 4. lower `controller.kubernetes.io/pod-deletion-cost` before higher;
/// 5. more related pods on the same node before fewer (the rank);
/// 6. ready for a shorter time before longer (on a log2 scale of the age; ties by UID);
/// 7. more container restarts before fewer;
/// 8. created more recently before older (on a log2 scale; ties by UID).
public enum PodDeletionOrder {
    /// The annotation that lets users say which pods are cheaper to lose.
    public static let deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

    /// `pods` sorted so that the ones to delete first come first. `ranks[i]` is the rank of `pods[i]` (the
    /// number of related active pods on its node); missing ranks count as 0. With `now` nil, times compare
    /// exactly instead of logarithmically.
    public static func sorted(_ pods: [JSON], ranks: [Int] = [], now: Date?) -> [JSON] {
        let keys = pods.enumerated().map { index, pod in Key(pod, rank: index < ranks.count ? ranks[index] : 0) }
        let order = keys.indices.sorted { precedes(keys[$0], keys[$1], now: now) }
        return order.map { pods[$0] }
    }

    /// The ranks of `pods`: for each, how many active pods of `related` run on the same node
    /// (`getPodsRankedByRelatedPodsOnSameNode`).
    public static func ranks(of pods: [JSON], related: [JSON]) -> [Int] {
        var perNode: [String: Int] = [:]
        for pod in related where PodReadiness.isActive(pod) {
            perNode[pod["spec"]?["nodeName"]?.stringValue ?? "", default: 0] += 1
        }
        return pods.map { perNode[$0["spec"]?["nodeName"]?.stringValue ?? ""] ?? 0 }
    }

    struct Key {
        var node: String
        var phase: Int
        var ready: Bool
        var cost: Int
        var rank: Int
        var readySince: Date?
        var restarts: Int
        var created: Date?
        var uid: String

        init(_ pod: JSON, rank: Int) {
            node = pod["spec"]?["nodeName"]?.stringValue ?? ""
            switch pod["status"]?["phase"]?.stringValue {
            case "Unknown": phase = 1
            case "Running": phase = 2
            default: phase = 0
            }
            ready = PodReadiness.isReady(pod)
            cost = pod.annotations[PodDeletionOrder.deletionCostAnnotation].flatMap { Int32($0) }.map(Int.init) ?? 0
            self.rank = rank
            readySince = PodReadiness.readySince(pod)
            restarts = (pod["status"]?["containerStatuses"]?.arrayValue ?? []).map { $0["restartCount"]?.intValue ?? 0 }.max() ?? 0
            created = pod.creationTimestamp.flatMap(Timestamp.parse)
            uid = pod.uid
        }
    }

    static func precedes(_ a: Key, _ b: Key, now: Date?) -> Bool {
        if a.node != b.node && (a.node.isEmpty || b.node.isEmpty) { return a.node.isEmpty }
        if a.phase != b.phase { return a.phase < b.phase }
        if a.ready != b.ready { return !a.ready }
        if a.cost != b.cost { return a.cost < b.cost }
        if a.rank != b.rank { return a.rank > b.rank }
        if a.ready && b.ready && a.readySince != b.readySince {
            return laterFirst(a.readySince, b.readySince, a.uid, b.uid, now: now)
        }
        if a.restarts != b.restarts { return a.restarts > b.restarts }
        if a.created != b.created { return laterFirst(a.created, b.created, a.uid, b.uid, now: now) }
        return false
    }

    /// Zero (missing) times first, then the later time first; on a log2 scale of the age when `now` is known.
    static func laterFirst(_ t1: Date?, _ t2: Date?, _ uid1: String, _ uid2: String, now: Date?) -> Bool {
        guard let t1, let t2 else { return t1 == nil }
        guard let now else { return t1 > t2 }
        let diff = logRank(t1, now: now) - logRank(t2, now: now)
        if diff == 0 { return uid1 < uid2 }
        return diff < 0
    }

    /// `int64(math.Log2(float64(now - t)))` over nanoseconds, or -1 for times not in the past.
    static func logRank(_ t: Date, now: Date) -> Int64 {
        let nanos = (now.timeIntervalSince(t) * 1_000_000_000).rounded(.towardZero)
        guard nanos > 0 else { return -1 }
        return Int64(log2(nanos).rounded(.towardZero))
    }
}
