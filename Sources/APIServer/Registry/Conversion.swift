import KubeModel

/// Converting objects between the served versions of a resource. Custom resources use the `None`
/// strategy (only `apiVersion` changes), as CRDs without a conversion webhook do. Built-ins with several
/// versions convert field by field.
enum Conversion {
    static func convert(_ object: JSON, to version: String, definition: ResourceDefinition) -> JSON {
        let from = GroupVersion(apiVersion: object.apiVersion)?.version ?? definition.storageVersion
        if from == version { return object }
        var out = object
        if definition.groupResource == GroupResource(group: "networking.k8s.io", resource: "ingresses") {
            if from == "v1beta1" && version == "v1" { out = ingressV1beta1ToV1(object) }
            if from == "v1" && version == "v1beta1" { out = ingressV1ToV1beta1(object) }
        }
        out["apiVersion"] = .string(GroupVersion(group: definition.group, version: version).apiVersion)
        return out
    }

    // networking.k8s.io/v1beta1 Ingress (removed upstream in 1.22) is still served, converted to v1 for
    // storage, so that older manifests (several in the wild, and in Argo Rollouts' own docs) keep working.
    static func ingressV1beta1ToV1(_ object: JSON) -> JSON {
        var o = object
        func backend(_ b: JSON?) -> JSON? {
            guard let b else { return nil }
            if let resource = b["resource"] { return ["resource": resource] }
            guard let name = b["serviceName"]?.stringValue else { return b }
            var port: JSON = .emptyObject
            switch b["servicePort"] {
            case .int(let n)?: port = ["number": .int(n)]
            case .string(let s)?: port = Int64(s).map { ["number": .int($0)] } ?? ["name": .string(s)]
            default: break
            }
            return ["service": ["name": .string(name), "port": port]]
        }
        if var spec = o["spec"] {
            if let b = spec["backend"] {
                spec["defaultBackend"] = backend(b)
                spec["backend"] = nil
            }
            if case .array(var rules)? = spec["rules"] {
                for i in rules.indices {
                    if case .array(var paths)? = rules[i]["http"]?["paths"] {
                        for j in paths.indices {
                            paths[j]["backend"] = backend(paths[j]["backend"])
                            if paths[j]["pathType"] == nil { paths[j]["pathType"] = "ImplementationSpecific" }
                        }
                        rules[i][path: ["http", "paths"]] = .array(paths)
                    }
                }
                spec["rules"] = .array(rules)
            }
            o["spec"] = spec
        }
        return o
    }

    static func ingressV1ToV1beta1(_ object: JSON) -> JSON {
        var o = object
        func backend(_ b: JSON?) -> JSON? {
            guard let b else { return nil }
            if let resource = b["resource"] { return ["resource": resource] }
            guard let service = b["service"] else { return b }
            var out: JSON = ["serviceName": service["name"] ?? ""]
            if let n = service["port"]?["number"] { out["servicePort"] = n }
            else if let name = service["port"]?["name"] { out["servicePort"] = name }
            return out
        }
        if var spec = o["spec"] {
            if let b = spec["defaultBackend"] {
                spec["backend"] = backend(b)
                spec["defaultBackend"] = nil
            }
            if case .array(var rules)? = spec["rules"] {
                for i in rules.indices {
                    if case .array(var paths)? = rules[i]["http"]?["paths"] {
                        for j in paths.indices { paths[j]["backend"] = backend(paths[j]["backend"]) }
                        rules[i][path: ["http", "paths"]] = .array(paths)
                    }
                }
                spec["rules"] = .array(rules)
            }
            o["spec"] = spec
        }
        return o
    }
}
