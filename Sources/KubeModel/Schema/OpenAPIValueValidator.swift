/// Validates a custom resource against its structural schema the way apiextensions-apiserver does: the
/// kube-openapi `SchemaValidator` (type, allOf/anyOf/oneOf/not, string, format, number, array, enum and
/// object checks, in that order per node) with its errors converted to `field.Error`s by
/// `kubeOpenAPIResultToFieldErrors`:
///
/// - type mismatch → `FieldValueTypeInvalid`, value is the JSON type found:
///   `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`
/// - required → `spec.x: Required value`; enum → `spec.mode: Unsupported value: "z": supported values: "a", "b"`
/// - maxLength → `Too long`, maxItems/maxProperties → `Too many`, everything else → `Invalid value` with
///   kube-openapi's message (`spec.x in body should be greater than or equal to 1`)
/// - allOf/anyOf/oneOf/not failures are not field errors upstream and land on field `<nil>`.
///
/// Formats follow apiextensions: only its supported list is checked (`int32`, `int64` and the like are
/// ignored). Member order is sorted where Go iterates a map (upstream order is random there).
struct OpenAPIValueValidator {
    private(set) var errors: [FieldError] = []
    private var path: SchemaPathStack
    private let sortedKeys: Bool

    init(path: SchemaPathStack = SchemaPathStack(), sortedKeys: Bool = true) {
        self.path = path
        self.sortedKeys = sortedKeys
    }

    mutating func validate(_ value: JSON, _ node: SchemaNode?) {
        guard let node else { return }
        let types: [String] = node.isIntOrString ? ["integer", "string"] : (node.type.map { [$0] } ?? [])
        let format = SchemaFormats.supportedFormat(node.format)

        if case .null = value {
            if !types.isEmpty, !types.contains("null"), !node.nullable { typeError(types.joined(separator: ","), "null") }
            checkEnum(value, node)
            return
        }
        if !types.isEmpty { checkType(value, types: types, format: format) }
        checkComposition(value, node)
        switch value {
        case .string(let s):
            checkString(s, node)
            if let format, !SchemaFormats.isValid(s, format: format) {
                let p = path.dotted
                errors.append(.typeInvalid(p, value, "\(p) in body must be of type \(format): \(GoText.quote(s))"))
            }
        case .int, .double:
            checkNumber(value, node)
        case .array(let items):
            checkArray(items, node)
        default:
            break
        }
        checkEnum(value, node)
        if case .object(let dict) = value { checkObject(dict, node) }
    }

    // MARK: - type

    private mutating func checkType(_ value: JSON, types: [String], format: String?) {
        let schType: String
        var dataFormat = ""
        var stringOrSlice = false
        switch value {
        case .bool: schType = "boolean"
        case .string: schType = "string"; stringOrSlice = true
        case .int: schType = "integer"; dataFormat = "int64"
        case .double: schType = "number"; dataFormat = "float64"
        case .array: schType = "array"; stringOrSlice = true
        case .object: schType = "object"
        case .null: return
        }
        var isFloatInt = false
        if case .double(let d) = value { isFloatInt = d.rounded() == d && abs(d) < 9.007199254740992e15 && types.contains("integer") }
        let isIntFloat = schType == "integer" && types.contains("number")
        if !stringOrSlice, let format,
           !(types.contains(schType) || dataFormat == format || isFloatInt || isIntFloat) {
            typeError(format, dataFormat)
            return
        }
        if !(types.contains("number") || types.contains("integer")), format != nil, stringOrSlice { return }
        if !(types.contains(schType) || isFloatInt || isIntFloat) {
            typeError(types.joined(separator: ","), schType)
        }
    }

    private mutating func typeError(_ typeName: String, _ found: String) {
        let p = path.dotted
        errors.append(.typeInvalid(p, .string(found), "\(p) in body must be of type \(typeName): \(GoText.quote(found))"))
    }

    // MARK: - allOf / anyOf / oneOf / not

    private mutating func checkComposition(_ value: JSON, _ node: SchemaNode) {
        let p = path.dotted
        if let anyOf = node["anyOf"]?.arrayValue, !anyOf.isEmpty {
            var best: [FieldError]?
            var succeeded = false
            for alternative in anyOf {
                let result = sub(value, alternative, node.set)
                if result.isEmpty { succeeded = true; break }
                if best == nil { best = result }
            }
            if !succeeded {
                errors.append(composite("\(GoText.quote(p)) must validate at least one schema (anyOf)"))
                errors += best ?? []
            }
        }
        if let oneOf = node["oneOf"]?.arrayValue, !oneOf.isEmpty {
            var best: [FieldError]?
            var validated = 0
            for alternative in oneOf {
                let result = sub(value, alternative, node.set)
                if result.isEmpty { validated += 1; best = nil } else if validated == 0, best == nil { best = result }
            }
            if validated != 1 {
                let detail = validated == 0 ? "Found none valid" : "Found \(validated) valid alternatives"
                errors.append(composite("\(GoText.quote(p)) must validate one and only one schema (oneOf). \(detail)"))
                errors += best ?? []
            }
        }
        if let allOf = node.allOf, !allOf.isEmpty {
            var validated = 0
            for part in allOf {
                let result = sub(value, part, node.set)
                if result.isEmpty { validated += 1 }
                errors += result
            }
            if validated != allOf.count {
                errors.append(composite("\(GoText.quote(p)) must validate all the schemas (allOf)\(validated == 0 ? ". None validated" : "")"))
            }
        }
        if let not = node["not"], not.isObject, sub(value, not, node.set).isEmpty {
            errors.append(composite("\(GoText.quote(p)) must not validate the schema (not)"))
        }
    }

    private func sub(_ value: JSON, _ schema: JSON, _ set: SchemaSet) -> [FieldError] {
        var validator = OpenAPIValueValidator(path: path, sortedKeys: sortedKeys)
        validator.validate(value, SchemaNode.make(schema, set: set))
        return validator.errors
    }

    /// Errors that kube-openapi returns as plain errors: apiextensions files them under a nil path.
    private func composite(_ message: String) -> FieldError {
        .invalid("<nil>", .string(""), message)
    }

    // MARK: - string

    private mutating func checkString(_ s: String, _ node: SchemaNode) {
        let p = path.dotted
        if let max = node["maxLength"]?.intValue, s.unicodeScalars.count > max {
            errors.append(.tooLong(p, nil, max: max))
        }
        if let min = node["minLength"]?.intValue, s.unicodeScalars.count < min {
            errors.append(.invalid(p, .string(s), "\(p) in body should be at least \(min) chars long"))
        }
        if let pattern = node["pattern"]?.stringValue,
           SchemaPatternCache.shared.matches(s, pattern: pattern) == false {
            errors.append(.invalid(p, .string(s), "\(p) in body should match '\(pattern)'"))
        }
    }

    // MARK: - number

    private mutating func checkNumber(_ value: JSON, _ node: SchemaNode) {
        let p = path.dotted
        guard let data = value.doubleValue else { return }
        if let factor = node["multipleOf"], let f = factor.doubleValue {
            if f <= 0 {
                errors.append(.invalid(p, factor, "factor MultipleOf declared for \(p) must be positive: \(GoText.number(factor))"))
            } else {
                let quotient = data / f
                if !(quotient.rounded() == quotient && quotient.isFinite) {
                    errors.append(.invalid(p, value, "\(p) in body should be a multiple of \(GoText.number(factor))"))
                }
            }
        }
        if let bound = node["minimum"], bound.isNumber {
            let exclusive = node["exclusiveMinimum"]?.boolValue ?? false
            let c = Self.compare(value, bound)
            if c < 0 || (exclusive && c == 0) {
                let relation = exclusive ? "greater than" : "greater than or equal to"
                errors.append(.invalid(p, value, "\(p) in body should be \(relation) \(GoText.number(bound))"))
            }
        }
        if let bound = node["maximum"], bound.isNumber {
            let exclusive = node["exclusiveMaximum"]?.boolValue ?? false
            let c = Self.compare(value, bound)
            if c > 0 || (exclusive && c == 0) {
                let relation = exclusive ? "less than" : "less than or equal to"
                errors.append(.invalid(p, value, "\(p) in body should be \(relation) \(GoText.number(bound))"))
            }
        }
    }

    /// -1, 0, 1; exact for two integers.
    static func compare(_ a: JSON, _ b: JSON) -> Int {
        if case .int(let x) = a, case .int(let y) = b { return x < y ? -1 : (x > y ? 1 : 0) }
        let x = a.doubleValue ?? 0, y = b.doubleValue ?? 0
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    // MARK: - array

    private mutating func checkArray(_ items: [JSON], _ node: SchemaNode) {
        if let itemNode = node.items {
            for (i, item) in items.enumerated() {
                path.push(.index(i))
                validate(item, itemNode)
                path.pop()
            }
        }
        let p = path.dotted
        if let min = node["minItems"]?.intValue, items.count < min {
            errors.append(.invalid(p, JSON(items.count), "\(p) in body should have at least \(min) items"))
        }
        if let max = node["maxItems"]?.intValue, items.count > max {
            errors.append(FieldError(.tooMany, field: p, value: JSON(items.count), detail: "must have at most \(max) items"))
        }
        if node["uniqueItems"]?.boolValue == true, Set(items).count != items.count {
            errors.append(.invalid(p, .string(""), "\(p) in body shouldn't contain duplicates"))
        }
    }

    // MARK: - enum

    private mutating func checkEnum(_ value: JSON, _ node: SchemaNode) {
        guard case .array(let allowed)? = node["enum"], !allowed.isEmpty, !allowed.contains(value) else { return }
        let supported = allowed.map { $0.stringValue ?? $0.serializedString() }
        errors.append(.notSupported(path.dotted, value, supported: supported))
    }

    // MARK: - object

    private mutating func checkObject(_ dict: [String: JSON], _ node: SchemaNode) {
        let p = path.dotted
        if let min = node["minProperties"]?.intValue, dict.count < min {
            errors.append(.invalid(p, JSON(dict.count), "\(p) in body should have at least \(min) properties"))
            return
        }
        if let max = node["maxProperties"]?.intValue, dict.count > max {
            errors.append(FieldError(.tooMany, field: p, value: JSON(dict.count), detail: "must have at most \(max) items"))
            return
        }
        let properties = node.properties ?? [:]
        let keys = SchemaNode.memberKeys(dict, sorted: sortedKeys)
        if node.additionalPropertiesFlag == false {
            for key in keys where properties[key] == nil {
                errors.append(.invalid(p, .string(key), "\(p).\(key) in body is a forbidden property"))
            }
        } else if let additional = node.additionalProperties {
            for key in keys where properties[key] == nil {
                guard let child = dict[key] else { continue }
                path.push(.key(key))
                validate(child, additional)
                path.pop()
            }
        }
        if !properties.isEmpty {
            for key in keys {
                guard let child = dict[key], let property = node.property(key) else { continue }
                path.push(.field(key))
                validate(child, property)
                path.pop()
            }
        }
        if case .array(let required)? = node["required"] {
            for case .string(let name) in required where dict[name] == nil {
                errors.append(.required(path.dotted(appending: name)))
            }
        }
    }
}
