/// One step of a field path, as structured-merge-diff names the parts of an object.
///
/// In `metadata.managedFields[].fieldsV1` each element is written as a key: `f:<name>` for a field of an
/// object, `k:{"name":"main"}` for the item of an associative list (`x-kubernetes-list-type: map`, or a
/// built-in list with a patch merge key) identified by its key fields, `v:<json>` for a member of a set
/// list, and `i:<n>` for a list position (only used when an item has no usable key).
public enum PathElement: Hashable, Sendable {
    /// A member of an object: a struct field or a map key.
    case field(String)
    /// An item of an associative list, by its key fields (`{"containerPort":80,"protocol":"TCP"}`).
    case key([String: JSON])
    /// A member of a set list, by value.
    case value(JSON)
    /// A list position.
    case index(Int)

    /// Parses one fieldsV1 key (`f:spec`, `k:{"name":"main"}`, `v:"a"`, `i:0`).
    public init(fieldsV1Key key: String) throws {
        guard let colon = key.firstIndex(of: ":") else {
            throw FieldSetError("invalid path element \"\(key)\": missing a type prefix (f:, k:, v: or i:)")
        }
        let prefix = key[key.startIndex..<colon]
        let rest = String(key[key.index(after: colon)...])
        switch prefix {
        case "f":
            self = .field(rest)
        case "k":
            guard let parsed = try? JSON.parse(rest), case .object(let fields) = parsed else {
                throw FieldSetError("invalid path element \"\(key)\": the key is not a JSON object")
            }
            self = .key(fields)
        case "v":
            guard let parsed = try? JSON.parse(rest) else {
                throw FieldSetError("invalid path element \"\(key)\": the value is not JSON")
            }
            self = .value(parsed)
        case "i":
            guard let index = Int(rest), index >= 0 else {
                throw FieldSetError("invalid path element \"\(key)\": the index is not a non-negative integer")
            }
            self = .index(index)
        default:
            throw FieldSetError("invalid path element \"\(key)\": unknown type prefix \"\(prefix):\"")
        }
    }

    /// The fieldsV1 key for this element. Key fields and JSON objects are written with sorted keys, as the
    /// API server writes them, so equal elements always produce the same text.
    public var fieldsV1Key: String {
        switch self {
        case .field(let name): return "f:" + name
        case .key(let fields): return "k:" + JSON.object(fields).serializedString()
        case .value(let value): return "v:" + value.serializedString()
        case .index(let index): return "i:" + String(index)
        }
    }
}

extension PathElement: CustomStringConvertible {
    /// The element as the API server prints it in conflict messages: `.replicas`, `[name="main"]`,
    /// `[containerPort=80,protocol="TCP"]`, `[="a"]`, `[0]`.
    public var description: String {
        switch self {
        case .field(let name):
            return "." + name
        case .key(let fields):
            let parts = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
                name + "=" + (fields[name] ?? .null).serializedString()
            }
            return "[" + parts.joined(separator: ",") + "]"
        case .value(let value):
            return "[=" + value.serializedString() + "]"
        case .index(let index):
            return "[" + String(index) + "]"
        }
    }
}

extension PathElement: Comparable {
    /// Fields sort before keys, keys before values, values before indexes (the structured-merge-diff
    /// order); within a kind, by name, serialized key, serialized value or position.
    public static func < (lhs: PathElement, rhs: PathElement) -> Bool {
        switch (lhs, rhs) {
        case (.field(let a), .field(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.key, .key), (.value, .value): return lhs.fieldsV1Key.utf8.lexicographicallyPrecedes(rhs.fieldsV1Key.utf8)
        case (.index(let a), .index(let b)): return a < b
        default: return lhs.rank < rhs.rank
        }
    }

    private var rank: Int {
        switch self {
        case .field: return 0
        case .key: return 1
        case .value: return 2
        case .index: return 3
        }
    }
}
