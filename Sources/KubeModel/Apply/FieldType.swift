/// How server-side apply treats one node of an object, read from its OpenAPI schema the way
/// structured-merge-diff reads a kind's schema (kube-openapi `schemaconv`):
///
/// - objects merge member by member, unless `x-kubernetes-map-type: atomic`; members listed in
///   `properties` are struct fields, the others are map keys (and so members of a field set on their own);
/// - lists follow `x-kubernetes-list-type` (`map` by `x-kubernetes-list-map-keys`, `set`, `atomic`); a list
///   without one is associative on its patch merge key when its patch strategy is `merge`, a set when the
///   strategy is `merge` without a key, and atomic otherwise;
/// - with no schema at all (a custom resource without one, or `x-kubernetes-preserve-unknown-fields`),
///   objects are granular maps and lists are atomic.
struct FieldType: Sendable {
    /// The resolved schema node, or nil when nothing is known.
    let schema: Schema?
    /// The top of an object: `apiVersion`, `kind` and `metadata` are struct fields there even without a
    /// schema, and `metadata` is always read as `ObjectMeta`.
    let isRoot: Bool

    init(_ schema: Schema?, isRoot: Bool = false) {
        self.schema = schema?.resolved
        self.isRoot = isRoot
    }

    static let unknown = FieldType(nil)

    static func root(_ schema: Schema?) -> FieldType {
        FieldType(schema, isRoot: true)
    }

    enum ListKind: Equatable {
        case set
        case map(keys: [String])
    }

    enum Shape: Equatable {
        /// A scalar, an atomic object or list, or a value whose shape does not match its schema.
        case leaf
        /// An object merged member by member.
        case object
        /// A list merged item by item.
        case list(ListKind)
    }

    /// The shape of `value` at this node.
    func shape(of value: JSON) -> Shape {
        switch value {
        case .object:
            guard let schema else { return .object }
            if schema.isIntOrString || schema.mapType == "atomic" { return .leaf }
            if let type = schema.type, type != "object" { return .leaf }
            return .object
        case .array:
            guard let schema else { return .leaf }
            if let type = schema.type, type != "array" { return .leaf }
            if schema.type == nil && schema.items == nil { return .leaf }
            return listKind.map(Shape.list) ?? .leaf
        default:
            return .leaf
        }
    }

    /// The list kind of an array node, or nil for an atomic list.
    var listKind: ListKind? {
        guard let schema else { return nil }
        switch schema.listType {
        case "set":
            return .set
        case "map":
            let keys = schema.listMapKeys
            return keys.isEmpty ? nil : .map(keys: keys)
        case nil:
            guard schema.patchStrategies.contains("merge") else { return nil }
            if let key = schema.patchMergeKey { return .map(keys: [key]) }
            return .set
        default:
            return nil
        }
    }

    /// Whether the node is an object with declared properties (a Go struct upstream).
    var isStruct: Bool { schema?.hasProperties ?? false }

    /// The type of an object member and whether it is a declared struct field (not a map key).
    func member(_ name: String) -> (type: FieldType, declared: Bool) {
        if isRoot && name == "metadata" {
            if let declared = schema?.property(name), declared.resolved.hasProperties {
                return (FieldType(declared), true)
            }
            return (FieldType(Self.objectMeta), true)
        }
        if let schema {
            if let property = schema.property(name) { return (FieldType(property), true) }
            if let additional = schema.additionalProperties { return (FieldType(additional), false) }
        }
        if isRoot && (name == "apiVersion" || name == "kind") { return (.unknown, true) }
        return (.unknown, false)
    }

    /// The type of list items.
    var itemType: FieldType { FieldType(schema?.items) }

    private static let objectMeta: Schema? = SchemaSet.builtin.schema(named: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")

    /// Key field values that the API server defaults and that list-map keys may therefore omit
    /// (`ports[].protocol`). Used only when the schema carries no `default` for the key field.
    private static let knownKeyDefaults: [String: JSON] = ["protocol": "TCP"]

    /// The path element naming a list item, or a reason why the item cannot be named.
    func pathElement(forItem item: JSON, kind: ListKind) -> Result<PathElement, KeyProblem> {
        switch kind {
        case .set:
            return .success(.value(item))
        case .map(let keys):
            guard case .object(let object) = item else { return .failure(.notAnObject) }
            var fields: [String: JSON] = [:]
            for key in keys {
                if let value = object[key], !value.isNull {
                    fields[key] = value
                } else if let value = itemType.schema?.property(key)?.defaultValue ?? Self.knownKeyDefaults[key] {
                    fields[key] = value
                } else {
                    return .failure(.missingKey(key))
                }
            }
            return .success(.key(fields))
        }
    }

    enum KeyProblem: Error {
        case notAnObject
        case missingKey(String)

        var message: String {
            switch self {
            case .notAnObject: return "associative list with keys has an element that is not a map"
            case .missingKey(let key):
                return "associative list with keys has an element that omits key field \"\(key)\" (and doesn't have default value)"
            }
        }
    }

    /// The items of a list with the element naming each, first occurrence of each element only (as
    /// structured-merge-diff indexes lists). Items that cannot be named get their position, so they never
    /// match anything.
    func namedItems(_ items: [JSON], kind: ListKind) -> [(element: PathElement, item: JSON)] {
        var seen: Set<PathElement> = []
        var out: [(element: PathElement, item: JSON)] = []
        for (index, item) in items.enumerated() {
            let element = (try? pathElement(forItem: item, kind: kind).get()) ?? .index(index)
            guard seen.insert(element).inserted else { continue }
            out.append((element, item))
        }
        return out
    }

    /// Null, `{}` or `[]`: a container that structured-merge-diff treats as a leaf.
    static func isEmptyContainerOrNull(_ value: JSON) -> Bool {
        switch value {
        case .null: return true
        case .object(let o): return o.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }
}
