/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), the patch kubectl sends for
/// built-in kinds (`kubectl apply`, `kubectl patch`, `kubectl rollout restart`).
///
/// It is a JSON merge patch that knows, from the kind's schema, which lists are keyed sets:
///
/// - Maps merge recursively; `null` deletes a member.
/// - A list whose field has `x-kubernetes-patch-strategy: merge` and a merge key (containers by `name`,
///   ports by `containerPort`) merges item by item; a primitive list with `merge` (finalizers) is a union.
///   Every other list, and every list without schema information (custom resources), is replaced whole.
/// - Directives: `$patch: delete|replace|merge` (in a map, or as a list item), `$setElementOrder/<list>`,
///   `$deleteFromPrimitiveList/<list>` and `$retainKeys`. Directives never reach the result.
///
/// This follows apimachinery's `pkg/util/strategicpatch` as the API server runs it, including the order
/// of merged lists: without `$setElementOrder`, items named in the patch take the patch's order and
/// server-only items keep their place relative to them, so a new item lands *before* the server-only
/// items that follow the last item it can be compared with (a patch of only new items prepends them).
/// Where upstream leaks directives into the result (new list items, `$patch: replace` maps) or panics,
/// this implementation strips them or reports an error instead.
public enum StrategicMergePatch {
    /// Kubernetes strategic merge patch. `schema` is the kind's top-level schema (e.g.
    /// SchemaSet.builtin.schema(for: Deployment GVK)); merge keys and strategies come from its
    /// x-kubernetes-patch-merge-key / x-kubernetes-patch-strategy annotations, walking the schema in step
    /// with the document. Without schema information for a list, the list is replaced whole.
    public static func apply(_ patch: JSON, to document: JSON, schema: Schema?) throws -> JSON {
        guard case .object(let patchMembers) = patch else {
            throw PatchError("a strategic merge patch must be a JSON object, not \(patch.typeName)")
        }
        let original: [String: JSON]
        switch document {
        case .object(let members): original = members
        case .null: original = [:]
        default: throw PatchError("a strategic merge patch applies to a JSON object, not \(document.typeName)")
        }
        return .object(try mergeObject(original, patchMembers, schema: schema, path: "") ?? [:])
    }

    static let directiveMarker = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList"

    // MARK: - Maps

    /// Merges `patch` into `original`, which is nil when the document has nothing at this place (the
    /// patch then only has its directives and nulls removed). Returns nil when the patch deletes a map
    /// that did not exist, so that the member stays absent.
    static func mergeObject(
        _ original: [String: JSON]?, _ patch: [String: JSON], schema: Schema?, path: String
    ) throws -> [String: JSON]? {
        var patch = patch
        if let directive = patch.removeValue(forKey: directiveMarker) {
            switch directive.stringValue ?? "" {
            case "replace":
                return try mergeObject(nil, patch, schema: schema, path: path)
            case "delete":
                // Upstream leaves an empty map behind when the map existed.
                return original == nil ? nil : [:]
            case "merge":
                break
            default:
                throw PatchError(at: path, "unknown patch type: \(directive) in map: \(JSON.object(patch))")
            }
        }

        var result = original ?? [:]
        if let retainKeys = patch.removeValue(forKey: retainKeysDirective) {
            try applyRetainKeys(retainKeys, patch: patch, to: &result, path: path)
        }

        let keys = patch.keys.sorted()
        var ordered: Set<String> = []
        for key in keys where key.hasPrefix(setElementOrderPrefix) {
            let field = try directiveField(key, prefix: setElementOrderPrefix, path: path)
            if try applyElementOrder(patch[key] ?? .null, field: field, patch: patch, to: &result,
                                     schema: schema?.member(field), path: childPath(path, field)) {
                ordered.insert(field)
            }
        }

        var deletionLists: [String] = []
        for key in keys where !key.hasPrefix(setElementOrderPrefix) && !ordered.contains(key) {
            if key.hasPrefix(deleteFromPrimitiveListPrefix) {
                deletionLists.append(key)
                continue
            }
            try mergeMember(key, patch[key] ?? .null, into: &result, schema: schema?.member(key),
                            path: childPath(path, key), isDeleteList: false)
        }
        // Deletions run after additions so that a value both added and deleted ends up deleted.
        for key in deletionLists {
            let field = try directiveField(key, prefix: deleteFromPrimitiveListPrefix, path: path)
            let value = patch[key] ?? .null
            guard value.isArray || value.isNull else {
                throw PatchError(at: childPath(path, key), "invalid patch format of primitive list: expected a list, not \(value.typeName)")
            }
            try mergeMember(field, value, into: &result, schema: schema?.member(field),
                            path: childPath(path, field), isDeleteList: true)
        }
        return result
    }

    /// Merges one member of a patch map into the result map.
    private static func mergeMember(
        _ key: String, _ patchValue: JSON, into result: inout [String: JSON], schema: Schema?, path: String,
        isDeleteList: Bool
    ) throws {
        if patchValue.isNull {
            result[key] = nil
            return
        }
        guard let current = result[key] else {
            if !isDeleteList {
                result[key] = try clean(patchValue, schema: schema, path: path)
            }
            return
        }
        switch (current, patchValue) {
        case (.object(let currentMembers), .object(let patchMembers)):
            if PatchMeta(schema).replaces {
                result[key] = try clean(patchValue, schema: schema, path: path)
            } else {
                result[key] = .object(try mergeObject(currentMembers, patchMembers, schema: schema, path: path) ?? [:])
            }
        case (.array(let currentItems), .array(let patchItems)):
            result[key] = .array(try mergeListField(currentItems, patchItems, field: schema, isDeleteList: isDeleteList, path: path).merged)
        default:
            // Different shapes (or scalars): the patch value replaces what was there.
            if !isDeleteList {
                result[key] = try clean(patchValue, schema: schema, path: path)
            }
        }
    }

    /// `$retainKeys`: members of the map not listed are cleared before the patch merges in. Every member
    /// the patch sets must itself be listed.
    private static func applyRetainKeys(
        _ directive: JSON, patch: [String: JSON], to result: inout [String: JSON], path: String
    ) throws {
        guard case .array(let names) = directive else {
            throw PatchError(at: path, "invalid patch format of retainKeys: \(retainKeysDirective) must be a list of field names, not \(directive.typeName)")
        }
        let keep = Set(names.compactMap(\.stringValue))
        for key in patch.keys.sorted() where !keep.contains(key) {
            if patch[key]?.isNull == true || key.hasPrefix(deleteFromPrimitiveListPrefix)
                || key.hasPrefix(setElementOrderPrefix) { continue }
            throw PatchError(at: path, "invalid patch format of retainKeys: \"\(key)\" is set by the patch but not listed in \(retainKeysDirective)")
        }
        result = result.filter { keep.contains($0.key) }
    }

    /// The field a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>` key names.
    private static func directiveField(_ key: String, prefix: String, path: String) throws -> String {
        guard let slash = key.firstIndex(of: "/"), key[..<slash] == prefix else {
            let what = prefix == setElementOrderPrefix ? "setElementOrder list" : "primitive list"
            throw PatchError(at: path, "invalid patch format of \(what): \"\(key)\" must read \(prefix)/<field>")
        }
        return String(key[key.index(after: slash)...])
    }

    // MARK: - Removing directives from new content

    /// A patch value placed where the document has nothing: directives are applied to nothing and
    /// removed, nulls inside maps dropped. Nil when nothing remains (a `$patch: delete` map).
    static func clean(_ value: JSON, schema: Schema?, path: String) throws -> JSON? {
        switch value {
        case .object(let members):
            return try mergeObject(nil, members, schema: schema, path: path).map(JSON.object)
        case .array(let items):
            return .array(try cleanList(items, field: schema, path: path))
        default:
            return value
        }
    }

    /// A patch list placed where the document has no list: list directives (`$patch` items) have nothing to
    /// act on and are dropped; map items are cleaned with the item schema.
    static func cleanList(_ items: [JSON], field: Schema?, path: String) throws -> [JSON] {
        let itemSchema = field?.items
        var out: [JSON] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            if case .object(let members) = item, members[directiveMarker] != nil { continue }
            if let cleaned = try clean(item, schema: itemSchema, path: "\(path)[\(i)]") {
                out.append(cleaned)
            }
        }
        return out
    }

    static func childPath(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }
}
