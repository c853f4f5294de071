/// Checks the `x-kubernetes-list-type` invariants as apiextensions' `ValidateListSetsAndMaps` does:
/// items of a `set` are unique, items of a `map` are objects (or null) with unique key tuples. A
/// duplicate is reported once, at the index of its second appearance, with the item (sets) or an object of
/// the key fields (maps) as value: `spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}`.
/// A key field missing from an item takes the key property's `default` when the schema has one.
struct ListTypeValidator {
    private(set) var errors: [FieldError] = []
    private var path = SchemaPathStack()
    private let sortedKeys: Bool

    init(sortedKeys: Bool = true) { self.sortedKeys = sortedKeys }

    mutating func validate(_ value: JSON, _ node: SchemaNode?) {
        guard let node else { return }
        switch value {
        case .object(let dict):
            let keys = SchemaNode.memberKeys(dict, sorted: sortedKeys)
            if let additional = node.additionalProperties {
                for key in keys {
                    guard let child = dict[key], child.isObject || child.isArray else { continue }
                    path.push(.key(key))
                    validate(child, additional)
                    path.pop()
                }
            }
            if node.properties != nil {
                for key in keys {
                    guard let child = dict[key], child.isObject || child.isArray, let property = node.property(key) else { continue }
                    path.push(.field(key))
                    validate(child, property)
                    path.pop()
                }
            }
        case .array(let items):
            switch node.listType {
            case "set": checkSet(items)
            case "map": checkMap(items, node)
            default: break
            }
            guard let itemNode = node.items else { return }
            for (i, item) in items.enumerated() where item.isObject || item.isArray {
                path.push(.index(i))
                validate(item, itemNode)
                path.pop()
            }
        default:
            break
        }
    }

    private mutating func checkSet(_ items: [JSON]) {
        guard items.count > 1 else { return }
        var seen: [JSON: Int] = [:]
        for (i, item) in items.enumerated() {
            let times = seen[item, default: 0]
            seen[item] = times + 1
            if times == 1 {
                path.push(.index(i))
                errors.append(.duplicate(path.fieldPath, item))
                path.pop()
            }
        }
    }

    private mutating func checkMap(_ items: [JSON], _ node: SchemaNode) {
        for (i, item) in items.enumerated() where !item.isObject && !item.isNull {
            path.push(.index(i))
            errors.append(.invalid(path.fieldPath, item, "must be an object for an array of list-type map"))
            path.pop()
            return
        }
        guard items.count > 1 else { return }
        let keyFields = node.listMapKeys
        let itemNode = node.items
        let defaults: [String: JSON] = Dictionary(uniqueKeysWithValues: keyFields.compactMap { field in
            itemNode?.property(field)?.defaultValue.map { (field, $0) }
        })
        // `nil` stands for an item that is itself null; a missing key field is JSON null.
        func key(_ item: JSON) -> [JSON]? {
            guard case .object(let dict) = item else { return nil }
            return keyFields.map { dict[$0] ?? defaults[$0] ?? .null }
        }
        var seen: [[JSON]?: Int] = [:]
        for (i, item) in items.enumerated() {
            let k = key(item)
            let times = seen[k, default: 0]
            seen[k] = times + 1
            guard times == 1 else { continue }
            var keyObject: [String: JSON] = [:]
            if let k { for (field, value) in zip(keyFields, k) { keyObject[field] = value } }
            path.push(.index(i))
            errors.append(.duplicate(path.fieldPath, .object(keyObject)))
            path.pop()
        }
    }
}
