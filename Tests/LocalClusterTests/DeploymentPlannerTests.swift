import Foundation
import KubeModel
import LocalCluster
import Testing

@Suite("Deployment planner")
struct DeploymentPlannerTests {
    typealias F = WorkloadFixtures

    /// A world whose blue rollout is complete.
    static func rolledOut(_ deployment: JSON) -> RolloutWorld {
        var world = RolloutWorld(deployment)
        world.runUntilComplete()
        world.sizes = []
        world.events = []
        return world
    }

    @Test("a new Deployment creates its first ReplicaSet at full size, revision 1, with upstream's conditions")
    func firstReplicaSet() throws {
        let d = F.deployment(replicas: 5)
        let plan = DeploymentPlanner.plan(.init(deployment: d, replicaSets: [], now: F.t0))
        #expect(plan.actions.count == 3)
        guard case .createReplicaSet(let rs, let event) = plan.actions.first else {
            Issue.record("expected a create first, got \(plan.actions)")
            return
        }
        let (name, hash) = DeploymentPlanner.newReplicaSetName(for: d)
        #expect(rs.name == name)
        #expect(name == "web-\(hash)")
        #expect(rs.labels == ["app": "web", "pod-template-hash": hash])
        #expect(rs[path: ["spec", "selector", "matchLabels"]] == ["app": "web", "pod-template-hash": .string(hash)])
        #expect(rs[path: ["spec", "template", "metadata", "labels", "pod-template-hash"]] == .string(hash))
        #expect(rs[path: ["spec", "replicas"]] == 5)
        #expect(rs.annotations == ["deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": "5",
                                   "deployment.kubernetes.io/max-replicas": "7"])
        #expect(rs.ownerReferences == [OwnerReference(apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-deploy",
                                                      controller: true, blockOwnerDeletion: true)])
        #expect(event == ControllerEvent(reason: "ScalingReplicaSet", message: "Scaled up replica set \(name) to 5"))
        #expect(plan.actions[1] == .setRevision("1"))
        guard case .updateStatus(let status) = plan.actions[2] else {
            Issue.record("expected a status update last")
            return
        }
        #expect(status["observedGeneration"] == 1)
        #expect(status["replicas"] == nil)
        let conditions = status["conditions"]?.arrayValue ?? []
        #expect(conditions.map { $0["type"]?.stringValue } == ["Progressing", "Available"])
        #expect(conditions[0]["reason"] == "NewReplicaSetCreated")
        #expect(conditions[0]["message"] == .string("Created new replica set \"\(name)\""))
        #expect(conditions[0]["status"] == "True")
        #expect(conditions[1]["reason"] == "MinimumReplicasUnavailable")
        #expect(conditions[1]["message"] == "Deployment does not have minimum availability.")
        #expect(conditions[1]["lastUpdateTime"] == .string(Timestamp.format(F.t0)))
    }

    @Test("a rolling update of 5 replicas at 25%/25% moves in upstream's steps")
    func rollingSteps() {
        var world = Self.rolledOut(F.deployment(replicas: 5))
        world.setImage("demo:green")
        world.runUntilComplete()
        #expect(world.sizes == [[2, 4], [3, 4], [3, 1], [5, 1], [5, 0]])
        let newName = world.newReplicaSet?.name ?? "?"
        let oldName = world.oldReplicaSets.first?.name ?? "?"
        #expect(world.events == [
            "Scaled up replica set \(newName) to 2", "Scaled down replica set \(oldName) to 4 from 5",
            "Scaled up replica set \(newName) to 3 from 2", "Scaled down replica set \(oldName) to 1 from 4",
            "Scaled up replica set \(newName) to 5 from 3", "Scaled down replica set \(oldName) to 0 from 1",
        ])
        let status = world.deployment["status"] ?? .emptyObject
        #expect(world.progressing?["message"] == .string("ReplicaSet \"\(newName)\" has successfully progressed."))
        #expect(world.progressing?["status"] == "True")
        let available = DeploymentConditions.get(status, "Available")
        #expect(available?["reason"] == "MinimumReplicasAvailable")
        #expect(available?["message"] == "Deployment has minimum availability.")
        #expect(world.deployment.annotations["deployment.kubernetes.io/revision"] == "2")
        #expect(status["observedGeneration"] == 2)
        #expect(status["unavailableReplicas"] == nil)
    }

    struct Budget: CustomStringConvertible, Sendable {
        var replicas: Int
        var surge: JSON
        var unavailable: JSON
        var maxSurge: Int
        var maxUnavailable: Int
        var description: String { "\(replicas) replicas, surge \(surge), unavailable \(unavailable)" }
    }

    static let budgets: [Budget] = [
        Budget(replicas: 5, surge: "25%", unavailable: "25%", maxSurge: 2, maxUnavailable: 1),
        Budget(replicas: 10, surge: "30%", unavailable: "20%", maxSurge: 3, maxUnavailable: 2),
        Budget(replicas: 10, surge: 3, unavailable: 2, maxSurge: 3, maxUnavailable: 2),
        Budget(replicas: 5, surge: 0, unavailable: 1, maxSurge: 0, maxUnavailable: 1),
        Budget(replicas: 5, surge: 1, unavailable: 0, maxSurge: 1, maxUnavailable: 0),
        Budget(replicas: 3, surge: "50%", unavailable: "0%", maxSurge: 2, maxUnavailable: 0),
        Budget(replicas: 2, surge: "1%", unavailable: "0%", maxSurge: 1, maxUnavailable: 0),
        Budget(replicas: 1, surge: "0%", unavailable: "1%", maxSurge: 0, maxUnavailable: 1),
        Budget(replicas: 4, surge: "100%", unavailable: "100%", maxSurge: 4, maxUnavailable: 4),
        Budget(replicas: 7, surge: "10%", unavailable: "10%", maxSurge: 1, maxUnavailable: 0),
    ]

    @Test("maxSurge rounds up, maxUnavailable rounds down, and both zero means one unavailable", arguments: budgets)
    func fenceposts(_ budget: Budget) {
        let strategy = DeploymentStrategy(spec: ["strategy": F.strategy(surge: budget.surge, unavailable: budget.unavailable)])
        #expect(strategy.maxSurge(replicas: budget.replicas) == budget.maxSurge)
        #expect(strategy.maxUnavailable(replicas: budget.replicas) == budget.maxUnavailable)
    }

    @Test("a rolling update never exceeds maxSurge nor drops below replicas - maxUnavailable available", arguments: budgets)
    func rollingBudgets(_ budget: Budget) {
        var world = Self.rolledOut(F.deployment(replicas: budget.replicas,
                                                strategy: F.strategy(surge: budget.surge, unavailable: budget.unavailable)))
        world.setImage("demo:green")
        var maxTotal = 0, minAvailable = Int.max
        let ticks = world.runUntilComplete(limit: 40) { w in
            maxTotal = max(maxTotal, w.totalPods)
            minAvailable = min(minAvailable, w.availablePods)
        }
        #expect(ticks <= 40, "the rollout did not complete")
        #expect(maxTotal <= budget.replicas + budget.maxSurge)
        #expect(minAvailable >= budget.replicas - budget.maxUnavailable)
        #expect(RolloutWorld.size(world.newReplicaSet) == budget.replicas)
        #expect(world.oldReplicaSets.map(RolloutWorld.size) == [0])
    }

    @Test("new pods that never become ready hold the rollout within its budget, then it times out")
    func progressDeadline() throws {
        var world = Self.rolledOut(F.deployment(replicas: 5, extraSpec: ["progressDeadlineSeconds": 30]))
        world.healthy = { $0[path: ["spec", "containers"]]?[0]?["image"] != "demo:green" }
        world.setImage("demo:green")
        var requeues: [Duration] = []
        for _ in 0..<40 {
            world.tick()
            if world.progressing?["reason"] == "ProgressDeadlineExceeded" { break }
            let plan = DeploymentPlanner.plan(.init(deployment: world.deployment, replicaSets: world.replicaSets, now: world.now))
            if plan.actions.isEmpty, let after = plan.requeueAfter { requeues.append(after) }
        }
        #expect(world.sizes == [[2, 4], [3, 4]])
        let newName = world.newReplicaSet?.name ?? "?"
        #expect(world.progressing?["status"] == "False")
        #expect(world.progressing?["reason"] == "ProgressDeadlineExceeded")
        #expect(world.progressing?["message"] == .string("ReplicaSet \"\(newName)\" has timed out progressing."))
        let available = DeploymentConditions.get(world.deployment["status"] ?? .emptyObject, "Available")
        #expect(available?["status"] == "True")
        // While stuck before the deadline, the planner asks to look again when the deadline passes.
        #expect(!requeues.isEmpty)
        #expect(requeues.allSatisfy { $0 > .zero && $0 <= .seconds(31) })
        // Once timed out, nothing more happens and no requeue is asked for.
        let after = DeploymentPlanner.plan(.init(deployment: world.deployment, replicaSets: world.replicaSets, now: world.now + 100))
        #expect(after.actions.isEmpty)
        #expect(after.requeueAfter == nil)
    }

    @Test("Recreate scales the old ReplicaSet to 0 and creates the new one only once its pods are gone")
    func recreate() {
        var world = Self.rolledOut(F.deployment(replicas: 3, strategy: ["type": "Recreate"]))
        world.podLinger = 3
        world.setImage("demo:green")
        var sawNewWhileOldRan = false
        world.runUntilComplete { w in
            let oldPods = w.oldReplicaSets.reduce(0) { $0 + (w.podsByReplicaSet[$1.uid]?.count ?? 0) }
            if w.newReplicaSet != nil && oldPods > 0 { sawNewWhileOldRan = true }
        }
        #expect(!sawNewWhileOldRan)
        #expect(world.complete)
        let newName = world.newReplicaSet?.name ?? "?"
        let oldName = world.oldReplicaSets.first?.name ?? "?"
        #expect(world.events == ["Scaled down replica set \(oldName) to 0 from 3", "Scaled up replica set \(newName) to 3"])
        #expect(world.sizes == [[0, 0], [3, 0]])
    }

    @Test("a paused Deployment scales but does not roll, and rolls once resumed")
    func paused() {
        var world = Self.rolledOut(F.deployment(replicas: 3))
        let oldName = world.replicaSets.first?.name ?? "?"
        world.setSpec("paused", true)
        world.setImage("demo:green")
        world.tick()
        world.tick()
        #expect(world.replicaSets.count == 1)
        #expect(world.progressing?["status"] == "Unknown")
        #expect(world.progressing?["reason"] == "DeploymentPaused")
        #expect(world.progressing?["message"] == "Deployment is paused")
        #expect(world.deployment[path: ["status", "observedGeneration"]] == .int(world.deployment.generation))

        world.setSpec("replicas", 5)
        world.tick()
        #expect(world.replicaSets.count == 1)
        #expect(RolloutWorld.size(world.replicaSets.first) == 5)
        #expect(world.events.last == "Scaled up replica set \(oldName) to 5 from 3")

        world.setSpec("paused", false)
        world.deploymentPass()
        #expect(world.replicaSets.count == 2)
        world.runUntilComplete()
        #expect(world.complete)
        #expect(RolloutWorld.size(world.newReplicaSet) == 5)
        #expect(world.deployment[path: ["spec", "template", "spec", "containers"]]?[0]?["image"] == "demo:green")
    }

    @Test("resuming a stalled rollout reports DeploymentResumed, so time spent paused never counts against the deadline")
    func resumedCondition() {
        var world = Self.rolledOut(F.deployment(replicas: 2))
        world.healthy = { $0[path: ["spec", "containers"]]?[0]?["image"] != "demo:green" }
        world.setImage("demo:green")
        world.tick()
        world.setSpec("paused", true)
        world.tick()
        #expect(world.progressing?["reason"] == "DeploymentPaused")
        world.setSpec("paused", false)
        world.deploymentPass()
        #expect(world.progressing?["status"] == "Unknown")
        #expect(world.progressing?["reason"] == "DeploymentResumed")
        #expect(world.progressing?["message"] == "Deployment is resumed")
        #expect(world.progressing?["lastUpdateTime"] == .string(Timestamp.format(world.now)))
    }

    @Test("history beyond revisionHistoryLimit is deleted, oldest revisions first")
    func historyLimit() {
        var world = Self.rolledOut(F.deployment(replicas: 2, image: "demo:v1", extraSpec: ["revisionHistoryLimit": 2]))
        for version in 2...5 {
            world.setImage("demo:v\(version)")
            world.runUntilComplete()
            world.tick()
            world.tick()
        }
        let revisions = world.replicaSets.compactMap { $0.annotations["deployment.kubernetes.io/revision"] }.sorted()
        #expect(revisions == ["3", "4", "5"])
        #expect(world.events.filter { $0.hasPrefix("deleted ") }.count == 2)
        #expect(world.deployment.annotations["deployment.kubernetes.io/revision"] == "5")
    }

    @Test("rolling back to an old template reuses its ReplicaSet under a new revision")
    func rollback() {
        var world = Self.rolledOut(F.deployment(replicas: 3, image: "demo:blue"))
        world.setImage("demo:green")
        world.runUntilComplete()
        let blue = world.oldReplicaSets.first?.name
        world.setImage("demo:blue")
        let plan = world.deploymentPass()
        guard case .updateReplicaSet(let rs, let event)? = plan.actions.first else {
            Issue.record("expected the old ReplicaSet's annotations to be updated first, got \(plan.actions)")
            return
        }
        #expect(event == nil)
        #expect(rs.name == blue)
        #expect(rs.annotations["deployment.kubernetes.io/revision"] == "3")
        #expect(rs.annotations["deployment.kubernetes.io/revision-history"] == "1")
        world.runUntilComplete()
        #expect(world.replicaSets.count == 2)
        #expect(world.newReplicaSet?.name == blue)
        #expect(RolloutWorld.size(world.newReplicaSet) == 3)
        #expect(world.deployment.annotations["deployment.kubernetes.io/revision"] == "3")
    }

    @Test("a restartedAt template annotation is an ordinary template change")
    func restart() {
        var world = Self.rolledOut(F.deployment(replicas: 2))
        let before = world.replicaSets.first?.name
        world.deployment[path: ["spec", "template", "metadata", "annotations"]] = ["kubectl.kubernetes.io/restartedAt": "2026-11-22T01:49:36Z"]
        world.deployment.generation += 1
        world.runUntilComplete()
        #expect(world.replicaSets.count == 2)
        #expect(world.newReplicaSet?.name != before)
        #expect(world.newReplicaSet?[path: ["spec", "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt"]]
            == "2026-11-22T01:49:36Z")
    }

    @Test("scaling in the middle of a rollout spreads the new replicas proportionally")
    func proportionalScaling() {
        var d = F.deployment(replicas: 20, image: "demo:green", strategy: F.strategy(surge: 3, unavailable: 2), generation: 3)
        d.annotations = ["deployment.kubernetes.io/revision": "2"]
        d["status"] = ["replicas": 11, "observedGeneration": 2]
        let old = F.replicaSet(of: d, image: "demo:blue", replicas: 8, revision: 1, created: F.t0, desired: 10, maxReplicas: 13)
        let new = F.replicaSet(of: d, image: "demo:green", replicas: 3, available: 0, revision: 2, created: F.t0 + 60, desired: 10,
                               maxReplicas: 13)
        let plan = DeploymentPlanner.plan(.init(deployment: d, replicaSets: [old, new], now: F.t0 + 120))
        let writes = plan.actions.compactMap { action -> (String, JSON?, String?)? in
            guard case .updateReplicaSet(let rs, let event) = action else { return nil }
            return (rs.name, rs[path: ["spec", "replicas"]], event?.message)
        }
        #expect(writes.map(\.0) == [old.name, new.name])
        #expect(writes.map(\.1) == [18, 5])
        #expect(writes.map(\.2) == ["Scaled up replica set \(old.name) to 18 from 8", "Scaled up replica set \(new.name) to 5 from 3"])
        #expect(plan.replicaSetWrites.allSatisfy {
            $0.annotations["deployment.kubernetes.io/desired-replicas"] == "20" && $0.annotations["deployment.kubernetes.io/max-replicas"] == "23"
        })
    }

    @Test("a ReplicaSet name taken by another template raises collisionCount instead of creating")
    func collision() {
        var d = F.deployment(replicas: 2, image: "demo:green")
        d.annotations = ["deployment.kubernetes.io/revision": "1"]
        var impostor = F.replicaSet(of: d, image: "demo:blue", replicas: 0, revision: 1, created: F.t0)
        impostor.name = DeploymentPlanner.newReplicaSetName(for: d).name
        let plan = DeploymentPlanner.plan(.init(deployment: d, replicaSets: [impostor], now: F.t0))
        #expect(!plan.actions.contains { if case .createReplicaSet = $0 { return true } else { return false } })
        guard case .updateStatus(let status)? = plan.actions.last else {
            Issue.record("expected a status write")
            return
        }
        #expect(status["collisionCount"] == 1)
        d["status"] = status
        #expect(DeploymentPlanner.newReplicaSetName(for: d).name != impostor.name)
    }

    @Test("a Deployment selecting everything only reports it")
    func selectingAll() {
        var d = F.deployment()
        d[path: ["spec", "selector"]] = .emptyObject
        let plan = DeploymentPlanner.plan(.init(deployment: d, replicaSets: [], now: F.t0))
        #expect(plan.actions == [
            .recordEvent(ControllerEvent(.warning, reason: "SelectingAll", message: "This deployment is selecting all pods. A non-empty selector is required.")),
            .updateStatus(["observedGeneration": 1]),
        ])
    }

    @Test("a steady Deployment plans nothing")
    func steady() {
        var world = Self.rolledOut(F.deployment(replicas: 3))
        world.tick()
        let plan = DeploymentPlanner.plan(.init(deployment: world.deployment, replicaSets: world.replicaSets, now: world.now))
        #expect(plan.actions.isEmpty)
        #expect(plan.requeueAfter == nil)
    }

    @Test("conditions keep their transition time when only the reason changes and ignore repeats")
    func conditionSemantics() {
        var status: JSON = .emptyObject
        DeploymentConditions.set(&status, DeploymentConditions.make("Progressing", status: "True", reason: "A", message: "a", now: F.t0))
        DeploymentConditions.set(&status, DeploymentConditions.make("Available", status: "True", reason: "X", message: "x", now: F.t0))
        DeploymentConditions.set(&status, DeploymentConditions.make("Progressing", status: "True", reason: "A", message: "changed", now: F.t0 + 10))
        #expect(DeploymentConditions.get(status, "Progressing")?["message"] == "a")
        DeploymentConditions.set(&status, DeploymentConditions.make("Progressing", status: "True", reason: "B", message: "b", now: F.t0 + 20))
        let progressing = DeploymentConditions.get(status, "Progressing")
        #expect(progressing?["lastTransitionTime"] == .string(Timestamp.format(F.t0)))
        #expect(progressing?["lastUpdateTime"] == .string(Timestamp.format(F.t0 + 20)))
        #expect(status["conditions"]?.arrayValue?.map { $0["type"]?.stringValue } == ["Available", "Progressing"])
        DeploymentConditions.set(&status, DeploymentConditions.make("Progressing", status: "False", reason: "C", message: "c", now: F.t0 + 30))
        #expect(DeploymentConditions.get(status, "Progressing")?["lastTransitionTime"] == .string(Timestamp.format(F.t0 + 30)))
    }
}
