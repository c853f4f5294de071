import KubeModel

/// The Kubernetes kinds the embedded server serves natively, with the names, scopes and subresources that
/// kube-apiserver 1.32 advertises for them.
enum BuiltinResources {
    static func make(
        _ group: String, _ versions: [String], _ resource: String, _ kind: String,
        namespaced: Bool = true, short: [String] = [], categories: [String] = [], status: Bool = false,
        scale: Bool = false, extra: [String] = [], nameRule: ResourceDefinition.NameRule = .dns1123Subdomain,
        verbs: [String] = ResourceDefinition.allVerbs, returnsDeleted: Bool = false, singular: String? = nil
    ) -> ResourceDefinition {
        let defs = versions.enumerated().map { index, v in
            ResourceDefinition.Version(
                name: v, served: true, storage: index == 0,
                schema: SchemaSet.builtin.schema(for: GroupVersionKind(group: group, version: v, kind: kind)))
        }
        var d = ResourceDefinition(
            group: group, versions: defs, resource: resource, singular: singular ?? kind.lowercased(), kind: kind,
            listKind: kind + "List", namespaced: namespaced)
        d.shortNames = short
        d.categories = categories
        d.hasStatus = status
        if scale {
            d.scale = .init(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                            labelSelectorPath: ".status.selector")
        }
        d.extraSubresources = extra
        d.nameRule = nameRule
        d.verbs = verbs
        d.returnsDeletedObject = returnsDeleted
        return d
    }

    static let all: [ResourceDefinition] = {
        let apps = "apps", batch = "batch", net = "networking.k8s.io", rbac = "rbac.authorization.k8s.io"
        return [
            make("", ["v1"], "namespaces", "Namespace", namespaced: false, short: ["ns"], status: true,
                 extra: ["finalize"], nameRule: .dns1123Label),
            make("", ["v1"], "configmaps", "ConfigMap", short: ["cm"]),
            make("", ["v1"], "secrets", "Secret"),
            make("", ["v1"], "serviceaccounts", "ServiceAccount", short: ["sa"], returnsDeleted: true),
            make("", ["v1"], "pods", "Pod", short: ["po"], categories: ["all"], status: true,
                 extra: ["log", "binding"], returnsDeleted: true),
            make("", ["v1"], "services", "Service", short: ["svc"], categories: ["all"], status: true,
                 nameRule: .dns1035Label, returnsDeleted: true),
            make("", ["v1"], "endpoints", "Endpoints", short: ["ep"], singular: "endpoints"),
            make("", ["v1"], "events", "Event", short: ["ev"]),
            make("", ["v1"], "nodes", "Node", namespaced: false, short: ["no"], status: true),
            make("", ["v1"], "persistentvolumeclaims", "PersistentVolumeClaim", short: ["pvc"], status: true),
            make("", ["v1"], "persistentvolumes", "PersistentVolume", namespaced: false, short: ["pv"], status: true),
            make("", ["v1"], "limitranges", "LimitRange", short: ["limits"]),
            make("", ["v1"], "resourcequotas", "ResourceQuota", short: ["quota"], status: true),
            make("", ["v1"], "podtemplates", "PodTemplate"),
            make("", ["v1"], "replicationcontrollers", "ReplicationController", short: ["rc"], categories: ["all"],
                 status: true, scale: true),
            make(apps, ["v1"], "deployments", "Deployment", short: ["deploy"], categories: ["all"], status: true, scale: true),
            make(apps, ["v1"], "replicasets", "ReplicaSet", short: ["rs"], categories: ["all"], status: true, scale: true),
            make(apps, ["v1"], "statefulsets", "StatefulSet", short: ["sts"], categories: ["all"], status: true, scale: true),
            make(apps, ["v1"], "daemonsets", "DaemonSet", short: ["ds"], categories: ["all"], status: true),
            make(apps, ["v1"], "controllerrevisions", "ControllerRevision"),
            make(batch, ["v1"], "jobs", "Job", categories: ["all"], status: true),
            make(batch, ["v1"], "cronjobs", "CronJob", short: ["cj"], categories: ["all"], status: true),
            {
                var ingress = make(net, ["v1"], "ingresses", "Ingress", short: ["ing"], status: true)
                ingress.versions.append(.init(name: "v1beta1", served: true, storage: false, schema: nil,
                    deprecationWarning: "networking.k8s.io/v1beta1 Ingress is deprecated in v1.19+, unavailable in v1.22+; use networking.k8s.io/v1 Ingress"))
                return ingress
            }(),
            make(net, ["v1"], "ingressclasses", "IngressClass", namespaced: false),
            make(net, ["v1"], "networkpolicies", "NetworkPolicy", short: ["netpol"]),
            make("coordination.k8s.io", ["v1"], "leases", "Lease"),
            make("discovery.k8s.io", ["v1"], "endpointslices", "EndpointSlice"),
            make(rbac, ["v1"], "roles", "Role", nameRule: .pathSegment),
            make(rbac, ["v1"], "rolebindings", "RoleBinding", nameRule: .pathSegment),
            make(rbac, ["v1"], "clusterroles", "ClusterRole", namespaced: false, nameRule: .pathSegment),
            make(rbac, ["v1"], "clusterrolebindings", "ClusterRoleBinding", namespaced: false, nameRule: .pathSegment),
            make("apiextensions.k8s.io", ["v1"], "customresourcedefinitions", "CustomResourceDefinition",
                 namespaced: false, short: ["crd", "crds"], status: true),
            make("autoscaling", ["v2"], "horizontalpodautoscalers", "HorizontalPodAutoscaler", short: ["hpa"],
                 categories: ["all"], status: true),
            make("policy", ["v1"], "poddisruptionbudgets", "PodDisruptionBudget", short: ["pdb"], status: true),
            make("storage.k8s.io", ["v1"], "storageclasses", "StorageClass", namespaced: false, short: ["sc"]),
            make("scheduling.k8s.io", ["v1"], "priorityclasses", "PriorityClass", namespaced: false, short: ["pc"]),
            make("authorization.k8s.io", ["v1"], "selfsubjectaccessreviews", "SelfSubjectAccessReview",
                 namespaced: false, verbs: ["create"]),
            make("authorization.k8s.io", ["v1"], "selfsubjectrulesreviews", "SelfSubjectRulesReview",
                 namespaced: false, verbs: ["create"]),
            make("authentication.k8s.io", ["v1"], "selfsubjectreviews", "SelfSubjectReview",
                 namespaced: false, verbs: ["create"]),
        ]
    }()

    /// Resources answered by a handler instead of being stored (reviews).
    static let virtual: Set<String> = ["selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"]

    /// Group order for discovery, as kube-apiserver lists them.
    static let groupOrder = ["", "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io",
                             "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io",
                             "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
                             "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io",
                             "discovery.k8s.io", "flowcontrol.apiserver.k8s.io"]
}
