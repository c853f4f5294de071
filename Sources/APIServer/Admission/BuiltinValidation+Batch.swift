import Foundation
import KubeModel

/// Jobs and CronJobs (`pkg/apis/batch/validation`).
extension BuiltinValidation {
    static func validateJob(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        let spec = root["spec"]
        // Jobs created before the prefixed labels existed are not required to carry them on update.
        var requirePrefixed = true
        if let old {
            let oldLabels = old["spec"]?["template"]?["metadata"]?["labels"]
            requirePrefixed = oldLabels?[BuiltinDefaults.jobNameLabel] != nil && oldLabels?[BuiltinDefaults.controllerUIDLabel] != nil
        }
        var errors = validateGeneratedSelector(object, requirePrefixedLabels: requirePrefixed)
        errors += validateJobSpec(spec)
        if spec["selector"].isSet {
            errors += validateLabelSelector(spec["selector"])
        } else {
            errors.append(.required(spec["selector"].path))
        }
        if case .selector(let selector) = selectorOutcome(spec["selector"].value), !selector.matches(templateLabels(spec["template"])) {
            errors.append(templateLabelsMismatch(spec["template"]))
        } else if case .nothing = selectorOutcome(spec["selector"].value) {
            errors.append(templateLabelsMismatch(spec["template"]))
        }
        if spec["completionMode"].string == "Indexed", let completions = spec["completions"].int, completions > 0 {
            let hostname = "\(object.name)-\(completions - 1)"
            if Validation.dns1123LabelError(hostname) != nil {
                errors.append(.invalid(root["metadata"]["name"].path, .string(object.name), "will not able to create pod with invalid DNS label: \(hostname)"))
            }
        }
        if let old { errors += validateJobUpdate(object, old: old) }
        return errors
    }

    /// validateGeneratedSelector: unless the selector is manual, the generated labels must be on the
    /// template and the selector must select them.
    static func validateGeneratedSelector(_ object: JSON, requirePrefixedLabels: Bool) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        guard spec["manualSelector"].bool != true else { return [] }
        let metadataPath = ErrorPath("spec").child("template", "metadata")
        guard let labels = object["spec"]?["template"]?["metadata"]?["labels"], labels.isObject else {
            return [.required(metadataPath.child("labels"), "required for auto-generated selector")]
        }
        var errors: [FieldError] = []
        if object.uid.isEmpty { errors.append(.required(ErrorPath("metadata").child("uid"))) }
        var expected: [(String, String)] = [
            (BuiltinDefaults.legacyControllerUIDLabel, object.uid), (BuiltinDefaults.legacyJobNameLabel, object.name),
        ]
        if requirePrefixedLabels {
            expected += [(BuiltinDefaults.controllerUIDLabel, object.uid), (BuiltinDefaults.jobNameLabel, object.name)]
        }
        for (key, value) in expected {
            let path = metadataPath.child("labels").key(key)
            switch labels[key]?.stringValue {
            case nil: errors.append(.required(path, "must be '\(value)'"))
            case value?: break
            default: errors.append(.invalid(path, labels, "must be '\(value)'"))
            }
        }
        let selectorLabels: [String: String] = requirePrefixedLabels
            ? [BuiltinDefaults.controllerUIDLabel: object.uid, BuiltinDefaults.jobNameLabel: object.name]
            : [BuiltinDefaults.legacyControllerUIDLabel: object.uid, BuiltinDefaults.legacyJobNameLabel: object.name]
        if case .selector(let selector) = selectorOutcome(spec["selector"].value), !selector.matches(selectorLabels) {
            errors.append(.invalid(spec["selector"].path, spec["selector"].value, "`selector` not auto-generated"))
        } else if case .nothing = selectorOutcome(spec["selector"].value) {
            errors.append(.invalid(spec["selector"].path, .null, "`selector` not auto-generated"))
        }
        return errors
    }

    /// validateJobSpec: counts, completion mode and the template, which must not restart forever.
    static func validateJobSpec(_ spec: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for field in ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"] {
            errors += validateNonnegative(spec[field])
        }
        if spec["completionMode"].isSet {
            let mode = spec["completionMode"].string
            if mode != "NonIndexed" && mode != "Indexed" {
                errors.append(.notSupported(spec["completionMode"].path, .string(mode), ["NonIndexed", "Indexed"]))
            }
            if mode == "Indexed" {
                if !spec["completions"].isSet { errors.append(.required(spec["completions"].path, "when completion mode is Indexed")) }
                if let parallelism = spec["parallelism"].int, parallelism > 100_000 {
                    errors.append(.invalid(spec["parallelism"].path, .int(Int64(parallelism)), "must be less than or equal to 100000 when completion mode is Indexed"))
                }
            }
        }
        if spec["podReplacementPolicy"].isSet {
            let policy = spec["podReplacementPolicy"].string
            if spec["podFailurePolicy"].isSet {
                if policy != "Failed" {
                    errors.append(.notSupported(spec["podReplacementPolicy"].path, .string(policy), ["Failed"]))
                }
            } else if policy != "TerminatingOrFailed" && policy != "Failed" {
                errors.append(.notSupported(spec["podReplacementPolicy"].path, .string(policy), ["Failed", "TerminatingOrFailed"]))
            }
        }
        let template = spec["template"]
        errors += validatePodTemplateSpec(template)
        let restartPath = template["spec"]["restartPolicy"].path
        let restart = template["spec"]["restartPolicy"].string
        if restart == "Always" || restart.isEmpty {
            // Required rather than unsupported: upstream defaults a missing policy to Always first.
            errors.removeAll { $0.field == restartPath.description && $0.reason == .required }
            errors.append(.required(restartPath, "valid values: \"OnFailure\", \"Never\""))
        } else if restart != "OnFailure" && restart != "Never" {
            errors.append(.notSupported(restartPath, .string(restart), ["OnFailure", "Never"]))
        } else if spec["podFailurePolicy"].isSet && restart != "Never" {
            errors.append(.invalid(restartPath, .string(restart), "only \"Never\" is supported when podFailurePolicy is specified"))
        }
        return errors
    }

    /// ValidateJobSpecUpdate: the selector, the pod template and the completion mode are fixed once created.
    static func validateJobUpdate(_ object: JSON, old: JSON) -> [FieldError] {
        let new = object["spec"] ?? .emptyObject
        let previous = old["spec"] ?? .emptyObject
        let spec = ErrorPath("spec")
        var errors: [FieldError] = []
        let elastic = new["completionMode"]?.stringValue == "Indexed" && new["completions"] == new["parallelism"]
        if !elastic, (new["completions"] ?? .null) != (previous["completions"] ?? .null) {
            errors.append(.invalid(spec.child("completions"), new["completions"], FieldError.immutableMessage))
        }
        for field in ["selector", "template", "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"] {
            let value = new[field] ?? .null
            if value != (previous[field] ?? .null) {
                // A suspended Job that never started may change its scheduling directives.
                if field == "template", previous["suspend"]?.boolValue == true, old["status"]?["startTime"] == nil,
                   schedulingOnlyChange(value, previous["template"] ?? .null) {
                    continue
                }
                errors.append(.invalid(spec.child(field), value, FieldError.immutableMessage))
            }
        }
        return errors
    }

    private static func schedulingOnlyChange(_ new: JSON, _ old: JSON) -> Bool {
        var a = new
        var b = old
        for field in ["nodeSelector", "affinity", "tolerations", "schedulingGates"] {
            a[path: ["spec", field]] = nil
            b[path: ["spec", field]] = nil
        }
        for field in ["labels", "annotations"] {
            a[path: ["metadata", field]] = nil
            b[path: ["metadata", field]] = nil
        }
        return a == b
    }

    static func validateCronJob(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        let spec = root["spec"]
        var errors: [FieldError] = []
        let schedule = spec["schedule"].string
        if schedule.isEmpty {
            errors.append(.required(spec["schedule"].path))
        } else {
            if let message = CronSchedule.error(in: schedule) {
                errors.append(.invalid(spec["schedule"].path, .string(schedule), message))
            }
            let allowTZ = (old?["spec"]?["schedule"]?.stringValue ?? "").contains("TZ")
            if allowTZ && schedule.contains("TZ") && spec["timeZone"].isSet {
                errors.append(.invalid(spec["schedule"].path, .string(schedule), "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
            } else if !allowTZ && schedule.contains("TZ") {
                errors.append(.invalid(spec["schedule"].path, .string(schedule), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
            }
        }
        errors += validateNonnegative(spec["startingDeadlineSeconds"])
        if let zone = spec["timeZone"].optionalString, old?["spec"]?["timeZone"]?.stringValue != zone {
            errors += validateTimeZone(zone, spec["timeZone"].path)
        }
        let policy = spec["concurrencyPolicy"].string
        switch policy {
        case "Allow", "Forbid", "Replace": break
        case "": errors.append(.required(spec["concurrencyPolicy"].path))
        default: errors.append(.notSupported(spec["concurrencyPolicy"].path, .string(policy), ["Allow", "Forbid", "Replace"]))
        }
        let jobTemplate = spec["jobTemplate"]
        errors += validateLabels(jobTemplate["metadata"]["labels"])
        errors += validateAnnotations(jobTemplate["metadata"]["annotations"])
        errors += validateJobSpec(jobTemplate["spec"])
        if jobTemplate["spec"]["selector"].isSet {
            errors.append(.invalid(jobTemplate["spec"]["selector"].path, jobTemplate["spec"]["selector"].value, "`selector` will be auto-generated"))
        }
        if jobTemplate["spec"]["manualSelector"].bool == true {
            errors.append(.notSupported(jobTemplate["spec"]["manualSelector"].path, .bool(true), ["nil", "false"]))
        }
        errors += validateNonnegative(spec["successfulJobsHistoryLimit"])
        errors += validateNonnegative(spec["failedJobsHistoryLimit"])
        if old == nil, object.name.utf8.count > 52 {
            errors.append(.invalid(root["metadata"]["name"].path, .string(object.name), "must be no more than 52 characters"))
        }
        return errors
    }

    /// validateTimeZone: an IANA zone name the system knows.
    static func validateTimeZone(_ zone: String, _ path: ErrorPath) -> [FieldError] {
        if zone.isEmpty { return [.invalid(path, .string(zone), "timeZone must be nil or non-empty string")] }
        for part in zone.split(separator: "/", omittingEmptySubsequences: false) {
            let allowed = part.count >= 1 && part.count <= 14 && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-+".contains($0)) }
            if part == "." || part == ".." || part.hasPrefix("-") || !allowed {
                return [.invalid(path, .string(zone), "unknown time zone \(zone)")]
            }
        }
        if zone.lowercased() == "local" {
            return [.invalid(path, .string(zone), "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")]
        }
        if TimeZone(identifier: zone) == nil { return [.invalid(path, .string(zone), "unknown time zone \(zone)")] }
        return []
    }
}
