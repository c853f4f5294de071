import KubeModel
import ObjectStore

/// The fields each resource can be selected by, and how their values are read.
enum FieldSelectors {
    static let common: Set<String> = ["metadata.name", "metadata.namespace"]

    static let byResource: [String: Set<String>] = [
        "pods": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                 "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        "events": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                   "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                   "reason", "reportingComponent", "source", "type"],
        "secrets": ["type"],
        "namespaces": ["status.phase"],
        "nodes": ["spec.unschedulable"],
        "replicasets": ["status.replicas"],
        "replicationcontrollers": ["status.replicas"],
        "jobs": ["status.successful"],
        "persistentvolumeclaims": [],
        "services": ["spec.clusterIP", "spec.type"],
    ]

    static func supported(for definition: ResourceDefinition, version: ResourceDefinition.Version?) -> Set<String> {
        var fields = common
        if definition.isCustom {
            for path in version?.selectableFields ?? [] {
                fields.insert(path.hasPrefix(".") ? String(path.dropFirst()) : path)
            }
        } else if let extra = byResource[definition.resource] {
            fields.formUnion(extra)
        }
        return fields
    }

    /// The string value of a field of a stored object, as field selectors compare it.
    @Sendable static func value(of object: StoredObject, field: String) -> String? {
        switch field {
        case "metadata.name": return object.key.name
        case "metadata.namespace": return object.key.namespace
        default: break
        }
        let json = object.object
        var path = field.split(separator: ".").map(String.init)
        if object.key.resource.resource == "events", field == "source" { path = ["source", "component"] }
        if object.key.resource.resource == "pods", field == "status.podIPs" { path = ["status", "podIP"] }
        guard let value = json[path: path] else {
            // Booleans read as "false" when absent, as Go's zero value.
            if field == "spec.hostNetwork" || field == "spec.unschedulable" { return "false" }
            return ""
        }
        switch value {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .null: return ""
        default: return value.serializedString()
        }
    }
}
