import Foundation

/// One schema node with its `$ref` (or single-element `allOf: [{$ref}]`) followed and the attributes the
/// walkers need read once. This is the hot-path view behind validation, pruning and defaulting: `Schema`
/// merges dictionaries on every `resolved` call, which is too slow to do per field on every write.
///
/// Nodes of named definitions are shared: for `SchemaSet.builtin` they are built once per process, so a
/// reference that adds nothing but a description costs one cache lookup. Inline nodes (all of a CRD schema)
/// are built as the walk reaches them and never for parts of the schema the object does not use.
final class SchemaNode: Sendable {
    let set: SchemaSet
    /// The referenced definition's name (`io.k8s.api.apps.v1.DeploymentSpec`), for named nodes.
    let definition: String?
    /// The node as written (for a definition: the definition).
    let local: [String: JSON]
    /// The referenced definition, when this node adds keys of its own to a reference.
    let base: [String: JSON]?

    let type: String?
    let format: String?
    let nullable: Bool
    let isIntOrString: Bool
    let preservesUnknownFields: Bool
    let isEmbeddedResource: Bool
    let properties: [String: JSON]?
    let defaultValue: JSON?
    let listType: String?
    /// `additionalProperties` when written as a boolean.
    let additionalPropertiesFlag: Bool?
    private let itemsSchema: [String: JSON]?
    private let additionalSchema: [String: JSON]?
    /// Whether `allOf` in `local` is only the reference wrapper, not a value validation.
    private let allOfIsReference: Bool
    /// The Go struct name of a named definition (`DeploymentSpec`).
    let goStructName: String?
    /// Children already built, for nodes that live as long as their set (the built-in schemas); nil for
    /// nodes of a schema passed in per request, which would not be reused.
    private let children: ChildMemo?

    private init(set: SchemaSet, definition: String?, local: [String: JSON], base: [String: JSON]?,
                 attributes a: Attributes, allOfIsReference: Bool) {
        self.set = set
        self.definition = definition
        self.local = local
        self.base = base
        type = a.type
        format = a.format
        nullable = a.nullable ?? false
        isIntOrString = a.intOrString ?? false
        preservesUnknownFields = a.preserve ?? false
        isEmbeddedResource = a.embedded ?? false
        properties = a.properties
        defaultValue = a.defaultValue
        listType = a.listType
        additionalPropertiesFlag = a.additionalFlag
        itemsSchema = a.items
        additionalSchema = a.additional
        self.allOfIsReference = allOfIsReference
        if let definition, let dot = definition.lastIndex(of: ".") {
            goStructName = String(definition[definition.index(after: dot)...])
        } else {
            goStructName = definition
        }
        children = set === SchemaSet.builtin ? ChildMemo() : nil
    }

    static func make(_ json: JSON?, set: SchemaSet) -> SchemaNode? {
        guard case .object(let dict)? = json else { return nil }
        return make(dict, set: set)
    }

    static func make(_ dict: [String: JSON], set: SchemaSet) -> SchemaNode {
        var attributes = Attributes(scanning: dict)
        guard let ref = attributes.ref, let target = definitionNode(ref, set: set) else {
            return SchemaNode(set: set, definition: nil, local: dict, base: nil, attributes: attributes, allOfIsReference: false)
        }
        if !attributes.hasOwnKeys { return target }
        attributes.fill(from: target)
        return SchemaNode(set: set, definition: target.definition, local: dict, base: target.local,
                          attributes: attributes, allOfIsReference: attributes.refViaAllOf)
    }

    // MARK: - Definitions

    private static let builtinCache = DefinitionCache()

    private static func definitionNode(_ ref: String, set: SchemaSet) -> SchemaNode? {
        if set === SchemaSet.builtin {
            return builtinCache.node(ref) { compileDefinition(ref, set: set) }
        }
        return compileDefinition(ref, set: set)
    }

    private static func compileDefinition(_ ref: String, set: SchemaSet) -> SchemaNode? {
        let name = Schema.refName(ref)
        guard case .object(var target)? = set.schemas[name] else { return nil }
        // A definition that is itself a reference is rare; merge in that case only.
        var hops = 0
        while hops < 16, let next = Attributes(scanning: target).ref, case .object(var merged)? = set.schemas[Schema.refName(next)] {
            for (k, v) in target where k != "$ref" && k != "allOf" { merged[k] = v }
            target = merged
            hops += 1
        }
        var attributes = Attributes(scanning: target)
        attributes.ref = nil
        return SchemaNode(set: set, definition: name, local: target, base: nil, attributes: attributes, allOfIsReference: false)
    }

    // MARK: - Reading

    /// Any key, the node's own first.
    @inline(__always) subscript(key: String) -> JSON? {
        if let v = local[key] { return v }
        return base?[key]
    }

    var listMapKeys: [String] {
        guard case .array(let keys)? = self["x-kubernetes-list-map-keys"] else { return [] }
        return keys.compactMap(\.stringValue)
    }

    /// Value-validation `allOf` (not the reference wrapper).
    var allOf: [JSON]? {
        if allOfIsReference { return base?["allOf"]?.arrayValue }
        return self["allOf"]?.arrayValue
    }

    func property(_ name: String) -> SchemaNode? {
        guard let children else {
            guard case .object(let dict)? = properties?[name] else { return nil }
            return SchemaNode.make(dict, set: set)
        }
        return children.child(name) {
            guard case .object(let dict)? = properties?[name] else { return nil }
            return SchemaNode.make(dict, set: set)
        }
    }

    var items: SchemaNode? {
        guard let itemsSchema else { return nil }
        guard let children else { return SchemaNode.make(itemsSchema, set: set) }
        return children.child(ChildMemo.itemsKey) { SchemaNode.make(itemsSchema, set: set) }
    }

    /// The schema of members not listed in `properties`, when `additionalProperties` is a schema.
    var additionalProperties: SchemaNode? {
        guard let additionalSchema else { return nil }
        guard let children else { return SchemaNode.make(additionalSchema, set: set) }
        return children.child(ChildMemo.additionalKey) { SchemaNode.make(additionalSchema, set: set) }
    }

    /// Whether the node declares any members (`properties` or an `additionalProperties` schema).
    var declaresMembers: Bool { properties != nil || additionalSchema != nil }

    /// A node whose members are free-form without `x-kubernetes-preserve-unknown-fields`: an untyped node
    /// that declares nothing (a Go `interface{}` or `JSON` value), or a named object definition that declares
    /// no fields (Go types with their own unmarshalling: `FieldsV1`, `RawExtension`). CRD schemas are
    /// structural and never have such nodes, so there an undeclared `type: object` still prunes everything.
    var isOpaque: Bool {
        if declaresMembers || isIntOrString { return false }
        guard let type else { return true }
        return type == "object" && definition != nil && additionalPropertiesFlag != false
    }

    /// The Go type name of a named definition as `reflect.Type.String()` prints it (`v1.DeploymentSpec`).
    var goQualifiedName: String? {
        guard let definition else { return nil }
        let parts = definition.split(separator: ".")
        guard let last = parts.last else { return nil }
        if parts.count >= 2 { return "\(parts[parts.count - 2]).\(last)" }
        return String(last)
    }


    /// An object's member names: in name order when `sorted` (deterministic error order), else in storage
    /// order, which is cheaper and enough when nothing will be reported.
    static func memberKeys(_ dict: [String: JSON], sorted: Bool) -> [String] {
        sorted ? dict.keys.sorted() : Array(dict.keys)
    }

    /// The kind of a top-level kind schema (`x-kubernetes-group-version-kind`), which is also its Go struct
    /// name: the root of a `Schema` taken from a set is the definition itself, not a reference to it.
    var kindName: String? {
        guard case .array(let kinds)? = self["x-kubernetes-group-version-kind"], let first = kinds.first else { return nil }
        return first["kind"]?.stringValue
    }

    // MARK: - Scanning

    /// The attributes read from one dictionary in a single pass.
    private struct Attributes {
        var type: String?
        var format: String?
        var nullable: Bool?
        var intOrString: Bool?
        var preserve: Bool?
        var embedded: Bool?
        var properties: [String: JSON]?
        var items: [String: JSON]?
        var additional: [String: JSON]?
        var additionalFlag: Bool?
        var defaultValue: JSON?
        var listType: String?
        var ref: String?
        var refViaAllOf = false
        /// Whether the dictionary has keys beyond a reference and documentation.
        var hasOwnKeys = false

        init(scanning dict: [String: JSON]) {
            for (key, value) in dict {
                switch key {
                case "description", "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy", "title",
                     "example", "externalDocs", "readOnly":
                    continue
                case "$ref":
                    ref = value.stringValue
                    continue
                case "allOf":
                    if case .array(let all) = value, all.count == 1, case .string(let r)? = all[0]["$ref"] {
                        if ref == nil { ref = r; refViaAllOf = true }
                        continue
                    }
                case "type": type = value.stringValue
                case "format": format = value.stringValue
                case "nullable": nullable = value.boolValue
                case "x-kubernetes-int-or-string": intOrString = value.boolValue
                case "x-kubernetes-preserve-unknown-fields": preserve = value.boolValue
                case "x-kubernetes-embedded-resource": embedded = value.boolValue
                case "properties": properties = value.objectValue
                case "items": items = value.objectValue
                case "additionalProperties":
                    if case .bool(let b) = value { additionalFlag = b } else { additional = value.objectValue }
                case "default": defaultValue = value
                case "x-kubernetes-list-type": listType = value.stringValue
                default: break
                }
                hasOwnKeys = true
            }
        }

        mutating func fill(from node: SchemaNode) {
            if type == nil { type = node.type }
            if format == nil { format = node.format }
            if nullable == nil { nullable = node.nullable }
            if intOrString == nil { intOrString = node.isIntOrString }
            if preserve == nil { preserve = node.preservesUnknownFields }
            if embedded == nil { embedded = node.isEmbeddedResource }
            if properties == nil { properties = node.properties }
            if items == nil { items = node.itemsSchema }
            if additional == nil && additionalFlag == nil {
                additional = node.additionalSchema
                additionalFlag = node.additionalPropertiesFlag
            }
            if defaultValue == nil { defaultValue = node.defaultValue }
            if listType == nil { listType = node.listType }
        }
    }
}

/// The child nodes of a long-lived node, built on first use. Keys are property names, or the two markers
/// (which cannot be JSON member names of a schema's `properties` in practice) for items and map values.
private final class ChildMemo: @unchecked Sendable {
    static let itemsKey = "\u{0}items"
    static let additionalKey = "\u{0}additionalProperties"

    private let lock = NSLock()
    private var nodes: [String: SchemaNode?] = [:]

    func child(_ key: String, make: () -> SchemaNode?) -> SchemaNode? {
        lock.lock()
        if let cached = nodes[key] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let node = make()
        lock.lock()
        nodes[key] = node
        lock.unlock()
        return node
    }
}

/// Compiled definitions of the built-in schema set, shared by all requests.
private final class DefinitionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var nodes: [String: SchemaNode?] = [:]

    func node(_ ref: String, compile: () -> SchemaNode?) -> SchemaNode? {
        lock.lock()
        if let cached = nodes[ref] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let node = compile()
        lock.lock()
        nodes[ref] = node
        lock.unlock()
        return node
    }
}
