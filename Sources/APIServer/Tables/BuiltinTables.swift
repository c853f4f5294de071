import Foundation
import KubeModel

/// Table output (`meta.k8s.io/v1 Table`) for built-in resources, as kube-apiserver 1.32 renders it with the
/// printers of `pkg/printers/internalversion`: the same column names, types, priorities and descriptions,
/// and the same cell text (pod STATUS with init containers and `Terminating`, `RESTARTS` as
/// `3 (5m ago)`, service `PORT(S)` as `80/TCP,443:30001/TCP`, ...).
///
/// Cells include the `-o wide` columns, as the server always renders them. Resources without a dedicated
/// printer (roles, cluster roles, limit ranges, CRDs ...) get the default table: `Name` and `Created At`.
///
/// This file and its siblings depend on Foundation and KubeModel only.
public enum BuiltinTables {
    /// Columns for a built-in resource, or `nil` when upstream has no dedicated printer for it (then the
    /// table is `defaultColumns`).
    public static func columns(for resource: GroupResource) -> [TableColumn]? {
        printers[resource]?.columns
    }

    /// The row cells for one object at time `now` (ages are rendered with `HumanDuration`). Resources
    /// without a printer get `defaultCells`.
    public static func cells(for object: JSON, resource: GroupResource, now: Date) -> [JSON] {
        guard let printer = printers[resource] else { return defaultCells(for: object, now: now) }
        return printer.cells(object, now)
    }

    /// The columns of the API server's default table convertor: `Name` and `Created At` (type `date`).
    public static let defaultColumns: [TableColumn] = [
        .name,
        TableColumn(name: "Created At", type: "date", description: SwaggerDocs.metaObjectMetaCreationTimestamp),
    ]

    /// The default table's cells: the name and the creation time in RFC 3339 (kubectl prints `date`
    /// cells verbatim). A missing timestamp prints as Go's zero time, as upstream does.
    public static func defaultCells(for object: JSON, now: Date) -> [JSON] {
        let created = object.creationTimestamp.flatMap(Timestamp.parse).map(Timestamp.format) ?? "0001-01-01T00:00:00Z"
        return [.string(object.name), .string(created)]
    }

    /// Every resource with a dedicated printer.
    public static var resources: [GroupResource] { printers.keys.sorted() }

    static let printers: [GroupResource: TablePrinter] = {
        var p: [GroupResource: TablePrinter] = [:]
        func add(_ group: String, _ resource: String, _ printer: TablePrinter) {
            p[GroupResource(group: group, resource: resource)] = printer
        }
        add("", "pods", pod)
        add("", "podtemplates", podTemplate)
        add("", "replicationcontrollers", replicationController)
        add("apps", "deployments", deployment)
        add("apps", "replicasets", replicaSet)
        add("apps", "statefulsets", statefulSet)
        add("apps", "daemonsets", daemonSet)
        add("apps", "controllerrevisions", controllerRevision)
        add("batch", "jobs", job)
        add("batch", "cronjobs", cronJob)
        add("", "services", service)
        add("", "endpoints", endpoints)
        add("discovery.k8s.io", "endpointslices", endpointSlice)
        add("networking.k8s.io", "ingresses", ingress)
        add("networking.k8s.io", "ingressclasses", ingressClass)
        add("networking.k8s.io", "networkpolicies", networkPolicy)
        add("", "namespaces", namespace)
        add("", "configmaps", configMap)
        add("", "secrets", secret)
        add("", "serviceaccounts", serviceAccount)
        add("", "events", event)
        add("events.k8s.io", "events", eventsV1Event)
        add("", "nodes", node)
        add("coordination.k8s.io", "leases", lease)
        add("", "persistentvolumeclaims", persistentVolumeClaim)
        add("", "persistentvolumes", persistentVolume)
        add("storage.k8s.io", "storageclasses", storageClass)
        add("", "resourcequotas", resourceQuota)
        add("autoscaling", "horizontalpodautoscalers", horizontalPodAutoscaler)
        add("policy", "poddisruptionbudgets", podDisruptionBudget)
        add("rbac.authorization.k8s.io", "rolebindings", roleBinding)
        add("rbac.authorization.k8s.io", "clusterrolebindings", clusterRoleBinding)
        add("scheduling.k8s.io", "priorityclasses", priorityClass)
        return p
    }()
}
