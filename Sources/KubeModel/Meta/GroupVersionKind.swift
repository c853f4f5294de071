/// An API group and version, such as `apps/v1` or `v1` (the core group has an empty name).
public struct GroupVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var group: String
    public var version: String

    public init(group: String, version: String) {
        self.group = group
        self.version = version
    }

    /// Parses `apiVersion` text: `v1` → core group, `apps/v1` → group `apps`.
    public init?(apiVersion: String) {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !apiVersion.isEmpty: self.init(group: "", version: apiVersion)
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: self.init(group: String(parts[0]), version: String(parts[1]))
        default: return nil
        }
    }

    /// The `apiVersion` form.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { apiVersion }

    public static func < (lhs: GroupVersion, rhs: GroupVersion) -> Bool {
        (lhs.group, lhs.version) < (rhs.group, rhs.version)
    }
}

/// A kind within a group and version.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    public init(_ groupVersion: GroupVersion, kind: String) {
        self.init(group: groupVersion.group, version: groupVersion.version, kind: kind)
    }

    /// Reads `apiVersion` and `kind` from an object.
    public init?(of object: JSON) {
        guard let apiVersion = object["apiVersion"]?.stringValue, let gv = GroupVersion(apiVersion: apiVersion),
              let kind = object["kind"]?.stringValue, !kind.isEmpty
        else { return nil }
        self.init(gv, kind: kind)
    }

    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }
    public var apiVersion: String { groupVersion.apiVersion }
    public var description: String { group.isEmpty ? "\(version), Kind=\(kind)" : "\(group)/\(version), Kind=\(kind)" }
}

/// A kind within a group, regardless of version.
public struct GroupKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var kind: String
    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }
    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }
}

/// A resource (plural, lower-case name in URLs) within a group and version.
public struct GroupVersionResource: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    public var groupResource: GroupResource { GroupResource(group: group, resource: resource) }
    public var description: String { group.isEmpty ? "\(version)/\(resource)" : "\(group)/\(version)/\(resource)" }
}

/// A resource within a group, regardless of version: how objects are keyed in storage.
public struct GroupResource: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var group: String
    public var resource: String

    public init(group: String, resource: String) {
        self.group = group
        self.resource = resource
    }

    /// `deployments.apps`, or `pods` for the core group: the form used in API error messages.
    public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }

    public static func < (lhs: GroupResource, rhs: GroupResource) -> Bool {
        (lhs.group, lhs.resource) < (rhs.group, rhs.resource)
    }
}
