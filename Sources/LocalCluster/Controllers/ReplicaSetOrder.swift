import Foundation
import KubeModel

/// The orders the Deployment controller sorts ReplicaSets in (`controller.ReplicaSetsByCreationTimestamp`,
/// `ReplicaSetsBySizeOlder`, `ReplicaSetsBySizeNewer`, `deploymentutil.ReplicaSetsByRevision`). Creation
/// times have second precision, so names break ties, as upstream.
public enum ReplicaSetOrder {
    /// Oldest first; equal times by name.
    public static func byCreation(_ a: JSON, _ b: JSON) -> Bool {
        let ta = created(a), tb = created(b)
        if ta == tb { return a.name < b.name }
        return ta < tb
    }

    /// Larger first; equal sizes oldest first (scaling down takes from older ReplicaSets first).
    public static func bySizeOlder(_ a: JSON, _ b: JSON) -> Bool {
        let ra = replicas(a), rb = replicas(b)
        if ra == rb { return byCreation(a, b) }
        return ra > rb
    }

    /// Larger first; equal sizes newest first (scaling up gives to newer ReplicaSets first).
    public static func bySizeNewer(_ a: JSON, _ b: JSON) -> Bool {
        let ra = replicas(a), rb = replicas(b)
        if ra == rb { return byCreation(b, a) }
        return ra > rb
    }

    /// Lowest revision first; unparsable or equal revisions by creation.
    public static func byRevision(_ a: JSON, _ b: JSON) -> Bool {
        guard let ra = DeploymentAnnotations.revision(of: a), let rb = DeploymentAnnotations.revision(of: b), ra != rb else {
            return byCreation(a, b)
        }
        return ra < rb
    }

    /// `spec.replicas` (1 when unset, the API default).
    static func replicas(_ rs: JSON) -> Int { rs["spec"]?["replicas"]?.intValue ?? 1 }

    /// The creation time; a ReplicaSet without one is being created right now, so it is the newest.
    static func created(_ rs: JSON) -> Date {
        rs.creationTimestamp.flatMap(Timestamp.parse) ?? .distantFuture
    }
}
