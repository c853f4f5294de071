// Typed views of the built-in kinds the controllers use. Each is a thin wrapper over the object's JSON;
// add accessors where controllers need them rather than modelling every field.

public struct Namespace: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Namespace")
    public static let resource = "namespaces"
    public static let namespaced = false
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var phase: String? { json["status"]?["phase"]?.stringValue }
}

public struct ConfigMap: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
    public static let resource = "configmaps"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var data: [String: String] {
        get { JSON.stringMap(json["data"]) }
        set { json["data"] = newValue.isEmpty ? JSON?.none : JSON(newValue) }
    }
}

public struct Secret: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Secret")
    public static let resource = "secrets"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var type: String { json["type"]?.stringValue ?? "Opaque" }
}

public struct ServiceAccount: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "ServiceAccount")
    public static let resource = "serviceaccounts"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
}

public struct Pod: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Pod")
    public static let resource = "pods"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var phase: String? { json["status"]?["phase"]?.stringValue }
    public var nodeName: String? { json["spec"]?["nodeName"]?.stringValue }
}

/// A Service (named `ServiceObject` so as not to collide with ServiceLifecycle's `Service`).
public struct ServiceObject: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Service")
    public static let resource = "services"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var selector: [String: String] { JSON.stringMap(json["spec"]?["selector"]) }
}

public struct Endpoints: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Endpoints")
    public static let resource = "endpoints"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
}

public struct Event: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Event")
    public static let resource = "events"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
}

public struct Node: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "", version: "v1", kind: "Node")
    public static let resource = "nodes"
    public static let namespaced = false
    public var json: JSON
    public init(json: JSON) { self.json = json }
}

public struct Deployment: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
    public static let resource = "deployments"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var replicas: Int {
        get { json["spec"]?["replicas"]?.intValue ?? 1 }
        set { json[path: ["spec", "replicas"]] = JSON(newValue) }
    }
}

public struct ReplicaSet: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "apps", version: "v1", kind: "ReplicaSet")
    public static let resource = "replicasets"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var replicas: Int {
        get { json["spec"]?["replicas"]?.intValue ?? 1 }
        set { json[path: ["spec", "replicas"]] = JSON(newValue) }
    }
}

public struct Job: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "batch", version: "v1", kind: "Job")
    public static let resource = "jobs"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
}

public struct Ingress: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "networking.k8s.io", version: "v1", kind: "Ingress")
    public static let resource = "ingresses"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
}

public struct Lease: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "coordination.k8s.io", version: "v1", kind: "Lease")
    public static let resource = "leases"
    public static let namespaced = true
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var holderIdentity: String? { json["spec"]?["holderIdentity"]?.stringValue }
}

public struct CustomResourceDefinition: TypedKubeObject {
    public static let groupVersionKind = GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition")
    public static let resource = "customresourcedefinitions"
    public static let namespaced = false
    public var json: JSON
    public init(json: JSON) { self.json = json }
}
