import KubeModel

/// Container resource requirements and resource lists (`ValidateResourceRequirements`,
/// `ValidateResourceQuantityValue`, resource name rules).
extension BuiltinValidation {
    static func validateResourceRequirements(_ resources: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        var limits: [String: ResourceQuantity] = [:]
        for (name, value) in resources["limits"].members {
            let path = resources["limits"].path.key(name)
            errors += validateContainerResourceName(name, path)
            switch ResourceQuantity.parse(value) {
            case .failure(let e): errors.append(.invalid(path, value, e.message))
            case .success(let q):
                limits[name] = q
                errors += validateResourceQuantityValue(name, q, path)
            }
        }
        for (name, value) in resources["requests"].members {
            let path = resources["requests"].path.key(name)
            errors += validateContainerResourceName(name, path)
            guard case .success(let q) = ResourceQuantity.parse(value) else {
                if case .failure(let e) = ResourceQuantity.parse(value) { errors.append(.invalid(path, value, e.message)) }
                continue
            }
            errors += validateResourceQuantityValue(name, q, path)
            if let limit = limits[name] {
                if q != limit && !isOvercommitAllowed(name) {
                    errors.append(.invalid(resources["requests"].path, .string(q.description), "must be equal to \(name) limit of \(limit)"))
                } else if q > limit {
                    errors.append(.invalid(resources["requests"].path, .string(q.description), "must be less than or equal to \(name) limit of \(limit)"))
                }
            } else if !isOvercommitAllowed(name) {
                errors.append(.required(resources["limits"].path, "Limit must be set for non overcommitable resources"))
            }
        }
        return errors
    }

    /// Quantities of a plain resource list (overhead, quotas): parseable and not negative.
    static func validateResourceList(_ list: FieldCursor, containerNames: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        for (name, value) in list.members {
            let path = list.path.key(name)
            switch ResourceQuantity.parse(value) {
            case .failure(let e): errors.append(.invalid(path, value, e.message))
            case .success(let q): errors += validateResourceQuantityValue(name, q, path)
            }
            if containerNames { errors += validateContainerResourceName(name, path) }
        }
        return errors
    }

    static func validateResourceQuantityValue(_ name: String, _ q: ResourceQuantity, _ path: ErrorPath) -> [FieldError] {
        var errors: [FieldError] = []
        if q.sign < 0 { errors.append(.invalid(path, .string(q.description), FieldError.negativeMessage)) }
        if isExtendedResourceName(name) && !q.isInteger { errors.append(.invalid(path, .string(q.description), "must be an integer")) }
        return errors
    }

    /// validateContainerResourceName: standard names, or a qualified extended resource name.
    static func validateContainerResourceName(_ name: String, _ path: ErrorPath) -> [FieldError] {
        var errors = validateQualifiedName(name, path)
        guard errors.isEmpty else { return errors }
        if !name.contains("/") {
            if !["cpu", "memory", "ephemeral-storage"].contains(name) && !name.hasPrefix("hugepages-") {
                errors.append(.invalid(path, .string(name), "must be a standard resource for containers"))
            }
        } else if !isNativeResourceName(name) && name.hasPrefix("requests.") {
            errors.append(.invalid(path, .string(name), "doesn't follow extended resource name standard"))
        }
        return errors
    }

    static func isNativeResourceName(_ name: String) -> Bool {
        !name.contains("/") || name.hasPrefix("kubernetes.io/") || name.contains(".kubernetes.io/")
    }

    static func isExtendedResourceName(_ name: String) -> Bool {
        !isNativeResourceName(name) && !name.hasPrefix("requests.")
    }

    /// Requests may be below limits only for cpu, memory, ephemeral storage and other native resources.
    static func isOvercommitAllowed(_ name: String) -> Bool {
        isNativeResourceName(name) && !name.hasPrefix("hugepages-")
    }
}
