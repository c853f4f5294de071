import KubeModel

/// Which objects a controller owns, adopts and releases (`controller.BaseControllerRefManager.ClaimObject`),
/// decided without I/O. The caller performs the adoptions and releases with `adoptPatch`/`releasePatch`
/// (strategic merge patches, as upstream sends them) and treats successfully adopted objects as owned.
public struct ControllerRefClaim: Sendable {
    /// Objects already controlled by the owner and matching its selector.
    public var owned: [JSON] = []
    /// Orphans matching the selector, to adopt.
    public var adopt: [JSON] = []
    /// Objects controlled by the owner that no longer match its selector, to release.
    public var release: [JSON] = []

    /// A claim with the given objects.
    public init(owned: [JSON] = [], adopt: [JSON] = [], release: [JSON] = []) {
        self.owned = owned
        self.adopt = adopt
        self.release = release
    }

    /// Sorts `candidates` (objects in the owner's namespace) by their relation to `owner`. An owner being
    /// deleted keeps what it owns but adopts and releases nothing; orphans being deleted are never adopted;
    /// objects controlled by someone else are ignored. An empty selector matches nothing.
    public static func classify(owner: JSON, selector: LabelSelector, candidates: [JSON]) -> ControllerRefClaim {
        var claim = ControllerRefClaim()
        let ownerDeleting = owner.isBeingDeleted
        for object in candidates {
            let matches = !selector.isEverything && selector.matches(object.labels)
            if let ref = object.controllerReference {
                guard ref.uid == owner.uid else { continue }
                if matches {
                    claim.owned.append(object)
                } else if !ownerDeleting {
                    claim.release.append(object)
                }
                continue
            }
            guard !ownerDeleting, matches, !object.isBeingDeleted else { continue }
            if !owner.namespace.isEmpty && owner.namespace != object.namespace { continue }
            claim.adopt.append(object)
        }
        return claim
    }

    /// The controller reference `owner` puts on what it controls (`metav1.NewControllerRef`).
    public static func controllerReference(to owner: JSON) -> OwnerReference {
        OwnerReference(apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid,
                       controller: true, blockOwnerDeletion: true)
    }

    /// The strategic merge patch that adopts `child`: adds the controller reference, with the child's UID as
    /// a precondition.
    public static func adoptPatch(owner: JSON, child: JSON) -> JSON {
        ["metadata": ["ownerReferences": [controllerReference(to: owner).json], "uid": .string(child.uid)]]
    }

    /// The strategic merge patch that releases `child`: deletes the owner's reference by UID.
    public static func releasePatch(owner: JSON, child: JSON) -> JSON {
        ["metadata": ["ownerReferences": [["$patch": "delete", "uid": .string(owner.uid)]], "uid": .string(child.uid)]]
    }

    /// `child` with the owner's controller reference added, as it will look once adopted.
    public static func adopted(_ child: JSON, by owner: JSON) -> JSON {
        var copy = child
        copy.ownerReferences = child.ownerReferences + [controllerReference(to: owner)]
        return copy
    }
}
