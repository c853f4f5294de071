/// An API object held as JSON, with typed accessors on top. The JSON is the truth: fields a view does not
/// know survive a read-modify-write, which a decoded struct would silently drop.
public protocol KubeObject: Sendable {
    init(json: JSON)
    var json: JSON { get set }
}

/// A kind the client knows without discovery: its group, version, resource and scope.
public protocol TypedKubeObject: KubeObject {
    static var groupVersionKind: GroupVersionKind { get }
    static var resource: String { get }
    static var namespaced: Bool { get }
}

extension TypedKubeObject {
    public static var groupVersionResource: GroupVersionResource {
        GroupVersionResource(group: groupVersionKind.group, version: groupVersionKind.version, resource: resource)
    }

    /// A new object of this kind with `apiVersion`, `kind` and name set.
    public init(name: String, namespace: String? = nil) {
        var json: JSON = ["apiVersion": .string(Self.groupVersionKind.apiVersion), "kind": .string(Self.groupVersionKind.kind),
                          "metadata": ["name": .string(name)]]
        if let namespace, Self.namespaced { json[path: ["metadata", "namespace"]] = .string(namespace) }
        self.init(json: json)
    }
}

extension KubeObject {
    public var name: String { json.name }
    public var namespace: String { json.namespace }
    public var uid: String { json.uid }
    public var resourceVersion: String { json.resourceVersion }
    public var generation: Int64 { json.generation }
    public var labels: [String: String] {
        get { json.labels }
        set { json.labels = newValue }
    }
    public var annotations: [String: String] {
        get { json.annotations }
        set { json.annotations = newValue }
    }
    public var ownerReferences: [OwnerReference] { json.ownerReferences }
    public var isBeingDeleted: Bool { json.isBeingDeleted }
    /// `namespace/name`, or `name` for cluster-scoped objects: the key caches and work queues use.
    public var key: String { json.namespace.isEmpty ? json.name : "\(json.namespace)/\(json.name)" }
    public var spec: JSON {
        get { json["spec"] ?? .emptyObject }
        set { json["spec"] = newValue }
    }
    public var status: JSON {
        get { json["status"] ?? .emptyObject }
        set { json["status"] = newValue }
    }
}

/// Any object, untyped.
public struct Unstructured: KubeObject, Hashable {
    public var json: JSON
    public init(json: JSON) { self.json = json }
    public var groupVersionKind: GroupVersionKind? { GroupVersionKind(of: json) }
}
