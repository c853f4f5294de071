import KubeModel

/// Autoscalers, disruption budgets, RBAC, storage classes and priority classes.
extension BuiltinValidation {
    static let metricSourceTypes = ["ContainerResource", "External", "Object", "Pods", "Resource"]

    static func validateHorizontalPodAutoscaler(_ object: JSON, v2: Bool) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        let minReplicas = spec["minReplicas"].int
        if let minReplicas, minReplicas < 1 {
            errors.append(.invalid(spec["minReplicas"].path, .int(Int64(minReplicas)), "must be greater than or equal to 1"))
        }
        let maxReplicas = spec["maxReplicas"].int ?? 0
        if maxReplicas < 1 {
            errors.append(.invalid(spec["maxReplicas"].path, .int(Int64(maxReplicas)), "must be greater than 0"))
        }
        if let minReplicas, maxReplicas < minReplicas {
            errors.append(.invalid(spec["maxReplicas"].path, .int(Int64(maxReplicas)), "must be greater than or equal to `minReplicas`"))
        }
        let target = spec["scaleTargetRef"]
        for field in ["kind", "name"] {
            let value = target[field].string
            if value.isEmpty {
                errors.append(.required(target[field].path))
            } else if let message = Validation.pathSegmentError(value) {
                errors.append(.invalid(target[field].path, .string(value), message))
            }
        }
        if v2 {
            for metric in spec["metrics"].elements { errors += validateMetricSpec(metric) }
            if spec["behavior"].isSet {
                for direction in ["scaleUp", "scaleDown"] where spec["behavior"][direction].isSet {
                    errors += validateScalingRules(spec["behavior"][direction])
                }
            }
        } else if let target = spec["targetCPUUtilizationPercentage"].int, target < 1 {
            errors.append(.invalid(spec["targetCPUUtilizationPercentage"].path, .int(Int64(target)), "must be greater than 0"))
        }
        return errors
    }

    static func validateMetricSpec(_ metric: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        let type = metric["type"].string
        if type.isEmpty { errors.append(.required(metric["type"].path, "must specify a metric source type")) }
        let expected: String
        switch type {
        case "Object": expected = "object"
        case "Pods": expected = "pods"
        case "Resource": expected = "resource"
        case "ContainerResource": expected = "containerResource"
        case "External": expected = "external"
        default:
            expected = ""
            errors.append(.notSupported(metric["type"].path, .string(type), metricSourceTypes))
        }
        if !expected.isEmpty && !metric[expected].isSet {
            errors.append(.required(metric[expected].path, "must populate information for the given metric source"))
        }
        for source in ["object", "pods", "resource", "containerResource", "external"] where metric[source].isSet && source != expected {
            errors.append(.forbidden(metric[source].path, "must populate the given metric source only"))
        }
        let source = metric[expected]
        guard !expected.isEmpty, source.isSet else { return errors }
        switch expected {
        case "resource", "containerResource":
            if source["name"].string.isEmpty {
                errors.append(.required(source["name"].path, "must specify a resource name"))
            }
            if expected == "containerResource" && source["container"].string.isEmpty {
                errors.append(.required(source["container"].path, "must specify a container"))
            }
            errors += validateMetricTarget(source["target"])
            let t = source["target"]
            if !t["averageUtilization"].isSet && !t["averageValue"].isSet {
                errors.append(.required(t["averageUtilization"].path, "must set either a target raw value or a target utilization"))
            }
            if t["averageUtilization"].isSet && t["averageValue"].isSet {
                errors.append(.invalid(t["averageValue"].path, t["averageValue"].value, "may not set both a target raw value and a target utilization"))
            }
        default:
            if source["metric"]["name"].string.isEmpty {
                errors.append(.required(source["metric"]["name"].path, "must specify a metric name"))
            }
            errors += validateMetricTarget(source["target"])
        }
        return errors
    }

    static func validateMetricTarget(_ target: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        let type = target["type"].string
        if type.isEmpty { errors.append(.required(target["type"].path, "must specify a metric target type")) }
        if !["Utilization", "Value", "AverageValue"].contains(type) {
            errors.append(.invalid(target["type"].path, .string(type), "must be either Utilization, Value, or AverageValue"))
        }
        for field in ["value", "averageValue"] where target[field].isSet {
            if case .success(let q) = ResourceQuantity.parse(target[field].value ?? .null) {
                if q.sign != 1 { errors.append(.invalid(target[field].path, .string(q.description), "must be positive")) }
            } else {
                errors.append(.invalid(target[field].path, target[field].value, ResourceQuantity.formatMessage))
            }
        }
        if let utilization = target["averageUtilization"].int, utilization < 1 {
            errors.append(.invalid(target["averageUtilization"].path, .int(Int64(utilization)), "must be greater than 0"))
        }
        return errors
    }

    static func validateScalingRules(_ rules: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        if let window = rules["stabilizationWindowSeconds"].int {
            if window < 0 {
                errors.append(.invalid(rules["stabilizationWindowSeconds"].path, .int(Int64(window)), "must be greater than or equal to zero"))
            } else if window > 3600 {
                errors.append(.invalid(rules["stabilizationWindowSeconds"].path, .int(Int64(window)), "must be less than or equal to 3600"))
            }
        }
        if rules["selectPolicy"].isSet, !["Max", "Min", "Disabled"].contains(rules["selectPolicy"].string) {
            errors.append(.notSupported(rules["selectPolicy"].path, .string(rules["selectPolicy"].string), ["Disabled", "Max", "Min"]))
        }
        if rules["policies"].count == 0 { errors.append(.required(rules["policies"].path, "must specify at least one Policy")) }
        for policy in rules["policies"].elements {
            let type = policy["type"].string
            if type != "Pods" && type != "Percent" { errors.append(.notSupported(policy["type"].path, .string(type), ["Percent", "Pods"])) }
            let value = policy["value"].int ?? 0
            if value <= 0 { errors.append(.invalid(policy["value"].path, .int(Int64(value)), "must be greater than zero")) }
            let period = policy["periodSeconds"].int ?? 0
            if period <= 0 {
                errors.append(.invalid(policy["periodSeconds"].path, .int(Int64(period)), "must be greater than zero"))
            } else if period > 1800 {
                errors.append(.invalid(policy["periodSeconds"].path, .int(Int64(period)), "must be less than or equal to 1800"))
            }
        }
        return errors
    }

    static func validatePodDisruptionBudget(_ object: JSON) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        if spec["minAvailable"].isSet && spec["maxUnavailable"].isSet {
            errors.append(.invalid(spec.path, spec.value, "minAvailable and maxUnavailable cannot be both set"))
        }
        for field in ["minAvailable", "maxUnavailable"] where spec[field].isSet {
            errors += validatePositiveIntOrPercent(spec[field])
            errors += validateNotMoreThan100Percent(spec[field])
        }
        errors += validateLabelSelector(spec["selector"])
        if spec["unhealthyPodEvictionPolicy"].isSet {
            let policy = spec["unhealthyPodEvictionPolicy"].string
            if policy != "IfHealthyBudget" && policy != "AlwaysAllow" {
                errors.append(.notSupported(spec["unhealthyPodEvictionPolicy"].path, .string(policy), ["AlwaysAllow", "IfHealthyBudget"]))
            }
        }
        return errors
    }

    // MARK: RBAC

    static func validatePolicyRules(_ rules: FieldCursor, namespaced: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        for rule in rules.elements {
            if rule["verbs"].count == 0 { errors.append(.required(rule["verbs"].path, "verbs must contain at least one value")) }
            if rule["nonResourceURLs"].count > 0 {
                if namespaced {
                    errors.append(.invalid(rule["nonResourceURLs"].path, rule["nonResourceURLs"].value, "namespaced rules cannot apply to non-resource URLs"))
                }
                if rule["apiGroups"].count > 0 || rule["resources"].count > 0 || rule["resourceNames"].count > 0 {
                    errors.append(.invalid(rule["nonResourceURLs"].path, rule["nonResourceURLs"].value, "rules cannot apply to both regular resources and non-resource URLs"))
                }
                continue
            }
            if rule["apiGroups"].count == 0 { errors.append(.required(rule["apiGroups"].path, "resource rules must supply at least one api group")) }
            if rule["resources"].count == 0 { errors.append(.required(rule["resources"].path, "resource rules must supply at least one resource")) }
        }
        return errors
    }

    static func validateRoleBinding(_ object: JSON, old: JSON?, cluster: Bool) -> [FieldError] {
        let root = FieldCursor(object: object)
        let ref = root["roleRef"]
        var errors: [FieldError] = []
        if ref["apiGroup"].string != "rbac.authorization.k8s.io" {
            errors.append(.notSupported(ref["apiGroup"].path, .string(ref["apiGroup"].string), ["rbac.authorization.k8s.io"]))
        }
        let kinds = cluster ? ["ClusterRole"] : ["Role", "ClusterRole"]
        if !kinds.contains(ref["kind"].string) {
            errors.append(.notSupported(ref["kind"].path, .string(ref["kind"].string), kinds))
        }
        let name = ref["name"].string
        if name.isEmpty {
            errors.append(.required(ref["name"].path))
        } else if let message = Validation.pathSegmentError(name) {
            errors.append(.invalid(ref["name"].path, .string(name), message))
        }
        for subject in root["subjects"].elements {
            let subjectName = subject["name"].string
            if subjectName.isEmpty { errors.append(.required(subject["name"].path)) }
            let group = subject["apiGroup"].string
            switch subject["kind"].string {
            case "ServiceAccount":
                if !subjectName.isEmpty { errors += validateDNS1123Subdomain(subjectName, subject["name"].path) }
                if !group.isEmpty { errors.append(.notSupported(subject["apiGroup"].path, .string(group), [""])) }
                if cluster && subject["namespace"].string.isEmpty { errors.append(.required(subject["namespace"].path)) }
            case "User", "Group":
                if group != "rbac.authorization.k8s.io" {
                    errors.append(.notSupported(subject["apiGroup"].path, .string(group), ["rbac.authorization.k8s.io"]))
                }
            default:
                errors.append(.notSupported(subject["kind"].path, .string(subject["kind"].string), ["ServiceAccount", "User", "Group"]))
            }
        }
        if let old, (old["roleRef"] ?? .null) != (object["roleRef"] ?? .null) {
            errors.append(.invalid(ref.path, ref.value, "cannot change roleRef"))
        }
        return errors
    }

    // MARK: Storage and scheduling

    static func validateStorageClass(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        var errors: [FieldError] = []
        let provisioner = root["provisioner"].string
        if provisioner.isEmpty {
            errors.append(.required(root["provisioner"].path))
        } else {
            errors += validateQualifiedName(provisioner.lowercased(), root["provisioner"].path)
        }
        if root["reclaimPolicy"].isSet, !["Delete", "Retain"].contains(root["reclaimPolicy"].string) {
            errors.append(.notSupported(root["reclaimPolicy"].path, .string(root["reclaimPolicy"].string), ["Delete", "Retain"]))
        }
        if root["volumeBindingMode"].isSet, !["Immediate", "WaitForFirstConsumer"].contains(root["volumeBindingMode"].string) {
            errors.append(.notSupported(root["volumeBindingMode"].path, .string(root["volumeBindingMode"].string), ["Immediate", "WaitForFirstConsumer"]))
        }
        if let old {
            if (object["parameters"]?.objectValue ?? [:]) != (old["parameters"]?.objectValue ?? [:]) {
                errors.append(.forbidden(root["parameters"].path, "updates to parameters are forbidden."))
            }
            if provisioner != (old["provisioner"]?.stringValue ?? "") {
                errors.append(.forbidden(root["provisioner"].path, "updates to provisioner are forbidden."))
            }
            if (object["reclaimPolicy"] ?? .null) != (old["reclaimPolicy"] ?? .null) {
                errors.append(.forbidden(root["reclaimPolicy"].path, "updates to reclaimPolicy are forbidden."))
            }
            if (object["volumeBindingMode"] ?? .null) != (old["volumeBindingMode"] ?? .null) {
                errors.append(.invalid(root["volumeBindingMode"].path, object["volumeBindingMode"], FieldError.immutableMessage))
            }
        }
        return errors
    }

    static let systemPriorityClasses: [String: Int] = ["system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000]

    static func validatePriorityClass(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        var errors: [FieldError] = []
        let name = object.name
        let value = root["value"].int ?? 0
        if name.hasPrefix("system-") {
            if let known = systemPriorityClasses[name] {
                if known != value {
                    errors.append(.forbidden(root["metadata"]["name"].path, "priority class names with 'system-' prefix are reserved for system use only. error: value of \(name) PriorityClass must be \(known)"))
                }
            } else {
                errors.append(.forbidden(root["metadata"]["name"].path, "priority class names with 'system-' prefix are reserved for system use only. error: \(name) is not a known system priority class"))
            }
        } else if value > 1_000_000_000 {
            errors.append(.forbidden(root["value"].path, "maximum allowed value of a user defined priority is 1000000000"))
        }
        if root["preemptionPolicy"].isSet, !["Never", "PreemptLowerPriority"].contains(root["preemptionPolicy"].string) {
            errors.append(.notSupported(root["preemptionPolicy"].path, .string(root["preemptionPolicy"].string), ["Never", "PreemptLowerPriority"]))
        }
        if let old {
            if value != (old["value"]?.intValue ?? 0) {
                errors.append(.forbidden(root["value"].path, "may not be changed in an update."))
            }
            if (object["preemptionPolicy"] ?? .null) != (old["preemptionPolicy"] ?? .null) {
                errors.append(.invalid(root["preemptionPolicy"].path, object["preemptionPolicy"], FieldError.immutableMessage))
            }
        }
        return errors
    }
}
