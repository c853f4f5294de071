/// Finds the values kube-apiserver's Go JSON decoder would refuse for a built-in kind, worded as
/// `encoding/json` (via sigs.k8s.io/json) words them:
/// `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
///
/// The struct is the Go type holding the field (the schema definition's last segment), the field is the
/// path of JSON names from the decoded root without list indexes or map keys (as Go's error context keeps
/// it), and the type is the Go type derived from the schema. `null` is accepted everywhere, as Go does.
/// Values decoded by custom unmarshallers keep their own messages: `quantities must match the regular
/// expression ...` for `resource.Quantity`, `parsing time ...` for `metav1.Time`, `illegal base64 data at
/// input byte N` for `[]byte`. Go reports only the first error of a body; all are returned here, in
/// member-name order (Go follows document order, which a parsed object no longer has).
struct GoDecodeChecker {
    private(set) var errors: [String] = []
    private var fields: [String]
    /// Visit members in name order, for a deterministic error order; the fast first pass does not.
    private let sortedKeys: Bool

    /// `fields` is the field stack of the value being checked (empty at a decoded root).
    init(fields: [String] = [], sortedKeys: Bool = true) {
        self.fields = fields
        self.sortedKeys = sortedKeys
    }

    /// The errors of `value`: a fast unordered pass, repeated in member-name order only when it finds any.
    static func errors(of value: JSON, _ node: SchemaNode?) -> [String] {
        var fast = GoDecodeChecker(sortedKeys: false)
        fast.check(value, node, inStruct: nil)
        if fast.errors.isEmpty { return [] }
        var ordered = GoDecodeChecker()
        ordered.check(value, node, inStruct: nil)
        return ordered.errors
    }

    /// Checks `value` against `node`; `inStruct` is the Go struct holding the current field.
    mutating func check(_ value: JSON, _ node: SchemaNode?, inStruct: String?) {
        guard let node else { return }
        if case .null = value { return }
        if node.preservesUnknownFields && node.type == nil { return }
        if node.isIntOrString {
            checkIntOrString(value, node, inStruct: inStruct)
            return
        }
        if node.isOpaque { return }
        let type = node.type ?? (node.properties != nil ? "object" : nil)
        switch type {
        case "string":
            if node.format == "date-time" || node.definition?.hasSuffix(".Time") == true
                || node.definition?.hasSuffix(".MicroTime") == true {
                checkTime(value, micro: node.definition?.hasSuffix(".MicroTime") == true, inStruct: inStruct)
            } else if node.format == "byte" {
                checkBytes(value, inStruct: inStruct)
            } else if !value.isString {
                mismatch(value, type: "string", inStruct: inStruct)
            }
        case "boolean":
            if value.boolValue == nil { mismatch(value, type: "bool", inStruct: inStruct) }
        case "integer":
            let bits32 = node.format == "int32"
            switch value {
            case .int(let i):
                if bits32 && (i < Int64(Int32.min) || i > Int64(Int32.max)) {
                    fail("number \(i)", type: "int32", inStruct: inStruct)
                }
            case .double:
                fail("number " + value.serializedString(), type: bits32 ? "int32" : "int64", inStruct: inStruct)
            default:
                mismatch(value, type: bits32 ? "int32" : "int64", inStruct: inStruct)
            }
        case "number":
            if !value.isNumber { mismatch(value, type: node.format == "float" ? "float32" : "float64", inStruct: inStruct) }
        case "array":
            guard case .array(let items) = value else {
                mismatch(value, type: Self.goType(node), inStruct: inStruct)
                return
            }
            let itemNode = node.items
            for item in items { check(item, itemNode, inStruct: inStruct) }
        case "object":
            guard case .object(let dict) = value else {
                mismatch(value, type: Self.goType(node), inStruct: inStruct)
                return
            }
            if node.properties != nil {
                let structName = node.goStructName ?? node.kindName ?? inStruct
                if sortedKeys {
                    for key in dict.keys.sorted() { checkField(key, dict[key] ?? .null, node, structName) }
                } else {
                    for (key, child) in dict { checkField(key, child, node, structName) }
                }
            } else if let additional = node.additionalProperties {
                if sortedKeys {
                    for key in dict.keys.sorted() { check(dict[key] ?? .null, additional, inStruct: inStruct) }
                } else {
                    for child in dict.values { check(child, additional, inStruct: inStruct) }
                }
            }
        default:
            break
        }
    }

    private mutating func checkField(_ key: String, _ child: JSON, _ node: SchemaNode, _ structName: String?) {
        if case .null = child { return }
        guard let property = node.property(key) else { return }
        fields.append(key)
        check(child, property, inStruct: structName)
        fields.removeLast()
    }

    /// `intstr.IntOrString` decodes strings as strings and anything else into an `int32`;
    /// `resource.Quantity` parses strings and bare literals with its own parser.
    private mutating func checkIntOrString(_ value: JSON, _ node: SchemaNode, inStruct: String?) {
        let isQuantity = node.format == "quantity" || node.definition?.hasSuffix(".Quantity") == true
        if isQuantity {
            let text: String
            switch value {
            case .string(let s):
                var trimmed = Substring(s)
                while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
                while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
                text = String(trimmed)
            case .int, .double, .bool: text = value.serializedString()
            default: text = "{"  // objects and arrays reach the parser as `{...}`/`[...]` and never parse
            }
            if let error = SchemaFormats.quantityError(text) { errors.append(error) }
            return
        }
        switch value {
        case .string:
            return
        case .int(let i):
            if i < Int64(Int32.min) || i > Int64(Int32.max) { fail("number \(i)", type: "int32", inStruct: inStruct) }
        case .double:
            fail("number " + value.serializedString(), type: "int32", inStruct: inStruct)
        default:
            mismatch(value, type: "int32", inStruct: inStruct)
        }
    }

    /// `metav1.Time` unmarshals a string and parses it as RFC 3339 (`MicroTime` with six fraction digits).
    private mutating func checkTime(_ value: JSON, micro: Bool, inStruct: String?) {
        guard case .string(let text) = value else {
            mismatch(value, type: "string", inStruct: inStruct)
            return
        }
        if let error = SchemaFormats.goTimeError(text, micro: micro) { errors.append(error) }
    }

    /// `[]byte` fields take base64 strings (or, as Go allows, arrays of byte values).
    private mutating func checkBytes(_ value: JSON, inStruct: String?) {
        switch value {
        case .string(let s):
            if let error = SchemaFormats.base64Error(s) { errors.append(error) }
        case .array(let items):
            for item in items {
                switch item {
                case .null: continue
                case .int(let i) where i >= 0 && i <= 255: continue
                case .int, .double: fail("number " + item.serializedString(), type: "uint8", inStruct: inStruct)
                default: mismatch(item, type: "uint8", inStruct: inStruct)
                }
            }
        default:
            mismatch(value, type: "[]uint8", inStruct: inStruct)
        }
    }

    private mutating func mismatch(_ value: JSON, type: String, inStruct: String?) {
        fail(Self.word(value), type: type, inStruct: inStruct)
    }

    private mutating func fail(_ what: String, type: String, inStruct: String?) {
        if let inStruct, !fields.isEmpty {
            errors.append("json: cannot unmarshal \(what) into Go struct field \(inStruct).\(fields.joined(separator: ".")) of type \(type)")
        } else {
            errors.append("json: cannot unmarshal \(what) into Go value of type \(type)")
        }
    }

    /// How `encoding/json` names a JSON value in `UnmarshalTypeError.Value`.
    static func word(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The Go type a schema node stands for, as `reflect.Type.String()` prints it.
    static func goType(_ node: SchemaNode?) -> String {
        guard let node else { return "interface {}" }
        if node.isIntOrString {
            return node.format == "quantity" ? "resource.Quantity" : (node.goQualifiedName ?? "intstr.IntOrString")
        }
        if let name = node.goQualifiedName, node.type == "object" || node.properties != nil || node.format == "date-time" {
            return name
        }
        switch node.type {
        case "string": return node.format == "byte" ? "[]uint8" : "string"
        case "integer": return node.format == "int32" ? "int32" : "int64"
        case "number": return node.format == "float" ? "float32" : "float64"
        case "boolean": return "bool"
        case "array": return "[]" + goType(node.items)
        case "object":
            if let additional = node.additionalProperties { return "map[string]" + goType(additional) }
            return "map[string]interface {}"
        default: return "interface {}"
        }
    }
}

extension JSON {
    fileprivate var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
