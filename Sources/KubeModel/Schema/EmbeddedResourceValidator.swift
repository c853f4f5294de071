/// Validates `x-kubernetes-embedded-resource` objects as apiextensions' `objectmeta.Validate` does:
/// `apiVersion` and `kind` are required and well-formed, and `metadata` passes `ValidateObjectMeta`
/// (names as path segments, namespace as a DNS label, labels, annotations, generation). Paths use
/// apimachinery's `field.Path` rendering (`spec.templates[web].metadata.name`). The resource root is not
/// checked here: the API server validates the object's own metadata.
///
/// What apiextensions' decoder already refuses (`objectmeta.Coerce`: a non-string `apiVersion`/`kind`, or
/// `metadata` that does not decode into `ObjectMeta`) goes to `decodeErrors`, worded as the field error
/// upstream wraps into its 400 response.
struct EmbeddedResourceValidator {
    private(set) var errors: [FieldError] = []
    private(set) var decodeErrors: [String] = []
    private var path = SchemaPathStack()
    private let sortedKeys: Bool

    init(sortedKeys: Bool = true) { self.sortedKeys = sortedKeys }

    mutating func validate(_ value: JSON, _ node: SchemaNode?, isRoot: Bool = true) {
        guard let node else { return }
        switch value {
        case .object(let dict):
            if node.isEmbeddedResource && !isRoot { validateResource(dict) }
            let keys = SchemaNode.memberKeys(dict, sorted: sortedKeys)
            if node.properties != nil {
                for key in keys {
                    guard let child = dict[key], let property = node.property(key) else { continue }
                    path.push(.field(key))
                    validate(child, property, isRoot: false)
                    path.pop()
                }
            } else if let additional = node.additionalProperties {
                for key in keys {
                    guard let child = dict[key] else { continue }
                    path.push(.key(key))
                    validate(child, additional, isRoot: false)
                    path.pop()
                }
            }
        case .array(let items):
            guard let itemNode = node.items else { return }
            for (i, item) in items.enumerated() where item.isObject || item.isArray {
                path.push(.index(i))
                validate(item, itemNode, isRoot: false)
                path.pop()
            }
        default:
            break
        }
    }

    private mutating func validateResource(_ dict: [String: JSON]) {
        if dict["apiVersion"] == nil { errors.append(.required(path.fieldPath(appending: "apiVersion"), "must not be empty")) }
        if dict["kind"] == nil { errors.append(.required(path.fieldPath(appending: "kind"), "must not be empty")) }
        for key in dict.keys.sorted() {
            guard let v = dict[key] else { continue }
            switch key {
            case "apiVersion":
                let p = path.fieldPath(appending: "apiVersion")
                guard case .string(let apiVersion) = v else {
                    decodeErrors.append(FieldError.invalid(p, v, "must be a string").description)
                    continue
                }
                if apiVersion.isEmpty {
                    errors.append(.invalid(p, v, "must not be empty"))
                } else if apiVersion.filter({ $0 == "/" }).count > 1 {
                    errors.append(.invalid(p, v, "unexpected GroupVersion string: \(apiVersion)"))
                }
            case "kind":
                let p = path.fieldPath(appending: "kind")
                guard case .string(let kind) = v else {
                    decodeErrors.append(FieldError.invalid(p, v, "must be a string").description)
                    continue
                }
                if kind.isEmpty {
                    errors.append(.invalid(p, v, "must not be empty"))
                } else if let message = Validation.dns1035LabelError(kind.lowercased()) {
                    errors.append(.invalid(p, v, "may have mixed case, but should otherwise match: " + message))
                }
            case "metadata":
                let p = path.fieldPath(appending: "metadata")
                var decoder = GoDecodeChecker()
                decoder.check(v, SchemaPruner.standardObjectMeta(in: nil), inStruct: nil)
                if let first = decoder.errors.first {
                    decodeErrors.append(FieldError.invalid(p, v, first).description)
                } else if case .object(let meta) = v {
                    validateObjectMeta(meta, at: p)
                }
            default:
                continue
            }
        }
    }

    /// `ValidateObjectMeta(meta, requiresNamespace: namespace != "", path.ValidatePathSegmentName)` with an
    /// empty name replaced by a placeholder, as apiextensions does for embedded objects. Metadata whose
    /// fields do not even decode was already reported as a decode error and is skipped.
    private mutating func validateObjectMeta(_ meta: [String: JSON], at p: String) {
        let generateName = meta["generateName"]?.stringValue ?? ""
        if !generateName.isEmpty {
            if generateName.contains("/") {
                errors.append(.invalid(p + ".generateName", .string(generateName), "may not contain '/'"))
            }
            if generateName.contains("%") {
                errors.append(.invalid(p + ".generateName", .string(generateName), "may not contain '%'"))
            }
        }
        let name = meta["name"]?.stringValue ?? ""
        if !name.isEmpty, let message = Validation.pathSegmentError(name) {
            errors.append(.invalid(p + ".name", .string(name), message))
        }
        if let namespace = meta["namespace"]?.stringValue, !namespace.isEmpty,
           let message = Validation.dns1123LabelError(namespace) {
            errors.append(.invalid(p + ".namespace", .string(namespace), message))
        }
        if let generation = meta["generation"]?.int64Value, generation < 0 {
            errors.append(.invalid(p + ".generation", .int(generation), "must be greater than or equal to 0"))
        }
        if case .object(let labels)? = meta["labels"] {
            for key in labels.keys.sorted() {
                if let message = Validation.qualifiedNameError(key) {
                    errors.append(.invalid(p + ".labels", .string(key), message))
                }
                if case .string(let value)? = labels[key], let message = Validation.labelValueError(value) {
                    errors.append(.invalid(p + ".labels", .string(value), message))
                }
            }
        }
        if case .object(let annotations)? = meta["annotations"] {
            var total = 0
            for key in annotations.keys.sorted() {
                if let message = Validation.qualifiedNameError(key.lowercased()) {
                    errors.append(.invalid(p + ".annotations", .string(key), message))
                }
                total += key.utf8.count + (annotations[key]?.stringValue?.utf8.count ?? 0)
            }
            if total > 256 * 1024 { errors.append(.tooLong(p + ".annotations", nil, max: 256 * 1024)) }
        }
    }
}
