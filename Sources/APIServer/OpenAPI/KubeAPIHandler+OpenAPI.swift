import KubeModel

/// OpenAPI v3: an index of group-versions and one document per group-version with the operations kubectl
/// looks for (`patch` with a `fieldValidation` parameter, which switches on server-side validation) and
/// the kinds' schemas (which make `kubectl explain` work).
extension KubeAPIHandler {
    func openAPIIndex() -> APIResponse {
        var paths: [String: JSON] = [:]
        for gv in servedGroupVersions() {
            let doc = openAPIDocumentBytes(gv)
            let key = gv.group.isEmpty ? "api/\(gv.version)" : "apis/\(gv.group)/\(gv.version)"
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(Self.hash(doc))")]
        }
        return .json(200, ["paths": .object(paths)])
    }

    func openAPIDocument(_ path: String) throws -> APIResponse {
        let parts = path.split(separator: "/").map(String.init)
        let gv: GroupVersion
        switch (parts.first, parts.count) {
        case ("api", 2): gv = GroupVersion(group: "", version: parts[1])
        case ("apis", 3): gv = GroupVersion(group: parts[1], version: parts[2])
        default: throw APIError.notFoundPath()
        }
        guard servedGroupVersions().contains(gv) else { throw APIError.notFoundPath() }
        return APIResponse(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")],
                           body: .bytes(openAPIDocumentBytes(gv)))
    }

    func servedGroupVersions() -> [GroupVersion] {
        var seen: Set<GroupVersion> = []
        var result: [GroupVersion] = []
        for d in registry.all {
            for v in d.versions where v.served {
                let gv = GroupVersion(group: d.group, version: v.name)
                if seen.insert(gv).inserted { result.append(gv) }
            }
        }
        return result
    }

    func openAPIDocumentBytes(_ gv: GroupVersion) -> [UInt8] {
        let generation = registry.generation
        if let cached = openAPICache.withLock({ $0[gv] }), cached.generation == generation { return cached.bytes }
        let bytes = buildOpenAPIDocument(gv).serialized()
        openAPICache.withLock { $0[gv] = OpenAPICacheEntry(generation: generation, bytes: bytes) }
        return bytes
    }

    static let objectMetaSchema = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    func buildOpenAPIDocument(_ gv: GroupVersion) -> JSON {
        var paths: [String: JSON] = [:]
        var schemas: [String: JSON] = [:]
        var pendingRefs: [String] = []
        let definitions = registry.all.filter { $0.group == gv.group && $0.version(gv.version) != nil }
        let prefix = gv.group.isEmpty ? "/api/\(gv.version)" : "/apis/\(gv.group)/\(gv.version)"
        for d in definitions {
            let gvk: JSON = ["group": .string(d.group), "version": .string(gv.version), "kind": .string(d.kind)]
            let version = d.version(gv.version)
            let schemaName: String
            if d.isCustom {
                schemaName = Self.customSchemaName(group: d.group, version: gv.version, kind: d.kind)
                schemas[schemaName] = customResourceSchema(version?.schema?.node, gvk: gvk)
                pendingRefs.append(Self.objectMetaSchema)
            } else {
                let name = SchemaSet.builtin.name(for: d.gvk(version: gv.version))
                    ?? "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
                schemaName = name
                pendingRefs.append(name)
            }
            let collection = d.namespaced ? "\(prefix)/namespaces/{namespace}/\(d.resource)" : "\(prefix)/\(d.resource)"
            let item = "\(collection)/{name}"
            let ref: JSON = ["$ref": .string("#/components/schemas/\(schemaName)")]
            func op(_ id: String, _ action: String, _ parameters: [String], body: Bool = false) -> JSON {
                var o: JSON = ["operationId": .string(id + d.kind), "x-kubernetes-action": .string(action),
                               "x-kubernetes-group-version-kind": gvk,
                               "parameters": .array(parameters.map(Self.queryParameter)),
                               "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": ref]]]]]
                if body {
                    o["requestBody"] = ["content": ["application/json": ["schema": ref]], "required": true]
                }
                return o
            }
            if d.verbs.contains("create") && d.verbs.count == 1 {
                paths[collection] = ["post": op("create", "post", ["dryRun", "fieldManager", "fieldValidation"], body: true)]
                continue
            }
            paths[collection] = [
                "get": op("list", "list", ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"]),
                "post": op("create", "post", ["dryRun", "fieldManager", "fieldValidation"], body: true),
                "delete": op("deletecollection", "deletecollection", ["labelSelector", "fieldSelector", "dryRun"]),
            ]
            paths[item] = [
                "get": op("read", "get", []),
                "put": op("replace", "put", ["dryRun", "fieldManager", "fieldValidation"], body: true),
                "patch": op("patch", "patch", ["dryRun", "fieldManager", "fieldValidation", "force"], body: true),
                "delete": op("delete", "delete", ["dryRun", "gracePeriodSeconds", "propagationPolicy"]),
            ]
            if d.hasStatus {
                paths[item + "/status"] = [
                    "get": op("read", "get", []),
                    "put": op("replace", "put", ["dryRun", "fieldManager", "fieldValidation"], body: true),
                    "patch": op("patch", "patch", ["dryRun", "fieldManager", "fieldValidation", "force"], body: true),
                ]
            }
        }
        // Built-in schemas and everything they reference.
        while let name = pendingRefs.popLast() {
            guard schemas[name] == nil, let node = SchemaSet.builtin.schemas[name] else { continue }
            schemas[name] = node
            Self.collectRefs(node, into: &pendingRefs)
        }
        return ["openapi": "3.0.0",
                "info": ["title": "Kubernetes", "version": .string("v1.\(configuration.minorVersion).0")],
                "paths": .object(paths), "components": ["schemas": .object(schemas)]]
    }

    static func queryParameter(_ name: String) -> JSON {
        let type = ["limit", "gracePeriodSeconds"].contains(name) ? "integer" : (name == "watch" || name == "force" ? "boolean" : "string")
        return ["name": .string(name), "in": "query", "schema": ["type": .string(type), "uniqueItems": true]]
    }

    /// `io.argoproj.v1alpha1.Rollout` for group argoproj.io: the reversed-domain name upstream gives CRD schemas.
    static func customSchemaName(group: String, version: String, kind: String) -> String {
        (group.split(separator: ".").reversed().map(String.init) + [version, kind]).joined(separator: ".")
    }

    /// A CRD's schema as kube-apiserver publishes it: apiVersion, kind and a typed metadata added.
    func customResourceSchema(_ node: JSON?, gvk: JSON) -> JSON {
        var schema = node ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        var properties = schema["properties"]?.objectValue ?? [:]
        properties["apiVersion"] = ["type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."]
        properties["kind"] = ["type": "string", "description": "Kind is a string value representing the REST resource this object represents."]
        properties["metadata"] = ["allOf": [["$ref": .string("#/components/schemas/\(Self.objectMetaSchema)")]],
                                  "description": "Standard object's metadata."]
        schema["properties"] = .object(properties)
        schema["type"] = "object"
        schema["x-kubernetes-group-version-kind"] = [gvk]
        return schema
    }

    static func collectRefs(_ node: JSON, into refs: inout [String]) {
        switch node {
        case .object(let o):
            if let ref = o["$ref"]?.stringValue, let slash = ref.lastIndex(of: "/") {
                refs.append(String(ref[ref.index(after: slash)...]))
            }
            for (_, v) in o { collectRefs(v, into: &refs) }
        case .array(let a):
            for v in a { collectRefs(v, into: &refs) }
        default:
            break
        }
    }
}

struct OpenAPICacheEntry: Sendable {
    var generation: Int
    var bytes: [UInt8]
}

