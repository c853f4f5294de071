import KubeModel

/// Why a store operation failed. The API server turns these into Kubernetes `Status` errors.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case alreadyExists
        case notFound
        case conflict(current: Int64)
        case gone(requested: Int64, oldest: Int64)
        case watcherTooSlow
        case closed
        case storage(String)
    }

    let code: Code
    /// The object the operation was about, when there is one.
    public let key: ObjectKey?

    init(_ code: Code, key: ObjectKey? = nil) {
        self.code = code
        self.key = key
    }

    public var isAlreadyExists: Bool { if case .alreadyExists = code { return true }; return false }
    public var isNotFound: Bool { if case .notFound = code { return true }; return false }
    public var isConflict: Bool { if case .conflict = code { return true }; return false }
    /// The requested revision has been compacted away (HTTP 410).
    public var isGone: Bool { if case .gone = code { return true }; return false }
    public var isWatcherTooSlow: Bool { if case .watcherTooSlow = code { return true }; return false }
    public var isClosed: Bool { if case .closed = code { return true }; return false }

    /// For `isGone`: the revision asked for and the oldest one still retained.
    public var goneRevisions: (requested: Int64, oldest: Int64)? {
        if case .gone(let requested, let oldest) = code { return (requested, oldest) }
        return nil
    }

    public var description: String {
        let subject = key.map { "\($0.resource) \"\($0.name)\"" } ?? "object"
        switch code {
        case .alreadyExists: return "\(subject) already exists"
        case .notFound: return "\(subject) not found"
        case .conflict(let current): return "\(subject) was modified (now at revision \(current))"
        case .gone(let requested, let oldest): return "too old resource version: \(requested) (\(oldest))"
        case .watcherTooSlow: return "watcher fell too far behind and was closed; re-watch from the last revision"
        case .closed: return "the object store is closed"
        case .storage(let message): return "storage error: \(message)"
        }
    }
}
