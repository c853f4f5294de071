import KubeModel

/// The two rollout strategies (`rolling.go`, `recreate.go`).
extension DeploymentSync {
    // MARK: RollingUpdate

    /// `rolloutRolling`: scale the new ReplicaSet up within `maxSurge`, else the old ones down within
    /// `maxUnavailable`, else (complete) clean up history; then the rollout status.
    mutating func rolloutRolling() {
        let (newRS, old) = allReplicaSetsAndSyncRevision(create: true)
        guard let new = newRS, !stopped else { return }
        let all = old + [new]
        if reconcileNewReplicaSet(all: all, new: new) {
            syncRolloutStatus(all: all, new: new)
            return
        }
        if reconcileOldReplicaSets(all: all, old: active(old), new: new) {
            syncRolloutStatus(all: all, new: new)
            return
        }
        if deploymentComplete(status) { cleanup(old: current(old)) }
        syncRolloutStatus(all: all, new: new)
    }

    /// `reconcileNewReplicaSet`.
    mutating func reconcileNewReplicaSet(all: [JSON], new: JSON) -> Bool {
        let size = ReplicaSetOrder.replicas(new)
        if size == replicas { return false }
        if size > replicas { return scaleAndRecord(new, to: replicas).scaled }
        return scaleAndRecord(new, to: newReplicaSetReplicas(all: all, new: new)).scaled
    }

    /// `reconcileOldReplicaSets`: how many old pods may go is bounded by the minimum availability and by the
    /// new ReplicaSet's own unavailable pods; unhealthy old pods go first.
    mutating func reconcileOldReplicaSets(all: [JSON], old: [JSON], new: JSON) -> Bool {
        let oldPods = old.reduce(0) { $0 + ReplicaSetOrder.replicas($1) }
        if oldPods == 0 { return false }
        let allPods = all.reduce(0) { $0 + ReplicaSetOrder.replicas($1) }
        let minAvailable = replicas - maxUnavailable
        let newUnavailable = ReplicaSetOrder.replicas(new) - availableReplicas(new)
        let maxScaledDown = allPods - minAvailable - newUnavailable
        if maxScaledDown <= 0 { return false }
        guard let (cleaned, cleanedCount) = cleanupUnhealthyReplicas(old: old, maxCleanup: maxScaledDown) else { return false }
        let scaledDown = scaleDownOldReplicaSetsForRollingUpdate(all: cleaned + [new], old: cleaned)
        return cleanedCount + scaledDown > 0
    }

    /// `cleanupUnhealthyReplicas`: scales old ReplicaSets down by their unavailable pods, oldest first.
    /// Nil when a ReplicaSet reports more available pods than it wants (upstream's error, which makes the
    /// pass skip scaling down).
    mutating func cleanupUnhealthyReplicas(old: [JSON], maxCleanup: Int) -> ([JSON], Int)? {
        var list = old.sorted(by: ReplicaSetOrder.byCreation)
        var total = 0
        for index in list.indices {
            if total >= maxCleanup { break }
            let rs = list[index]
            let size = ReplicaSetOrder.replicas(rs)
            if size == 0 || size == availableReplicas(rs) { continue }
            let count = min(maxCleanup - total, size - availableReplicas(rs))
            let newSize = size - count
            if newSize > size { return nil }
            list[index] = scaleAndRecord(rs, to: newSize).rs
            total += count
        }
        return (list, total)
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: removes available old pods down to the minimum availability.
    mutating func scaleDownOldReplicaSetsForRollingUpdate(all: [JSON], old: [JSON]) -> Int {
        let minAvailable = replicas - maxUnavailable
        let available = all.reduce(0) { $0 + availableReplicas($1) }
        if available <= minAvailable { return 0 }
        let target = available - minAvailable
        var total = 0
        for rs in old.sorted(by: ReplicaSetOrder.byCreation) {
            if total >= target { break }
            let size = ReplicaSetOrder.replicas(rs)
            if size == 0 { continue }
            let count = min(size, target - total)
            scaleAndRecord(rs, to: size - count)
            total += count
        }
        return total
    }

    // MARK: Recreate

    /// `rolloutRecreate`: scale every old ReplicaSet to 0, wait until none of their pods runs, then create
    /// and scale up the new one.
    mutating func rolloutRecreate() {
        var (new, old) = allReplicaSetsAndSyncRevision(create: false)
        var all = old + [new].compactMap { $0 }
        var scaledDown = false
        for rs in active(old) {
            if scaleAndRecord(rs, to: 0).scaled { scaledDown = true }
        }
        if scaledDown || oldPodsRunning(new: new, old: old) {
            syncRolloutStatus(all: all, new: new)
            return
        }
        if new == nil {
            (new, old) = allReplicaSetsAndSyncRevision(create: true)
            guard new != nil, !stopped else { return }
            all = old + [new].compactMap { $0 }
        }
        if let rs = new { scaleAndRecord(rs, to: replicas) }
        if deploymentComplete(status) { cleanup(old: current(old)) }
        syncRolloutStatus(all: all, new: new)
    }

    /// `oldPodsRunning`: an old ReplicaSet still reports pods, or a pod of one is not yet terminal.
    func oldPodsRunning(new: JSON?, old: [JSON]) -> Bool {
        if old.reduce(0, { $0 + statusReplicas($1) }) > 0 { return true }
        for (uid, pods) in podsByReplicaSet where uid != new?.uid {
            for pod in pods {
                let phase = pod["status"]?["phase"]?.stringValue
                if phase != "Succeeded" && phase != "Failed" { return true }
            }
        }
        return false
    }
}
