import KubeModel

// Admission for built-in kinds: the defaulting and semantic validation kube-apiserver applies on create and
// update, so that stored objects read back as a real cluster's would and bad objects are rejected with
// upstream's messages. This directory depends on Foundation and KubeModel only; the request pipeline
// (`KubeAPIHandler.admit`) calls it in upstream's order:
//
//   decode → BuiltinDefaults.apply → (create) BuiltinDefaults.applyCreateOnly → allocation → BuiltinValidation.validate
//
// Deliberate differences from upstream are noted where they are made.

/// Upstream defaulting for built-in kinds.
///
/// `apply` is what `pkg/apis/<group>/v1/defaults.go` (`SetDefaults_*`) and the generated defaulters of nested
/// types do when an object is decoded, plus the parts of the wire form that Go's serialisation adds and a
/// real cluster therefore shows: `resources: {}` on containers, `creationTimestamp: null` in embedded
/// templates, canonical quantities (`0.5` → `500m`), Secret `stringData` folded into `data`, and the
/// always-present status fields (`status.replicas: 0` on a new ReplicaSet). It is idempotent and runs on
/// every create and update.
///
/// `applyCreateOnly` holds what upstream does only when an object is created (registry strategies'
/// `PrepareForCreate` and create-time admission plugins), for which it needs `metadata.uid` and the final
/// name already set.
public enum BuiltinDefaults {
    /// Applies upstream defaulting (pkg/apis/<group>/v1/defaults.go SetDefaults_* plus the generated defaults
    /// of nested types) for the kind of `object` (apiVersion/kind already set). Objects of other kinds are
    /// left untouched.
    public static func apply(to object: inout JSON) {
        guard let kind = BuiltinKind(of: object) else { return }
        switch kind {
        case .pod: defaultPod(&object)
        case .podTemplate: object.mutate("template", create: true) { defaultPodTemplateSpec(&$0) }
        case .replicationController: defaultReplicationController(&object)
        case .deployment: defaultDeployment(&object)
        case .replicaSet: defaultReplicaSet(&object)
        case .statefulSet: defaultStatefulSet(&object)
        case .daemonSet: defaultDaemonSet(&object)
        case .job: defaultJob(&object)
        case .cronJob: defaultCronJob(&object)
        case .service: defaultService(&object)
        case .configMap: break  // `data` defaults to an empty map, which Go then omits.
        case .secret: defaultSecret(&object)
        case .namespace: defaultNamespace(&object)
        case .serviceAccount, .lease, .coreEvent, .event, .role, .clusterRole: break
        case .endpoints: defaultEndpoints(&object)
        case .endpointSlice: defaultEndpointSlice(&object)
        case .persistentVolumeClaim: defaultPersistentVolumeClaim(&object)
        case .persistentVolume: defaultPersistentVolume(&object)
        case .node: defaultNode(&object)
        case .limitRange: defaultLimitRange(&object)
        case .resourceQuota: defaultResourceQuota(&object)
        case .ingress: defaultIngress(&object)
        case .ingressClass: defaultIngressClass(&object)
        case .networkPolicy: defaultNetworkPolicy(&object)
        case .horizontalPodAutoscalerV1: defaultHorizontalPodAutoscalerV1(&object)
        case .horizontalPodAutoscalerV2: defaultHorizontalPodAutoscalerV2(&object)
        case .podDisruptionBudget: defaultPodDisruptionBudget(&object)
        case .roleBinding, .clusterRoleBinding: defaultRoleBinding(&object)
        case .storageClass: defaultStorageClass(&object)
        case .priorityClass: object.setIfUnset("preemptionPolicy", "PreemptLowerPriority")
        }
    }

    /// Create-time defaulting that needs the server-assigned `metadata.uid` and name, run after `apply`:
    ///
    /// - Job (`batch/v1`, unless `spec.manualSelector: true`): the Job strategy's `generateSelector` adds
    ///   template labels `controller-uid`, `batch.kubernetes.io/controller-uid` (the UID), `job-name`,
    ///   `batch.kubernetes.io/job-name` (the name) and the selector
    ///   `matchLabels: {batch.kubernetes.io/controller-uid: <uid>}`; labels the user already set are kept,
    ///   and a conflict is then reported by validation. The Job's own labels default to the template's when it
    ///   has none, as upstream's defaulting does when the stored object is read back.
    /// - Pod: the ServiceAccount admission plugin's `serviceAccountName: default` (and its `serviceAccount`
    ///   mirror), the DefaultTolerationSeconds plugin's `not-ready`/`unreachable` tolerations of 300 s, and the
    ///   initial `status` (`phase: Pending` and the QoS class) when the caller has not set one. The
    ///   service-account token volume is not added: local pods do not mount API credentials.
    /// - Namespace: `spec.finalizers` gains `kubernetes`. Upstream does this only on create because the
    ///   namespace controller removes it during deletion; defaulting it on every write would re-add it and
    ///   block deletion.
    public static func applyCreateOnly(to object: inout JSON) {
        guard let kind = BuiltinKind(of: object) else { return }
        switch kind {
        case .job: generateJobSelector(&object)
        case .pod: admitNewPod(&object)
        case .namespace: addNamespaceFinalizer(&object)
        default: break
        }
    }
}
