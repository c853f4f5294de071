import Foundation
import KubeModel
import LocalCluster

/// Builders for Deployments, ReplicaSets and pods as the API server stores them, for the planner tests.
enum WorkloadFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func template(image: String, app: String = "web") -> JSON {
        ["metadata": ["labels": ["app": .string(app)]],
         "spec": ["containers": [["name": "main", "image": .string(image), "imagePullPolicy": "IfNotPresent"]],
                  "restartPolicy": "Always", "terminationGracePeriodSeconds": 30]]
    }

    static func deployment(name: String = "web", replicas: Int = 5, image: String = "demo:blue", strategy: JSON? = nil,
                           generation: Int64 = 1, uid: String = "uid-deploy", extraSpec: [String: JSON] = [:]) -> JSON {
        var spec: JSON = ["replicas": JSON(replicas), "selector": ["matchLabels": ["app": "web"]], "template": template(image: image),
                          "strategy": strategy ?? ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"]],
                          "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600]
        for (key, value) in extraSpec { spec[key] = value }
        return ["apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": .string(name), "namespace": "default", "uid": .string(uid), "generation": .int(generation),
                             "resourceVersion": "1", "creationTimestamp": .string(Timestamp.format(t0))],
                "spec": spec, "status": .emptyObject]
    }

    static func strategy(surge: JSON, unavailable: JSON) -> JSON {
        ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": surge, "maxUnavailable": unavailable]]
    }

    /// A ReplicaSet of `deployment` running `image`, as the Deployment controller would have made it.
    static func replicaSet(of deployment: JSON, image: String, replicas: Int, available: Int? = nil, revision: Int,
                           created: Date, desired: Int? = nil, maxReplicas: Int? = nil) -> JSON {
        var d = deployment
        d[path: ["spec", "template"]] = template(image: image)
        let (name, hash) = DeploymentPlanner.newReplicaSetName(for: d)
        var rsTemplate = template(image: image)
        rsTemplate[path: ["metadata", "labels", PodTemplateHash.labelKey]] = .string(hash)
        let want = desired ?? (deployment["spec"]?["replicas"]?.intValue ?? 1)
        let annotations: JSON = [DeploymentAnnotations.revision: .string(String(revision)),
                                 DeploymentAnnotations.desiredReplicas: .string(String(want)),
                                 DeploymentAnnotations.maxReplicas: .string(String(maxReplicas ?? want + 2))]
        let ready = available ?? replicas
        var status: JSON = ["replicas": JSON(replicas), "observedGeneration": 1]
        if ready > 0 {
            status["readyReplicas"] = JSON(ready)
            status["availableReplicas"] = JSON(ready)
        }
        return ["apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": ["name": .string(name), "namespace": "default", "uid": .string("uid-\(name)"), "generation": 1,
                             "resourceVersion": "1", "creationTimestamp": .string(Timestamp.format(created)),
                             "labels": ["app": "web", PodTemplateHash.labelKey: .string(hash)], "annotations": annotations,
                             "ownerReferences": [["apiVersion": "apps/v1", "kind": "Deployment", "name": deployment["metadata"]?["name"] ?? "web",
                                                  "uid": deployment["metadata"]?["uid"] ?? "", "controller": true, "blockOwnerDeletion": true]]],
                "spec": ["replicas": JSON(replicas), "selector": ["matchLabels": ["app": "web", PodTemplateHash.labelKey: .string(hash)]],
                         "template": rsTemplate],
                "status": status]
    }

    /// A pod with the given state; times are seconds before `t0`.
    static func pod(_ name: String, phase: String = "Running", ready: Bool = true, readyFor: TimeInterval = 3600,
                    node: String = "tack", createdAgo: TimeInterval = 7200, restarts: Int = 0, cost: Int? = nil,
                    uid: String? = nil) -> JSON {
        var conditions: [JSON] = []
        conditions.append(["type": "Ready", "status": ready ? "True" : "False",
                           "lastTransitionTime": .string(Timestamp.format(t0.addingTimeInterval(-readyFor)))])
        var pod: JSON = ["apiVersion": "v1", "kind": "Pod",
                         "metadata": ["name": .string(name), "namespace": "default", "uid": .string(uid ?? "uid-\(name)"),
                                      "creationTimestamp": .string(Timestamp.format(t0.addingTimeInterval(-createdAgo))),
                                      "labels": ["app": "web"]],
                         "spec": ["containers": [["name": "main", "image": "demo:blue"]]],
                         "status": ["phase": .string(phase), "conditions": .array(conditions),
                                    "containerStatuses": [["name": "main", "restartCount": JSON(restarts)]]]]
        if !node.isEmpty { pod[path: ["spec", "nodeName"]] = .string(node) }
        if let cost { pod[path: ["metadata", "annotations"]] = [PodDeletionOrder.deletionCostAnnotation: .string(String(cost))] }
        return pod
    }
}

/// A deterministic stand-in for the rest of the cluster around the Deployment planner: it applies the
/// planner's writes as the API server would, then plays the ReplicaSet controller (pods appear and go at
/// once, unready pods go first) and the kubelet (new pods of a healthy template become available one tick
/// later). Each tick advances the clock by a second.
struct RolloutWorld {
    var deployment: JSON
    var replicaSets: [JSON] = []
    var podsByReplicaSet: [String: [JSON]] = [:]
    var now = WorkloadFixtures.t0
    var nextUID = 0
    var events: [String] = []
    /// (new, old) sizes after every planner pass that changed one.
    var sizes: [[Int]] = []
    /// Whether pods of a template become available.
    var healthy: (JSON) -> Bool = { _ in true }
    /// Pods of ReplicaSets scaled to 0 linger this many ticks (Recreate waits for them).
    var podLinger = 0
    var lingering: [String: Int] = [:]

    init(_ deployment: JSON) { self.deployment = deployment }

    var spec: JSON { deployment["spec"] ?? .emptyObject }
    var replicas: Int { spec["replicas"]?.intValue ?? 1 }

    /// The ReplicaSet running the Deployment's template, and the others.
    var newReplicaSet: JSON? {
        replicaSets.first { PodTemplateHash.equalIgnoringHash($0["spec"]?["template"] ?? .emptyObject, spec["template"] ?? .emptyObject) }
    }

    var oldReplicaSets: [JSON] { replicaSets.filter { $0.name != newReplicaSet?.name } }

    static func size(_ rs: JSON?) -> Int { rs?["spec"]?["replicas"]?.intValue ?? 0 }
    static func available(_ rs: JSON) -> Int { rs["status"]?["availableReplicas"]?.intValue ?? 0 }

    var totalPods: Int { replicaSets.reduce(0) { $0 + ($1["status"]?["replicas"]?.intValue ?? 0) } }
    var availablePods: Int { replicaSets.reduce(0) { $0 + Self.available($1) } }

    /// Changes the template (a new generation), as `kubectl set image` would.
    mutating func setImage(_ image: String) {
        deployment[path: ["spec", "template", "spec", "containers"]] = [["name": "main", "image": .string(image), "imagePullPolicy": "IfNotPresent"]]
        deployment.generation += 1
    }

    mutating func setSpec(_ key: String, _ value: JSON) {
        deployment[path: ["spec", key]] = value
        deployment.generation += 1
    }

    /// One planner pass, its writes applied.
    @discardableResult
    mutating func deploymentPass() -> DeploymentPlanner.Plan {
        let before = [Self.size(newReplicaSet), oldReplicaSets.reduce(0) { $0 + Self.size($1) }]
        let plan = DeploymentPlanner.plan(.init(deployment: deployment, replicaSets: replicaSets, podsByReplicaSet: podsByReplicaSet, now: now))
        for action in plan.actions {
            switch action {
            case .createReplicaSet(var rs, let event):
                nextUID += 1
                rs.uid = "uid-rs-\(nextUID)"
                rs.generation = 1
                rs[path: ["metadata", "creationTimestamp"]] = .string(Timestamp.format(now))
                rs["status"] = ["replicas": 0]
                replicaSets.append(rs)
                if let event { events.append(event.message) }
            case .updateReplicaSet(var rs, let event):
                guard let index = replicaSets.firstIndex(where: { $0.name == rs.name }) else { continue }
                if replicaSets[index]["spec"] != rs["spec"] { rs.generation = replicaSets[index].generation + 1 }
                replicaSets[index] = rs
                if let event { events.append(event.message) }
            case .deleteReplicaSet(let rs):
                replicaSets.removeAll { $0.name == rs.name }
                events.append("deleted \(rs.name)")
            case .setRevision(let revision):
                var annotations = deployment.annotations
                annotations[DeploymentAnnotations.revision] = revision
                deployment.annotations = annotations
            case .updateStatus(let status):
                deployment["status"] = status
            case .recordEvent(let event):
                events.append(event.message)
            }
        }
        let after = [Self.size(newReplicaSet), oldReplicaSets.reduce(0) { $0 + Self.size($1) }]
        if after != before { sizes.append(after) }
        return plan
    }

    /// The ReplicaSet controller: pods to match each spec at once, unavailable ones removed first.
    mutating func replicaSetPass() {
        for index in replicaSets.indices {
            var rs = replicaSets[index]
            let size = Self.size(rs)
            let previous = rs["status"]?["replicas"]?.intValue ?? 0
            let available = min(Self.available(rs), size)
            if podLinger > 0 && size < previous { lingering[rs.uid] = podLinger }
            var status: JSON = ["replicas": JSON(size), "observedGeneration": .int(rs.generation)]
            if available > 0 {
                status["readyReplicas"] = JSON(available)
                status["availableReplicas"] = JSON(available)
            }
            rs["status"] = status
            replicaSets[index] = rs
            var pods: [JSON] = (0..<size).map { ["metadata": ["name": .string("\(rs.name)-\($0)")], "status": ["phase": "Running"]] }
            if let ticks = lingering[rs.uid], ticks > 0 {
                pods += [["metadata": ["name": .string("\(rs.name)-terminating")], "status": ["phase": "Running"]]]
                lingering[rs.uid] = ticks - 1
            }
            podsByReplicaSet[rs.uid] = pods
        }
    }

    /// The kubelet: pods of healthy templates become available.
    mutating func kubeletPass() {
        for index in replicaSets.indices where healthy(replicaSets[index]["spec"]?["template"] ?? .emptyObject) {
            let size = Self.size(replicaSets[index])
            if size > 0 {
                replicaSets[index][path: ["status", "readyReplicas"]] = JSON(size)
                replicaSets[index][path: ["status", "availableReplicas"]] = JSON(size)
            }
        }
    }

    /// A full tick; `check` runs after every pass (the moments an observer could see).
    mutating func tick(check: (RolloutWorld) -> Void = { _ in }) {
        deploymentPass()
        check(self)
        replicaSetPass()
        check(self)
        kubeletPass()
        check(self)
        now = now.addingTimeInterval(1)
    }

    var progressing: JSON? { DeploymentConditions.get(deployment["status"] ?? .emptyObject, DeploymentConditions.progressing) }

    /// True once the status says the rollout is complete.
    var complete: Bool {
        let status = deployment["status"] ?? .emptyObject
        return progressing?["reason"]?.stringValue == DeploymentConditions.newReplicaSetAvailableReason
            && status["updatedReplicas"]?.intValue == replicas && status["availableReplicas"]?.intValue == replicas
            && status["replicas"]?.intValue == replicas && status["observedGeneration"]?.int64Value == deployment.generation
    }

    /// Ticks until complete (at most `limit` ticks); returns the ticks taken.
    @discardableResult
    mutating func runUntilComplete(limit: Int = 60, check: (RolloutWorld) -> Void = { _ in }) -> Int {
        for tick in 1...limit {
            self.tick(check: check)
            if complete { return tick }
        }
        return limit + 1
    }
}
