/// Finds, and optionally removes, the fields a schema does not declare: apiextensions' structural pruning
/// (`pruning.PruneWithOptions` plus the `ObjectMeta` coercion of `objectmeta.Coerce`) and, for built-in
/// kinds, what kube-apiserver's strict JSON decoding reports as `unknown field "spec.foo"`.
///
/// Rules, as upstream:
/// - At the resource root and inside `x-kubernetes-embedded-resource` objects, `apiVersion` and `kind` are
///   kept as they are and `metadata` is checked against `ObjectMeta` (the schema's own when it references
///   one, the standard one otherwise: CRD schemas only say `metadata: {type: object}`).
/// - Under `x-kubernetes-preserve-unknown-fields` undeclared members stay, but declared ones are still
///   pruned inside; array items of such a node are treated the same way (upstream's `skipPrune`).
/// - A value with no schema at all (an array without `items`) loses every member.
/// - Free-form nodes of the built-in schemas (`RawExtension`, `FieldsV1`, untyped `JSON`) keep everything.
struct SchemaPruner {
    private(set) var paths: [String] = []
    private var path = SchemaPathStack()

    init() {}

    /// Records unknown-field paths without changing anything.
    mutating func collect(_ value: JSON, _ node: SchemaNode?, isResource: Bool, skip: Bool = false) {
        let skipHere = skip || (node?.preservesUnknownFields ?? false)
        switch value {
        case .object(let dict):
            guard let node else {
                if !skipHere { for key in dict.keys { record(key) } }
                return
            }
            if node.isOpaque { return }
            let embedded = isResource || node.isEmbeddedResource
            for (key, child) in dict {
                switch Self.disposition(of: key, in: node, embedded: embedded, preserving: skipHere) {
                case .keep:
                    continue
                case .unknown:
                    record(key)
                case .metadata:
                    guard child.isObject else { continue }
                    path.push(.field(key))
                    collect(child, Self.metadataNode(for: node), isResource: false)
                    path.pop()
                case .child(let childNode, let element):
                    path.push(element)
                    collect(child, childNode, isResource: false)
                    path.pop()
                }
            }
        case .array(let items):
            let itemNode = node?.items
            for (i, item) in items.enumerated() where item.isObject || item.isArray {
                path.push(.index(i))
                collect(item, itemNode, isResource: false, skip: skipHere)
                path.pop()
            }
        default:
            break
        }
    }

    /// Removes unknown fields in place and records their paths.
    mutating func prune(_ value: inout JSON, _ node: SchemaNode?, isResource: Bool, skip: Bool = false) {
        let skipHere = skip || (node?.preservesUnknownFields ?? false)
        switch value {
        case .object(var dict):
            guard let node else {
                if !skipHere, !dict.isEmpty {
                    for key in dict.keys { record(key) }
                    value = .object([:])
                }
                return
            }
            if node.isOpaque { return }
            value = .null  // release the enum's reference so `dict` is mutated in place
            let embedded = isResource || node.isEmbeddedResource
            for key in Array(dict.keys) {
                switch Self.disposition(of: key, in: node, embedded: embedded, preserving: skipHere) {
                case .keep:
                    continue
                case .unknown:
                    record(key)
                    dict.removeValue(forKey: key)
                case .metadata:
                    guard dict[key]?.isObject == true else { continue }
                    path.push(.field(key))
                    prune(&dict[key, default: .null], Self.metadataNode(for: node), isResource: false)
                    path.pop()
                case .child(let childNode, let element):
                    path.push(element)
                    prune(&dict[key, default: .null], childNode, isResource: false)
                    path.pop()
                }
            }
            value = .object(dict)
        case .array(var items):
            value = .null
            let itemNode = node?.items
            for i in items.indices where items[i].isObject || items[i].isArray {
                path.push(.index(i))
                prune(&items[i], itemNode, isResource: false, skip: skipHere)
                path.pop()
            }
            value = .array(items)
        default:
            break
        }
    }

    private mutating func record(_ key: String) {
        paths.append(path.dotted(appending: key))
    }

    enum Disposition {
        case keep
        case unknown
        case metadata
        case child(SchemaNode?, SchemaPathStack.Element)
    }

    static func disposition(of key: String, in node: SchemaNode, embedded: Bool, preserving: Bool) -> Disposition {
        if embedded {
            if key == "apiVersion" || key == "kind" { return .keep }
            if key == "metadata" { return .metadata }
        }
        if let property = node.property(key) { return .child(property, .field(key)) }
        if let additional = node.additionalProperties { return .child(additional, .key(key)) }
        if preserving || node.additionalPropertiesFlag == true { return .keep }
        return .unknown
    }

    /// The `ObjectMeta` schema for the `metadata` of a resource node: the node's own when it references a
    /// definition that declares fields (built-in kinds), the standard one otherwise (CRDs).
    static func metadataNode(for node: SchemaNode?) -> SchemaNode? {
        if let declared = node?.property("metadata"), declared.definition != nil, declared.properties != nil {
            return declared
        }
        return standardObjectMeta(in: node?.set)
    }

    static let objectMetaDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    private static let builtinObjectMeta: SchemaNode? = SchemaNode.make(
        ["$ref": .string("#/components/schemas/" + objectMetaDefinition)], set: .builtin)

    /// `ObjectMeta` from the given set when it has one, else from the built-in schemas.
    static func standardObjectMeta(in set: SchemaSet?) -> SchemaNode? {
        if let set, set.schemas[objectMetaDefinition] != nil {
            return SchemaNode.make(["$ref": .string("#/components/schemas/" + objectMetaDefinition)], set: set)
        }
        return builtinObjectMeta
    }
}
