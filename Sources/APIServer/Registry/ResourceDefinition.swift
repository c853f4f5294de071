import KubeModel

/// Everything the server needs to serve one resource: names, scope, versions with their schemas, and
/// subresources. Built-in resources come from `BuiltinResources`; custom resources from their CRD.
public struct ResourceDefinition: Sendable {
    public struct Version: Sendable {
        public var name: String
        public var served: Bool = true
        public var storage: Bool = false
        /// The kind's schema at this version (built-ins: Kubernetes' OpenAPI; CRDs: `openAPIV3Schema`).
        public var schema: Schema?
        /// CRD `additionalPrinterColumns` at this version.
        public var printerColumns: [JSON] = []
        public var deprecationWarning: String?
        /// `selectableFields` JSON paths (CRDs, 1.31+), usable in field selectors.
        public var selectableFields: [String] = []
    }

    /// JSON paths of the scale subresource (`Deployment`: `.spec.replicas`, `.status.replicas`, `.status.selector`).
    public struct ScaleMapping: Sendable {
        public var specReplicasPath: String
        public var statusReplicasPath: String
        public var labelSelectorPath: String?
    }

    public enum NameRule: Sendable {
        case dns1123Subdomain
        case dns1123Label
        case dns1035Label
        case pathSegment
    }

    public var group: String
    /// Served versions, preferred first.
    public var versions: [Version]
    public var resource: String
    public var singular: String
    public var kind: String
    public var listKind: String
    public var namespaced: Bool
    public var shortNames: [String] = []
    public var categories: [String] = []
    public var verbs: [String] = ResourceDefinition.allVerbs
    public var hasStatus = false
    public var scale: ScaleMapping?
    /// Other subresources such as `log`, `finalize`, `binding`, `eviction`.
    public var extraSubresources: [String] = []
    public var nameRule: NameRule = .dns1123Subdomain
    /// True for resources defined by a CustomResourceDefinition.
    public var isCustom = false
    /// Whether strategic merge patch is allowed (built-ins only).
    public var supportsStrategicMerge: Bool { !isCustom }
    /// Upstream returns the deleted object (not a Status) from DELETE for these.
    public var returnsDeletedObject = false

    /// Whether `metadata.generation` is maintained: custom resources, and the built-ins whose upstream
    /// strategies bump it on spec changes (workloads, ingresses, policies...). ConfigMaps, Services and
    /// the like have no generation on a real cluster, so they have none here either.
    public var tracksGeneration: Bool {
        isCustom || Self.generationTracking.contains(groupResource)
    }

    static let generationTracking: Set<GroupResource> = [
        GroupResource(group: "apps", resource: "deployments"), GroupResource(group: "apps", resource: "replicasets"),
        GroupResource(group: "apps", resource: "statefulsets"), GroupResource(group: "apps", resource: "daemonsets"),
        GroupResource(group: "batch", resource: "jobs"), GroupResource(group: "batch", resource: "cronjobs"),
        GroupResource(group: "", resource: "replicationcontrollers"),
        GroupResource(group: "networking.k8s.io", resource: "ingresses"),
        GroupResource(group: "networking.k8s.io", resource: "networkpolicies"),
        GroupResource(group: "policy", resource: "poddisruptionbudgets"),
        GroupResource(group: "autoscaling", resource: "horizontalpodautoscalers"),
        GroupResource(group: "discovery.k8s.io", resource: "endpointslices"),
        GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions"),
    ]

    public static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    public var groupResource: GroupResource { GroupResource(group: group, resource: resource) }

    public var storageVersion: String {
        versions.first { $0.storage }?.name ?? versions.first?.name ?? "v1"
    }

    public var preferredVersion: String { versions.first { $0.served }?.name ?? storageVersion }

    public func version(_ name: String) -> Version? { versions.first { $0.name == name && $0.served } }

    public func gvk(version: String) -> GroupVersionKind { GroupVersionKind(group: group, version: version, kind: kind) }

    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }
}
