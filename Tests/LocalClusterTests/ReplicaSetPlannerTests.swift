import Foundation
import KubeModel
import LocalCluster
import Synchronization
import Testing

@Suite("ReplicaSet planner")
struct ReplicaSetPlannerTests {
    typealias F = WorkloadFixtures

    static func replicaSet(replicas: Int, minReadySeconds: Int = 0) -> JSON {
        var rs: JSON = ["apiVersion": "apps/v1", "kind": "ReplicaSet",
                        "metadata": ["name": "web-6d4b75cb6d", "namespace": "default", "uid": "uid-rs", "generation": 3],
                        "spec": ["replicas": JSON(replicas), "selector": ["matchLabels": ["app": "web"]],
                                 "template": ["metadata": ["labels": ["app": "web", "pod-template-hash": "6d4b75cb6d"],
                                                           "annotations": ["a": "b"]],
                                              "spec": ["containers": [["name": "main", "image": "demo:blue"]]]]]]
        if minReadySeconds > 0 { rs[path: ["spec", "minReadySeconds"]] = JSON(minReadySeconds) }
        return rs
    }

    struct Pair: CustomStringConvertible, Sendable {
        var rule: String
        var first: JSON
        var second: JSON
        var description: String { rule }
    }

    /// In each pair the first pod is the one to delete first.
    static let pairs: [Pair] = [
        Pair(rule: "unassigned before assigned", first: F.pod("a", node: ""), second: F.pod("b")),
        Pair(rule: "Pending before Running", first: F.pod("a", phase: "Pending", ready: false), second: F.pod("b", ready: false)),
        Pair(rule: "Pending before Unknown", first: F.pod("a", phase: "Pending"), second: F.pod("b", phase: "Unknown")),
        Pair(rule: "Unknown before Running", first: F.pod("a", phase: "Unknown"), second: F.pod("b")),
        Pair(rule: "not ready before ready", first: F.pod("a", ready: false), second: F.pod("b")),
        Pair(rule: "lower deletion cost before higher", first: F.pod("a", cost: -5), second: F.pod("b", readyFor: 10, cost: 0)),
        Pair(rule: "ready for less time before longer", first: F.pod("a", readyFor: 60), second: F.pod("b", readyFor: 7200)),
        Pair(rule: "more restarts before fewer", first: F.pod("a", createdAgo: 99999, restarts: 3), second: F.pod("b", restarts: 1)),
        Pair(rule: "newer before older", first: F.pod("a", createdAgo: 120), second: F.pod("b", createdAgo: 86400)),
        Pair(rule: "a missing ready time before any", first: F.pod("a"), second: F.pod("b")),
    ]

    @Test("scale-down ranking follows ActivePodsWithRanks", arguments: pairs)
    func ranking(_ pair: Pair) {
        var first = pair.first
        if pair.rule == "a missing ready time before any" {
            first[path: ["status", "conditions"]] = [["type": "Ready", "status": "True"]]
        }
        #expect(PodDeletionOrder.sorted([pair.second, first], now: F.t0).map(\.name) == ["a", "b"])
        #expect(PodDeletionOrder.sorted([first, pair.second], now: F.t0).map(\.name) == ["a", "b"])
    }

    @Test("ready times within the same power of two tie and fall back to the UID")
    func logarithmicTies() {
        let a = F.pod("a", readyFor: 3000, uid: "2"), b = F.pod("b", readyFor: 3100, uid: "1")
        #expect(PodDeletionOrder.sorted([a, b], now: F.t0).map(\.name) == ["b", "a"])
        #expect(PodDeletionOrder.sorted([a, b], now: nil).map(\.name) == ["a", "b"])
    }

    @Test("a crowded node gives up its pods first")
    func nodeRank() {
        let pods = [F.pod("lonely", node: "n1"), F.pod("crowded", node: "n2")]
        let related = pods + [F.pod("other-1", node: "n2"), F.pod("other-2", node: "n2")]
        let victims = ReplicaSetPlanner.podsToDelete(pods, related: related, count: 1, now: F.t0)
        #expect(victims.map(\.name) == ["crowded"])
    }

    @Test("scaling down picks the not-ready, then the newest pods")
    func scaleDown() {
        let pods = [F.pod("old-ready", createdAgo: 86400), F.pod("new-ready", readyFor: 60, createdAgo: 120),
                    F.pod("not-ready", ready: false), F.pod("pending", phase: "Pending", ready: false, node: "")]
        let action = ReplicaSetPlanner.manage(replicaSet: Self.replicaSet(replicas: 1), pods: pods, now: F.t0)
        guard case .deletePods(let victims)? = action else {
            Issue.record("expected deletions, got \(String(describing: action))")
            return
        }
        #expect(victims.map(\.name) == ["pending", "not-ready", "new-ready"])
    }

    @Test("too few pods are created, capped by the burst limit; the right count does nothing")
    func manage() {
        #expect(ReplicaSetPlanner.manage(replicaSet: Self.replicaSet(replicas: 3), pods: [F.pod("a")], now: F.t0) == .createPods(2))
        #expect(ReplicaSetPlanner.manage(replicaSet: Self.replicaSet(replicas: 900), pods: [], now: F.t0) == .createPods(500))
        #expect(ReplicaSetPlanner.manage(replicaSet: Self.replicaSet(replicas: 1), pods: [F.pod("a")], now: F.t0) == nil)
        #expect(ReplicaSetPlanner.manage(replicaSet: Self.replicaSet(replicas: 0), pods: [F.pod("a"), F.pod("b")], now: F.t0)
            == .deletePods([F.pod("a"), F.pod("b")]))
    }

    @Test("status counts replicas, fully labeled, ready and available pods (minReadySeconds), and observedGeneration")
    func status() {
        let rs = Self.replicaSet(replicas: 3, minReadySeconds: 30)
        var labeled = F.pod("labeled", readyFor: 60)
        labeled.labels = ["app": "web", "pod-template-hash": "6d4b75cb6d"]
        let pods = [labeled, F.pod("fresh", readyFor: 10), F.pod("unready", ready: false)]
        let status = ReplicaSetPlanner.status(of: rs, pods: pods, failure: nil, now: F.t0)
        #expect(status == ["replicas": 3, "fullyLabeledReplicas": 1, "readyReplicas": 2, "availableReplicas": 1, "observedGeneration": 3])
        // The fresh pod becomes available 20 s from now; look again just after.
        #expect(ReplicaSetPlanner.availabilityRecheck(of: rs, pods: pods, now: F.t0) == .seconds(21))
    }

    @Test("a failed create adds ReplicaFailure once, and a good sync removes it")
    func failureCondition() {
        var rs = Self.replicaSet(replicas: 2)
        let failed = ReplicaSetPlanner.status(of: rs, pods: [], failure: "pods \"x\" is forbidden: quota", now: F.t0)
        #expect(failed["conditions"] == [["type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                                          "message": "pods \"x\" is forbidden: quota", "lastTransitionTime": .string(Timestamp.format(F.t0))]])
        #expect(failed["replicas"] == 0)
        rs["status"] = failed
        let again = ReplicaSetPlanner.status(of: rs, pods: [], failure: "another", now: F.t0 + 60)
        #expect(again["conditions"] == failed["conditions"])
        rs["status"] = again
        #expect(ReplicaSetPlanner.status(of: rs, pods: [], failure: nil, now: F.t0)["conditions"] == nil)
    }

    @Test("new pods carry the template's labels and annotations, a controller reference and no node")
    func newPod() {
        let rs = Self.replicaSet(replicas: 1)
        var generator = SystemRandomNumberGenerator()
        let name = ReplicaSetPlanner.podName(for: rs.name, using: &generator)
        let pod = ReplicaSetPlanner.newPod(for: rs, name: name)
        #expect(name.hasPrefix("web-6d4b75cb6d-"))
        #expect(name.count == "web-6d4b75cb6d-".count + 5)
        #expect(name.dropFirst("web-6d4b75cb6d-".count).allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        #expect(pod.labels == ["app": "web", "pod-template-hash": "6d4b75cb6d"])
        #expect(pod.annotations == ["a": "b"])
        #expect(pod.namespace == "default")
        #expect(pod.generateName == "web-6d4b75cb6d-")
        #expect(pod.ownerReferences == [OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-6d4b75cb6d", uid: "uid-rs",
                                                       controller: true, blockOwnerDeletion: true)])
        #expect(pod["spec"]?["nodeName"] == nil)
        #expect(pod["spec"]?["containers"]?[0]?["image"] == "demo:blue")
        #expect(ReplicaSetPlanner.podNamePrefix(String(repeating: "x", count: 70)).count == 58)
    }

    @Test("claiming keeps owned matches, adopts matching orphans and releases owned pods that stopped matching")
    func claim() throws {
        let rs = Self.replicaSet(replicas: 2)
        let selector = try #require(try LabelSelector(json: rs[path: ["spec", "selector"]]))
        let ref: JSON = ["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-6d4b75cb6d", "uid": "uid-rs", "controller": true]
        var owned = F.pod("owned")
        owned[path: ["metadata", "ownerReferences"]] = [ref]
        var strayed = F.pod("strayed")
        strayed[path: ["metadata", "ownerReferences"]] = [ref]
        strayed.labels = ["app": "other"]
        let orphan = F.pod("orphan")
        var othersPod = F.pod("others")
        othersPod[path: ["metadata", "ownerReferences"]] = [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x", "uid": "uid-x",
                                                             "controller": true]]
        var dying = F.pod("dying")
        dying[path: ["metadata", "deletionTimestamp"]] = .string(Timestamp.format(F.t0))
        let claim = ControllerRefClaim.classify(owner: rs, selector: selector, candidates: [owned, strayed, orphan, othersPod, dying])
        #expect(claim.owned.map(\.name) == ["owned"])
        #expect(claim.adopt.map(\.name) == ["orphan"])
        #expect(claim.release.map(\.name) == ["strayed"])
        #expect(ControllerRefClaim.adoptPatch(owner: rs, child: orphan) == [
            "metadata": ["ownerReferences": [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-6d4b75cb6d", "uid": "uid-rs",
                                              "controller": true, "blockOwnerDeletion": true]], "uid": "uid-orphan"],
        ])
        #expect(ControllerRefClaim.releasePatch(owner: rs, child: strayed) == [
            "metadata": ["ownerReferences": [["$patch": "delete", "uid": "uid-rs"]], "uid": "uid-strayed"],
        ])
        var deleting = rs
        deleting[path: ["metadata", "deletionTimestamp"]] = .string(Timestamp.format(F.t0))
        let frozen = ControllerRefClaim.classify(owner: deleting, selector: selector, candidates: [owned, strayed, orphan])
        #expect(frozen.owned.map(\.name) == ["owned"])
        #expect(frozen.adopt.isEmpty && frozen.release.isEmpty)
    }

    @Test("pod readiness and availability follow the Ready condition and minReadySeconds")
    func readiness() {
        let pod = F.pod("p", readyFor: 30)
        #expect(PodReadiness.isReady(pod))
        #expect(PodReadiness.isAvailable(pod, minReadySeconds: 0, now: F.t0))
        #expect(PodReadiness.isAvailable(pod, minReadySeconds: 29, now: F.t0))
        #expect(!PodReadiness.isAvailable(pod, minReadySeconds: 30, now: F.t0))
        #expect(!PodReadiness.isAvailable(F.pod("q", ready: false), minReadySeconds: 0, now: F.t0))
        #expect(PodReadiness.isActive(pod))
        #expect(!PodReadiness.isActive(F.pod("done", phase: "Succeeded")))
        #expect(!PodReadiness.isActive(F.pod("failed", phase: "Failed")))
    }

    @Test("expectations hold a ReplicaSet back until its own creates and deletes show, or they expire")
    func expectations() {
        let clock = Mutex(F.t0)
        let expectations = PodExpectations(timeout: 300, now: { clock.withLock { $0 } })
        #expect(expectations.satisfied("default/web"))
        expectations.expectCreations("default/web", count: 2)
        #expect(!expectations.satisfied("default/web"))
        expectations.creationObserved("default/web")
        #expect(!expectations.satisfied("default/web"))
        expectations.creationObserved("default/web")
        #expect(expectations.satisfied("default/web"))

        expectations.expectDeletions("default/web", podKeys: ["default/a", "default/b"])
        expectations.deletionObserved("default/web", podKey: "default/a")
        expectations.deletionObserved("default/web", podKey: "default/a")
        #expect(!expectations.satisfied("default/web"))
        expectations.deletionObserved("default/web", podKey: "default/b")
        #expect(expectations.satisfied("default/web"))

        expectations.expectCreations("default/web", count: 1)
        clock.withLock { $0 = $0.addingTimeInterval(301) }
        #expect(expectations.satisfied("default/web"), "expired expectations no longer hold the ReplicaSet back")
        expectations.expectCreations("default/web", count: 1)
        expectations.delete("default/web")
        #expect(expectations.satisfied("default/web"))
    }
}
