import KubeModel
import ObjectStore

/// One resource request, resolved: which resource and version, which object, and the request's options.
struct ResourceContext: Sendable {
    enum FieldValidation: String, Sendable {
        case strict = "Strict"
        case warn = "Warn"
        case ignore = "Ignore"
    }

    let definition: ResourceDefinition
    let version: String
    let namespace: String
    let name: String
    let subresource: String
    let request: APIRequest

    var groupResource: GroupResource { definition.groupResource }
    var gvk: GroupVersionKind { definition.gvk(version: version) }
    var apiVersion: String { gvk.apiVersion }
    var versionInfo: ResourceDefinition.Version? { definition.version(version) }
    /// The schema at the storage version: objects are validated after conversion to it.
    var storageSchema: Schema? { definition.versions.first { $0.name == definition.storageVersion }?.schema }
    var query: QueryParameters { request.query }

    var key: ObjectKey { ObjectKey(resource: groupResource, namespace: definition.namespaced ? namespace : "", name: name) }

    func key(named name: String) -> ObjectKey {
        ObjectKey(resource: groupResource, namespace: definition.namespaced ? namespace : "", name: name)
    }

    var isDryRun: Bool { query.all("dryRun").contains("All") }

    /// `fieldManager`, or the user agent's product name as kube-apiserver derives it.
    var fieldManager: String {
        if let m = query["fieldManager"], !m.isEmpty { return m }
        let agent = request.header("user-agent") ?? "unknown"
        return String(agent.split(separator: "/").first ?? "unknown")
    }

    func fieldValidation() throws -> FieldValidation {
        guard let raw = query["fieldValidation"], !raw.isEmpty else { return .warn }
        guard let mode = FieldValidation(rawValue: raw) else {
            throw APIError.badRequest("fieldValidation parameter unsupported: \(raw); use Strict, Warn or Ignore")
        }
        return mode
    }

    /// Warnings every response for this version carries (deprecated versions).
    var versionWarnings: [String] {
        versionInfo?.deprecationWarning.map { [$0] } ?? []
    }
}
