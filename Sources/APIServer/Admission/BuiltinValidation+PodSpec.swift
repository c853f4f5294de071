import KubeModel

/// `ValidatePodTemplateSpec`/`ValidatePodSpec` of `pkg/apis/core/validation`: containers, volumes, probes,
/// environment, resources and the pod-level fields, with upstream's paths and messages.
extension BuiltinValidation {
    static let restartPolicies = ["Always", "OnFailure", "Never"]
    static let dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
    static let pullPolicies = ["Always", "IfNotPresent", "Never"]
    static let portProtocols = ["SCTP", "TCP", "UDP"]
    static let fileModeMessage = "must be a number between 0 and 0777 (octal), both inclusive"
    static let envFieldPaths = [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ]

    /// A pod template: labels and annotations (reported under `<template>.labels`, as upstream does) and the
    /// pod spec.
    static func validatePodTemplateSpec(_ template: FieldCursor) -> [FieldError] {
        var errors = validateLabels(FieldCursor(template.value?["metadata"]?["labels"], template.path.child("labels")))
        errors += validateAnnotations(FieldCursor(template.value?["metadata"]?["annotations"], template.path.child("annotations")))
        errors += validatePodSpec(template["spec"])
        if template["spec"]["ephemeralContainers"].count > 0 {
            errors.append(.forbidden(template["spec"]["ephemeralContainers"].path, "ephemeral containers not allowed in pod template"))
        }
        return errors
    }

    static func validatePodSpec(_ spec: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        if !spec["terminationGracePeriodSeconds"].isSet {
            errors.append(.required(spec["terminationGracePeriodSeconds"].path))
        }
        let (volumes, volumeErrors) = validateVolumes(spec["volumes"])
        errors += volumeErrors
        errors += validateContainers(spec["containers"], volumes: volumes)
        errors += validateInitContainers(spec["initContainers"], regular: spec["containers"], volumes: volumes)
        errors += validateEphemeralContainers(spec["ephemeralContainers"], spec: spec, volumes: volumes)

        let restartPolicy = spec["restartPolicy"].string
        if restartPolicy.isEmpty {
            errors.append(.required(spec["restartPolicy"].path))
        } else if !restartPolicies.contains(restartPolicy) {
            errors.append(.notSupported(spec["restartPolicy"].path, .string(restartPolicy), restartPolicies))
        }
        let dnsPolicy = spec["dnsPolicy"].string
        if dnsPolicy.isEmpty {
            errors.append(.required(spec["dnsPolicy"].path))
        } else if !dnsPolicies.contains(dnsPolicy) {
            errors.append(.notSupported(spec["dnsPolicy"].path, .string(dnsPolicy), dnsPolicies))
        }
        errors += validateLabels(spec["nodeSelector"])
        for secret in spec["imagePullSecrets"].elements where secret["name"].string.isEmpty {
            errors.append(.required(secret["name"].path))
        }
        let account = spec["serviceAccountName"].string
        if !account.isEmpty { errors += validateDNS1123Subdomain(account, spec["serviceAccountName"].path) }
        let nodeName = spec["nodeName"].string
        if !nodeName.isEmpty { errors += validateDNS1123Subdomain(nodeName, spec["nodeName"].path) }
        if let deadline = spec["activeDeadlineSeconds"].int, deadline < 1 || deadline > Int(Int32.max) {
            errors.append(.invalid(spec["activeDeadlineSeconds"].path, .int(Int64(deadline)), "must be between 1 and 2147483647, inclusive"))
        }
        for field in ["hostname", "subdomain"] where !spec[field].string.isEmpty {
            errors += validateDNS1123Label(spec[field].string, spec[field].path)
        }
        errors += validateTolerations(spec["tolerations"])
        let priorityClass = spec["priorityClassName"].string
        if !priorityClass.isEmpty { errors += validateDNS1123Subdomain(priorityClass, spec["priorityClassName"].path) }
        if spec["preemptionPolicy"].isSet {
            let policy = spec["preemptionPolicy"].string
            if policy != "PreemptLowerPriority" && policy != "Never" {
                errors.append(.notSupported(spec["preemptionPolicy"].path, .string(policy), ["Never", "PreemptLowerPriority"]))
            }
        }
        if spec["overhead"].isSet { errors += validateResourceList(spec["overhead"], containerNames: false) }
        return errors
    }

    // MARK: Containers

    static func validateContainers(_ containers: FieldCursor, volumes: Set<String>) -> [FieldError] {
        guard containers.count > 0 else { return [.required(containers.path)] }
        var errors: [FieldError] = []
        var names = Set<String>()
        for container in containers.elements {
            errors += validateContainerCommon(container, volumes: volumes)
            let name = container["name"].string
            if names.contains(name) {
                errors.append(.duplicate(container["name"].path, .string(name)))
            } else {
                names.insert(name)
            }
            if container["lifecycle"].isSet { errors += validateLifecycle(container["lifecycle"]) }
            errors += validateProbe(container["livenessProbe"], mustSucceedOnce: true)
            errors += validateProbe(container["readinessProbe"], mustSucceedOnce: false)
            errors += validateProbe(container["startupProbe"], mustSucceedOnce: true)
            if container["restartPolicy"].isSet {
                errors.append(.forbidden(container["restartPolicy"].path, "may not be set for non-init containers"))
            }
        }
        return errors
    }

    static func validateInitContainers(_ containers: FieldCursor, regular: FieldCursor, volumes: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set(regular.elements.map(\.["name"].string))
        for container in containers.elements {
            errors += validateContainerCommon(container, volumes: volumes)
            var restartAlways = false
            if container["restartPolicy"].isSet {
                let policy = container["restartPolicy"].string
                if policy != "Always" { errors.append(.notSupported(container["restartPolicy"].path, .string(policy), ["Always"])) }
                restartAlways = policy == "Always"
            }
            let name = container["name"].string
            if names.contains(name) {
                errors.append(.duplicate(container["name"].path, .string(name)))
            } else if !name.isEmpty {
                names.insert(name)
            }
            if restartAlways {
                if container["lifecycle"].isSet { errors += validateLifecycle(container["lifecycle"]) }
                errors += validateProbe(container["livenessProbe"], mustSucceedOnce: true)
                errors += validateProbe(container["readinessProbe"], mustSucceedOnce: false)
                errors += validateProbe(container["startupProbe"], mustSucceedOnce: true)
            } else {
                let sidecarOnly = "may not be set for init containers without restartPolicy=Always"
                if container["lifecycle"].isSet { errors.append(.forbidden(container["lifecycle"].path, sidecarOnly)) }
                if container["livenessProbe"].isSet { errors.append(.forbidden(container["livenessProbe"].path, sidecarOnly)) }
                if container["readinessProbe"].isSet { errors.append(.forbidden(container["readinessProbe"].path, "may not be set for init containers")) }
                if container["startupProbe"].isSet { errors.append(.forbidden(container["startupProbe"].path, sidecarOnly)) }
            }
        }
        return errors
    }

    static func validateEphemeralContainers(_ containers: FieldCursor, spec: FieldCursor, volumes: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set((spec["containers"].elements + spec["initContainers"].elements).map(\.["name"].string))
        for container in containers.elements {
            errors += validateContainerCommon(container, volumes: volumes)
            let name = container["name"].string
            if names.contains(name) {
                errors.append(.duplicate(container["name"].path, .string(name)))
            } else {
                names.insert(name)
            }
            for field in ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe", "ports", "resources"]
            where container[field].isSet && !(field == "resources" && container[field].count == 0) && !(field == "ports" && container[field].count == 0) {
                errors.append(.forbidden(container[field].path, "cannot be set for an Ephemeral Container"))
            }
        }
        return errors
    }

    /// validateContainerCommon: what every container kind must satisfy.
    static func validateContainerCommon(_ container: FieldCursor, volumes: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        let name = container["name"].string
        if name.isEmpty {
            errors.append(.required(container["name"].path))
        } else {
            errors += validateDNS1123Label(name, container["name"].path)
        }
        if container["image"].string.isEmpty { errors.append(.required(container["image"].path)) }
        let messagePolicy = container["terminationMessagePolicy"].string
        switch messagePolicy {
        case "File", "FallbackToLogsOnError": break
        case "": errors.append(.required(container["terminationMessagePolicy"].path, "must be 'File' or 'FallbackToLogsOnError'"))
        default: errors.append(.notSupported(container["terminationMessagePolicy"].path, .string(messagePolicy), ["File", "FallbackToLogsOnError"]))
        }
        errors += validateContainerPorts(container["ports"])
        errors += validateEnv(container["env"])
        errors += validateEnvFrom(container["envFrom"])
        errors += validateVolumeMounts(container["volumeMounts"], volumes: volumes)
        let pull = container["imagePullPolicy"].string
        if pull.isEmpty {
            errors.append(.required(container["imagePullPolicy"].path))
        } else if !pullPolicies.contains(pull) {
            errors.append(.notSupported(container["imagePullPolicy"].path, .string(pull), pullPolicies))
        }
        errors += validateResourceRequirements(container["resources"])
        return errors
    }

    static func validateContainerPorts(_ ports: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        for port in ports.elements {
            let name = port["name"].string
            if !name.isEmpty {
                let messages = portNameErrors(name)
                if !messages.isEmpty {
                    errors += messages.map { .invalid(port["name"].path, .string(name), $0) }
                } else if names.contains(name) {
                    errors.append(.duplicate(port["name"].path, .string(name)))
                } else {
                    names.insert(name)
                }
            }
            let containerPort = port["containerPort"].int ?? 0
            if containerPort == 0 {
                errors.append(.required(port["containerPort"].path))
            } else if !isValidPortNumber(containerPort) {
                errors.append(.invalid(port["containerPort"].path, .int(Int64(containerPort)), portRangeMessage))
            }
            if let hostPort = port["hostPort"].int, hostPort != 0, !isValidPortNumber(hostPort) {
                errors.append(.invalid(port["hostPort"].path, .int(Int64(hostPort)), portRangeMessage))
            }
            let proto = port["protocol"].string
            if proto.isEmpty {
                errors.append(.required(port["protocol"].path))
            } else if !portProtocols.contains(proto) {
                errors.append(.notSupported(port["protocol"].path, .string(proto), portProtocols))
            }
        }
        return errors
    }

    /// ValidateEnv with relaxed names (RelaxedEnvironmentVariableValidation, on by default in 1.32).
    static func validateEnv(_ env: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for variable in env.elements {
            let name = variable["name"].string
            if name.isEmpty {
                errors.append(.required(variable["name"].path))
            } else if !name.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value <= 126 && $0 != "=" }) {
                errors.append(.invalid(variable["name"].path, .string(name), "a valid environment variable name must consist only of printable ASCII characters other than '='"))
            }
            errors += validateEnvValueFrom(variable)
        }
        return errors
    }

    static func validateEnvValueFrom(_ variable: FieldCursor) -> [FieldError] {
        let from = variable["valueFrom"]
        guard from.isSet else { return [] }
        var errors: [FieldError] = []
        var sources = 0
        if from["fieldRef"].isSet {
            sources += 1
            errors += validateObjectFieldSelector(from["fieldRef"])
        }
        if from["resourceFieldRef"].isSet {
            sources += 1
            let ref = from["resourceFieldRef"]
            if ref["resource"].string.isEmpty { errors.append(.required(ref["resource"].path)) }
        }
        for selector in ["configMapKeyRef", "secretKeyRef"] where from[selector].isSet {
            sources += 1
            let ref = from[selector]
            errors += validateDNS1123Subdomain(ref["name"].string, ref["name"].path)
            let key = ref["key"].string
            if key.isEmpty {
                errors.append(.required(ref["key"].path))
            } else {
                errors += configMapKeyErrors(key).map { .invalid(ref["key"].path, .string(key), $0) }
            }
        }
        if sources == 0 {
            errors.append(.invalid(from.path, .string(""), "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        } else if !variable["value"].string.isEmpty {
            errors.append(.invalid(from.path, .string(""), "may not be specified when `value` is not empty"))
        } else if sources > 1 {
            errors.append(.invalid(from.path, .string(""), "may not have more than one field specified at a time"))
        }
        return errors
    }

    static func validateObjectFieldSelector(_ ref: FieldCursor) -> [FieldError] {
        if ref["apiVersion"].string.isEmpty { return [.required(ref["apiVersion"].path)] }
        let fieldPath = ref["fieldPath"].string
        if fieldPath.isEmpty { return [.required(ref["fieldPath"].path)] }
        if let open = fieldPath.firstIndex(of: "["), fieldPath.hasSuffix("']") {
            let path = String(fieldPath[..<open])
            let inner = fieldPath[fieldPath.index(after: open)..<fieldPath.index(before: fieldPath.endIndex)]
            let subscriptText = inner.hasPrefix("'") && inner.hasSuffix("'") && inner.count >= 2 ? String(inner.dropFirst().dropLast()) : String(inner)
            switch path {
            case "metadata.annotations": return validateQualifiedName(subscriptText.lowercased(), ref.path)
            case "metadata.labels": return validateQualifiedName(subscriptText, ref.path)
            default: return [.invalid(ref.path, .string(path), "does not support subscript")]
            }
        }
        let supported = envFieldPaths + ["metadata.annotations", "metadata.labels"]
        if !supported.contains(fieldPath) {
            return [.notSupported(ref["fieldPath"].path, .string(fieldPath), supported.sorted())]
        }
        return []
    }

    static func validateEnvFrom(_ envFrom: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for source in envFrom.elements {
            let prefix = source["prefix"].string
            if !prefix.isEmpty, !prefix.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value <= 126 && $0 != "=" }) {
                errors.append(.invalid(source["prefix"].path, .string(prefix), "a valid environment variable name must consist only of printable ASCII characters other than '='"))
            }
            var count = 0
            for ref in ["configMapRef", "secretRef"] where source[ref].isSet {
                count += 1
                errors += validateDNS1123Subdomain(source[ref]["name"].string, source[ref]["name"].path)
            }
            if count == 0 {
                errors.append(.invalid(source.path, .string(""), "must specify one of: `configMapRef` or `secretRef`"))
            } else if count > 1 {
                errors.append(.invalid(source.path, .string(""), "may not have more than one field specified at a time"))
            }
        }
        return errors
    }

    static func validateVolumeMounts(_ mounts: FieldCursor, volumes: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        var mountPoints = Set<String>()
        for mount in mounts.elements {
            let name = mount["name"].string
            if name.isEmpty { errors.append(.required(mount["name"].path)) }
            if !volumes.contains(name) { errors.append(.notFound(mount["name"].path, .string(name))) }
            let mountPath = mount["mountPath"].string
            if mountPath.isEmpty { errors.append(.required(mount["mountPath"].path)) }
            if mountPoints.contains(mountPath) {
                errors.append(.invalid(mount["mountPath"].path, .string(mountPath), "must be unique"))
            }
            mountPoints.insert(mountPath)
            let subPath = mount["subPath"].string
            if !subPath.isEmpty { errors += validateLocalDescendingPath(subPath, mounts.path.child("subPath")) }
        }
        return errors
    }

    /// validateLocalDescendingPath: relative, and no `..` element.
    static func validateLocalDescendingPath(_ path: String, _ at: ErrorPath) -> [FieldError] {
        var errors: [FieldError] = []
        if path.hasPrefix("/") { errors.append(.invalid(at, .string(path), "must be a relative path")) }
        if path.split(separator: "/").contains("..") { errors.append(.invalid(at, .string(path), "must not contain '..'")) }
        return errors
    }

    // MARK: Probes and hooks

    static func validateProbe(_ probe: FieldCursor, mustSucceedOnce: Bool) -> [FieldError] {
        guard probe.isSet else { return [] }
        var errors = validateHandler(probe, kinds: ["exec", "httpGet", "tcpSocket", "grpc"])
        for field in ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] {
            errors += validateNonnegative(probe[field])
        }
        if let grace = probe["terminationGracePeriodSeconds"].int {
            if !mustSucceedOnce {
                errors.append(.invalid(probe["terminationGracePeriodSeconds"].path, .int(Int64(grace)), "must not be set for readinessProbes"))
            } else if grace <= 0 {
                errors.append(.invalid(probe["terminationGracePeriodSeconds"].path, .int(Int64(grace)), "must be greater than 0"))
            }
        }
        if mustSucceedOnce, let threshold = probe["successThreshold"].int, threshold != 1 {
            errors.append(.invalid(probe["successThreshold"].path, .int(Int64(threshold)), "must be 1"))
        }
        return errors
    }

    static func validateLifecycle(_ lifecycle: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for hook in ["postStart", "preStop"] where lifecycle[hook].isSet {
            errors += validateHandler(lifecycle[hook], kinds: ["exec", "httpGet", "tcpSocket", "sleep"])
        }
        return errors
    }

    /// Exactly one handler, in upstream's order of checking.
    static func validateHandler(_ handler: FieldCursor, kinds: [String]) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        for kind in kinds where handler[kind].isSet {
            if count > 0 {
                errors.append(.forbidden(handler[kind].path, "may not specify more than 1 handler type"))
                continue
            }
            count += 1
            let action = handler[kind]
            switch kind {
            case "exec":
                if action["command"].count == 0 { errors.append(.required(action["command"].path)) }
            case "httpGet":
                if action["path"].string.isEmpty { errors.append(.required(action["path"].path)) }
                errors += validatePortNumOrName(action["port"])
                let scheme = action["scheme"].string
                if scheme != "HTTP" && scheme != "HTTPS" {
                    errors.append(.notSupported(action["scheme"].path, .string(scheme), ["HTTP", "HTTPS"]))
                }
            case "tcpSocket", "grpc":
                errors += validatePortNumOrName(action["port"])
            case "sleep":
                if let seconds = action["seconds"].int, seconds <= 0 {
                    errors.append(.invalid(action["seconds"].path, .int(Int64(seconds)), "must be greater than 0"))
                }
            default: break
            }
        }
        if count == 0 { errors.append(.required(handler.path, "must specify a handler type")) }
        return errors
    }

    // MARK: Tolerations

    static func validateTolerations(_ tolerations: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for toleration in tolerations.elements {
            let key = toleration["key"].string
            let op = toleration["operator"].string
            let effect = toleration["effect"].string
            if !key.isEmpty { errors += validateQualifiedName(key, toleration["key"].path) }
            if key.isEmpty && op != "Exists" {
                errors.append(.invalid(toleration["operator"].path, .string(op), "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
            }
            if toleration["tolerationSeconds"].isSet && effect != "NoExecute" {
                errors.append(.invalid(toleration["effect"].path, .string(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"))
            }
            switch op {
            case "Equal", "":
                if let message = Validation.labelValueError(toleration["value"].string) {
                    errors.append(.invalid(toleration["operator"].path, .string(toleration["value"].string), message))
                }
            case "Exists":
                if !toleration["value"].string.isEmpty {
                    errors.append(.invalid(toleration["operator"].path, toleration.value, "value must be empty when `operator` is 'Exists'"))
                }
            default:
                errors.append(.notSupported(toleration["operator"].path, .string(op), ["Equal", "Exists"]))
            }
            if !effect.isEmpty && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) {
                errors.append(.notSupported(toleration["effect"].path, .string(effect), ["NoSchedule", "PreferNoSchedule", "NoExecute"]))
            }
        }
        return errors
    }
}
