import KubeModel

/// Pods, pod templates and everything nested in a pod spec (`pkg/apis/core/v1/defaults.go` and the generated
/// `SetObjectDefaults_Pod`/`SetObjectDefaults_PodTemplate`).
extension BuiltinDefaults {
    /// Priorities of the two built-in PriorityClasses; other class names are resolved by no one here.
    static let builtinPriorities: [String: Int64] = ["system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000]

    static func defaultPod(_ pod: inout JSON) {
        pod.mutate("spec", create: true) { spec in
            defaultPodSpec(&spec, isPod: true)
            // SetDefaults_Pod: requests default to limits, for pods only (not templates).
            for list in ["containers", "initContainers"] {
                spec.mutateEach(list) { container in
                    container.mutate("resources", create: true) { resources in
                        guard case .object(let limits)? = resources["limits"], !limits.isEmpty else { return }
                        var requests = resources["requests"]?.objectValue ?? [:]
                        for (name, value) in limits where requests[name] == nil { requests[name] = value }
                        resources["requests"] = .object(requests)
                    }
                }
            }
            spec.setIfUnset("enableServiceLinks", true)
            if spec["hostNetwork"]?.boolValue == true {
                for list in ["containers", "initContainers"] {
                    spec.mutateEach(list) { container in
                        container.mutateEach("ports") { port in
                            if port.isUnset("hostPort") || port["hostPort"]?.intValue == 0 { port["hostPort"] = port["containerPort"] }
                        }
                    }
                }
            }
            // Priority admission: resolve the class name to a priority and preemption policy.
            let className = spec["priorityClassName"]?.stringValue ?? ""
            if spec.isUnset("priority") {
                if className.isEmpty {
                    spec["priority"] = 0
                } else if let value = builtinPriorities[className] {
                    spec["priority"] = .int(value)
                }
            }
            if spec.isUnset("preemptionPolicy"), className.isEmpty || builtinPriorities[className] != nil {
                spec["preemptionPolicy"] = "PreemptLowerPriority"
            }
        }
    }

    /// A `PodTemplateSpec`: template metadata as Go prints it (`creationTimestamp: null`) and the pod spec.
    /// Job templates keep `restartPolicy` as given (`defaultRestartPolicy: false`) so that a missing one is
    /// reported by validation rather than defaulted to `Always` and then rejected.
    static func defaultPodTemplateSpec(_ template: inout JSON, defaultRestartPolicy: Bool = true) {
        defaultEmbeddedMetadata(&template)
        template.mutate("spec", create: true) { defaultPodSpec(&$0, isPod: false, defaultRestartPolicy: defaultRestartPolicy) }
    }

    /// The `metadata` of an embedded object (templates): Go's zero `metav1.Time` prints as
    /// `creationTimestamp: null`.
    static func defaultEmbeddedMetadata(_ object: inout JSON) {
        object.mutate("metadata", create: true) { meta in
            if meta["creationTimestamp"] == nil { meta["creationTimestamp"] = .null }
        }
    }

    /// SetDefaults_PodSpec and the defaults of its nested types.
    static func defaultPodSpec(_ spec: inout JSON, isPod: Bool, defaultRestartPolicy: Bool = true) {
        spec.setIfEmptyString("dnsPolicy", "ClusterFirst")
        if defaultRestartPolicy { spec.setIfEmptyString("restartPolicy", "Always") }
        spec.setIfUnset("securityContext", .emptyObject)
        spec.setIfUnset("terminationGracePeriodSeconds", 30)
        spec.setIfEmptyString("schedulerName", "default-scheduler")
        // v1 conversion keeps the deprecated `serviceAccount` alias equal to `serviceAccountName`.
        let account = (spec["serviceAccountName"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 }
            ?? (spec["serviceAccount"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 }
        if let account {
            spec["serviceAccountName"] = .string(account)
            spec["serviceAccount"] = .string(account)
        }
        spec.mutateEach("volumes") { defaultVolume(&$0) }
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            spec.mutateEach(list) { defaultContainer(&$0) }
        }
        if spec["overhead"] != nil { spec.mutateValues("overhead") { canonicalQuantity(&$0, roundToMilli: true) } }
        spec.mutate("resources") { defaultResourceRequirements(&$0) }
    }

    /// SetDefaults_Container plus the generated defaults of ports, env, resources, probes and lifecycle hooks.
    static func defaultContainer(_ container: inout JSON) {
        if container.isUnset("imagePullPolicy") || container["imagePullPolicy"]?.stringValue == "" {
            let image = container["image"]?.stringValue ?? ""
            container["imagePullPolicy"] = imageTag(image) == "latest" ? "Always" : "IfNotPresent"
        }
        container.setIfEmptyString("terminationMessagePath", "/dev/termination-log")
        container.setIfEmptyString("terminationMessagePolicy", "File")
        container.mutateEach("ports") { $0.setIfEmptyString("protocol", "TCP") }
        container.mutateEach("env") { env in
            env.mutate("valueFrom") { from in
                from.mutate("fieldRef") { $0.setIfEmptyString("apiVersion", "v1") }
                from.mutate("resourceFieldRef") { ref in
                    if ref.isUnset("divisor") { ref["divisor"] = "0" } else { ref.mutateValue("divisor") { canonicalQuantity(&$0, roundToMilli: false) } }
                }
            }
        }
        container.mutate("resources", create: true) { defaultResourceRequirements(&$0) }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            container.mutate(probe) { p in
                p.setIfZero("timeoutSeconds", 1)
                p.setIfZero("periodSeconds", 10)
                p.setIfZero("successThreshold", 1)
                p.setIfZero("failureThreshold", 3)
                p.mutate("httpGet") { defaultHTTPGet(&$0) }
            }
        }
        container.mutate("lifecycle") { lifecycle in
            for hook in ["postStart", "preStop"] {
                lifecycle.mutate(hook) { $0.mutate("httpGet") { defaultHTTPGet(&$0) } }
            }
        }
    }

    static func defaultHTTPGet(_ action: inout JSON) {
        action.setIfEmptyString("path", "/")
        action.setIfEmptyString("scheme", "HTTP")
    }

    static func defaultResourceRequirements(_ resources: inout JSON) {
        resources.mutateValues("limits") { canonicalQuantity(&$0, roundToMilli: true) }
        resources.mutateValues("requests") { canonicalQuantity(&$0, roundToMilli: true) }
    }

    /// The volume sources every volume may carry; a volume with none becomes an `emptyDir`.
    static let volumeSourceKeys: [String] = [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
        "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
        "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    ]

    static func defaultVolume(_ volume: inout JSON) {
        if !volumeSourceKeys.contains(where: { !volume.isUnset($0) }) { volume["emptyDir"] = .emptyObject }
        volume.mutate("hostPath") { if $0["type"] == nil || $0["type"]?.isNull == true { $0["type"] = "" } }
        volume.mutate("secret") { $0.setIfUnset("defaultMode", 420) }
        volume.mutate("configMap") { $0.setIfUnset("defaultMode", 420) }
        volume.mutate("downwardAPI") { d in
            d.setIfUnset("defaultMode", 420)
            d.mutateEach("items") { $0.mutate("fieldRef") { $0.setIfEmptyString("apiVersion", "v1") } }
        }
        volume.mutate("projected") { p in
            p.setIfUnset("defaultMode", 420)
            p.mutateEach("sources") { source in
                source.mutate("downwardAPI") { $0.mutateEach("items") { $0.mutate("fieldRef") { $0.setIfEmptyString("apiVersion", "v1") } } }
                source.mutate("serviceAccountToken") { $0.setIfUnset("expirationSeconds", 3600) }
            }
        }
        volume.mutate("emptyDir") { e in e.mutateValue("sizeLimit") { canonicalQuantity(&$0, roundToMilli: false) } }
        volume.mutate("iscsi") { $0.setIfEmptyString("iscsiInterface", "default") }
        volume.mutate("rbd") { r in
            r.setIfEmptyString("pool", "rbd")
            r.setIfEmptyString("user", "admin")
            r.setIfEmptyString("keyring", "/etc/ceph/keyring")
        }
        volume.mutate("azureDisk") { a in
            a.setIfUnset("cachingMode", "ReadWrite")
            a.setIfUnset("kind", "Shared")
            a.setIfUnset("fsType", "ext4")
            a.setIfUnset("readOnly", false)
        }
        volume.mutate("scaleIO") { s in
            s.setIfEmptyString("storageMode", "ThinProvisioned")
            s.setIfEmptyString("fsType", "xfs")
        }
        volume.mutate("ephemeral") { e in
            e.mutate("volumeClaimTemplate") { t in
                defaultEmbeddedMetadata(&t)
                t.mutate("spec", create: true) { defaultPersistentVolumeClaimSpec(&$0) }
            }
        }
    }

    /// SetDefaults_PersistentVolumeClaimSpec and its resource lists.
    static func defaultPersistentVolumeClaimSpec(_ spec: inout JSON) {
        spec.setIfUnset("volumeMode", "Filesystem")
        spec.mutate("resources") { defaultResourceRequirements(&$0) }
    }

    /// Rewrites a quantity in canonical form, rounded up to milli precision inside resource lists
    /// (SetDefaults_ResourceList). Unparseable values are left for validation to report.
    static func canonicalQuantity(_ value: inout JSON, roundToMilli: Bool) {
        guard case .success(var q) = ResourceQuantity.parse(value) else { return }
        if roundToMilli { q = q.roundedUp(toExponent: -3) }
        value = .string(q.description)
    }

    /// The tag `parsers.ParseImageName` finds: `latest` when the reference names neither a tag nor a digest,
    /// `""` when it has only a digest or does not parse.
    static func imageTag(_ image: String) -> String {
        guard !image.isEmpty else { return "" }
        var name = Substring(image)
        var hasDigest = false
        if let at = name.firstIndex(of: "@") {
            hasDigest = true
            name = name[..<at]
        }
        var tag = ""
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tag = String(name[name.index(after: colon)...])
            name = name[..<colon]
        }
        // Repository paths are lower case; a reference that does not parse yields no tag.
        let path = name.split(separator: "/", omittingEmptySubsequences: false)
        let repository = path.count > 1 && (path[0].contains(".") || path[0].contains(":") || path[0] == "localhost") ? path.dropFirst() : path[...]
        if name.isEmpty || repository.contains(where: { $0.isEmpty || $0.contains(where: { $0.isUppercase }) }) { return "" }
        if tag.isEmpty && !hasDigest { return "latest" }
        return tag
    }
}
