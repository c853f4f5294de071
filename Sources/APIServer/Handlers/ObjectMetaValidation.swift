import KubeModel

/// Validation of `metadata` for custom resources (built-in kinds get it from BuiltinValidation):
/// names, labels, annotations, finalizers and owner references, with apimachinery's messages.
enum ObjectMetaValidation {
    static let maxAnnotationBytes = 256 * 1024

    static func validate(_ object: JSON, definition: ResourceDefinition, isCreate: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        let name = object.name
        if isCreate {
            let problem: String?
            switch definition.nameRule {
            case .dns1123Subdomain: problem = Validation.dns1123SubdomainError(name)
            case .dns1123Label: problem = Validation.dns1123LabelError(name)
            case .dns1035Label: problem = Validation.dns1035LabelError(name)
            case .pathSegment: problem = Validation.pathSegmentError(name)
            }
            if let problem { errors.append(.invalid("metadata.name", .string(name), problem)) }
        }
        for (key, value) in object.labels.sorted(by: { $0.key < $1.key }) {
            if let e = Validation.qualifiedNameError(key) { errors.append(.invalid("metadata.labels", .string(key), e)) }
            if let e = Validation.labelValueError(value) { errors.append(.invalid("metadata.labels", .string(value), e)) }
        }
        var annotationBytes = 0
        for (key, value) in object.annotations.sorted(by: { $0.key < $1.key }) {
            if let e = Validation.qualifiedNameError(key) { errors.append(.invalid("metadata.annotations", .string(key), e)) }
            annotationBytes += key.utf8.count + value.utf8.count
        }
        if annotationBytes > maxAnnotationBytes {
            errors.append(FieldError(.tooLong, field: "metadata.annotations", detail: "must have at most \(maxAnnotationBytes) bytes"))
        }
        for (i, finalizer) in object.finalizers.enumerated() {
            if let e = Validation.qualifiedNameError(finalizer) {
                errors.append(.invalid("metadata.finalizers[\(i)]", .string(finalizer), e))
            }
        }
        for (i, ref) in (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).enumerated() {
            for field in ["apiVersion", "kind", "name", "uid"] where (ref[field]?.stringValue ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences[\(i)].\(field)", .string(""), "\(field) must not be empty"))
            }
        }
        if (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).filter({ $0["controller"]?.boolValue == true }).count > 1 {
            errors.append(.invalid("metadata.ownerReferences", nil, "Only one reference can have Controller set to true"))
        }
        return errors
    }
}
