import KubeModel

/// Upstream's semantic validation for built-in kinds (`pkg/apis/<group>/validation` and the registry
/// strategies' update rules), with upstream's field paths and messages, so that `kubectl` prints what it
/// prints against a real cluster:
///
///     The Deployment "web" is invalid: spec.template.spec.containers[0].image: Required value
///
/// It checks meaning, not shape: type errors and unknown fields are the schema's business, and it expects
/// an object that `BuiltinDefaults` has already defaulted (a missing `restartPolicy`, for instance, is an
/// error here). Objects of other kinds yield no errors.
///
/// Deliberate differences: loopback addresses are valid in Endpoints and EndpointSlices (local pods live on
/// 127.0.0.0/8); an update that omits a Service's cluster IPs is not treated as changing them (the server
/// carries them over first); PVC requests may change whatever the claim's phase (no volume binding runs
/// here). Values in messages are rendered from JSON, so Go's struct dumps (`map[string]string{...}`) read
/// differently; paths, reasons and details match.
public enum BuiltinValidation {
    /// Semantic validation errors (pkg/apis/<group>/validation) for create (old == nil) or update.
    public static func validate(_ object: JSON, old: JSON?) -> [FieldError] {
        guard let kind = BuiltinKind(of: object) else { return [] }
        var errors: [FieldError] = []
        if let old { errors += validateObjectMetaUpdate(object, old: old) }
        errors += validateObjectMeta(object, kind: kind, checkName: old == nil)
        switch kind {
        case .pod: errors += validatePod(object, old: old)
        case .podTemplate: errors += validatePodTemplate(object)
        case .replicationController: errors += validateReplicationController(object)
        case .deployment: errors += validateDeployment(object, old: old)
        case .replicaSet: errors += validateReplicaSet(object, old: old)
        case .statefulSet: errors += validateStatefulSet(object, old: old)
        case .daemonSet: errors += validateDaemonSet(object, old: old)
        case .job: errors += validateJob(object, old: old)
        case .cronJob: errors += validateCronJob(object, old: old)
        case .service: errors += validateService(object, old: old)
        case .configMap: errors += validateConfigMap(object, old: old)
        case .secret: errors += validateSecret(object, old: old)
        case .namespace: errors += validateNamespace(object)
        case .serviceAccount: break
        case .endpoints: errors += validateEndpoints(object)
        case .endpointSlice: errors += validateEndpointSlice(object, old: old)
        case .coreEvent: errors += validateEvent(object, eventsAPI: false)
        case .event: errors += validateEvent(object, eventsAPI: true)
        case .persistentVolumeClaim: errors += validatePersistentVolumeClaim(object, old: old)
        case .persistentVolume: errors += validatePersistentVolume(object)
        case .node: break
        case .limitRange: errors += validateLimitRange(object)
        case .resourceQuota: errors += validateResourceQuota(object)
        case .ingress: errors += validateIngress(object, old: old)
        case .ingressClass: errors += validateIngressClass(object, old: old)
        case .networkPolicy: errors += validateNetworkPolicy(object)
        case .lease: errors += validateLease(object)
        case .horizontalPodAutoscalerV1: errors += validateHorizontalPodAutoscaler(object, v2: false)
        case .horizontalPodAutoscalerV2: errors += validateHorizontalPodAutoscaler(object, v2: true)
        case .podDisruptionBudget: errors += validatePodDisruptionBudget(object)
        case .role: errors += validatePolicyRules(FieldCursor(object: object)["rules"], namespaced: true)
        case .clusterRole: errors += validatePolicyRules(FieldCursor(object: object)["rules"], namespaced: false)
        case .roleBinding: errors += validateRoleBinding(object, old: old, cluster: false)
        case .clusterRoleBinding: errors += validateRoleBinding(object, old: old, cluster: true)
        case .storageClass: errors += validateStorageClass(object, old: old)
        case .priorityClass: errors += validatePriorityClass(object, old: old)
        }
        return errors
    }
}
