import KubeModel

/// Pod volumes (`ValidateVolumes` and the per-source rules upstream applies to the common sources).
extension BuiltinValidation {
    /// Volume sources in the order upstream checks them for "more than 1 volume type".
    static let volumeSourceOrder = [
        "hostPath", "emptyDir", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
        "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "downwardAPI",
        "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
        "projected", "scaleIO", "configMap", "storageos", "csi", "ephemeral", "image",
    ]

    /// The names of valid volumes, and the errors of the others.
    static func validateVolumes(_ volumes: FieldCursor) -> (Set<String>, [FieldError]) {
        var names = Set<String>()
        var errors: [FieldError] = []
        for volume in volumes.elements {
            var volumeErrors = validateVolumeSource(volume)
            let name = volume["name"].string
            if name.isEmpty {
                volumeErrors.append(.required(volume["name"].path))
            } else {
                volumeErrors += validateDNS1123Label(name, volume["name"].path)
            }
            if names.contains(name) { volumeErrors.append(.duplicate(volume["name"].path, .string(name))) }
            if volumeErrors.isEmpty { names.insert(name) } else { errors += volumeErrors }
        }
        return (names, errors)
    }

    static func validateVolumeSource(_ volume: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        for key in volumeSourceOrder where volume[key].isSet {
            if count > 0 {
                errors.append(.forbidden(volume[key].path, "may not specify more than 1 volume type"))
                continue
            }
            count += 1
            let source = volume[key]
            switch key {
            case "hostPath":
                if source["path"].string.isEmpty { errors.append(.required(source["path"].path)) }
            case "secret":
                if source["secretName"].string.isEmpty { errors.append(.required(source["secretName"].path)) }
                errors += validateFileMode(source["defaultMode"])
                errors += validateKeyToPaths(source["items"])
            case "configMap":
                if source["name"].string.isEmpty { errors.append(.required(source["name"].path)) }
                errors += validateFileMode(source["defaultMode"])
                errors += validateKeyToPaths(source["items"])
            case "persistentVolumeClaim":
                if source["claimName"].string.isEmpty { errors.append(.required(source["claimName"].path)) }
            case "downwardAPI", "projected":
                errors += validateFileMode(source["defaultMode"])
            case "emptyDir":
                if source["sizeLimit"].isSet, case .failure(let e) = ResourceQuantity.parse(source["sizeLimit"].value ?? .null) {
                    errors.append(.invalid(source["sizeLimit"].path, source["sizeLimit"].value, e.message))
                }
            case "nfs":
                if source["server"].string.isEmpty { errors.append(.required(source["server"].path)) }
                if source["path"].string.isEmpty { errors.append(.required(source["path"].path)) }
            case "csi":
                if source["driver"].string.isEmpty { errors.append(.required(source["driver"].path)) }
            default:
                break
            }
        }
        if count == 0 { errors.append(.required(volume.path, "must specify a volume type")) }
        return errors
    }

    static func validateFileMode(_ mode: FieldCursor) -> [FieldError] {
        guard let m = mode.int, m < 0 || m > 0o777 else { return [] }
        return [.invalid(mode.path, .int(Int64(m)), fileModeMessage)]
    }

    static func validateKeyToPaths(_ items: FieldCursor) -> [FieldError] {
        var errors: [FieldError] = []
        for item in items.elements {
            if item["key"].string.isEmpty { errors.append(.required(item["key"].path)) }
            let path = item["path"].string
            if path.isEmpty {
                errors.append(.required(item["path"].path))
            } else {
                errors += validateLocalDescendingPath(path, item["path"].path)
            }
            errors += validateFileMode(item["mode"])
        }
        return errors
    }
}
