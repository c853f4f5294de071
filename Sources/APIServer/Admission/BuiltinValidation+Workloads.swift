import KubeModel

/// Pods, pod templates, ReplicationControllers and the `apps/v1` controllers (`pkg/apis/apps/validation`).
extension BuiltinValidation {
    static let podUpdateMessage = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

    // MARK: Pod

    static func validatePod(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        var errors = validatePodSpec(root["spec"])
        let spec = root["spec"]
        guard let old else {
            if spec["ephemeralContainers"].count > 0 {
                errors.append(.forbidden(spec["ephemeralContainers"].path, "cannot be set on create"))
            }
            if !spec["nodeName"].string.isEmpty && spec["schedulingGates"].count > 0 {
                errors.append(.forbidden(spec["nodeName"].path, "cannot be set until all schedulingGates have been cleared"))
            }
            return errors
        }
        let oldSpec = old["spec"] ?? .emptyObject
        let newSpec = object["spec"] ?? .emptyObject
        for list in ["containers", "initContainers"] {
            let new = spec[list]
            if new.count != (oldSpec[list]?.arrayValue?.count ?? 0) {
                errors.append(.forbidden(new.path, "pod updates may not add or remove containers"))
                return errors
            }
            for container in new.elements {
                let image = container["image"].string
                if image != image.trimmingASCIISpaces {
                    errors.append(.invalid(container["image"].path, .string(image), "must not have leading or trailing whitespace"))
                }
            }
        }
        if let deadline = spec["activeDeadlineSeconds"].int {
            if deadline < 0 || deadline > Int(Int32.max) {
                errors.append(.invalid(spec["activeDeadlineSeconds"].path, .int(Int64(deadline)), "must be between 0 and 2147483647, inclusive"))
                return errors
            }
            if let previous = oldSpec["activeDeadlineSeconds"]?.intValue, previous < deadline {
                errors.append(.invalid(spec["activeDeadlineSeconds"].path, .int(Int64(deadline)), "must be less than or equal to previous value"))
                return errors
            }
        } else if oldSpec["activeDeadlineSeconds"]?.intValue != nil {
            errors.append(.invalid(spec["activeDeadlineSeconds"].path, .null, "must not update from a positive integer to nil value"))
        }
        let oldTolerations = oldSpec["tolerations"]?.arrayValue ?? []
        let newTolerations = newSpec["tolerations"]?.arrayValue ?? []
        for previous in oldTolerations {
            let kept = newTolerations.contains { t in
                var a = previous
                var b = t
                a["tolerationSeconds"] = nil
                b["tolerationSeconds"] = nil
                return a == b
            }
            if !kept {
                errors.append(.forbidden(spec["tolerations"].path, "existing toleration can not be modified except its tolerationSeconds"))
                break
            }
        }
        if newSpec == oldSpec { return errors }
        // Everything but the mutable fields must be as before.
        var munged = newSpec
        for list in ["containers", "initContainers"] {
            guard case .array(var containers)? = munged[list], let previous = oldSpec[list]?.arrayValue else { continue }
            for i in containers.indices where i < previous.count { containers[i]["image"] = previous[i]["image"] }
            munged[list] = .array(containers)
        }
        munged["activeDeadlineSeconds"] = oldSpec["activeDeadlineSeconds"]
        munged["tolerations"] = oldSpec["tolerations"]
        if let grace = oldSpec["terminationGracePeriodSeconds"]?.intValue, grace < 0 {
            munged["terminationGracePeriodSeconds"] = oldSpec["terminationGracePeriodSeconds"]
        }
        // Scheduling gates may only be removed.
        if let gates = oldSpec["schedulingGates"] { munged["schedulingGates"] = gates }
        if munged != oldSpec { errors.append(.forbidden(spec.path, podUpdateMessage)) }
        return errors
    }

    // MARK: Templates and ReplicationController

    static func validatePodTemplate(_ object: JSON) -> [FieldError] {
        validatePodTemplateSpec(FieldCursor(object: object)["template"])
    }

    static func validateReplicationController(_ object: JSON) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors = validateNonnegative(spec["minReadySeconds"])
        let selector = spec["selector"].stringMap
        if selector.isEmpty { errors.append(.required(spec["selector"].path)) }
        errors += validateNonnegative(spec["replicas"])
        let template = spec["template"]
        if !template.isSet {
            errors.append(.required(template.path))
            return errors
        }
        if !selector.isEmpty && !LabelSelector(matchLabels: selector).matches(templateLabels(template)) {
            errors.append(templateLabelsMismatch(template))
        }
        errors += validatePodTemplateSpec(template)
        errors += validateTemplateRestartAlways(template, owner: "ReplicationController")
        return errors
    }

    /// Controllers that keep pods running need `restartPolicy: Always` and no active deadline.
    static func validateTemplateRestartAlways(_ template: FieldCursor, owner: String) -> [FieldError] {
        var errors: [FieldError] = []
        let policy = template["spec"]["restartPolicy"].string
        if policy != "Always" { errors.append(.notSupported(template["spec"]["restartPolicy"].path, .string(policy), ["Always"])) }
        if template["spec"]["activeDeadlineSeconds"].isSet {
            errors.append(.forbidden(template["spec"]["activeDeadlineSeconds"].path, "activeDeadlineSeconds in \(owner) is not Supported"))
        }
        return errors
    }

    // MARK: apps/v1

    /// The selector checks shared by the apps controllers: required, valid, not empty.
    static func validateControllerSelector(_ spec: FieldCursor, kindWord: String) -> [FieldError] {
        let selector = spec["selector"]
        guard selector.isSet else { return [.required(selector.path)] }
        var errors = validateLabelSelector(selector)
        if isEmptySelector(selector) {
            errors.append(.invalid(selector.path, selector.value, "empty selector is invalid for \(kindWord)"))
        }
        return errors
    }

    /// ValidatePodTemplateSpecForReplicaSet (used by Deployments too, hence its wording).
    static func validateTemplateForReplicaSet(_ spec: FieldCursor) -> [FieldError] {
        let template = spec["template"]
        var errors: [FieldError] = []
        switch selectorOutcome(spec["selector"].value) {
        case .invalid:
            return [.invalid(spec["selector"].path, spec["selector"].value, "invalid label selector")]
        case .nothing:
            errors.append(templateLabelsMismatch(template))
        case .selector(let selector):
            if !selector.isEverything && !selector.matches(templateLabels(template)) { errors.append(templateLabelsMismatch(template)) }
        }
        errors += validatePodTemplateSpec(template)
        errors += validateTemplateRestartAlways(template, owner: "ReplicaSet")
        return errors
    }

    /// What `metav1.LabelSelectorAsSelector` makes of a selector: nil selects nothing, `{}` everything.
    enum SelectorOutcome {
        case nothing
        case selector(LabelSelector)
        case invalid
    }

    static func selectorOutcome(_ json: JSON?) -> SelectorOutcome {
        guard let json, !json.isNull else { return .nothing }
        guard json.isObject, let selector = try? LabelSelector(json: json) else { return .invalid }
        return .selector(selector)
    }

    static func templateLabels(_ template: FieldCursor) -> [String: String] {
        FieldCursor(template.value?["metadata"]?["labels"], template.path).stringMap
    }

    static func templateLabelsMismatch(_ template: FieldCursor) -> FieldError {
        .invalid(template.path.child("metadata", "labels"), template.value?["metadata"]?["labels"] ?? .null, "`selector` does not match template `labels`")
    }

    static func validateDeployment(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors = validateNonnegative(spec["replicas"])
        errors += validateControllerSelector(spec, kindWord: "deployment")
        errors += validateTemplateForReplicaSet(spec)
        let strategy = spec["strategy"]
        switch strategy["type"].string {
        case "Recreate":
            if strategy["rollingUpdate"].isSet {
                errors.append(.forbidden(strategy["rollingUpdate"].path, "may not be specified when strategy `type` is 'Recreate'"))
            }
        case "RollingUpdate":
            let rolling = strategy["rollingUpdate"]
            if !rolling.isSet {
                errors.append(.required(rolling.path, "this should be defaulted and never be nil"))
            } else {
                errors += validatePositiveIntOrPercent(rolling["maxUnavailable"])
                errors += validatePositiveIntOrPercent(rolling["maxSurge"])
                if intOrPercentValue(rolling["maxUnavailable"]) == 0 && intOrPercentValue(rolling["maxSurge"]) == 0 {
                    errors.append(.invalid(rolling["maxUnavailable"].path, rolling["maxUnavailable"].value, "may not be 0 when `maxSurge` is 0"))
                }
                errors += validateNotMoreThan100Percent(rolling["maxUnavailable"])
            }
        default:
            errors.append(.notSupported(strategy.path, strategy.value, ["Recreate", "RollingUpdate"]))
        }
        errors += validateNonnegative(spec["minReadySeconds"])
        errors += validateNonnegative(spec["revisionHistoryLimit"])
        if let deadline = spec["progressDeadlineSeconds"].int {
            errors += validateNonnegative(spec["progressDeadlineSeconds"])
            if deadline <= (spec["minReadySeconds"].int ?? 0) {
                errors.append(.invalid(spec["progressDeadlineSeconds"].path, .int(Int64(deadline)), "must be greater than minReadySeconds"))
            }
        }
        if let old { errors += validateSelectorUnchanged(object, old: old) }
        return errors
    }

    static func validateReplicaSet(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors = validateNonnegative(spec["replicas"])
        errors += validateNonnegative(spec["minReadySeconds"])
        // Upstream reuses the Deployment wording here.
        errors += validateControllerSelector(spec, kindWord: "deployment")
        errors += validateTemplateForReplicaSet(spec)
        if let old { errors += validateSelectorUnchanged(object, old: old) }
        return errors
    }

    static func validateDaemonSet(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors = validateLabelSelector(spec["selector"])
        let template = spec["template"]
        switch selectorOutcome(spec["selector"].value) {
        case .invalid: break
        case .nothing: errors.append(templateLabelsMismatch(template))
        case .selector(let selector):
            if !selector.matches(templateLabels(template)) { errors.append(templateLabelsMismatch(template)) }
        }
        if spec["selector"].isSet && isEmptySelector(spec["selector"]) {
            errors.append(.invalid(spec["selector"].path, spec["selector"].value, "empty selector is invalid for daemonset"))
        }
        errors += validatePodTemplateSpec(template)
        let policy = template["spec"]["restartPolicy"].string
        if policy != "Always" { errors.append(.notSupported(template["spec"]["restartPolicy"].path, .string(policy), ["Always"])) }
        if template["spec"]["activeDeadlineSeconds"].isSet {
            errors.append(.forbidden(template["spec"]["activeDeadlineSeconds"].path, "activeDeadlineSeconds in DaemonSet is not Supported"))
        }
        errors += validateNonnegative(spec["minReadySeconds"])
        let strategy = spec["updateStrategy"]
        switch strategy["type"].string {
        case "OnDelete":
            break
        case "RollingUpdate":
            let rolling = strategy["rollingUpdate"]
            if !rolling.isSet {
                errors.append(.required(rolling.path))
            } else {
                errors += validatePositiveIntOrPercent(rolling["maxUnavailable"])
                errors += validatePositiveIntOrPercent(rolling["maxSurge"])
                errors += validateNotMoreThan100Percent(rolling["maxUnavailable"])
                errors += validateNotMoreThan100Percent(rolling["maxSurge"])
                let unavailable = intOrPercentValue(rolling["maxUnavailable"]) != 0
                let surge = intOrPercentValue(rolling["maxSurge"]) != 0
                if unavailable && surge {
                    errors.append(.invalid(rolling["maxSurge"].path, rolling["maxSurge"].value, "may not be set when maxUnavailable is non-zero"))
                } else if !unavailable && !surge {
                    errors.append(.required(rolling["maxUnavailable"].path, "cannot be 0 when maxSurge is 0"))
                }
            }
        default:
            errors.append(.notSupported(strategy.path, strategy.value, ["RollingUpdate", "OnDelete"]))
        }
        errors += validateNonnegative(spec["revisionHistoryLimit"])
        if let old { errors += validateSelectorUnchanged(object, old: old) }
        return errors
    }

    static func validateStatefulSet(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        let management = spec["podManagementPolicy"].string
        switch management {
        case "": errors.append(.required(spec["podManagementPolicy"].path))
        case "OrderedReady", "Parallel": break
        default: errors.append(.invalid(spec["podManagementPolicy"].path, .string(management), "must be 'OrderedReady' or 'Parallel'"))
        }
        let strategy = spec["updateStrategy"]
        switch strategy["type"].string {
        case "":
            errors.append(.required(strategy.path))
        case "OnDelete":
            if strategy["rollingUpdate"].isSet {
                errors.append(.invalid(strategy["rollingUpdate"].path, strategy["rollingUpdate"].value, "only allowed for updateStrategy 'RollingUpdate'"))
            }
        case "RollingUpdate":
            let rolling = strategy["rollingUpdate"]
            errors += validateNonnegative(rolling["partition"])
            if rolling["maxUnavailable"].isSet {
                errors += validatePositiveIntOrPercent(rolling["maxUnavailable"])
                if intOrPercentValue(rolling["maxUnavailable"]) == 0 {
                    errors.append(.invalid(rolling["maxUnavailable"].path, rolling["maxUnavailable"].value, "cannot be 0"))
                }
                errors += validateNotMoreThan100Percent(rolling["maxUnavailable"])
            }
        default:
            errors.append(.invalid(strategy.path, strategy.value, "must be 'RollingUpdate' or 'OnDelete'"))
        }
        let retention = spec["persistentVolumeClaimRetentionPolicy"]
        if retention.isSet {
            for field in ["whenDeleted", "whenScaled"] {
                let value = retention[field].string
                if value != "Retain" && value != "Delete" {
                    errors.append(.notSupported(retention[field].path, .string(value), ["Retain", "Delete"]))
                }
            }
        }
        errors += validateNonnegative(spec["replicas"])
        errors += validateNonnegative(spec["minReadySeconds"])
        if let start = spec["ordinals"]["start"].int, start < 0 {
            errors.append(.invalid(spec.path.child("ordinals.start"), .int(Int64(start)), FieldError.negativeMessage))
        }
        errors += validateControllerSelector(spec, kindWord: "statefulset")
        let template = spec["template"]
        let outcome = selectorOutcome(spec["selector"].value)
        switch outcome {
        case .invalid:
            errors.append(.invalid(spec["selector"].path, spec["selector"].value, ""))
        case .nothing:
            errors.append(templateLabelsMismatch(template))
        case .selector(let selector):
            if !selector.isEverything && !selector.matches(templateLabels(template)) { errors.append(templateLabelsMismatch(template)) }
        }
        if case .invalid = outcome {} else {
            // Upstream checks only the template's labels and annotations here, not its pod spec.
            errors += validateLabels(FieldCursor(template.value?["metadata"]?["labels"], template.path.child("labels")))
            errors += validateAnnotations(FieldCursor(template.value?["metadata"]?["annotations"], template.path.child("annotations")))
        }
        let policy = template["spec"]["restartPolicy"].string
        if policy != "Always" { errors.append(.notSupported(template["spec"]["restartPolicy"].path, .string(policy), ["Always"])) }
        if template["spec"]["activeDeadlineSeconds"].isSet {
            errors.append(.forbidden(template["spec"]["activeDeadlineSeconds"].path, "activeDeadlineSeconds in StatefulSet is not Supported"))
        }
        if let old {
            var clone = object["spec"] ?? .emptyObject
            let previous = old["spec"] ?? .emptyObject
            for field in ["replicas", "template", "updateStrategy", "minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy"] {
                clone[field] = previous[field]
            }
            if clone != previous {
                errors.append(.forbidden(spec.path, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
            }
        }
        return errors
    }

    /// apps/v1 strategies forbid selector changes.
    static func validateSelectorUnchanged(_ object: JSON, old: JSON) -> [FieldError] {
        let new = object["spec"]?["selector"] ?? .null
        guard new != (old["spec"]?["selector"] ?? .null) else { return [] }
        return [.invalid(ErrorPath("spec").child("selector"), new, FieldError.immutableMessage)]
    }

    // MARK: Int-or-percent

    static func validatePositiveIntOrPercent(_ field: FieldCursor) -> [FieldError] {
        switch field.value {
        case .string(let s)?:
            return isValidPercent(s) ? [] : [.invalid(field.path, .string(s), percentMessage)]
        case nil, .null?:
            return []
        default:
            return validateNonnegative(field)
        }
    }

    static func percentValue(_ field: FieldCursor) -> Int? {
        guard case .string(let s)? = field.value, isValidPercent(s) else { return nil }
        return Int(s.dropLast())
    }

    /// `getIntOrPercentValue`: the percentage, or the integer (an unparseable string counts as 0).
    static func intOrPercentValue(_ field: FieldCursor) -> Int {
        if let p = percentValue(field) { return p }
        if case .string? = field.value { return 0 }
        return field.int ?? 0
    }

    static func validateNotMoreThan100Percent(_ field: FieldCursor) -> [FieldError] {
        guard let p = percentValue(field), p > 100 else { return [] }
        return [.invalid(field.path, field.value, "must not be greater than 100%")]
    }
}
