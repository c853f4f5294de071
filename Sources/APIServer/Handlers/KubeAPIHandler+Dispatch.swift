import KubeModel
import ObjectStore

extension KubeAPIHandler {
    /// Dispatches a request for a resource collection, object or subresource to its verb.
    func handleResource(_ info: RequestInfo, _ request: APIRequest) async throws -> APIResponse {
        let gv = info.groupVersion
        guard !info.resource.isEmpty,
              let definition = registry.definition(group: gv.group, version: gv.version, resource: info.resource)
        else { throw APIError.notFoundPath() }
        if !definition.namespaced && !info.namespace.isEmpty { throw APIError.notFoundPath() }
        let context = ResourceContext(definition: definition, version: gv.version, namespace: info.namespace,
                                      name: info.name, subresource: info.subresource, request: request)
        let method = request.method
        if BuiltinResources.virtual.contains(definition.resource) {
            guard method == "POST", info.name.isEmpty else { throw APIError.methodNotAllowed() }
            return try review(context)
        }
        let watchRequested = info.watchPrefix || request.query.bool("watch") == true
        if info.name.isEmpty {
            switch method {
            case "GET":
                return watchRequested ? try await watch(context) : try list(context)
            case "POST":
                return try await create(context)
            case "DELETE":
                return try await deleteCollection(context)
            default:
                throw APIError.methodNotAllowed()
            }
        }
        switch context.subresource {
        case "":
            switch method {
            case "GET": return watchRequested ? try await watch(context) : try get(context)
            case "PUT": return try await update(context)
            case "PATCH": return try await patch(context)
            case "DELETE": return try await delete(context)
            default: throw APIError.methodNotAllowed()
            }
        case "status":
            guard definition.hasStatus else { throw APIError.notFoundPath() }
            switch method {
            case "GET": return try get(context)
            case "PUT": return try await update(context)
            case "PATCH": return try await patch(context)
            default: throw APIError.methodNotAllowed()
            }
        case "scale":
            guard definition.scale != nil else { throw APIError.notFoundPath() }
            switch method {
            case "GET": return try getScale(context)
            case "PUT", "PATCH": return try await writeScale(context)
            default: throw APIError.methodNotAllowed()
            }
        case "log" where definition.groupResource == GroupResource(group: "", resource: "pods"):
            guard method == "GET" else { throw APIError.methodNotAllowed() }
            return try await podLog(context)
        case "finalize" where definition.groupResource == GroupResource(group: "", resource: "namespaces"):
            guard method == "PUT" else { throw APIError.methodNotAllowed() }
            return try await finalizeNamespace(context)
        case "binding" where definition.groupResource == GroupResource(group: "", resource: "pods"):
            guard method == "POST" else { throw APIError.methodNotAllowed() }
            return try await bindPod(context)
        default:
            throw APIError.notFoundPath()
        }
    }
}
