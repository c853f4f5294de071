import KubeModel

/// Turning a `CustomResourceDefinition` into a served resource, and validating CRDs as
/// apiextensions-apiserver does.
enum CustomResourceDefinitions {
    /// The resource a CRD defines. Throws the CRD's validation errors.
    static func definition(from crd: JSON) throws -> ResourceDefinition {
        let errors = validate(crd)
        if !errors.isEmpty { throw APIError.invalid(kind: GroupKind(group: "apiextensions.k8s.io", kind: "CustomResourceDefinition"), name: crd.name, errors: errors) }
        let spec = crd["spec"] ?? .emptyObject
        let names = spec["names"] ?? .emptyObject
        let group = spec["group"]?.stringValue ?? ""
        let kind = names["kind"]?.stringValue ?? ""
        let plural = names["plural"]?.stringValue ?? ""
        var versions: [ResourceDefinition.Version] = []
        var hasStatus = false
        var scale: ResourceDefinition.ScaleMapping?
        for v in spec["versions"]?.arrayValue ?? [] {
            let schemaNode = v["schema"]?["openAPIV3Schema"]
            var version = ResourceDefinition.Version(
                name: v["name"]?.stringValue ?? "",
                served: v["served"]?.boolValue ?? false,
                storage: v["storage"]?.boolValue ?? false,
                schema: schemaNode.map { Schema(node: $0) },
                printerColumns: v["additionalPrinterColumns"]?.arrayValue ?? [])
            if v["deprecated"]?.boolValue == true {
                version.deprecationWarning = v["deprecationWarning"]?.stringValue
                    ?? "\(group)/\(version.name) \(kind) is deprecated"
            }
            version.selectableFields = (v["selectableFields"]?.arrayValue ?? []).compactMap { $0["jsonPath"]?.stringValue }
            if let sub = v["subresources"] {
                if sub["status"] != nil { hasStatus = true }
                if let s = sub["scale"], scale == nil {
                    scale = .init(specReplicasPath: s["specReplicasPath"]?.stringValue ?? ".spec.replicas",
                                  statusReplicasPath: s["statusReplicasPath"]?.stringValue ?? ".status.replicas",
                                  labelSelectorPath: s["labelSelectorPath"]?.stringValue)
                }
            }
            versions.append(version)
        }
        versions = versions.filter(\.served).sorted { versionPriority($0.name) > versionPriority($1.name) }
            + versions.filter { !$0.served }
        var d = ResourceDefinition(
            group: group, versions: versions, resource: plural,
            singular: names["singular"]?.stringValue ?? kind.lowercased(), kind: kind,
            listKind: names["listKind"]?.stringValue ?? kind + "List",
            namespaced: spec["scope"]?.stringValue != "Cluster")
        d.shortNames = names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
        d.categories = names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? []
        d.hasStatus = hasStatus
        d.scale = scale
        d.isCustom = true
        d.nameRule = .pathSegment
        return d
    }

    /// Kubernetes' version priority: GA > beta > alpha, higher numbers first, non-conforming names last.
    static func versionPriority(_ name: String) -> Int {
        let bytes = Array(name.utf8)
        guard bytes.first == UInt8(ascii: "v") else { return 0 }
        var i = 1
        var major = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { major = major * 10 + Int(bytes[i] - 48); i += 1; digits += 1 }
        guard digits > 0 else { return 0 }
        if i == bytes.count { return 3_000_000 + major * 1000 }
        let rest = String(decoding: bytes[i...], as: UTF8.self)
        for (prefix, level) in [("beta", 2_000_000), ("alpha", 1_000_000)] where rest.hasPrefix(prefix) {
            guard let minor = Int(rest.dropFirst(prefix.count)) else { return 0 }
            return level + major * 1000 + minor
        }
        return 0
    }

    /// apiextensions validation of the parts of a CRD that the server relies on.
    static func validate(_ crd: JSON) -> [FieldError] {
        var errors: [FieldError] = []
        let spec = crd["spec"] ?? .emptyObject
        let group = spec["group"]?.stringValue ?? ""
        let names = spec["names"] ?? .emptyObject
        let plural = names["plural"]?.stringValue ?? ""
        if group.isEmpty {
            errors.append(.required("spec.group"))
        } else if let e = Validation.dns1123SubdomainError(group) {
            errors.append(.invalid("spec.group", .string(group), e))
        } else if !group.contains(".") {
            errors.append(.invalid("spec.group", .string(group), "should be a domain with at least one dot"))
        }
        if plural.isEmpty { errors.append(.required("spec.names.plural")) }
        if (names["kind"]?.stringValue ?? "").isEmpty { errors.append(.required("spec.names.kind")) }
        if !plural.isEmpty, !group.isEmpty, crd.name != "\(plural).\(group)" {
            errors.append(.invalid("metadata.name", .string(crd.name), "must be spec.names.plural+\".\"+spec.group"))
        }
        switch spec["scope"]?.stringValue {
        case "Namespaced", "Cluster": break
        case nil: errors.append(.required("spec.scope"))
        case let other: errors.append(.notSupported("spec.scope", .string(other ?? ""), supported: ["Cluster", "Namespaced"]))
        }
        let versions = spec["versions"]?.arrayValue ?? []
        if versions.isEmpty { errors.append(.invalid("spec.versions", .array([]), "must have exactly one version marked as storage version")) }
        let storageCount = versions.filter { $0["storage"]?.boolValue == true }.count
        if !versions.isEmpty, storageCount != 1 {
            errors.append(.invalid("spec.versions", nil, "must have exactly one version marked as storage version"))
        }
        var seen: Set<String> = []
        for (i, v) in versions.enumerated() {
            let name = v["name"]?.stringValue ?? ""
            if name.isEmpty { errors.append(.required("spec.versions[\(i)].name")) }
            if !seen.insert(name).inserted { errors.append(.duplicate("spec.versions[\(i)].name", .string(name))) }
            if v["schema"]?["openAPIV3Schema"] == nil {
                errors.append(.required("spec.versions[\(i)].schema.openAPIV3Schema", "schemas are required"))
            }
        }
        return errors
    }

    /// The status the server writes for an accepted CRD: names accepted, established, stored versions.
    static func establishedStatus(for crd: JSON, now: String, previous: JSON?) -> JSON {
        let spec = crd["spec"] ?? .emptyObject
        var names = spec["names"] ?? .emptyObject
        if names["singular"] == nil, let kind = names["kind"]?.stringValue { names["singular"] = .string(kind.lowercased()) }
        if names["listKind"] == nil, let kind = names["kind"]?.stringValue { names["listKind"] = .string(kind + "List") }
        let storage = (spec["versions"]?.arrayValue ?? []).first { $0["storage"]?.boolValue == true }?["name"]?.stringValue
        var stored = previous?["storedVersions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let storage, !stored.contains(storage) { stored.append(storage) }
        func condition(_ type: String, _ reason: String, _ message: String) -> JSON {
            let old = previous?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
            let time = old?["status"]?.stringValue == "True" ? (old?["lastTransitionTime"] ?? .string(now)) : .string(now)
            return ["type": .string(type), "status": "True", "lastTransitionTime": time, "reason": .string(reason), "message": .string(message)]
        }
        return [
            "conditions": [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ],
            "acceptedNames": names,
            "storedVersions": JSON(stored),
        ]
    }
}
