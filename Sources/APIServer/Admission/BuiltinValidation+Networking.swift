import KubeModel

/// Ingresses, IngressClasses and NetworkPolicies (`pkg/apis/networking/validation`).
extension BuiltinValidation {
    static let pathTypes = ["Exact", "ImplementationSpecific", "Prefix"]
    static let wildcardHostMessage = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let cidrMessage = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

    static func validateIngress(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        if spec["rules"].count == 0 && !spec["defaultBackend"].isSet {
            errors.append(.invalid(spec.path, spec["rules"].value ?? .null, "either `defaultBackend` or `rules` must be specified"))
        }
        if spec["defaultBackend"].isSet { errors += validateIngressBackend(spec["defaultBackend"]) }
        for rule in spec["rules"].elements {
            let host = rule["host"].string
            if !host.isEmpty {
                if isValidIP(host) { errors.append(.invalid(rule["host"].path, .string(host), "must be a DNS name, not an IP address")) }
                errors += validateHost(host, rule["host"].path)
            }
            let http = rule["http"]
            if http.isSet {
                if http["paths"].count == 0 { errors.append(.required(http["paths"].path)) }
                for path in http["paths"].elements { errors += validateIngressPath(path) }
            }
        }
        for (i, tls) in spec["tls"].elements.enumerated() {
            _ = i
            for host in tls["hosts"].elements { errors += validateHost(host.string, host.path) }
            let secret = tls["secretName"].string
            if !secret.isEmpty { errors += validateDNS1123Subdomain(secret, tls["secretName"].path) }
        }
        if let className = spec["ingressClassName"].optionalString {
            errors += validateDNS1123Subdomain(className, spec["ingressClassName"].path)
            if old == nil, let annotation = object.annotations["kubernetes.io/ingress.class"], annotation != className {
                errors.append(.invalid(ErrorPath("annotations").child("kubernetes.io/ingress.class"), .string(annotation), "must match `ingressClassName` when both are specified"))
            }
        }
        return errors
    }

    /// A host: a DNS subdomain, or a wildcard one (`*.example.com`).
    static func validateHost(_ host: String, _ path: ErrorPath) -> [FieldError] {
        guard host.contains("*") else { return validateDNS1123Subdomain(host, path) }
        var errors: [FieldError] = []
        if host.utf8.count > 253 { errors.append(.invalid(path, .string(host), "must be no more than 253 characters")) }
        if !host.hasPrefix("*.") || Validation.dns1123SubdomainError(String(host.dropFirst(2))) != nil {
            errors.append(.invalid(path, .string(host), wildcardHostMessage))
        }
        return errors
    }

    static func validateIngressPath(_ entry: FieldCursor) -> [FieldError] {
        guard entry["pathType"].isSet else { return [.required(entry["pathType"].path, "pathType must be specified")] }
        var errors: [FieldError] = []
        let path = entry["path"].string
        let pathField = entry["path"].path
        switch entry["pathType"].string {
        case "Exact", "Prefix":
            if !path.hasPrefix("/") { errors.append(.invalid(pathField, .string(path), "must be an absolute path")) }
            if !path.isEmpty {
                for sequence in ["//", "/./", "/../", "%2f", "%2F"] where path.contains(sequence) {
                    errors.append(.invalid(pathField, .string(path), "must not contain '\(sequence)'"))
                }
                for suffix in ["/..", "/."] where path.hasSuffix(suffix) {
                    errors.append(.invalid(pathField, .string(path), "cannot end with '\(suffix)'"))
                }
            }
        case "ImplementationSpecific":
            if !path.isEmpty && !path.hasPrefix("/") { errors.append(.invalid(pathField, .string(path), "must be an absolute path")) }
        default:
            errors.append(.notSupported(entry["pathType"].path, .string(entry["pathType"].string), pathTypes))
        }
        errors += validateIngressBackend(entry["backend"])
        return errors
    }

    static func validateIngressBackend(_ backend: FieldCursor) -> [FieldError] {
        let resource = backend["resource"]
        let service = backend["service"]
        switch (resource.isSet, service.isSet) {
        case (true, true):
            return [.invalid(backend.path, .string(""), "cannot set both resource and service backends")]
        case (true, false):
            var errors: [FieldError] = []
            if resource["kind"].string.isEmpty { errors.append(.required(resource["kind"].path)) }
            if resource["name"].string.isEmpty { errors.append(.required(resource["name"].path)) }
            return errors
        case (false, true):
            var errors: [FieldError] = []
            let name = service["name"].string
            if name.isEmpty {
                errors.append(.required(service["name"].path))
            } else if let message = Validation.dns1035LabelError(name) {
                errors.append(.invalid(service["name"].path, .string(name), message))
            }
            let portName = service["port"]["name"].string
            let portNumber = service["port"]["number"].int ?? 0
            if !portName.isEmpty && portNumber != 0 {
                errors.append(.invalid(backend.path, .string(""), "cannot set both port name & port number"))
            } else if !portName.isEmpty {
                errors += portNameErrors(portName).map { .invalid(service["port"]["name"].path, .string(portName), $0) }
            } else if portNumber != 0 {
                if !isValidPortNumber(portNumber) {
                    errors.append(.invalid(service["port"]["number"].path, .int(Int64(portNumber)), portRangeMessage))
                }
            } else {
                errors.append(.required(backend.path, "port name or number is required"))
            }
            return errors
        case (false, false):
            return [.invalid(backend.path, .string(""), "resource or service backend is required")]
        }
    }

    static func validateIngressClass(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        let controller = spec["controller"].string
        if controller.utf8.count > 250 { errors.append(.tooLong(spec["controller"].path, max: 250)) }
        let parts = controller.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if controller.isEmpty {
            errors.append(.required(spec["controller"].path))
        } else if parts.count < 2 || parts[1].isEmpty || Validation.dns1123SubdomainError(String(parts[0])) != nil {
            errors.append(.invalid(spec["controller"].path, .string(controller), "must be a domain-prefixed path (such as \"acme.io/foo\")"))
        }
        if let old, (old["spec"]?["controller"] ?? .null) != (object["spec"]?["controller"] ?? .null) {
            errors.append(.invalid(spec["controller"].path, .string(controller), FieldError.immutableMessage))
        }
        return errors
    }

    static func validateNetworkPolicy(_ object: JSON) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors = validateLabelSelector(spec["podSelector"])
        for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
            for rule in spec[direction].elements {
                for port in rule["ports"].elements { errors += validateNetworkPolicyPort(port) }
                for peer in rule[peers].elements { errors += validateNetworkPolicyPeer(peer) }
            }
        }
        let types = spec["policyTypes"]
        if types.count > 2 {
            errors.append(.invalid(types.path, types.value, "may not specify more than two policyTypes"))
            return errors
        }
        for type in types.elements where type.string != "Ingress" && type.string != "Egress" {
            errors.append(.notSupported(type.path, .string(type.string), ["Ingress", "Egress"]))
        }
        return errors
    }

    static func validateNetworkPolicyPort(_ port: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        if port["protocol"].isSet, !["TCP", "UDP", "SCTP"].contains(port["protocol"].string) {
            errors.append(.notSupported(port["protocol"].path, .string(port["protocol"].string), ["TCP", "UDP", "SCTP"]))
        }
        let endPort = port["endPort"]
        switch port["port"].value {
        case nil, .null?:
            if let end = endPort.int {
                errors.append(.invalid(endPort.path, .int(Int64(end)), "may not be specified when `port` is not specified"))
            }
        case .string(let name)?:
            if let end = endPort.int {
                errors.append(.invalid(endPort.path, .int(Int64(end)), "may not be specified when `port` is non-numeric"))
            }
            errors += portNameErrors(name).map { .invalid(port["port"].path, .string(name), $0) }
        default:
            let number = port["port"].int ?? 0
            if !isValidPortNumber(number) { errors.append(.invalid(port["port"].path, .int(Int64(number)), portRangeMessage)) }
            if let end = endPort.int {
                if end < number { errors.append(.invalid(endPort.path, .int(Int64(number)), "must be greater than or equal to `port`")) }
                if !isValidPortNumber(end) { errors.append(.invalid(endPort.path, .int(Int64(end)), portRangeMessage)) }
            }
        }
        return errors
    }

    static func validateNetworkPolicyPeer(_ peer: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        for selector in ["podSelector", "namespaceSelector"] where peer[selector].isSet {
            count += 1
            errors += validateLabelSelector(peer[selector])
        }
        let block = peer["ipBlock"]
        if block.isSet {
            count += 1
            let cidr = block["cidr"].string
            if cidr.isEmpty {
                errors.append(.required(block["cidr"].path))
            } else if !isValidCIDR(cidr) {
                errors.append(.invalid(block["cidr"].path, .string(cidr), cidrMessage))
            } else {
                for except in block["except"].elements where !isValidCIDR(except.string) {
                    errors.append(.invalid(except.path, .string(except.string), cidrMessage))
                }
            }
        }
        if count == 0 {
            errors.append(.required(peer.path, "must specify a peer"))
        } else if count > 1 && block.isSet {
            errors.append(.forbidden(peer.path, "may not specify both ipBlock and another peer"))
        }
        return errors
    }

    static func isValidCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else { return false }
        let ip = String(parts[0])
        if isIPv4(ip) { return bits >= 0 && bits <= 32 }
        if isIPv6(ip) { return bits >= 0 && bits <= 128 }
        return false
    }
}
