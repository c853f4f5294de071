import KubeModel

/// The annotations a Deployment and its ReplicaSets carry (`deploymentutil`), and the rules for copying them.
/// `kubectl rollout history|undo` read `revision` and the copied annotations (`kubernetes.io/change-cause`)
/// from the ReplicaSets.
public enum DeploymentAnnotations {
    /// The rollout sequence number of a ReplicaSet, and the Deployment's current one.
    public static let revision = "deployment.kubernetes.io/revision"
    /// Earlier revisions a ReplicaSet served (it was rolled back to), comma-separated.
    public static let revisionHistory = "deployment.kubernetes.io/revision-history"
    /// `spec.replicas` of the Deployment when the ReplicaSet was last scaled.
    public static let desiredReplicas = "deployment.kubernetes.io/desired-replicas"
    /// `spec.replicas + maxSurge` of the Deployment when the ReplicaSet was last scaled.
    public static let maxReplicas = "deployment.kubernetes.io/max-replicas"
    /// The annotation `extensions/v1beta1` clients used to ask for a rollback.
    public static let deprecatedRollbackTo = "deprecated.deployment.rollback.to"
    static let lastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration"

    /// Annotations never copied between a Deployment and its ReplicaSets (`annotationsToSkip`).
    public static let notCopied: Set<String> = [lastAppliedConfiguration, revision, revisionHistory, desiredReplicas, maxReplicas,
                                                deprecatedRollbackTo]

    /// The revision history annotation keeps at most this many characters (`maxRevHistoryLengthInChars`).
    public static let maxRevisionHistoryLength = 2000

    /// The revision of an object: 0 when unannotated, nil when the annotation is not a number.
    public static func revision(of object: JSON) -> Int64? {
        guard let text = object.annotations[revision] else { return 0 }
        return Int64(text)
    }

    /// The highest revision among `replicaSets` (unparsable ones skipped).
    public static func maxRevision(_ replicaSets: [JSON]) -> Int64 {
        replicaSets.compactMap(revision(of:)).max().map { max($0, 0) } ?? 0
    }

    /// An integer annotation of a ReplicaSet (`getIntFromAnnotation`).
    public static func intValue(_ object: JSON, _ key: String) -> Int? {
        object.annotations[key].flatMap { Int($0) }
    }

    /// Copies the Deployment's annotations (except `notCopied`) to the ReplicaSet; true when any changed.
    @discardableResult
    public static func copyDeploymentAnnotations(from deployment: JSON, to rs: inout JSON) -> Bool {
        var annotations = rs.annotations
        var changed = false
        for (key, value) in deployment.annotations where !notCopied.contains(key) && annotations[key] != value {
            annotations[key] = value
            changed = true
        }
        if changed { rs.annotations = annotations }
        return changed
    }

    /// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, raises the ReplicaSet's revision
    /// to `newRevision` when it is lower (recording the old one in the revision history, which is how a
    /// rollback shows), and for a ReplicaSet about to be created sets the replica annotations. True when any
    /// annotation changed.
    @discardableResult
    public static func setNewReplicaSetAnnotations(deployment: JSON, rs: inout JSON, newRevision: String, exists: Bool,
                                                   desiredReplicas: Int, maxReplicas: Int) -> Bool {
        var changed = copyDeploymentAnnotations(from: deployment, to: &rs)
        var annotations = rs.annotations
        let oldRevision = annotations[revision]
        let oldValue: Int64
        if let oldRevision {
            guard let parsed = Int64(oldRevision) else { return false }
            oldValue = parsed
        } else {
            oldValue = 0
        }
        guard let newValue = Int64(newRevision) else { return false }
        if oldValue < newValue {
            annotations[revision] = newRevision
            changed = true
            if let oldRevision {
                let history = annotations[revisionHistory] ?? ""
                if history.isEmpty {
                    annotations[revisionHistory] = oldRevision
                } else {
                    var entries = history.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    var total = history.count + oldRevision.count + 1
                    var start = 0
                    while total > maxRevisionHistoryLength && start < entries.count {
                        total -= entries[start].count + 1
                        start += 1
                    }
                    if total <= maxRevisionHistoryLength {
                        entries = Array(entries[start...]) + [oldRevision]
                        annotations[revisionHistory] = entries.joined(separator: ",")
                    }
                }
            }
        }
        rs.annotations = annotations
        if !exists && setReplicasAnnotations(&rs, desired: desiredReplicas, max: maxReplicas) { changed = true }
        return changed
    }

    /// Sets `desired-replicas` and `max-replicas`; true when either changed.
    @discardableResult
    public static func setReplicasAnnotations(_ rs: inout JSON, desired: Int, max: Int) -> Bool {
        guard replicasAnnotationsNeedUpdate(rs, desired: desired, max: max) else { return false }
        var annotations = rs.annotations
        annotations[desiredReplicas] = String(desired)
        annotations[maxReplicas] = String(max)
        rs.annotations = annotations
        return true
    }

    /// True when `desired-replicas` or `max-replicas` differ from the given values.
    public static func replicasAnnotationsNeedUpdate(_ rs: JSON, desired: Int, max: Int) -> Bool {
        let annotations = rs.annotations
        return annotations[desiredReplicas] != String(desired) || annotations[maxReplicas] != String(max)
    }
}
