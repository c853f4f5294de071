import Foundation
import KubeModel

/// What the Deployment controller does about one Deployment, decided without I/O: given the Deployment,
/// the ReplicaSets it controls and their pods, the writes that move it one step towards its spec
/// (`pkg/controller/deployment`: `syncDeployment`, `sync.go`, `rolling.go`, `recreate.go`, `progress.go`).
///
/// The planner runs upstream's sync on an in-memory copy: each write it plans is applied to that copy, so
/// later decisions of the same pass see it, exactly as upstream continues with the objects its writes
/// returned. The reconciler executes the actions in order and stops at the first failure; the next pass
/// starts again from the caches (every step is level-based and idempotent).
public enum DeploymentPlanner {
    /// What the planner looks at.
    public struct Input: Sendable {
        /// The Deployment (from the cache).
        public var deployment: JSON
        /// The ReplicaSets it controls (after adoption and release).
        public var replicaSets: [JSON]
        /// Pods of those ReplicaSets by ReplicaSet UID, in every phase (Recreate waits for old pods to be gone).
        public var podsByReplicaSet: [String: [JSON]]
        /// The current time (conditions, progress deadlines).
        public var now: Date

        /// The input of one pass.
        public init(deployment: JSON, replicaSets: [JSON], podsByReplicaSet: [String: [JSON]] = [:], now: Date) {
            self.deployment = deployment
            self.replicaSets = replicaSets
            self.podsByReplicaSet = podsByReplicaSet
            self.now = now
        }
    }

    /// One write.
    public enum Action: Equatable, Sendable {
        /// Create this ReplicaSet; record the event once created.
        case createReplicaSet(JSON, event: ControllerEvent?)
        /// Replace this ReplicaSet (its `resourceVersion` is the precondition); record the event once done.
        case updateReplicaSet(JSON, event: ControllerEvent?)
        /// Delete this old ReplicaSet (history cleanup).
        case deleteReplicaSet(JSON)
        /// Set the Deployment's `deployment.kubernetes.io/revision` annotation.
        case setRevision(String)
        /// Replace the Deployment's status through `/status`.
        case updateStatus(JSON)
        /// Record an event about the Deployment.
        case recordEvent(ControllerEvent)
    }

    /// The outcome of a pass.
    public struct Plan: Equatable, Sendable {
        /// The writes, in order.
        public var actions: [Action] = []
        /// Look again after this long even if nothing changes (a progress deadline to check).
        public var requeueAfter: Duration?
        /// Why the Deployment cannot be rolled (an unknown strategy); the reconciler reports and retries.
        public var error: String?

        /// A plan with the given parts.
        public init(actions: [Action] = [], requeueAfter: Duration? = nil, error: String? = nil) {
            self.actions = actions
            self.requeueAfter = requeueAfter
            self.error = error
        }

        /// The ReplicaSets this plan creates or updates, in order, for tests and logs.
        public var replicaSetWrites: [JSON] {
            actions.compactMap {
                switch $0 {
                case .createReplicaSet(let rs, _), .updateReplicaSet(let rs, _): return rs
                default: return nil
                }
            }
        }
    }

    /// The writes of one sync of `input.deployment`.
    public static func plan(_ input: Input) -> Plan {
        var sync = DeploymentSync(input)
        sync.run()
        return sync.finish()
    }

    /// The status to write when creating the new ReplicaSet failed with `message`: `Progressing` False with
    /// `ReplicaSetCreateError` (nil when the Deployment has no progress deadline).
    public static func failedCreateStatus(deployment: JSON, message: String, now: Date) -> JSON? {
        let sync = DeploymentSync(Input(deployment: deployment, replicaSets: [], now: now))
        guard sync.hasProgressDeadline else { return nil }
        var status = deployment["status"] ?? .emptyObject
        DeploymentConditions.set(&status, DeploymentConditions.make(DeploymentConditions.progressing, status: "False",
                                                                     reason: DeploymentConditions.failedReplicaSetCreateReason,
                                                                     message: message, now: now))
        return status
    }

    /// The status with `collisionCount` raised by one, after the new ReplicaSet's name turned out to be
    /// taken by a ReplicaSet with another template (a hash collision).
    public static func collisionStatus(deployment: JSON) -> JSON {
        var status = deployment["status"] ?? .emptyObject
        status["collisionCount"] = JSON((status["collisionCount"]?.intValue ?? 0) + 1)
        return status
    }

    /// The name and `pod-template-hash` of the ReplicaSet that would run the Deployment's current template.
    public static func newReplicaSetName(for deployment: JSON) -> (name: String, hash: String) {
        let hash = PodTemplateHash.compute(template: deployment["spec"]?["template"] ?? .emptyObject,
                                           collisionCount: deployment["status"]?["collisionCount"]?.intValue)
        return ("\(deployment.name)-\(hash)", hash)
    }
}

/// The working state of one planning pass: upstream's `DeploymentController` methods over an in-memory
/// Deployment and ReplicaSet list.
struct DeploymentSync {
    var d: JSON
    let originalStatus: JSON
    let originalRevision: String?
    var replicaSets: [JSON]
    let podsByReplicaSet: [String: [JSON]]
    let now: Date
    var actions: [DeploymentPlanner.Action] = []
    var requeueAfter: Duration?
    var error: String?
    /// Set when the pass must stop early (a collision was found).
    var stopped = false

    init(_ input: DeploymentPlanner.Input) {
        d = input.deployment
        originalStatus = input.deployment["status"] ?? .emptyObject
        originalRevision = input.deployment.annotations[DeploymentAnnotations.revision]
        replicaSets = input.replicaSets
        podsByReplicaSet = input.podsByReplicaSet
        now = input.now
        if !(d["status"]?.isObject ?? false) { d["status"] = .emptyObject }
    }

    // MARK: The Deployment's spec, with apps/v1 defaults for anything missing

    var spec: JSON { d["spec"] ?? .emptyObject }
    var replicas: Int { spec["replicas"]?.intValue ?? 1 }
    var paused: Bool { spec["paused"]?.boolValue ?? false }
    var minReadySeconds: Int { spec["minReadySeconds"]?.intValue ?? 0 }
    var strategy: DeploymentStrategy { DeploymentStrategy(spec: spec) }
    var maxSurge: Int { strategy.maxSurge(replicas: replicas) }
    var maxUnavailable: Int { strategy.maxUnavailable(replicas: replicas) }
    var template: JSON { spec["template"] ?? .emptyObject }
    var status: JSON {
        get { d["status"] ?? .emptyObject }
        set { d["status"] = newValue }
    }
    /// `HasProgressDeadline`: set and not MaxInt32 (the default is 600).
    var hasProgressDeadline: Bool { progressDeadlineSeconds != Int(Int32.max) }
    var progressDeadlineSeconds: Int { spec["progressDeadlineSeconds"]?.intValue ?? 600 }
    /// `HasRevisionHistoryLimit`: nil means keep everything (MaxInt32); the default is 10.
    var revisionHistoryLimit: Int? {
        let limit = spec["revisionHistoryLimit"]?.intValue ?? 10
        return limit == Int(Int32.max) ? nil : limit
    }

    var selectsEverything: Bool {
        guard let selector = spec["selector"], selector.isObject else { return true }
        return (selector["matchLabels"]?.count ?? 0) == 0 && (selector["matchExpressions"]?.count ?? 0) == 0
    }

    // MARK: The pass

    /// `syncDeployment` from the point where the ReplicaSets have been claimed.
    mutating func run() {
        if selectsEverything {
            actions.append(.recordEvent(ControllerEvent(.warning, reason: "SelectingAll",
                                                        message: "This deployment is selecting all pods. A non-empty selector is required.")))
            if (status["observedGeneration"]?.int64Value ?? 0) < d.generation { status["observedGeneration"] = .int(d.generation) }
            return
        }
        if d.isBeingDeleted {
            syncStatusOnly()
            return
        }
        checkPausedConditions()
        if paused {
            syncScaling()
            return
        }
        if isScalingEvent() {
            syncScaling()
            return
        }
        switch strategy {
        case .recreate: rolloutRecreate()
        case .rollingUpdate: rolloutRolling()
        case .unsupported(let type): error = "unexpected deployment strategy type: \(type)"
        }
    }

    /// The plan: the actions, then the revision annotation and the status when they changed, or a
    /// requeue for a progress check when nothing did.
    mutating func finish() -> DeploymentPlanner.Plan {
        var plan = DeploymentPlanner.Plan(actions: actions, requeueAfter: requeueAfter, error: error)
        if let revision = d.annotations[DeploymentAnnotations.revision], revision != originalRevision {
            plan.actions.append(.setRevision(revision))
        }
        if status != originalStatus {
            plan.actions.append(.updateStatus(status))
            plan.requeueAfter = nil
        }
        return plan
    }

    // MARK: Finding the new and old ReplicaSets

    /// `getAllReplicaSetsAndSyncRevision`: the ReplicaSet running the current template (created when asked
    /// and missing) and all others, oldest first.
    mutating func allReplicaSetsAndSyncRevision(create: Bool) -> (new: JSON?, old: [JSON]) {
        let sorted = replicaSets.sorted(by: ReplicaSetOrder.byCreation)
        let existing = sorted.first { PodTemplateHash.equalIgnoringHash($0["spec"]?["template"] ?? .emptyObject, template) }
        let old = sorted.filter { $0.name != existing?.name }
        let new = newReplicaSet(existing: existing, old: old, create: create)
        return (new, old)
    }

    /// `getNewReplicaSet`.
    mutating func newReplicaSet(existing: JSON?, old: [JSON], create: Bool) -> JSON? {
        let newRevision = String(DeploymentAnnotations.maxRevision(old) + 1)
        if var rs = existing {
            let annotationsChanged = DeploymentAnnotations.setNewReplicaSetAnnotations(
                deployment: d, rs: &rs, newRevision: newRevision, exists: true, desiredReplicas: replicas, maxReplicas: replicas + maxSurge)
            let rsMinReady = rs["spec"]?["minReadySeconds"]?.intValue ?? 0
            if annotationsChanged || rsMinReady != minReadySeconds {
                rs[path: ["spec", "minReadySeconds"]] = minReadySeconds == 0 ? JSON?.none : JSON(minReadySeconds)
                return write(rs, event: nil)
            }
            setRevision(rs.annotations[DeploymentAnnotations.revision] ?? "")
            if hasProgressDeadline && DeploymentConditions.get(status, DeploymentConditions.progressing) == nil {
                DeploymentConditions.set(&status, DeploymentConditions.make(
                    DeploymentConditions.progressing, status: "True", reason: DeploymentConditions.foundNewReplicaSetReason,
                    message: "Found new replica set \(quoted(rs.name))", now: now))
            }
            return rs
        }
        guard create else { return nil }

        let (name, hash) = DeploymentPlanner.newReplicaSetName(for: d)
        if replicaSets.contains(where: { $0.name == name }) {
            // The name is taken by a ReplicaSet of ours with another template: a hash collision.
            status = DeploymentPlanner.collisionStatus(deployment: d)
            stopped = true
            return nil
        }
        var rsTemplate = template
        var templateLabels = rsTemplate["metadata"]?["labels"]?.objectValue ?? [:]
        templateLabels[PodTemplateHash.labelKey] = .string(hash)
        rsTemplate[path: ["metadata", "labels"]] = .object(templateLabels)
        var selector = spec["selector"] ?? .emptyObject
        var matchLabels = selector["matchLabels"]?.objectValue ?? [:]
        matchLabels[PodTemplateHash.labelKey] = .string(hash)
        selector["matchLabels"] = .object(matchLabels)
        var owner = d
        if owner.apiVersion.isEmpty { owner["apiVersion"] = "apps/v1" }
        if owner.kind.isEmpty { owner["kind"] = "Deployment" }

        var rs: JSON = [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": ["name": .string(name), "namespace": .string(d.namespace), "labels": .object(templateLabels),
                         "ownerReferences": [ControllerRefClaim.controllerReference(to: owner).json]],
            "spec": ["replicas": 0, "selector": selector, "template": rsTemplate],
        ]
        if minReadySeconds > 0 { rs[path: ["spec", "minReadySeconds"]] = JSON(minReadySeconds) }
        let newReplicas = newReplicaSetReplicas(all: old + [rs], new: rs)
        rs[path: ["spec", "replicas"]] = JSON(newReplicas)
        DeploymentAnnotations.setNewReplicaSetAnnotations(deployment: d, rs: &rs, newRevision: newRevision, exists: false,
                                                          desiredReplicas: replicas, maxReplicas: replicas + maxSurge)
        let event = newReplicas > 0
            ? ControllerEvent(reason: "ScalingReplicaSet", message: "Scaled up replica set \(name) to \(newReplicas)") : nil
        actions.append(.createReplicaSet(rs, event: event))
        replicaSets.append(rs)
        setRevision(newRevision)
        if hasProgressDeadline {
            DeploymentConditions.set(&status, DeploymentConditions.make(
                DeploymentConditions.progressing, status: "True", reason: DeploymentConditions.newReplicaSetReason,
                message: "Created new replica set \(quoted(name))", now: now))
        }
        return rs
    }

    /// `NewRSNewReplicas`: how far the new ReplicaSet may grow now.
    func newReplicaSetReplicas(all: [JSON], new: JSON) -> Int {
        let newReplicas = ReplicaSetOrder.replicas(new)
        switch strategy {
        case .rollingUpdate:
            let current = all.reduce(0) { $0 + ReplicaSetOrder.replicas($1) }
            let maxTotal = replicas + maxSurge
            if current >= maxTotal { return newReplicas }
            return newReplicas + min(maxTotal - current, replicas - newReplicas)
        case .recreate, .unsupported:
            return replicas
        }
    }

    mutating func setRevision(_ revision: String) {
        var annotations = d.annotations
        annotations[DeploymentAnnotations.revision] = revision
        d.annotations = annotations
    }

    // MARK: Writing ReplicaSets in the model

    /// Plans a replace of `rs` and applies it to the model (a spec change bumps `generation` there, as the
    /// API server will).
    mutating func write(_ rs: JSON, event: ControllerEvent?) -> JSON {
        actions.append(.updateReplicaSet(rs, event: event))
        var stored = rs
        if let index = replicaSets.firstIndex(where: { $0.name == rs.name }) {
            if replicaSets[index]["spec"] != rs["spec"] { stored.generation = replicaSets[index].generation + 1 }
            replicaSets[index] = stored
        }
        return stored
    }

    /// `scaleReplicaSetAndRecordEvent`: nothing when the size is already right.
    @discardableResult
    mutating func scaleAndRecord(_ rs: JSON, to newScale: Int) -> (scaled: Bool, rs: JSON) {
        let current = ReplicaSetOrder.replicas(rs)
        if current == newScale { return (false, rs) }
        return scale(rs, to: newScale, operation: current < newScale ? "up" : "down")
    }

    /// `scaleReplicaSet`: sets the size and the replica annotations; the event only for a size change.
    @discardableResult
    mutating func scale(_ rs: JSON, to newScale: Int, operation: String) -> (scaled: Bool, rs: JSON) {
        let current = ReplicaSetOrder.replicas(rs)
        let sizeChanges = current != newScale
        let maxReplicas = replicas + maxSurge
        guard sizeChanges || DeploymentAnnotations.replicasAnnotationsNeedUpdate(rs, desired: replicas, max: maxReplicas) else {
            return (false, rs)
        }
        var copy = rs
        copy[path: ["spec", "replicas"]] = JSON(newScale)
        DeploymentAnnotations.setReplicasAnnotations(&copy, desired: replicas, max: maxReplicas)
        let event = sizeChanges
            ? ControllerEvent(reason: "ScalingReplicaSet", message: "Scaled \(operation) replica set \(rs.name) to \(newScale) from \(current)")
            : nil
        return (sizeChanges, write(copy, event: event))
    }

    // MARK: Scaling events and paused Deployments (sync.go)

    /// `isScalingEvent`: an active ReplicaSet was sized for another `spec.replicas`.
    mutating func isScalingEvent() -> Bool {
        let (new, old) = allReplicaSetsAndSyncRevision(create: false)
        for rs in active(old + [new].compactMap { $0 }) {
            if let desired = DeploymentAnnotations.intValue(rs, DeploymentAnnotations.desiredReplicas), desired != replicas {
                return true
            }
        }
        return false
    }

    /// `sync`: scale (proportionally during a rollout), clean up history when paused, update the status.
    mutating func syncScaling() {
        let (new, old) = allReplicaSetsAndSyncRevision(create: false)
        scaleProportionally(new: new, old: old)
        if paused { cleanup(old: current(old)) }
        syncDeploymentStatus(all: old + [new].compactMap { $0 }, new: new)
    }

    /// `syncStatusOnly`, for Deployments being deleted.
    mutating func syncStatusOnly() {
        let (new, old) = allReplicaSetsAndSyncRevision(create: false)
        syncDeploymentStatus(all: old + [new].compactMap { $0 }, new: new)
    }

    /// `scale`.
    mutating func scaleProportionally(new: JSON?, old: [JSON]) {
        if let only = activeOrLatest(new: new, old: old) {
            if ReplicaSetOrder.replicas(only) != replicas { scaleAndRecord(only, to: replicas) }
            return
        }
        if isSaturated(new) {
            for rs in active(old) { scaleAndRecord(rs, to: 0) }
            return
        }
        guard strategy.isRollingUpdate else { return }
        var all = active(old + [new].compactMap { $0 })
        let total = all.reduce(0) { $0 + ReplicaSetOrder.replicas($1) }
        let allowed = replicas > 0 ? replicas + maxSurge : 0
        let toAdd = allowed - total
        var operation = ""
        if toAdd > 0 {
            all.sort(by: ReplicaSetOrder.bySizeNewer)
            operation = "up"
        } else if toAdd < 0 {
            all.sort(by: ReplicaSetOrder.bySizeOlder)
            operation = "down"
        }
        var added = 0
        var sizes: [Int] = []
        for rs in all {
            if toAdd != 0 {
                let proportion = self.proportion(of: rs, toAdd: toAdd, added: added)
                sizes.append(ReplicaSetOrder.replicas(rs) + proportion)
                added += proportion
            } else {
                sizes.append(ReplicaSetOrder.replicas(rs))
            }
        }
        for (index, rs) in all.enumerated() {
            var size = sizes[index]
            if index == 0 && toAdd != 0 { size = max(0, size + toAdd - added) }
            scale(rs, to: size, operation: operation)
        }
    }

    /// `GetProportion`.
    func proportion(of rs: JSON, toAdd: Int, added: Int) -> Int {
        let size = ReplicaSetOrder.replicas(rs)
        if size == 0 || toAdd == 0 || toAdd == added { return 0 }
        let fraction = self.fraction(of: rs)
        let allowed = toAdd - added
        return toAdd > 0 ? min(fraction, allowed) : max(fraction, allowed)
    }

    /// `getReplicaSetFraction`: the ReplicaSet's share of the new total, from the total it was sized for.
    func fraction(of rs: JSON) -> Int {
        let size = ReplicaSetOrder.replicas(rs)
        if replicas == 0 { return -size }
        let deploymentReplicas = replicas + maxSurge
        let annotated = DeploymentAnnotations.intValue(rs, DeploymentAnnotations.maxReplicas)
            ?? status["replicas"]?.intValue ?? 0
        guard annotated != 0 else { return 0 }
        let newSize = Double(size * deploymentReplicas) / Double(annotated)
        return Int(newSize.rounded()) - size
    }

    /// `FindActiveOrLatest`: the only active ReplicaSet, or the newest when none is active; nil when
    /// several are active.
    func activeOrLatest(new: JSON?, old: [JSON]) -> JSON? {
        if new == nil && old.isEmpty { return nil }
        let newestFirst = old.sorted(by: ReplicaSetOrder.byCreation).reversed()
        let all = active(Array(newestFirst) + [new].compactMap { $0 })
        switch all.count {
        case 0: return new ?? newestFirst.first
        case 1: return all[0]
        default: return nil
        }
    }

    /// `IsSaturated`: the new ReplicaSet holds all desired replicas, knows it, and all are available.
    func isSaturated(_ rs: JSON?) -> Bool {
        guard let rs, let desired = DeploymentAnnotations.intValue(rs, DeploymentAnnotations.desiredReplicas) else { return false }
        return ReplicaSetOrder.replicas(rs) == replicas && desired == replicas && availableReplicas(rs) == replicas
    }

    /// `cleanupDeployment`: deletes the oldest ReplicaSets beyond `revisionHistoryLimit` that are scaled to
    /// 0, have no pods and whose controller has seen their latest spec.
    mutating func cleanup(old: [JSON]) {
        guard let limit = revisionHistoryLimit else { return }
        var cleanable = old.filter { !$0.isBeingDeleted }
        let excess = cleanable.count - limit
        guard excess > 0 else { return }
        cleanable.sort(by: ReplicaSetOrder.byRevision)
        for rs in cleanable.prefix(excess) {
            let observed = rs["status"]?["observedGeneration"]?.int64Value ?? 0
            if statusReplicas(rs) != 0 || ReplicaSetOrder.replicas(rs) != 0 || rs.generation > observed || rs.isBeingDeleted { continue }
            actions.append(.deleteReplicaSet(rs))
            replicaSets.removeAll { $0.name == rs.name }
        }
    }

    // MARK: Small helpers

    /// The model's current copies of `list` (after writes of this pass).
    func current(_ list: [JSON]) -> [JSON] {
        list.compactMap { rs in replicaSets.first { $0.name == rs.name } }
    }

    /// `FilterActiveReplicaSets`: `spec.replicas > 0`.
    func active(_ list: [JSON]) -> [JSON] { list.filter { ReplicaSetOrder.replicas($0) > 0 } }

    func statusReplicas(_ rs: JSON) -> Int { rs["status"]?["replicas"]?.intValue ?? 0 }
    func availableReplicas(_ rs: JSON) -> Int { rs["status"]?["availableReplicas"]?.intValue ?? 0 }
    func readyReplicas(_ rs: JSON) -> Int { rs["status"]?["readyReplicas"]?.intValue ?? 0 }

    /// Go's `%q` for the names in condition messages (names never need escaping).
    func quoted(_ name: String) -> String { "\"\(name)\"" }
}
