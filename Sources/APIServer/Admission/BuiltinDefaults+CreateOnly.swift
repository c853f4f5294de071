import KubeModel

/// Create-time steps of registry strategies and admission plugins; see `BuiltinDefaults.applyCreateOnly`.
extension BuiltinDefaults {
    static let legacyJobNameLabel = "job-name"
    static let jobNameLabel = "batch.kubernetes.io/job-name"
    static let legacyControllerUIDLabel = "controller-uid"
    static let controllerUIDLabel = "batch.kubernetes.io/controller-uid"

    /// The Job strategy's `generateSelector`.
    static func generateJobSelector(_ object: inout JSON) {
        guard object["spec"]?["manualSelector"]?.boolValue != true else { return }
        let name = object.name
        let uid = object.uid
        object.mutate("spec", create: true) { spec in
            spec.mutate("template", create: true) { template in
                template.mutate("metadata", create: true) { meta in
                    var labels = meta["labels"]?.objectValue ?? [:]
                    for key in [legacyJobNameLabel, jobNameLabel] where labels[key] == nil { labels[key] = .string(name) }
                    for key in [legacyControllerUIDLabel, controllerUIDLabel] where labels[key] == nil { labels[key] = .string(uid) }
                    meta["labels"] = .object(labels)
                }
            }
            spec.mutate("selector", create: true) { selector in
                var matchLabels = selector["matchLabels"]?.objectValue ?? [:]
                if matchLabels[controllerUIDLabel] == nil { matchLabels[controllerUIDLabel] = .string(uid) }
                selector["matchLabels"] = .object(matchLabels)
            }
        }
        copyTemplateLabelsToJob(&object)
    }

    static let defaultTolerations: [JSON] = [
        ["effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300],
        ["effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300],
    ]

    /// ServiceAccount and DefaultTolerationSeconds admission, and the pod strategy's initial status.
    static func admitNewPod(_ pod: inout JSON) {
        pod.mutate("spec", create: true) { spec in
            if (spec["serviceAccountName"]?.stringValue ?? "").isEmpty {
                spec["serviceAccountName"] = "default"
                spec["serviceAccount"] = "default"
            }
            var tolerations = spec["tolerations"]?.arrayValue ?? []
            for toleration in defaultTolerations {
                let key = toleration["key"]?.stringValue ?? ""
                let tolerated = tolerations.contains { t in
                    let k = t["key"]?.stringValue ?? ""
                    let effect = t["effect"]?.stringValue ?? ""
                    return (k == key || k.isEmpty) && (effect == "NoExecute" || effect.isEmpty)
                }
                if !tolerated { tolerations.append(toleration) }
            }
            spec["tolerations"] = .array(tolerations)
        }
        let qos = qosClass(of: pod)
        pod.mutate("status", create: true) { status in
            status.setIfEmptyString("phase", "Pending")
            status.setIfEmptyString("qosClass", qos)
        }
    }

    /// `qos.GetPodQOS` over cpu and memory of init and regular containers (after requests default to limits).
    static func qosClass(of pod: JSON) -> String {
        let containers = (pod["spec"]?["initContainers"]?.arrayValue ?? []) + (pod["spec"]?["containers"]?.arrayValue ?? [])
        var requests: [String: ResourceQuantity] = [:]
        var limits: [String: ResourceQuantity] = [:]
        var guaranteed = true
        func add(_ list: JSON?, into totals: inout [String: ResourceQuantity]) -> Set<String> {
            var found = Set<String>()
            for (name, value) in list?.objectValue ?? [:] where name == "cpu" || name == "memory" {
                guard case .success(let q) = ResourceQuantity.parse(value), q.sign != 0 else { continue }
                found.insert(name)
                totals[name] = totals[name].map { ResourceQuantity.sum($0, q) } ?? q
            }
            return found
        }
        for c in containers {
            _ = add(c["resources"]?["requests"], into: &requests)
            let limited = add(c["resources"]?["limits"], into: &limits)
            if !limited.isSuperset(of: ["cpu", "memory"]) { guaranteed = false }
        }
        if requests.isEmpty && limits.isEmpty { return "BestEffort" }
        if guaranteed {
            for (name, request) in requests where limits[name] != request { guaranteed = false }
        }
        return guaranteed && requests.count == limits.count ? "Guaranteed" : "Burstable"
    }

    /// The namespace strategy's create-time `kubernetes` finalizer.
    static func addNamespaceFinalizer(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            var finalizers = spec["finalizers"]?.arrayValue ?? []
            if !finalizers.contains("kubernetes") { finalizers.append("kubernetes") }
            spec["finalizers"] = .array(finalizers)
        }
    }
}
