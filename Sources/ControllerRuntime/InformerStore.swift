/// ControllerRuntime: informers (list, watch, cache, indexes), work queues, controllers and leader election,
/// over KubeClient only, as client-go and controller-runtime provide them. Every long-running part is a
/// swift-service-lifecycle `Service`, and every wait goes through an injected clock.
import KubeModel
import Synchronization

/// One cached object: its compact JSON and what indexes and selectors need. Holding bytes rather than a
/// parsed tree keeps the cache within about the objects' own size; readers parse on demand.
public struct CachedObject: Sendable {
    public let key: String
    public let resourceVersion: String
    public let data: [UInt8]
    public let namespace: String
    public let labels: [String: String]
    let indexValues: [String: [String]]

    init(json: JSON, indexers: [String: @Sendable (JSON) -> [String]]) {
        key = json.namespace.isEmpty ? json.name : "\(json.namespace)/\(json.name)"
        resourceVersion = json.resourceVersion
        data = json.serialized()
        namespace = json.namespace
        labels = json.labels
        var values: [String: [String]] = [:]
        for (name, index) in indexers { values[name] = index(json) }
        indexValues = values
    }

    public var json: JSON { (try? JSON.parse(data)) ?? .emptyObject }
}

/// The informer's cache: objects by `namespace/name` with indexes (by namespace, by owner UID, and any
/// custom ones). One writer (the reflector) and many readers; a full list replaces the contents atomically.
/// A final class over a mutex rather than an actor so that reconcilers read it without suspending.
public final class InformerStore<Object: KubeObject>: Sendable {
    public typealias IndexFunction = @Sendable (JSON) -> [String]

    struct Contents: Sendable {
        var items: [String: CachedObject] = [:]
        var indexes: [String: [String: Set<String>]] = [:]
    }

    private let contents = Mutex(Contents())
    let indexers: [String: IndexFunction]

    /// Built-in indexes: `namespace` and `owner` (UIDs of owner references).
    public static var standardIndexers: [String: IndexFunction] {
        [
            "namespace": { [$0.namespace] },
            "owner": { $0.ownerReferences.map(\.uid) },
        ]
    }

    public init(indexers: [String: IndexFunction] = [:]) {
        self.indexers = Self.standardIndexers.merging(indexers) { _, custom in custom }
    }

    // MARK: Reading

    public var count: Int { contents.withLock { $0.items.count } }
    public var keys: [String] { contents.withLock { Array($0.items.keys) } }

    public func get(_ key: String) -> Object? {
        contents.withLock { $0.items[key] }.map { Object(json: $0.json) }
    }

    public func get(name: String, namespace: String?) -> Object? {
        get(namespace.map { $0.isEmpty ? name : "\($0)/\(name)" } ?? name)
    }

    /// Objects, optionally of one namespace and matching a label selector.
    public func list(namespace: String? = nil, selector: LabelSelector? = nil) -> [Object] {
        let entries: [CachedObject] = contents.withLock { c in
            if let namespace, let keys = c.indexes["namespace"]?[namespace] {
                return keys.compactMap { c.items[$0] }
            }
            if namespace != nil { return [] }
            return Array(c.items.values)
        }
        return entries.filter { selector?.matches($0.labels) ?? true }.map { Object(json: $0.json) }
    }

    /// Objects whose index `name` contains `value`.
    public func byIndex(_ name: String, _ value: String) -> [Object] {
        let entries: [CachedObject] = contents.withLock { c in
            (c.indexes[name]?[value] ?? []).compactMap { c.items[$0] }
        }
        return entries.map { Object(json: $0.json) }
    }

    /// The raw entries (no parsing), for callers that only need keys, labels or versions.
    public func entries() -> [CachedObject] { contents.withLock { Array($0.items.values) } }

    /// Bytes held by cached objects' JSON (for the memory benchmark).
    public var storedBytes: Int { contents.withLock { $0.items.values.reduce(0) { $0 + $1.data.count } } }

    // MARK: Writing (the reflector)

    struct Delta: Sendable {
        enum Kind: Sendable { case added, updated, deleted }
        var kind: Kind
        var old: JSON?
        var new: JSON
    }

    /// Replaces everything with a fresh list; returns what changed relative to the old contents.
    func replace(with objects: [JSON]) -> [Delta] {
        var fresh = Contents()
        for json in objects {
            let entry = CachedObject(json: json, indexers: indexers)
            fresh.items[entry.key] = entry
            Self.index(entry, into: &fresh.indexes)
        }
        let old = contents.withLock { c -> Contents in
            let previous = c
            c = fresh
            return previous
        }
        var deltas: [Delta] = []
        for json in objects {
            let key = json.namespace.isEmpty ? json.name : "\(json.namespace)/\(json.name)"
            if let before = old.items[key] {
                if before.resourceVersion != json.resourceVersion { deltas.append(Delta(kind: .updated, old: before.json, new: json)) }
            } else {
                deltas.append(Delta(kind: .added, old: nil, new: json))
            }
        }
        for (key, before) in old.items where fresh.items[key] == nil {
            // Deleted while we were not watching: the last state we knew.
            deltas.append(Delta(kind: .deleted, old: nil, new: before.json))
        }
        return deltas
    }

    /// Inserts or replaces one object; returns the previous state.
    @discardableResult
    func upsert(_ json: JSON) -> JSON? {
        let entry = CachedObject(json: json, indexers: indexers)
        let previous = contents.withLock { c -> CachedObject? in
            let previous = c.items[entry.key]
            if let previous { Self.unindex(previous, from: &c.indexes) }
            c.items[entry.key] = entry
            Self.index(entry, into: &c.indexes)
            return previous
        }
        return previous?.json
    }

    /// Removes one object; returns the previous state.
    @discardableResult
    func remove(_ json: JSON) -> JSON? {
        let key = json.namespace.isEmpty ? json.name : "\(json.namespace)/\(json.name)"
        let previous = contents.withLock { c -> CachedObject? in
            guard let previous = c.items.removeValue(forKey: key) else { return nil }
            Self.unindex(previous, from: &c.indexes)
            return previous
        }
        return previous?.json
    }

    static func index(_ entry: CachedObject, into indexes: inout [String: [String: Set<String>]]) {
        for (name, values) in entry.indexValues {
            for value in values { indexes[name, default: [:]][value, default: []].insert(entry.key) }
        }
    }

    static func unindex(_ entry: CachedObject, from indexes: inout [String: [String: Set<String>]]) {
        for (name, values) in entry.indexValues {
            for value in values {
                indexes[name]?[value]?.remove(entry.key)
                if indexes[name]?[value]?.isEmpty == true { indexes[name]?[value] = nil }
            }
        }
    }
}
