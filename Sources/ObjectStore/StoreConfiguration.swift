import Foundation

/// How the object store keeps its data. Defaults suit `tack up` on a laptop.
public struct StoreConfiguration: Sendable {
    /// How hard a commit pushes data to disk before a write is acknowledged.
    public enum Durability: String, Sendable {
        /// Survives the process being killed (SIGKILL); the OS may lose the last writes on power loss.
        /// SQLite WAL with `synchronous=NORMAL`.
        case processCrash
        /// Survives power loss: every commit is fsynced (`synchronous=FULL`), as etcd does.
        case powerLoss
    }

    /// The SQLite file; `nil` keeps everything in memory (tests that need no durability).
    public var path: String?
    public var durability: Durability = .powerLoss
    /// Watch history: events younger than this are always kept for watchers that resume...
    public var historyRetention: Duration = .seconds(300)
    /// ...up to this many events; the oldest beyond it are compacted even if young.
    public var maxHistoryEvents: Int = 20_000
    /// ...and at least this many, however old.
    public var minHistoryEvents: Int = 1_000
    /// How often compaction runs.
    public var compactionInterval: Duration = .seconds(60)
    /// Events a watcher may have queued before it is closed as too slow.
    public var watcherBufferLimit: Int = 50_000

    public init(path: String? = nil) {
        self.path = path
    }
}
