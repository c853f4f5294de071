import Foundation
import KubeModel
import ObjectStore

/// The decisions of the control-plane loops that a kube-controller-manager would run for the embedded
/// server: the garbage collector (owner references; Background, Foreground and Orphan propagation),
/// namespace termination, CRD instance cleanup, and expiry of graceful pod deletions that no kubelet
/// finished. A pure function from a snapshot of objects to actions; `ControlPlaneLoops` executes them.
enum LifecyclePlanner {
    enum Action: Hashable, Sendable {
        /// Delete an object (its own finalizers still apply).
        case delete(ObjectKey, uid: String, propagation: DeleteOptions.Propagation)
        /// Remove owner references to `ownerUIDs` from a dependent.
        case removeOwnerReferences(ObjectKey, ownerUIDs: Set<String>)
        /// Remove one finalizer.
        case removeFinalizer(ObjectKey, finalizer: String)
        /// Clear a namespace's `spec.finalizers` (kubernetes) through `/finalize`.
        case finalizeNamespace(String)
        /// Remove a pod whose graceful deletion period passed with no kubelet finishing it.
        case forceDelete(ObjectKey, uid: String)
    }

    /// What the planner needs to know about one object.
    struct Summary: Sendable {
        var key: ObjectKey
        var uid: String
        var owners: [OwnerReference] = []
        var finalizers: [String] = []
        var deletionTimestamp: Date?
        var deletionGraceSeconds: Int = 0
        var namespaceFinalizers: [String] = []
        /// For CRDs: the group-resource of their instances.
        var definesResource: GroupResource?

        var isDeleting: Bool { deletionTimestamp != nil }
    }

    static let namespaces = GroupResource(group: "", resource: "namespaces")
    static let pods = GroupResource(group: "", resource: "pods")
    static let crds = GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions")
    static let crdCleanup = "customresourcecleanup.apiextensions.k8s.io"
    /// Extra time a kubelet gets beyond the grace period before the server removes the pod itself.
    static let podDeletionSlack: TimeInterval = 10

    static func summarize(_ stored: StoredObject) -> Summary {
        var summary = Summary(key: stored.key, uid: stored.uid)
        guard stored.needsLifecycleAttention else { return summary }
        let object = stored.object
        summary.owners = object.ownerReferences
        summary.finalizers = object.finalizers
        summary.deletionTimestamp = object.deletionTimestamp.flatMap(Timestamp.parse)
        summary.deletionGraceSeconds = object["metadata"]?["deletionGracePeriodSeconds"]?.intValue ?? 0
        if stored.key.resource == namespaces {
            summary.namespaceFinalizers = object["spec"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        if stored.key.resource == crds {
            let group = object["spec"]?["group"]?.stringValue ?? ""
            let plural = object["spec"]?["names"]?["plural"]?.stringValue ?? ""
            summary.definesResource = GroupResource(group: group, resource: plural)
        }
        return summary
    }

    /// All actions due for this snapshot. `objects` holds every stored object; `now` decides pod expiry.
    static func plan(_ objects: [Summary], now: Date) -> [Action] {
        var actions: [Action] = []
        var byUID: [String: Summary] = [:]
        byUID.reserveCapacity(objects.count)
        for o in objects where !o.uid.isEmpty { byUID[o.uid] = o }
        var dependents: [String: [Summary]] = [:]
        for o in objects {
            for owner in o.owners { dependents[owner.uid, default: []].append(o) }
        }

        for o in objects {
            // Dependents whose owners are all gone are deleted; references to vanished owners are dropped.
            if !o.owners.isEmpty && !o.isDeleting {
                let missing = o.owners.filter { owner in
                    guard let found = byUID[owner.uid] else { return true }
                    // An owner in another namespace cannot own a namespaced object.
                    return !found.key.namespace.isEmpty && found.key.namespace != o.key.namespace
                }
                if missing.count == o.owners.count {
                    actions.append(.delete(o.key, uid: o.uid, propagation: .background))
                } else if !missing.isEmpty {
                    actions.append(.removeOwnerReferences(o.key, ownerUIDs: Set(missing.map(\.uid))))
                }
            }
            guard o.isDeleting else { continue }
            let deps = dependents[o.uid] ?? []
            // Orphan: release dependents, then drop the finalizer.
            if o.finalizers.contains("orphan") {
                let held = deps.filter { d in d.owners.contains { $0.uid == o.uid } }
                if held.isEmpty {
                    actions.append(.removeFinalizer(o.key, finalizer: "orphan"))
                } else {
                    for d in held { actions.append(.removeOwnerReferences(d.key, ownerUIDs: [o.uid])) }
                }
            }
            // Foreground: delete dependents; finish once none that block the owner remain.
            if o.finalizers.contains("foregroundDeletion") {
                for d in deps where !d.isDeleting {
                    // A dependent that has other live owners only loses its reference to this one.
                    let otherOwners = d.owners.filter { $0.uid != o.uid && byUID[$0.uid] != nil }
                    if otherOwners.isEmpty {
                        actions.append(.delete(d.key, uid: d.uid, propagation: .foreground))
                    } else {
                        actions.append(.removeOwnerReferences(d.key, ownerUIDs: [o.uid]))
                    }
                }
                let blocking = deps.filter { d in d.owners.contains { $0.uid == o.uid && $0.blockOwnerDeletion } }
                if blocking.isEmpty {
                    actions.append(.removeFinalizer(o.key, finalizer: "foregroundDeletion"))
                }
            }
            // Namespace termination: delete everything inside, then finalize.
            if o.key.resource == namespaces, o.namespaceFinalizers.contains("kubernetes") {
                let name = o.key.name
                let contents = objects.filter { $0.key.namespace == name }
                if contents.isEmpty {
                    actions.append(.finalizeNamespace(name))
                } else {
                    for c in contents where !c.isDeleting { actions.append(.delete(c.key, uid: c.uid, propagation: .background)) }
                }
            }
            // CRD deletion: remove the instances first.
            if o.key.resource == crds, o.finalizers.contains(crdCleanup), let resource = o.definesResource {
                let instances = objects.filter { $0.key.resource == resource }
                if instances.isEmpty {
                    actions.append(.removeFinalizer(o.key, finalizer: crdCleanup))
                } else {
                    for i in instances where !i.isDeleting { actions.append(.delete(i.key, uid: i.uid, propagation: .background)) }
                }
            }
            // Pods that a kubelet should have finished deleting.
            if o.key.resource == pods, o.finalizers.isEmpty, let since = o.deletionTimestamp,
               now.timeIntervalSince(since) > Double(o.deletionGraceSeconds) + podDeletionSlack {
                actions.append(.forceDelete(o.key, uid: o.uid))
            }
        }
        var seen: Set<Action> = []
        return actions.filter { seen.insert($0).inserted }
    }
}
