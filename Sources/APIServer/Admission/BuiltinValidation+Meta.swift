import Foundation
import KubeModel

/// `metadata`, names, labels, selectors and the small value rules (ports, IPs, keys) that many kinds share,
/// as apimachinery's `ValidateObjectMeta` and `k8s.io/apimachinery/pkg/util/validation` word them.
extension BuiltinValidation {
    static let maxAnnotationBytes = 256 * 1024
    static let portRangeMessage = "must be between 1 and 65535, inclusive"
    static let ipMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

    // MARK: Object metadata

    /// ValidateObjectMeta; names are checked on create only (they cannot change, and upstream skips them on
    /// some updates).
    static func validateObjectMeta(_ object: JSON, kind: BuiltinKind, checkName: Bool = true) -> [FieldError] {
        let meta = FieldCursor(object: object)["metadata"]
        var errors: [FieldError] = []
        let generateName = meta["generateName"].string
        if checkName && !generateName.isEmpty {
            for message in nameErrors(generateName, rule: kind.nameRule, prefix: true) {
                errors.append(.invalid(meta["generateName"].path, .string(generateName), message))
            }
        }
        let name = meta["name"].string
        if name.isEmpty {
            errors.append(.required(meta["name"].path, "name or generateName is required"))
        } else if checkName {
            for message in nameErrors(name, rule: kind.nameRule, prefix: false) {
                errors.append(.invalid(meta["name"].path, .string(name), message))
            }
        }
        let namespace = meta["namespace"].string
        if kind.isNamespaced {
            if namespace.isEmpty {
                errors.append(.required(meta["namespace"].path))
            } else if let message = Validation.dns1123LabelError(namespace) {
                errors.append(.invalid(meta["namespace"].path, .string(namespace), message))
            }
        } else if !namespace.isEmpty {
            errors.append(.forbidden(meta["namespace"].path, "not allowed on this type"))
        }
        if let generation = meta["generation"].int, generation < 0 {
            errors.append(.invalid(meta["generation"].path, .int(Int64(generation)), FieldError.negativeMessage))
        }
        errors += validateLabels(meta["labels"])
        errors += validateAnnotations(meta["annotations"])
        errors += validateOwnerReferences(meta["ownerReferences"])
        for finalizer in meta["finalizers"].elements {
            if let message = Validation.qualifiedNameError(finalizer.string) {
                errors.append(.invalid(finalizer.path, .string(finalizer.string), message))
            }
        }
        return errors
    }

    /// ValidateObjectMetaUpdate: identity fields may not change.
    static func validateObjectMetaUpdate(_ object: JSON, old: JSON) -> [FieldError] {
        let meta = FieldCursor(object: object)["metadata"]
        var errors: [FieldError] = []
        for field in ["name", "namespace", "uid", "creationTimestamp"] {
            let new = object["metadata"]?[field] ?? .null
            let previous = old["metadata"]?[field] ?? .null
            // An omitted uid or timestamp is filled from the old object by the server; only a change counts.
            if new.isNull, field == "uid" || field == "creationTimestamp" { continue }
            if new != previous { errors.append(.invalid(meta[field].path, new, FieldError.immutableMessage)) }
        }
        return errors
    }

    /// Messages for a name under a kind's rule; `prefix` allows the trailing dash of a `generateName`.
    static func nameErrors(_ name: String, rule: BuiltinKind.NameRule, prefix: Bool) -> [String] {
        var candidate = name
        if prefix, candidate.count > 1, candidate.hasSuffix("-") { candidate = String(candidate.dropLast()) + "a" }
        let message: String?
        switch rule {
        case .dns1123Subdomain: message = Validation.dns1123SubdomainError(candidate)
        case .dns1123Label: message = Validation.dns1123LabelError(candidate)
        case .dns1035Label: message = Validation.dns1035LabelError(candidate)
        case .pathSegment: message = Validation.pathSegmentError(candidate)
        }
        return message.map { [$0] } ?? []
    }

    /// ValidateLabels: every error names the map itself (`metadata.labels`), with the bad key or value.
    static func validateLabels(_ labels: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for (key, value) in labels.members {
            if let message = Validation.qualifiedNameError(key) { errors.append(.invalid(labels.path, .string(key), message)) }
            let text = value.stringValue ?? ""
            if let message = Validation.labelValueError(text) { errors.append(.invalid(labels.path, .string(text), message)) }
        }
        return errors
    }

    /// ValidateAnnotations: keys are qualified names (case-insensitively); all keys and values together
    /// may hold at most 256 KiB.
    static func validateAnnotations(_ annotations: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        var total = 0
        for (key, value) in annotations.members {
            if let message = Validation.qualifiedNameError(key.lowercased()) {
                errors.append(.invalid(annotations.path, .string(key), message))
            }
            total += key.utf8.count + (value.stringValue?.utf8.count ?? 0)
        }
        if total > maxAnnotationBytes { errors.append(.tooLong(annotations.path, max: maxAnnotationBytes)) }
        return errors
    }

    static func validateOwnerReferences(_ refs: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        var controller = ""
        for ref in refs.elements {
            let apiVersion = ref["apiVersion"].string
            let version = apiVersion.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if version.isEmpty { errors.append(.invalid(refs.path.child("apiVersion"), .string(apiVersion), "version must not be empty")) }
            if ref["kind"].string.isEmpty { errors.append(.invalid(refs.path.child("kind"), .string(""), "kind must not be empty")) }
            if ref["name"].string.isEmpty { errors.append(.invalid(refs.path.child("name"), .string(""), "name must not be empty")) }
            if ref["uid"].string.isEmpty { errors.append(.invalid(refs.path.child("uid"), .string(""), "uid must not be empty")) }
            if ref["controller"].bool == true {
                let current = ref["kind"].string + "/" + ref["name"].string
                if controller.isEmpty {
                    controller = current
                } else {
                    errors.append(.invalid(refs.path, refs.value, "Only one reference can have Controller set to true. Found \"true\" in references for \(controller) and \(current)"))
                }
            }
        }
        return errors
    }

    // MARK: Selectors

    /// ValidateLabelSelector (`metav1.LabelSelector`).
    static func validateLabelSelector(_ selector: FieldCursor) -> [FieldError] {
        guard selector.isSet else { return [] }
        var errors = validateLabels(selector["matchLabels"])
        for expr in selector["matchExpressions"].elements {
            let op = expr["operator"].string
            switch op {
            case "In", "NotIn":
                if expr["values"].count == 0 {
                    errors.append(.required(expr["values"].path, "must be specified when `operator` is 'In' or 'NotIn'"))
                }
            case "Exists", "DoesNotExist":
                if expr["values"].count > 0 {
                    errors.append(.forbidden(expr["values"].path, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            default:
                errors.append(.invalid(expr["operator"].path, .string(op), "not a valid selector operator"))
            }
            let key = expr["key"].string
            if let message = Validation.qualifiedNameError(key) { errors.append(.invalid(expr["key"].path, .string(key), message)) }
            for value in expr["values"].elements {
                if let message = Validation.labelValueError(value.string) {
                    errors.append(.invalid(value.path, .string(value.string), message))
                }
            }
        }
        return errors
    }

    /// Whether a selector object names no requirement at all.
    static func isEmptySelector(_ selector: FieldCursor) -> Bool {
        selector["matchLabels"].count + selector["matchExpressions"].count == 0
    }

    // MARK: Values

    static func validateNonnegative(_ field: FieldCursor) -> [FieldError] {
        guard let n = field.int, n < 0 else { return [] }
        return [.invalid(field.path, .int(Int64(n)), FieldError.negativeMessage)]
    }

    static func validateDNS1123Label(_ value: String, _ path: ErrorPath) -> [FieldError] {
        Validation.dns1123LabelError(value).map { [.invalid(path, .string(value), $0)] } ?? []
    }

    static func validateDNS1123Subdomain(_ value: String, _ path: ErrorPath) -> [FieldError] {
        Validation.dns1123SubdomainError(value).map { [.invalid(path, .string(value), $0)] } ?? []
    }

    static func validateQualifiedName(_ value: String, _ path: ErrorPath) -> [FieldError] {
        Validation.qualifiedNameError(value).map { [.invalid(path, .string(value), $0)] } ?? []
    }

    /// IsValidPortName (an IANA service name).
    static func portNameErrors(_ port: String) -> [String] {
        var errors: [String] = []
        if port.utf8.count > 15 { errors.append("must be no more than 15 characters") }
        if port.isEmpty || !port.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }) {
            errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !port.utf8.contains(where: { $0 >= 97 && $0 <= 122 }) { errors.append("must contain at least one letter (a-z)") }
        if port.contains("--") { errors.append("must not contain consecutive hyphens") }
        if port.hasPrefix("-") || port.hasSuffix("-") { errors.append("must not begin or end with a hyphen") }
        return errors
    }

    static func isValidPortNumber(_ n: Int) -> Bool { n >= 1 && n <= 65535 }

    /// ValidatePortNumOrName for an int-or-string port.
    static func validatePortNumOrName(_ port: FieldCursor) -> [FieldError] {
        switch port.value {
        case .string(let name)?:
            return portNameErrors(name).map { .invalid(port.path, .string(name), $0) }
        default:
            let n = port.int ?? 0
            return isValidPortNumber(n) ? [] : [.invalid(port.path, .int(Int64(n)), portRangeMessage)]
        }
    }

    /// IsConfigMapKey: the rule for ConfigMap and Secret data keys (and key selectors).
    static func configMapKeyErrors(_ key: String) -> [String] {
        var errors: [String] = []
        if key.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        if key.isEmpty || !key.utf8.allSatisfy({ isASCIIAlnum($0) || $0 == 45 || $0 == 46 || $0 == 95 }) {
            errors.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        }
        if key == "." {
            errors.append("must not be '.'")
        } else if key == ".." {
            errors.append("must not be '..'")
        } else if key.hasPrefix("..") {
            errors.append("must not start with '..'")
        }
        return errors
    }

    /// IsValidPercent.
    static func isValidPercent(_ s: String) -> Bool {
        s.count > 1 && s.hasSuffix("%") && s.dropLast().allSatisfy { $0.isASCII && $0.isNumber }
    }

    static let percentMessage = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"

    /// An IPv4 or IPv6 address as `netutils.ParseIPSloppy` accepts it.
    static func isValidIP(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && (Int(p) ?? 256) <= 255
        }
    }

    static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":") else { return false }
        var text = s
        // An embedded IPv4 tail counts as two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = String(text[...lastColon]) + "0:0"
        }
        var halves: [String] = []
        if let range = text.range(of: "::") {
            let rest = String(text[range.upperBound...])
            if rest.contains("::") { return false }
            halves = [String(text[..<range.lowerBound]), rest]
        } else {
            halves = [text]
        }
        func groups(_ part: String) -> Int? {
            if part.isEmpty { return 0 }
            let gs = part.split(separator: ":", omittingEmptySubsequences: false)
            guard gs.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return nil }
            return gs.count
        }
        guard let head = groups(halves[0]) else { return false }
        if halves.count == 2 {
            guard let tail = groups(halves[1]) else { return false }
            return head + tail <= 7
        }
        return head == 8
    }

    @inline(__always) static func isASCIIAlnum(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
    }
}
