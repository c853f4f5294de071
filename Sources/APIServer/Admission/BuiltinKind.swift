import KubeModel

/// The built-in kinds whose defaulting and validation Tack reproduces, recognised by group, version and
/// kind. An object of any other type (a CRD, a removed version such as `networking.k8s.io/v1beta1`
/// Ingress) is left alone by `BuiltinDefaults` and `BuiltinValidation`.
enum BuiltinKind: Sendable, Hashable, CaseIterable {
    // core/v1
    case pod, podTemplate, replicationController, service, configMap, secret, namespace, serviceAccount
    case endpoints, coreEvent, persistentVolumeClaim, persistentVolume, node, limitRange, resourceQuota
    // apps/v1
    case deployment, replicaSet, statefulSet, daemonSet
    // batch/v1
    case job, cronJob
    // networking.k8s.io/v1
    case ingress, ingressClass, networkPolicy
    // coordination, discovery, events
    case lease, endpointSlice, event
    // autoscaling/v1 and v2
    case horizontalPodAutoscalerV1, horizontalPodAutoscalerV2
    // policy/v1
    case podDisruptionBudget
    // rbac.authorization.k8s.io/v1
    case role, roleBinding, clusterRole, clusterRoleBinding
    // storage.k8s.io/v1, scheduling.k8s.io/v1
    case storageClass, priorityClass

    /// How `metadata.name` is validated for the kind.
    enum NameRule: Sendable {
        case dns1123Subdomain
        case dns1123Label
        case dns1035Label
        case pathSegment
    }

    private static let table: [GroupVersionKind: BuiltinKind] = {
        func gvk(_ apiVersion: String, _ kind: String) -> GroupVersionKind {
            let gv = GroupVersion(apiVersion: apiVersion) ?? GroupVersion(group: "", version: apiVersion)
            return GroupVersionKind(gv, kind: kind)
        }
        return [
            gvk("v1", "Pod"): .pod,
            gvk("v1", "PodTemplate"): .podTemplate,
            gvk("v1", "ReplicationController"): .replicationController,
            gvk("v1", "Service"): .service,
            gvk("v1", "ConfigMap"): .configMap,
            gvk("v1", "Secret"): .secret,
            gvk("v1", "Namespace"): .namespace,
            gvk("v1", "ServiceAccount"): .serviceAccount,
            gvk("v1", "Endpoints"): .endpoints,
            gvk("v1", "Event"): .coreEvent,
            gvk("v1", "PersistentVolumeClaim"): .persistentVolumeClaim,
            gvk("v1", "PersistentVolume"): .persistentVolume,
            gvk("v1", "Node"): .node,
            gvk("v1", "LimitRange"): .limitRange,
            gvk("v1", "ResourceQuota"): .resourceQuota,
            gvk("apps/v1", "Deployment"): .deployment,
            gvk("apps/v1", "ReplicaSet"): .replicaSet,
            gvk("apps/v1", "StatefulSet"): .statefulSet,
            gvk("apps/v1", "DaemonSet"): .daemonSet,
            gvk("batch/v1", "Job"): .job,
            gvk("batch/v1", "CronJob"): .cronJob,
            gvk("networking.k8s.io/v1", "Ingress"): .ingress,
            gvk("networking.k8s.io/v1", "IngressClass"): .ingressClass,
            gvk("networking.k8s.io/v1", "NetworkPolicy"): .networkPolicy,
            gvk("coordination.k8s.io/v1", "Lease"): .lease,
            gvk("discovery.k8s.io/v1", "EndpointSlice"): .endpointSlice,
            gvk("events.k8s.io/v1", "Event"): .event,
            gvk("autoscaling/v1", "HorizontalPodAutoscaler"): .horizontalPodAutoscalerV1,
            gvk("autoscaling/v2", "HorizontalPodAutoscaler"): .horizontalPodAutoscalerV2,
            gvk("policy/v1", "PodDisruptionBudget"): .podDisruptionBudget,
            gvk("rbac.authorization.k8s.io/v1", "Role"): .role,
            gvk("rbac.authorization.k8s.io/v1", "RoleBinding"): .roleBinding,
            gvk("rbac.authorization.k8s.io/v1", "ClusterRole"): .clusterRole,
            gvk("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): .clusterRoleBinding,
            gvk("storage.k8s.io/v1", "StorageClass"): .storageClass,
            gvk("scheduling.k8s.io/v1", "PriorityClass"): .priorityClass,
        ]
    }()

    /// The kind of an object from its `apiVersion` and `kind`, or nil when it is not one of ours.
    init?(of object: JSON) {
        guard let gvk = GroupVersionKind(of: object), let kind = Self.table[gvk] else { return nil }
        self = kind
    }

    var isNamespaced: Bool {
        switch self {
        case .namespace, .node, .persistentVolume, .ingressClass, .clusterRole, .clusterRoleBinding,
             .storageClass, .priorityClass:
            return false
        default:
            return true
        }
    }

    var nameRule: NameRule {
        switch self {
        case .service: return .dns1035Label
        case .namespace: return .dns1123Label
        case .role, .roleBinding, .clusterRole, .clusterRoleBinding:
            return .pathSegment
        default: return .dns1123Subdomain
        }
    }
}
