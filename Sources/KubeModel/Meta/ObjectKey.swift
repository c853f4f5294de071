/// Identifies one stored object: its group-resource, namespace (empty for cluster-scoped kinds) and name.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var resource: GroupResource
    public var namespace: String
    public var name: String

    public init(resource: GroupResource, namespace: String, name: String) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`, or `name` for cluster-scoped objects: the key informers and list tokens use.
    public var namespacedName: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public var description: String { "\(resource) \(namespacedName)" }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        if lhs.resource != rhs.resource { return lhs.resource < rhs.resource }
        if lhs.namespace != rhs.namespace { return lhs.namespace.utf8.lexicographicallyPrecedes(rhs.namespace.utf8) }
        return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }
}
