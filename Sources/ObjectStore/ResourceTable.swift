import HashTreeCollections
import KubeModel

/// The committed objects of one group-resource, keyed by `namespace/name` (or `name`). A persistent hash
/// tree, so that a reader's snapshot costs nothing and a writer's change copies only one path.
struct ResourceTable: Sendable {
    var objects: TreeDictionary<String, StoredObject> = [:]
    /// Keys in byte order, rebuilt lazily after creations and deletions (updates keep the order).
    var sortedKeys: [String]?

    mutating func sorted() -> [String] {
        if let keys = sortedKeys { return keys }
        let keys = objects.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        sortedKeys = keys
        return keys
    }
}

/// A consistent view of one resource's objects at one revision.
public struct ResourceSnapshot: Sendable {
    let objects: TreeDictionary<String, StoredObject>
    let sortedKeys: [String]
    /// The store revision this snapshot reflects.
    public let revision: Int64

    public var count: Int { objects.count }

    public func object(forKey key: String) -> StoredObject? { objects[key] }

    /// Objects in key order, optionally only one namespace's, starting after `afterKey`.
    public func ordered(namespace: String?, after afterKey: String?) -> some Sequence<StoredObject> {
        var range = sortedKeys[...]
        if let namespace, !namespace.isEmpty {
            let prefix = namespace + "/"
            let lower = sortedKeys.partitioningIndex { !$0.utf8.lexicographicallyPrecedes(prefix.utf8) }
            var upper = lower
            while upper < sortedKeys.count, sortedKeys[upper].hasPrefix(prefix) { upper += 1 }
            range = sortedKeys[lower..<upper]
        }
        if let afterKey {
            let start = range.partitioningIndex { !$0.utf8.lexicographicallyPrecedes(afterKey.utf8) && $0 != afterKey }
            range = range[start...]
        }
        let objects = self.objects
        return range.lazy.compactMap { objects[$0] }
    }
}

extension Collection {
    /// The first index whose element satisfies `belongsInSecondPartition`, for a collection already
    /// partitioned by it (binary search).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = distance(from: startIndex, to: endIndex)
        while count > 0 {
            let half = count / 2
            let mid = index(low, offsetBy: half)
            if belongsInSecondPartition(self[mid]) {
                count = half
            } else {
                low = index(after: mid)
                count -= half + 1
            }
        }
        return low
    }
}
