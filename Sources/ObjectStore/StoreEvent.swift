import Foundation
import KubeModel

/// A committed change, as watchers receive it.
public struct StoreEvent: Sendable {
    public enum Kind: Int, Sendable {
        case added = 0
        case modified = 1
        case deleted = 2
    }

    public let kind: Kind
    /// The object after the change; for a deletion, its last state carrying the deletion revision.
    public let object: StoredObject
    /// The object before the change, when known (absent for creations, and for the oldest events replayed
    /// after a restart). Watch filters use it to turn selector transitions into ADDED/DELETED events.
    public let previous: StoredObject?
    /// When the change was committed, for time-based history retention.
    public let committedAt: Date

    public var revision: Int64 { object.revision }
    public var key: ObjectKey { object.key }
}
