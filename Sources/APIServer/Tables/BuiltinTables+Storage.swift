import Foundation
import KubeModel

extension BuiltinTables {
    static let persistentVolumeClaim = TablePrinter(
        columns: [
            .name,
            .string("Status", SwaggerDocs.corePersistentVolumeClaimStatusPhase),
            .string("Volume", SwaggerDocs.corePersistentVolumeClaimSpecVolumeName),
            .string("Capacity", SwaggerDocs.corePersistentVolumeClaimStatusCapacity),
            .string("Access Modes", SwaggerDocs.corePersistentVolumeClaimStatusAccessModes),
            .string("StorageClass", "StorageClass of the pvc"),
            .string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
            .age,
            .string("VolumeMode", SwaggerDocs.corePersistentVolumeClaimSpecVolumeMode, priority: 1),
        ],
        cells: { obj, now in
            let spec = obj["spec"]
            let status = obj["status"]
            let phase = obj.deletionTimestamp != nil ? "Terminating" : TableFormat.string(status?["phase"])
            let volumeName = TableFormat.string(spec?["volumeName"])
            var capacity = ""
            var accessModes = ""
            // Capacity and access modes are only meaningful once the claim is bound to a volume.
            if !volumeName.isEmpty {
                accessModes = TableFormat.accessModes(status?["accessModes"])
                capacity = TableFormat.quantity(status?["capacity"]?["storage"])
            }
            return [
                .string(obj.name), .string(phase), .string(volumeName), .string(capacity), .string(accessModes),
                .string(storageClassName(obj)),
                .string(spec?["volumeAttributesClassName"]?.stringValue ?? "<unset>"),
                TableFormat.age(obj, now: now),
                .string(spec?["volumeMode"]?.stringValue ?? "<unset>"),
            ]
        }
    )

    static let persistentVolume = TablePrinter(
        columns: [
            .name,
            .string("Capacity", SwaggerDocs.corePersistentVolumeSpecCapacity),
            .string("Access Modes", SwaggerDocs.corePersistentVolumeSpecAccessModes),
            .string("Reclaim Policy", SwaggerDocs.corePersistentVolumeSpecPersistentVolumeReclaimPolicy),
            .string("Status", SwaggerDocs.corePersistentVolumeStatusPhase),
            .string("Claim", SwaggerDocs.corePersistentVolumeSpecClaimRef),
            .string("StorageClass", "StorageClass of the pv"),
            .string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
            .string("Reason", SwaggerDocs.corePersistentVolumeStatusReason),
            .age,
            .string("VolumeMode", SwaggerDocs.corePersistentVolumeSpecVolumeMode, priority: 1),
        ],
        cells: { obj, now in
            let spec = obj["spec"]
            let status = obj["status"]
            var claim = ""
            if let ref = spec?["claimRef"], ref.isObject {
                claim = TableFormat.string(ref["namespace"]) + "/" + TableFormat.string(ref["name"])
            }
            let phase = obj.deletionTimestamp != nil ? "Terminating" : TableFormat.string(status?["phase"])
            return [
                .string(obj.name),
                .string(TableFormat.quantity(spec?["capacity"]?["storage"])),
                .string(TableFormat.accessModes(spec?["accessModes"])),
                .string(TableFormat.string(spec?["persistentVolumeReclaimPolicy"])),
                .string(phase), .string(claim), .string(storageClassName(obj)),
                .string(spec?["volumeAttributesClassName"]?.stringValue ?? "<unset>"),
                .string(TableFormat.string(status?["reason"])),
                TableFormat.age(obj, now: now),
                .string(spec?["volumeMode"]?.stringValue ?? "<unset>"),
            ]
        }
    )

    /// `GetPersistentVolumeClass` / `GetPersistentVolumeClaimClass`: the beta annotation wins over
    /// `spec.storageClassName`.
    static func storageClassName(_ obj: JSON) -> String {
        if let beta = obj.annotations["volume.beta.kubernetes.io/storage-class"] { return beta }
        return TableFormat.string(obj["spec"]?["storageClassName"])
    }

    static let storageClass = TablePrinter(
        columns: [
            .name,
            .string("Provisioner", SwaggerDocs.storageStorageClassProvisioner),
            .string("ReclaimPolicy", SwaggerDocs.storageStorageClassReclaimPolicy),
            .string("VolumeBindingMode", SwaggerDocs.storageStorageClassVolumeBindingMode),
            .string("AllowVolumeExpansion", SwaggerDocs.storageStorageClassAllowVolumeExpansion),
            .age,
        ],
        cells: { obj, now in
            let annotations = obj.annotations
            let isDefault = annotations["storageclass.kubernetes.io/is-default-class"] == "true"
                || annotations["storageclass.beta.kubernetes.io/is-default-class"] == "true"
            return [
                .string(isDefault ? obj.name + " (default)" : obj.name),
                .string(TableFormat.string(obj["provisioner"])),
                .string(obj["reclaimPolicy"]?.stringValue ?? "Delete"),
                .string(obj["volumeBindingMode"]?.stringValue ?? "Immediate"),
                .bool(obj["allowVolumeExpansion"]?.boolValue ?? false),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    static let resourceQuota = TablePrinter(
        columns: [
            .name,
            .string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
            .string("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
            .age,
        ],
        cells: { obj, now in
            let hard = obj["status"]?["hard"]?.objectValue ?? [:]
            let used = obj["status"]?["used"]?.objectValue ?? [:]
            var requests: [String] = []
            var limits: [String] = []
            for resource in hard.keys.sorted() {
                let entry = "\(resource): \(TableFormat.quantity(used[resource]))/\(TableFormat.quantity(hard[resource]))"
                let pieces = resource.split(separator: ".", omittingEmptySubsequences: false)
                if pieces.count > 1 && pieces[0] == "limits" { limits.append(entry) } else { requests.append(entry) }
            }
            return [
                .string(obj.name), .string(requests.joined(separator: ", ")), .string(limits.joined(separator: ", ")),
                TableFormat.age(obj, now: now),
            ]
        }
    )
}
