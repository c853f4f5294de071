/// Typed access to the standard `metadata` of any object held as JSON.
extension JSON {
    public var metadata: JSON {
        get { self["metadata"] ?? .emptyObject }
        set { self["metadata"] = newValue }
    }

    private func meta(_ key: String) -> String? { self["metadata"]?[key]?.stringValue }

    public var name: String {
        get { meta("name") ?? "" }
        set { self[path: ["metadata", "name"]] = newValue.isEmpty ? JSON?.none : .string(newValue) }
    }

    public var namespace: String {
        get { meta("namespace") ?? "" }
        set { self[path: ["metadata", "namespace"]] = newValue.isEmpty ? JSON?.none : .string(newValue) }
    }

    public var generateName: String { meta("generateName") ?? "" }

    public var uid: String {
        get { meta("uid") ?? "" }
        set { self[path: ["metadata", "uid"]] = newValue.isEmpty ? JSON?.none : .string(newValue) }
    }

    public var resourceVersion: String {
        get { meta("resourceVersion") ?? "" }
        set { self[path: ["metadata", "resourceVersion"]] = newValue.isEmpty ? JSON?.none : .string(newValue) }
    }

    public var generation: Int64 {
        get { self["metadata"]?["generation"]?.int64Value ?? 0 }
        set { self[path: ["metadata", "generation"]] = newValue == 0 ? JSON?.none : .int(newValue) }
    }

    public var creationTimestamp: String? { meta("creationTimestamp") }
    public var deletionTimestamp: String? { meta("deletionTimestamp") }
    public var isBeingDeleted: Bool { deletionTimestamp != nil }

    public var apiVersion: String { self["apiVersion"]?.stringValue ?? "" }
    public var kind: String { self["kind"]?.stringValue ?? "" }

    public var labels: [String: String] {
        get { Self.stringMap(self["metadata"]?["labels"]) }
        set { self[path: ["metadata", "labels"]] = newValue.isEmpty ? JSON?.none : JSON(newValue) }
    }

    public var annotations: [String: String] {
        get { Self.stringMap(self["metadata"]?["annotations"]) }
        set { self[path: ["metadata", "annotations"]] = newValue.isEmpty ? JSON?.none : JSON(newValue) }
    }

    public var finalizers: [String] {
        get { self["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        set { self[path: ["metadata", "finalizers"]] = newValue.isEmpty ? JSON?.none : JSON(newValue) }
    }

    public var ownerReferences: [OwnerReference] {
        get { self["metadata"]?["ownerReferences"]?.arrayValue?.compactMap(OwnerReference.init(json:)) ?? [] }
        set { self[path: ["metadata", "ownerReferences"]] = newValue.isEmpty ? JSON?.none : .array(newValue.map(\.json)) }
    }

    /// The owner reference marked `controller: true`, if any.
    public var controllerReference: OwnerReference? { ownerReferences.first { $0.controller } }

    public static func stringMap(_ value: JSON?) -> [String: String] {
        guard case .object(let o)? = value else { return [:] }
        var result: [String: String] = [:]
        result.reserveCapacity(o.count)
        for (k, v) in o { if let s = v.stringValue { result[k] = s } }
        return result
    }
}

/// `metadata.ownerReferences[]`.
public struct OwnerReference: Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool
    public var blockOwnerDeletion: Bool

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool = false, blockOwnerDeletion: Bool = false) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    public init?(json: JSON) {
        guard let uid = json["uid"]?.stringValue else { return nil }
        self.apiVersion = json["apiVersion"]?.stringValue ?? ""
        self.kind = json["kind"]?.stringValue ?? ""
        self.name = json["name"]?.stringValue ?? ""
        self.uid = uid
        self.controller = json["controller"]?.boolValue ?? false
        self.blockOwnerDeletion = json["blockOwnerDeletion"]?.boolValue ?? false
    }

    public var json: JSON {
        var o: JSON = ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name), "uid": .string(uid)]
        if controller { o["controller"] = true }
        if blockOwnerDeletion { o["blockOwnerDeletion"] = true }
        return o
    }
}
