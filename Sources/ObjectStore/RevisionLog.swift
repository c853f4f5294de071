import Foundation
import GRDB
import KubeModel

/// The durable half of the store: an append-only log of revisions in SQLite plus a table that points each
/// live object at its latest revision. Object bytes are written once, in the revision row.
///
///     revisions(rev PRIMARY KEY, kind, resource, namespace, name, data)   -- kind: 0 added, 1 modified, 2 deleted
///     objects(resource, namespace, name PRIMARY KEY..., rev)              -- live objects
///     meta(key PRIMARY KEY, value)                                        -- "revision", "compacted"
///
/// Compaction deletes revision rows older than the compaction point that no live object points at.
final class RevisionLog: Sendable {
    private let queue: DatabaseQueue

    struct Row: Sendable {
        var revision: Int64
        var kind: StoreEvent.Kind
        var key: ObjectKey
        var data: [UInt8]
    }

    struct Loaded: Sendable {
        var objects: [StoredObject]
        var history: [Row]
        var revision: Int64
        var compacted: Int64
    }

    init(configuration: StoreConfiguration) throws {
        var config = Configuration()
        config.journalMode = configuration.path == nil ? .default : .wal
        config.busyMode = .timeout(5)
        let synchronous = configuration.durability == .powerLoss ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        if let path = configuration.path {
            queue = try DatabaseQueue(path: path, configuration: config)
        } else {
            queue = try DatabaseQueue(configuration: config)
        }
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS revisions (
                    rev INTEGER PRIMARY KEY, kind INTEGER NOT NULL, resource TEXT NOT NULL,
                    namespace TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS objects (
                    resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, rev INTEGER NOT NULL,
                    PRIMARY KEY (resource, namespace, name)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS objects_rev ON objects(rev);
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0), ('compacted', 0);
                """)
        }
    }

    static func resourceText(_ r: GroupResource) -> String { r.group.isEmpty ? r.resource : "\(r.resource).\(r.group)" }

    static func groupResource(_ text: String) -> GroupResource {
        if let dot = text.firstIndex(of: ".") {
            return GroupResource(group: String(text[text.index(after: dot)...]), resource: String(text[..<dot]))
        }
        return GroupResource(group: "", resource: text)
    }

    /// Reads the live objects and the retained history.
    func load() throws -> Loaded {
        try queue.read { db in
            let revision = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? 0
            let compacted = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
            var objects: [StoredObject] = []
            let cursor = try GRDB.Row.fetchCursor(db, sql: """
                SELECT o.resource, o.namespace, o.name, r.rev, r.data FROM objects o JOIN revisions r ON r.rev = o.rev
                """)
            while let row = try cursor.next() {
                let key = ObjectKey(resource: Self.groupResource(row[0]), namespace: row[1], name: row[2])
                let data: Data = row[4]
                let bytes = [UInt8](data)
                objects.append(StoredObject(key: key, revision: row[3], data: bytes, object: (try? JSON.parse(bytes)) ?? .emptyObject))
            }
            var history: [Row] = []
            let historyCursor = try GRDB.Row.fetchCursor(db, sql: """
                SELECT rev, kind, resource, namespace, name, data FROM revisions WHERE rev > ? ORDER BY rev
                """, arguments: [compacted])
            while let row = try historyCursor.next() {
                let data: Data = row[5]
                history.append(Row(
                    revision: row[0], kind: StoreEvent.Kind(rawValue: row[1]) ?? .modified,
                    key: ObjectKey(resource: Self.groupResource(row[2]), namespace: row[3], name: row[4]),
                    data: [UInt8](data)))
            }
            return Loaded(objects: objects, history: history, revision: revision, compacted: compacted)
        }
    }

    /// Appends a batch of revisions in one transaction (group commit).
    func append(_ rows: [Row]) async throws {
        guard let last = rows.last else { return }
        try await queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO revisions(rev, kind, resource, namespace, name, data) VALUES (?, ?, ?, ?, ?, ?)")
            let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO objects(resource, namespace, name, rev) VALUES (?, ?, ?, ?)")
            let remove = try db.cachedStatement(sql: "DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?")
            for row in rows {
                let resource = Self.resourceText(row.key.resource)
                try insert.execute(arguments: [row.revision, row.kind.rawValue, resource, row.key.namespace, row.key.name,
                                               Data(row.data)])
                if row.kind == .deleted {
                    try remove.execute(arguments: [resource, row.key.namespace, row.key.name])
                } else {
                    try upsert.execute(arguments: [resource, row.key.namespace, row.key.name, row.revision])
                }
            }
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'revision'", arguments: [last.revision])
        }
    }

    /// Drops history older than `revision` that no live object needs.
    func compact(before revision: Int64) async throws {
        try await queue.write { db in
            try db.execute(sql: """
                DELETE FROM revisions WHERE rev < ? AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.rev = revisions.rev)
                """, arguments: [revision])
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'compacted' AND value < ?", arguments: [revision - 1, revision - 1])
        }
    }

    /// Number of revision rows, for tests and diagnostics.
    func revisionRowCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM revisions") ?? 0 }
    }

    func close() throws {
        try queue.close()
    }
}
