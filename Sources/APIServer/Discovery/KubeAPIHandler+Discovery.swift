import KubeModel

/// Legacy and aggregated discovery (`/api`, `/apis`, `/apis/{g}`, `/api/v1`, `/apis/{g}/{v}`).
extension KubeAPIHandler {
    func discoveryRoot(legacy: Bool, request: APIRequest) -> APIResponse {
        let definitions = registry.all
        let format = ResponseFormat.negotiate(accept: request.header("accept"), allowTable: false, allowDiscovery: true) ?? .json
        if case .aggregatedDiscovery(let v) = format {
            let groups = legacy ? [""] : groupNames(definitions).filter { !$0.isEmpty }
            let items: [JSON] = groups.map { group in aggregatedGroup(group, definitions.filter { $0.group == group }) }
            let list: JSON = ["kind": "APIGroupDiscoveryList", "apiVersion": .string("apidiscovery.k8s.io/\(v)"),
                              "metadata": .emptyObject, "items": .array(items)]
            return .json(200, list, contentType: format.contentType)
        }
        if legacy {
            return .json(200, ["kind": "APIVersions", "versions": ["v1"],
                               "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(configuration.advertiseAddress)]]])
        }
        let groups = groupNames(definitions).filter { !$0.isEmpty }.map { apiGroup($0, definitions) }
        return .json(200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)])
    }

    func groupDiscovery(_ group: String) throws -> APIResponse {
        let definitions = registry.all
        guard definitions.contains(where: { $0.group == group }), !group.isEmpty else { throw APIError.notFoundPath() }
        var doc = apiGroup(group, definitions)
        doc["kind"] = "APIGroup"
        doc["apiVersion"] = "v1"
        return .json(200, doc)
    }

    func versionDiscovery(_ gv: GroupVersion) throws -> APIResponse {
        let definitions = registry.all.filter { $0.group == gv.group && $0.version(gv.version) != nil }
        guard !definitions.isEmpty else { throw APIError.notFoundPath() }
        var resources: [JSON] = []
        for d in definitions {
            var entry: JSON = ["name": .string(d.resource), "singularName": .string(d.singular), "namespaced": .bool(d.namespaced),
                               "kind": .string(d.kind), "verbs": JSON(d.verbs)]
            if !d.shortNames.isEmpty { entry["shortNames"] = JSON(d.shortNames) }
            if !d.categories.isEmpty { entry["categories"] = JSON(d.categories) }
            if !d.isCustom { entry["storageVersionHash"] = .string(Self.shortHash("\(d.group)/\(d.storageVersion)/\(d.kind)")) }
            resources.append(entry)
            for sub in subresources(of: d) {
                var s: JSON = ["name": .string("\(d.resource)/\(sub.name)"), "singularName": "", "namespaced": .bool(d.namespaced),
                               "kind": .string(sub.kind.kind), "verbs": JSON(sub.verbs)]
                if sub.kind.group != d.group || sub.kind.version != gv.version {
                    s["group"] = .string(sub.kind.group)
                    s["version"] = .string(sub.kind.version)
                }
                resources.append(s)
            }
        }
        return .json(200, ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv.apiVersion),
                           "resources": .array(resources)])
    }

    struct Subresource {
        var name: String
        var kind: GroupVersionKind
        var verbs: [String]
    }

    func subresources(of d: ResourceDefinition) -> [Subresource] {
        var subs: [Subresource] = []
        let own = d.gvk(version: d.preferredVersion)
        if d.hasStatus { subs.append(.init(name: "status", kind: own, verbs: ["get", "patch", "update"])) }
        if d.scale != nil {
            subs.append(.init(name: "scale", kind: GroupVersionKind(group: "autoscaling", version: "v1", kind: "Scale"),
                              verbs: ["get", "patch", "update"]))
        }
        for extra in d.extraSubresources {
            switch extra {
            case "log": subs.append(.init(name: "log", kind: GroupVersionKind(group: "", version: "v1", kind: "Pod"), verbs: ["get"]))
            case "finalize": subs.append(.init(name: "finalize", kind: own, verbs: ["update"]))
            case "binding": subs.append(.init(name: "binding", kind: GroupVersionKind(group: "", version: "v1", kind: "Binding"), verbs: ["create"]))
            default: break
            }
        }
        return subs
    }

    func groupNames(_ definitions: [ResourceDefinition]) -> [String] {
        var seen: Set<String> = []
        return definitions.compactMap { seen.insert($0.group).inserted ? $0.group : nil }
    }

    /// Versions of a group, preferred first.
    func versions(of group: String, _ definitions: [ResourceDefinition]) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for d in definitions where d.group == group {
            for v in d.versions where v.served && seen.insert(v.name).inserted { result.append(v.name) }
        }
        return result.sorted { CustomResourceDefinitions.versionPriority($0) > CustomResourceDefinitions.versionPriority($1) }
    }

    func apiGroup(_ group: String, _ definitions: [ResourceDefinition]) -> JSON {
        let versions = versions(of: group, definitions)
        let entries: [JSON] = versions.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }
        return ["name": .string(group), "versions": .array(entries), "preferredVersion": entries.first ?? .null]
    }

    func aggregatedGroup(_ group: String, _ definitions: [ResourceDefinition]) -> JSON {
        let versionEntries: [JSON] = versions(of: group, definitions).map { version in
            let resources: [JSON] = definitions.filter { $0.version(version) != nil }.map { d in
                var r: JSON = ["resource": .string(d.resource),
                               "responseKind": ["group": .string(d.group), "version": .string(version), "kind": .string(d.kind)],
                               "scope": d.namespaced ? "Namespaced" : "Cluster", "singularResource": .string(d.singular),
                               "verbs": JSON(d.verbs)]
                if !d.shortNames.isEmpty { r["shortNames"] = JSON(d.shortNames) }
                if !d.categories.isEmpty { r["categories"] = JSON(d.categories) }
                let subs = subresources(of: d).map { s -> JSON in
                    let kind = s.name == "status" || s.name == "finalize" ? d.gvk(version: version) : s.kind
                    return ["subresource": .string(s.name),
                            "responseKind": ["group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind)],
                            "verbs": JSON(s.verbs)]
                }
                if !subs.isEmpty { r["subresources"] = .array(subs) }
                return r
            }
            return ["version": .string(version), "resources": .array(resources), "freshness": "Current"]
        }
        return ["metadata": ["name": .string(group), "creationTimestamp": .null], "versions": .array(versionEntries)]
    }

    /// A short stable hash (FNV-1a, base64-free hex) for discovery and OpenAPI cache keys.
    static func shortHash(_ text: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100000001b3
        }
        return String(h, radix: 16, uppercase: true)
    }

    static func hash(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100000001b3
        }
        let hex = String(h, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
