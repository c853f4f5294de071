import KubeModel

/// Workload controllers: `pkg/apis/apps/v1/defaults.go`, `pkg/apis/batch/v1/defaults.go` and the
/// ReplicationController and PodTemplate parts of core.
extension BuiltinDefaults {
    /// Status fields Go always prints (non-`omitempty` integers), added as 0 when missing.
    static func ensureStatus(_ object: inout JSON, zeros: [String] = []) {
        object.mutate("status", create: true) { status in
            for key in zeros where status[key] == nil { status[key] = 0 }
        }
    }

    static func defaultDeployment(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfUnset("replicas", 1)
            spec.mutate("strategy", create: true) { strategy in
                strategy.setIfEmptyString("type", "RollingUpdate")
                if strategy["type"]?.stringValue == "RollingUpdate" {
                    strategy.mutate("rollingUpdate", create: true) { rolling in
                        rolling.setIfUnset("maxUnavailable", "25%")
                        rolling.setIfUnset("maxSurge", "25%")
                    }
                }
            }
            spec.setIfUnset("revisionHistoryLimit", 10)
            spec.setIfUnset("progressDeadlineSeconds", 600)
            spec.mutate("template", create: true) { defaultPodTemplateSpec(&$0) }
        }
        ensureStatus(&object)
    }

    static func defaultReplicaSet(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfUnset("replicas", 1)
            spec.mutate("template", create: true) { defaultPodTemplateSpec(&$0) }
        }
        ensureStatus(&object, zeros: ["replicas"])
    }

    static func defaultStatefulSet(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfEmptyString("podManagementPolicy", "OrderedReady")
            spec.mutate("updateStrategy", create: true) { strategy in
                if strategy.isUnset("type") || strategy["type"]?.stringValue == "" {
                    strategy["type"] = "RollingUpdate"
                    strategy.setIfUnset("rollingUpdate", .emptyObject)
                }
                if strategy["type"]?.stringValue == "RollingUpdate" {
                    strategy.mutate("rollingUpdate") { $0.setIfUnset("partition", 0) }
                }
            }
            spec.mutate("persistentVolumeClaimRetentionPolicy", create: true) { policy in
                policy.setIfEmptyString("whenDeleted", "Retain")
                policy.setIfEmptyString("whenScaled", "Retain")
            }
            spec.setIfUnset("replicas", 1)
            spec.setIfUnset("revisionHistoryLimit", 10)
            spec.mutate("template", create: true) { defaultPodTemplateSpec(&$0) }
            // v1 conversion stamps the claim templates' type; each is defaulted as a PersistentVolumeClaim.
            spec.mutateEach("volumeClaimTemplates") { claim in
                claim["apiVersion"] = "v1"
                claim["kind"] = "PersistentVolumeClaim"
                defaultEmbeddedMetadata(&claim)
                claim.mutate("spec", create: true) { defaultPersistentVolumeClaimSpec(&$0) }
                claim.mutate("status", create: true) { $0.setIfEmptyString("phase", "Pending") }
            }
        }
        ensureStatus(&object, zeros: ["availableReplicas", "replicas"])
    }

    static func defaultDaemonSet(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.mutate("updateStrategy", create: true) { strategy in
                strategy.setIfEmptyString("type", "RollingUpdate")
                if strategy["type"]?.stringValue == "RollingUpdate" {
                    strategy.mutate("rollingUpdate", create: true) { rolling in
                        rolling.setIfUnset("maxUnavailable", 1)
                        rolling.setIfUnset("maxSurge", 0)
                    }
                }
            }
            spec.setIfUnset("revisionHistoryLimit", 10)
            spec.mutate("template", create: true) { defaultPodTemplateSpec(&$0) }
        }
        ensureStatus(&object, zeros: ["currentNumberScheduled", "desiredNumberScheduled", "numberMisscheduled", "numberReady"])
    }

    static func defaultReplicationController(_ object: inout JSON) {
        // SetDefaults_ReplicationController: selector and labels come from the template's labels.
        let templateLabels = object["spec"]?["template"]?["metadata"]?["labels"]
        if case .object(let labels)? = templateLabels, !labels.isEmpty {
            object.mutate("spec", create: true) { spec in
                if spec["selector"]?.objectValue?.isEmpty ?? true { spec["selector"] = templateLabels }
            }
            if object.labels.isEmpty { object[path: ["metadata", "labels"]] = templateLabels }
        }
        object.mutate("spec", create: true) { spec in
            spec.setIfUnset("replicas", 1)
            spec.mutate("template") { defaultPodTemplateSpec(&$0) }
        }
        ensureStatus(&object, zeros: ["replicas"])
    }

    static func defaultJob(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            defaultJobSpec(&spec)
        }
        copyTemplateLabelsToJob(&object)
        ensureStatus(&object)
    }

    /// SetDefaults_Job's spec part. A CronJob's `jobTemplate.spec` does not get these (upstream defaults the
    /// Job type, not JobSpec), only its pod template.
    static func defaultJobSpec(_ spec: inout JSON) {
        if spec.isUnset("completions") && spec.isUnset("parallelism") {
            spec["completions"] = 1
            spec["parallelism"] = 1
        }
        spec.setIfUnset("parallelism", 1)
        spec.setIfUnset("backoffLimit", spec.isUnset("backoffLimitPerIndex") ? 6 : .int(Int64(Int32.max)))
        spec.setIfUnset("completionMode", "NonIndexed")
        spec.setIfUnset("suspend", false)
        spec.mutate("podFailurePolicy") { policy in
            policy.mutateEach("rules") { rule in
                rule.mutateEach("onPodConditions") { $0.setIfEmptyString("status", "True") }
            }
        }
        spec.setIfUnset("podReplacementPolicy", spec.isUnset("podFailurePolicy") ? "TerminatingOrFailed" : "Failed")
        spec.mutate("template", create: true) { defaultPodTemplateSpec(&$0, defaultRestartPolicy: false) }
    }

    /// A Job with no labels of its own takes its template's.
    static func copyTemplateLabelsToJob(_ object: inout JSON) {
        if case .object(let labels)? = object["spec"]?["template"]?["metadata"]?["labels"], !labels.isEmpty, object.labels.isEmpty {
            object[path: ["metadata", "labels"]] = .object(labels)
        }
    }

    static func defaultCronJob(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfEmptyString("concurrencyPolicy", "Allow")
            spec.setIfUnset("suspend", false)
            spec.setIfUnset("successfulJobsHistoryLimit", 3)
            spec.setIfUnset("failedJobsHistoryLimit", 1)
            spec.mutate("jobTemplate", create: true) { jobTemplate in
                defaultEmbeddedMetadata(&jobTemplate)
                jobTemplate.mutate("spec", create: true) { jobSpec in
                    jobSpec.mutate("template", create: true) { defaultPodTemplateSpec(&$0, defaultRestartPolicy: false) }
                }
            }
        }
        ensureStatus(&object)
    }
}
