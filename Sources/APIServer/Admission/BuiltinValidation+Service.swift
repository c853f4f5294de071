import KubeModel

/// Services, Endpoints and EndpointSlices (`ValidateService`, `ValidateEndpoints`, discovery validation).
extension BuiltinValidation {
    static let serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    /// The API server's default `--service-node-port-range`.
    static let nodePortRange = 30000...32767

    static func validateService(_ object: JSON, old: JSON?) -> [FieldError] {
        let spec = FieldCursor(object: object)["spec"]
        var errors: [FieldError] = []
        let type = spec["type"].string
        let clusterIPs = effectiveClusterIPs(object["spec"])
        let headless = clusterIPs.first == "None"
        if spec["ports"].count == 0 && !headless && type != "ExternalName" {
            errors.append(.required(spec["ports"].path))
        }
        switch type {
        case "ExternalName":
            if spec["clusterIPs"].count > 0 {
                errors.append(.forbidden(spec["clusterIPs"].path, "may not be set for ExternalName services"))
            }
            if spec["ipFamilies"].count > 0 {
                errors.append(.forbidden(spec["ipFamilies"].path, "may not be set for ExternalName services"))
            }
            if spec["ipFamilyPolicy"].isSet {
                errors.append(.forbidden(spec["ipFamilyPolicy"].path, "may not be set for ExternalName services"))
            }
            var cname = spec["externalName"].string
            if cname.hasSuffix(".") { cname.removeLast() }
            if cname.isEmpty {
                errors.append(.required(spec["externalName"].path))
            } else {
                errors += validateDNS1123Subdomain(cname, spec["externalName"].path)
            }
        case "LoadBalancer":
            if headless {
                errors.append(.invalid(spec["clusterIPs"].path.index(0), .string("None"), "may not be set to 'None' for LoadBalancer services"))
            }
        case "NodePort":
            if headless {
                errors.append(.invalid(spec["clusterIPs"].path.index(0), .string("None"), "may not be set to 'None' for NodePort services"))
            }
        default:
            break
        }
        // Cluster IPs: "None" alone, or at most two valid addresses, the first equal to `clusterIP`.
        let ips = spec["clusterIPs"]
        for (i, ip) in ips.elements.enumerated() {
            if i == 0 && ip.string == "None" {
                if ips.count > 1 { errors.append(.invalid(ips.path, ips.value, "'None' must be the first and only value")) }
            } else if !isValidIP(ip.string) {
                errors.append(.invalid(ip.path, .string(ip.string), ipMessage))
            }
        }
        if ips.count > 2 { errors.append(.invalid(ips.path, ips.value, "may only hold up to 2 values")) }
        if let first = ips.elements.first?.string, !spec["clusterIP"].string.isEmpty, spec["clusterIP"].string != first {
            errors.append(.invalid(ips.path, ips.value, "first value must match `clusterIP`"))
        }
        var names = Set<String>()
        let multiple = spec["ports"].count > 1
        for port in spec["ports"].elements {
            errors += validateServicePort(port, requireName: multiple, names: &names)
        }
        errors += validateLabels(spec["selector"])
        let affinity = spec["sessionAffinity"].string
        if affinity.isEmpty {
            errors.append(.required(spec["sessionAffinity"].path))
        } else if affinity != "ClientIP" && affinity != "None" {
            errors.append(.notSupported(spec["sessionAffinity"].path, .string(affinity), ["ClientIP", "None"]))
        }
        if affinity == "ClientIP", let timeout = spec["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"].int, timeout <= 0 || timeout > 86400 {
            errors.append(.invalid(spec["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"].path, .int(Int64(timeout)), "must be greater than 0 and less than 86400"))
        }
        if type.isEmpty {
            errors.append(.required(spec["type"].path))
        } else if !serviceTypes.contains(type) {
            errors.append(.notSupported(spec["type"].path, .string(type), serviceTypes))
        }
        if type == "ClusterIP" {
            for port in spec["ports"].elements where (port["nodePort"].int ?? 0) != 0 {
                errors.append(.forbidden(port["nodePort"].path, "may not be used when `type` is 'ClusterIP'"))
            }
        }
        var nodePorts = Set<String>()
        var servicePorts = Set<String>()
        for port in spec["ports"].elements {
            let proto = port["protocol"].string
            if let nodePort = port["nodePort"].int, nodePort != 0 {
                // The allocator, not validation, enforces the range upstream, and only where node ports apply.
                if (type == "NodePort" || type == "LoadBalancer") && !nodePortRange.contains(nodePort) {
                    errors.append(.invalid(port["nodePort"].path, .int(Int64(nodePort)), "provided port is not in the valid range. The range of valid ports is 30000-32767"))
                }
                if !nodePorts.insert("\(proto)/\(nodePort)").inserted {
                    errors.append(.duplicate(port["nodePort"].path, .int(Int64(nodePort))))
                }
            }
            let number = port["port"].int ?? 0
            if !servicePorts.insert("\(proto)/\(number)").inserted {
                errors.append(.duplicate(port.path, ["port": .int(Int64(number)), "protocol": .string(proto)]))
            }
        }
        for field in ["externalTrafficPolicy"] where spec[field].isSet && !spec[field].string.isEmpty {
            let value = spec[field].string
            if value != "Cluster" && value != "Local" {
                errors.append(.notSupported(spec[field].path, .string(value), ["Cluster", "Local"]))
            }
        }
        if spec["internalTrafficPolicy"].isSet {
            let value = spec["internalTrafficPolicy"].string
            if value != "Cluster" && value != "Local" {
                errors.append(.notSupported(spec["internalTrafficPolicy"].path, .string(value), ["Cluster", "Local"]))
            }
        }
        if spec["ipFamilyPolicy"].isSet {
            let value = spec["ipFamilyPolicy"].string
            if !["SingleStack", "PreferDualStack", "RequireDualStack"].contains(value) {
                errors.append(.notSupported(spec["ipFamilyPolicy"].path, .string(value), ["PreferDualStack", "RequireDualStack", "SingleStack"]))
            }
        }
        for family in spec["ipFamilies"].elements where family.string != "IPv4" && family.string != "IPv6" {
            errors.append(.notSupported(family.path, .string(family.string), ["IPv4", "IPv6"]))
        }
        for ip in spec["externalIPs"].elements where !isValidIP(ip.string) {
            errors.append(.invalid(ip.path, .string(ip.string), ipMessage))
        }
        if let old { errors += validateServiceUpdate(object, old: old) }
        return errors
    }

    static func validateServicePort(_ port: FieldCursor, requireName: Bool, names: inout Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        let name = port["name"].string
        if requireName && name.isEmpty {
            errors.append(.required(port["name"].path))
        } else if !name.isEmpty {
            errors += validateDNS1123Label(name, port["name"].path)
            if !names.insert(name).inserted { errors.append(.duplicate(port["name"].path, .string(name))) }
        }
        let number = port["port"].int ?? 0
        if !isValidPortNumber(number) { errors.append(.invalid(port["port"].path, .int(Int64(number)), portRangeMessage)) }
        let proto = port["protocol"].string
        if proto.isEmpty {
            errors.append(.required(port["protocol"].path))
        } else if !portProtocols.contains(proto) {
            errors.append(.notSupported(port["protocol"].path, .string(proto), portProtocols))
        }
        if port["targetPort"].isSet { errors += validatePortNumOrName(port["targetPort"]) }
        if let appProtocol = port["appProtocol"].optionalString {
            errors += validateQualifiedName(appProtocol, port["appProtocol"].path)
        }
        return errors
    }

    /// `clusterIPs`, or the single `clusterIP` when the list is absent.
    static func effectiveClusterIPs(_ spec: JSON?) -> [String] {
        let list = spec?["clusterIPs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !list.isEmpty { return list }
        let single = spec?["clusterIP"]?.stringValue ?? ""
        return single.isEmpty ? [] : [single]
    }

    /// validateUpgradeDowngradeClusterIPs: assigned addresses may not change, except to or from ExternalName.
    /// An update that omits them is not a change: the server carries them over before validation.
    static func validateServiceUpdate(_ object: JSON, old: JSON) -> [FieldError] {
        let newType = object["spec"]?["type"]?.stringValue ?? ""
        let oldType = old["spec"]?["type"]?.stringValue ?? ""
        guard newType != "ExternalName", oldType != "ExternalName" else { return [] }
        let newIPs = effectiveClusterIPs(object["spec"])
        let oldIPs = effectiveClusterIPs(old["spec"])
        var errors: [FieldError] = []
        for (i, ip) in oldIPs.enumerated() where i < newIPs.count && newIPs[i] != ip {
            errors.append(.invalid(ErrorPath("spec").child("clusterIPs").index(i), JSON(newIPs), "may not change once set"))
        }
        return errors
    }

    static func validateEndpoints(_ object: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        for subset in FieldCursor(object: object)["subsets"].elements {
            if subset["addresses"].count == 0 && subset["notReadyAddresses"].count == 0 {
                errors.append(.required(subset.path, "must specify `addresses` or `notReadyAddresses`"))
            }
            for list in ["addresses", "notReadyAddresses"] {
                for address in subset[list].elements {
                    // Upstream also rejects loopback addresses; local pods live on 127.0.0.0/8, so we do not.
                    if !isValidIP(address["ip"].string) {
                        errors.append(.invalid(address["ip"].path, .string(address["ip"].string), ipMessage))
                    }
                    let hostname = address["hostname"].string
                    if !hostname.isEmpty { errors += validateDNS1123Label(hostname, address["hostname"].path) }
                }
            }
            let multiple = subset["ports"].count > 1
            for port in subset["ports"].elements {
                let name = port["name"].string
                if multiple && name.isEmpty {
                    errors.append(.required(port["name"].path))
                } else if !name.isEmpty {
                    errors += validateDNS1123Label(name, port["name"].path)
                }
                let number = port["port"].int ?? 0
                if !isValidPortNumber(number) { errors.append(.invalid(port["port"].path, .int(Int64(number)), portRangeMessage)) }
                let proto = port["protocol"].string
                if proto.isEmpty {
                    errors.append(.required(port["protocol"].path))
                } else if !portProtocols.contains(proto) {
                    errors.append(.notSupported(port["protocol"].path, .string(proto), portProtocols))
                }
            }
        }
        return errors
    }

    static func validateEndpointSlice(_ object: JSON, old: JSON?) -> [FieldError] {
        let root = FieldCursor(object: object)
        var errors: [FieldError] = []
        let addressType = root["addressType"].string
        if !["IPv4", "IPv6", "FQDN"].contains(addressType) {
            errors.append(.notSupported(root["addressType"].path, .string(addressType), ["FQDN", "IPv4", "IPv6"]))
        }
        if root["endpoints"].count > 1000 {
            errors.append(FieldError(.tooMany, field: root["endpoints"].path.description, value: .int(Int64(root["endpoints"].count)), detail: "must have at most 1000 items"))
        }
        for endpoint in root["endpoints"].elements {
            let addresses = endpoint["addresses"]
            if addresses.count == 0 {
                errors.append(.required(addresses.path, "must contain at least 1 address"))
            } else if addresses.count > 100 {
                errors.append(FieldError(.tooMany, field: addresses.path.description, value: .int(Int64(addresses.count)), detail: "must have at most 100 items"))
            }
            for address in addresses.elements {
                let text = address.string
                switch addressType {
                case "IPv4" where !isIPv4(text):
                    errors.append(.invalid(address.path, .string(text), "must be a valid IPv4 address"))
                case "IPv6" where !isIPv6(text):
                    errors.append(.invalid(address.path, .string(text), "must be a valid IPv6 address"))
                case "FQDN":
                    errors += validateDNS1123Subdomain(text, address.path)
                default:
                    break
                }
            }
            let hostname = endpoint["hostname"].string
            if endpoint["hostname"].isSet { errors += validateDNS1123Label(hostname, endpoint["hostname"].path) }
        }
        var names = Set<String>()
        for port in root["ports"].elements {
            let name = port["name"].string
            if !name.isEmpty { errors += validateDNS1123Label(name, port["name"].path) }
            if !names.insert(name).inserted { errors.append(.duplicate(port["name"].path, .string(name))) }
            let proto = port["protocol"].string
            if port["protocol"].isSet && !portProtocols.contains(proto) {
                errors.append(.notSupported(port["protocol"].path, .string(proto), portProtocols))
            }
            if let number = port["port"].int, !isValidPortNumber(number) {
                errors.append(.invalid(port["port"].path, .int(Int64(number)), portRangeMessage))
            }
        }
        if let old, (old["addressType"] ?? .null) != (object["addressType"] ?? .null) {
            errors.append(.invalid(root["addressType"].path, object["addressType"], FieldError.immutableMessage))
        }
        return errors
    }
}
