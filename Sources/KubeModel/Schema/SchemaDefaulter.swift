/// Structural defaulting of custom resources, as apiextensions-apiserver does it on every decode.
public enum SchemaDefaulter {
    /// Applies the schema's `default`s where fields are absent, then the way upstream prepares a decoded
    /// custom resource:
    ///
    /// 1. `null` members whose schema is not `nullable` and has no `default` are removed
    ///    (`PruneNonNullableNullsWithoutDefaults`).
    /// 2. In every object that exists, each property with a `default` that is absent (or a non-nullable
    ///    `null`) gets a copy of the default; defaulting recurses into existing and defaulted values, so
    ///    defaults nested in a defaulted object apply too. Objects that do not exist are not created.
    ///    Non-nullable `null` list items and map values take the item/value schema's default.
    ///
    /// Run it after pruning and before `SchemaValidator.validate`. Built-in kinds are defaulted by Go code,
    /// not by this.
    public static func applyDefaults(_ object: inout JSON, schema: Schema) {
        guard let root = SchemaNode.make(schema.node, set: schema.set) else { return }
        dropNonNullableNulls(&object, root)
        applyDefaults(&object, root)
    }

    private static func dropNonNullableNulls(_ value: inout JSON, _ node: SchemaNode) {
        switch value {
        case .object(var dict):
            value = .null
            for key in Array(dict.keys) {
                guard let child = node.property(key) ?? node.additionalProperties else { continue }
                if dict[key]?.isNull == true {
                    if !child.nullable && child.defaultValue == nil { dict.removeValue(forKey: key) }
                } else if dict[key]?.isObject == true || dict[key]?.isArray == true {
                    dropNonNullableNulls(&dict[key, default: .null], child)
                }
            }
            value = .object(dict)
        case .array(var items):
            guard let itemNode = node.items else { return }
            value = .null
            for i in items.indices where items[i].isObject || items[i].isArray {
                dropNonNullableNulls(&items[i], itemNode)
            }
            value = .array(items)
        default:
            break
        }
    }

    private static func applyDefaults(_ value: inout JSON, _ node: SchemaNode) {
        switch value {
        case .object(var dict):
            value = .null
            if let properties = node.properties {
                for (key, raw) in properties {
                    // Only nodes with a default (or a reference that may carry one) need a node built.
                    guard case .object(let rawNode) = raw,
                          rawNode["default"] != nil || rawNode["$ref"] != nil || rawNode["allOf"] != nil,
                          let property = node.property(key), let defaultValue = property.defaultValue
                    else { continue }
                    switch dict[key] {
                    case nil: dict[key] = defaultValue
                    case .null? where !property.nullable: dict[key] = defaultValue
                    default: break
                    }
                }
            }
            let additional = node.additionalProperties
            for key in Array(dict.keys) {
                if let property = node.property(key) {
                    applyDefaults(&dict[key, default: .null], property)
                } else if let additional {
                    if dict[key]?.isNull == true, !additional.nullable, let defaultValue = additional.defaultValue {
                        dict[key] = defaultValue
                    }
                    applyDefaults(&dict[key, default: .null], additional)
                }
            }
            value = .object(dict)
        case .array(var items):
            guard let itemNode = node.items else { return }
            value = .null
            for i in items.indices {
                if items[i].isNull, !itemNode.nullable, let defaultValue = itemNode.defaultValue { items[i] = defaultValue }
                applyDefaults(&items[i], itemNode)
            }
            value = .array(items)
        default:
            break
        }
    }
}
