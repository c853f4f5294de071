import Foundation
import KubeModel

/// Configuration and cluster kinds of core/v1: ConfigMap, Secret, Namespace, ServiceAccount, claims and
/// volumes, Node, LimitRange, ResourceQuota, and events and leases.
extension BuiltinValidation {
    /// `core.MaxSecretSize`, which also bounds ConfigMaps.
    static let maxDataBytes = 1024 * 1024
    static let immutableWhenSetMessage = "field is immutable when `immutable` is set"

    static func validateConfigMap(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        var errors: [FieldError] = []
        var total = 0
        let binaryKeys = Set(root["binaryData"].members.map(\.key))
        for (key, value) in root["data"].members {
            let path = root["data"].path.key(key)
            errors += configMapKeyErrors(key).map { .invalid(path, .string(key), $0) }
            if binaryKeys.contains(key) { errors.append(.invalid(path, .string(key), "duplicate of key present in binaryData")) }
            total += value.stringValue?.utf8.count ?? 0
        }
        for (key, value) in root["binaryData"].members {
            errors += configMapKeyErrors(key).map { .invalid(root["binaryData"].path.key(key), .string(key), $0) }
            total += decodedLength(value)
        }
        // The error names the whole object, which upstream prints as `[]`.
        if total > maxDataBytes { errors.append(.tooLong(.root, max: maxDataBytes)) }
        if let old { errors += validateImmutableData(object, old: old, fields: ["data", "binaryData"]) }
        return errors
    }

    static func validateSecret(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        let data = root["data"]
        var errors: [FieldError] = []
        var total = 0
        for (key, value) in data.members {
            errors += configMapKeyErrors(key).map { .invalid(data.path.key(key), .string(key), $0) }
            total += decodedLength(value)
        }
        if total > maxDataBytes { errors.append(.tooLong(data.path, max: maxDataBytes)) }
        let keys = Set(data.members.map(\.key))
        switch root["type"].string {
        case "kubernetes.io/service-account-token":
            if (object.annotations["kubernetes.io/service-account.name"] ?? "").isEmpty {
                errors.append(.required(ErrorPath("metadata").child("annotations").key("kubernetes.io/service-account.name")))
            }
        case "kubernetes.io/dockercfg":
            errors += requireJSONKey(".dockercfg", in: data)
        case "kubernetes.io/dockerconfigjson":
            errors += requireJSONKey(".dockerconfigjson", in: data)
        case "kubernetes.io/basic-auth":
            if !keys.contains("username") && !keys.contains("password") {
                errors.append(.required(data.path.key("username")))
                errors.append(.required(data.path.key("password")))
            }
        case "kubernetes.io/ssh-auth":
            if decodedLength(data.value?["ssh-privatekey"] ?? .null) == 0 { errors.append(.required(data.path.key("ssh-privatekey"))) }
        case "kubernetes.io/tls":
            if !keys.contains("tls.crt") { errors.append(.required(data.path.key("tls.crt"))) }
            if !keys.contains("tls.key") { errors.append(.required(data.path.key("tls.key"))) }
        default:
            break
        }
        if let old {
            let type = object["type"] ?? .null
            if type != (old["type"] ?? .null) { errors.append(.invalid(root["type"].path, type, FieldError.immutableMessage)) }
            errors += validateImmutableData(object, old: old, fields: ["data"])
        }
        return errors
    }

    /// The key must hold a JSON object, as `json.Unmarshal` into a map checks it.
    private static func requireJSONKey(_ key: String, in data: FieldCursor) -> [FieldError] {
        guard let encoded = data.value?[key] else { return [.required(data.path.key(key))] }
        let bytes = decoded(encoded)
        let redacted = JSON.string("<secret contents redacted>")
        guard let parsed = try? JSON.parse(bytes) else {
            let first = bytes.first { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }
            let message = first.map { "invalid character '\(Character(Unicode.Scalar($0)))' looking for beginning of value" } ?? "unexpected end of JSON input"
            return [.invalid(data.path.key(key), redacted, message)]
        }
        if !parsed.isObject {
            return [.invalid(data.path.key(key), redacted, "json: cannot unmarshal \(parsed.isArray ? "array" : parsed.typeName) into Go value of type map[string]interface {}")]
        }
        return []
    }

    /// Once `immutable: true` is stored, neither the flag nor the data may change.
    private static func validateImmutableData(_ object: JSON, old: JSON, fields: [String]) -> [FieldError] {
        guard old["immutable"]?.boolValue == true else { return [] }
        var errors: [FieldError] = []
        if object["immutable"]?.boolValue != true { errors.append(.forbidden(ErrorPath("immutable"), immutableWhenSetMessage)) }
        for field in fields where normalizedMap(object[field]) != normalizedMap(old[field]) {
            errors.append(.forbidden(ErrorPath(field), immutableWhenSetMessage))
        }
        return errors
    }

    /// An absent map and an empty one are the same to Go's DeepEqual after decoding.
    private static func normalizedMap(_ value: JSON?) -> JSON {
        guard let value, case .object(let o) = value, !o.isEmpty else { return .emptyObject }
        return value
    }

    /// The byte length of a base64 `[]byte` field (its raw length when it is not valid base64).
    static func decodedLength(_ value: JSON) -> Int { decoded(value).count }

    static func decoded(_ value: JSON) -> [UInt8] {
        guard let text = value.stringValue else { return [] }
        if let data = Data(base64Encoded: text) { return Array(data) }
        return Array(text.utf8)
    }

    static func validateNamespace(_ object: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        let finalizers = FieldCursor(object: object)["spec"]["finalizers"]
        for finalizer in finalizers.elements {
            let name = finalizer.string
            if let message = Validation.qualifiedNameError(name) {
                errors.append(.invalid(finalizers.path, .string(name), message))
            } else if !name.contains("/") && !["kubernetes", "orphan", "foregroundDeletion"].contains(name) {
                errors.append(.invalid(finalizers.path, .string(name), "name is neither a standard finalizer name nor is it fully qualified"))
            }
        }
        return errors
    }

    static let accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]

    /// ValidatePersistentVolumeClaimSpec.
    static func validatePersistentVolumeClaimSpec(_ spec: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        let modes = spec["accessModes"]
        if modes.count == 0 { errors.append(.required(modes.path, "at least 1 access mode is required")) }
        errors += validateLabelSelector(spec["selector"])
        var oncePod = false
        var others = false
        for mode in modes.stringList {
            if !accessModes.contains(mode) {
                errors.append(.notSupported(modes.path, .string(mode), accessModes))
            } else if mode == "ReadWriteOncePod" {
                oncePod = true
            } else {
                others = true
            }
        }
        if oncePod && others { errors.append(.forbidden(modes.path, "may not use ReadWriteOncePod with other access modes")) }
        let storagePath = spec["resources"].path.key("storage")
        if let storage = spec["resources"]["requests"].value?["storage"] {
            switch ResourceQuantity.parse(storage) {
            case .failure(let e): errors.append(.invalid(storagePath, storage, e.message))
            case .success(let q):
                if q.sign <= 0 { errors.append(.invalid(storagePath, .string(q.description), "must be greater than zero")) }
            }
        } else {
            errors.append(.required(storagePath))
        }
        errors += validateResourceList(spec["resources"]["limits"], containerNames: false)
        if let className = spec["storageClassName"].optionalString, !className.isEmpty {
            errors += validateDNS1123Subdomain(className, spec["storageClassName"].path)
        }
        if spec["volumeMode"].isSet {
            let mode = spec["volumeMode"].string
            if mode != "Block" && mode != "Filesystem" { errors.append(.notSupported(spec["volumeMode"].path, .string(mode), ["Block", "Filesystem"])) }
        }
        return errors
    }

    static func validatePersistentVolumeClaim(_ object: JSON, old: JSON?) -> [FieldError] {
        var errors = validatePersistentVolumeClaimSpec(FieldCursor(object: object)["spec"])
        guard let old else { return errors }
        // Claims are immutable but for their requests (growing storage) and a volume name set once.
        var new = object["spec"] ?? .emptyObject
        var previous = old["spec"] ?? .emptyObject
        if (previous["volumeName"]?.stringValue ?? "").isEmpty { previous["volumeName"] = new["volumeName"] }
        new[path: ["resources", "requests"]] = nil
        previous[path: ["resources", "requests"]] = nil
        if new != previous {
            errors.append(.forbidden(ErrorPath("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"))
        }
        if case .success(let newSize)? = object["spec"]?["resources"]?["requests"]?["storage"].map(ResourceQuantity.parse),
           case .success(let oldSize)? = old["spec"]?["resources"]?["requests"]?["storage"].map(ResourceQuantity.parse),
           newSize < oldSize {
            errors.append(.forbidden(ErrorPath("spec").child("resources", "requests", "storage"), "field can not be less than previous value"))
        }
        return errors
    }

    static func validatePersistentVolume(_ object: JSON) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        if spec["accessModes"].count == 0 { errors.append(.required(spec["accessModes"].path)) }
        if spec["capacity"].count == 0 {
            errors.append(.required(spec["capacity"].path))
        } else {
            errors += validateResourceList(spec["capacity"], containerNames: false)
        }
        return errors
    }

    static func validateLimitRange(_ object: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        var types = Set<String>()
        for item in FieldCursor(object: object)["spec"]["limits"].elements {
            let type = item["type"].string
            if !types.insert(type).inserted { errors.append(.duplicate(item["type"].path, .string(type))) }
            var lists: [String: [String: ResourceQuantity]] = [:]
            var keys = Set<String>()
            for list in ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] {
                for (name, value) in item[list].members {
                    keys.insert(name)
                    switch ResourceQuantity.parse(value) {
                    case .failure(let e): errors.append(.invalid(item[list].path.key(name), value, e.message))
                    case .success(let q): lists[list, default: [:]][name] = q
                    }
                }
            }
            for name in keys.sorted() {
                let min = lists["min"]?[name], max = lists["max"]?[name]
                let def = lists["default"]?[name], request = lists["defaultRequest"]?[name]
                if let min, let max, min > max {
                    errors.append(.invalid(item["min"].path.key(name), .string(min.description), "min value \(min) is greater than max value \(max)"))
                }
                if let request, let min, min > request {
                    errors.append(.invalid(item["defaultRequest"].path.key(name), .string(request.description), "min value \(min) is greater than default request value \(request)"))
                }
                if let request, let max, request > max {
                    errors.append(.invalid(item["defaultRequest"].path.key(name), .string(request.description), "default request value \(request) is greater than max value \(max)"))
                }
                if let request, let def, request > def {
                    errors.append(.invalid(item["defaultRequest"].path.key(name), .string(request.description), "default request value \(request) is greater than default limit value \(def)"))
                }
                if let def, let min, min > def {
                    errors.append(.invalid(item["default"].path.key(name), .string(min.description), "min value \(min) is greater than default value \(def)"))
                }
                if let def, let max, def > max {
                    errors.append(.invalid(item["default"].path.key(name), .string(max.description), "default value \(def) is greater than max value \(max)"))
                }
                if let ratio = lists["maxLimitRequestRatio"]?[name], case .success(let one) = ResourceQuantity.parse("1"), ratio < one {
                    errors.append(.invalid(item["maxLimitRequestRatio"].path.key(name), .string(ratio.description), "ratio \(ratio) is less than 1"))
                }
            }
        }
        return errors
    }

    static func validateResourceQuota(_ object: JSON) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors = validateResourceList(spec["hard"], containerNames: false)
        for scope in spec["scopes"].elements {
            let known = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass"]
            if !known.contains(scope.string) {
                errors.append(.invalid(scope.path, .string(scope.string), "unsupported scope"))
            }
        }
        return errors
    }

    /// Events (`ValidateEventCreate`). Old-style core events (no `eventTime`) only need their involved
    /// object in their namespace; new-style ones, and every `events.k8s.io/v1` event, name their reporter.
    /// Field names follow the request's version (`reportingComponent` in core/v1, `note` in events/v1).
    static func validateEvent(_ object: JSON, eventsAPI: Bool) -> [FieldError] {
        let root = FieldCursor(object: object)
        var errors: [FieldError] = []
        let involvedNamespace = (eventsAPI ? root["regarding"] : root["involvedObject"])["namespace"]
        let involvedPath = ErrorPath("involvedObject").child("namespace")
        let namespace = object.namespace
        if eventsAPI {
            if !root["eventTime"].isSet { errors.append(.required(root["eventTime"].path)) }
            let type = root["type"].string
            if type != "Normal" && type != "Warning" {
                errors.append(.invalid(root["type"].path, .string(""), "has invalid value: \(type)"))
            }
            for field in ["deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource"] where root[field].isSet {
                let internalName = ["deprecatedFirstTimestamp": "firstTimestamp", "deprecatedLastTimestamp": "lastTimestamp", "deprecatedCount": "count", "deprecatedSource": "source"][field] ?? field
                if field == "deprecatedCount", root[field].int == 0 { continue }
                if field == "deprecatedSource", root[field].count == 0 { continue }
                errors.append(.invalid(ErrorPath(internalName), .string(""), "needs to be unset"))
            }
        }
        if !eventsAPI && !root["eventTime"].isSet {
            if involvedNamespace.string.isEmpty {
                if !namespace.isEmpty && namespace != "default" {
                    errors.append(.invalid(involvedPath, .string(""), "does not match event.namespace"))
                }
            } else if namespace != involvedNamespace.string {
                errors.append(.invalid(involvedPath, .string(involvedNamespace.string), "does not match event.namespace"))
            }
            return errors
        }
        if involvedNamespace.string.isEmpty && namespace != "default" && namespace != "kube-system" {
            errors.append(.invalid(involvedPath, .string(""), "does not match event.namespace"))
        }
        let reporterField = eventsAPI ? "reportingController" : "reportingComponent"
        let reporter = root[reporterField].string
        if reporter.isEmpty { errors.append(.required(ErrorPath(reporterField))) }
        errors += validateQualifiedName(reporter, ErrorPath(reporterField))
        for (field, limit) in [("reportingInstance", 128), ("action", 128), ("reason", 128)] {
            let value = root[field].string
            if value.isEmpty { errors.append(.required(ErrorPath(field))) }
            if value.utf8.count > limit { errors.append(.invalid(ErrorPath(field), .string(""), "can have at most \(limit) characters")) }
        }
        if root[eventsAPI ? "note" : "message"].string.utf8.count > 1024 {
            errors.append(.invalid(ErrorPath("message"), .string(""), "can have at most 1024 characters"))
        }
        return errors
    }

    static func validateLease(_ object: JSON) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        if let duration = spec["leaseDurationSeconds"].int, duration <= 0 {
            errors.append(.invalid(spec["leaseDurationSeconds"].path, .int(Int64(duration)), "must be greater than 0"))
        }
        errors += validateNonnegative(spec["leaseTransitions"])
        return errors
    }
}
