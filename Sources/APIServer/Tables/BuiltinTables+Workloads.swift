import Foundation
import KubeModel

extension BuiltinTables {
    static let deployment = TablePrinter(
        columns: [
            .name,
            .string("Ready", "Number of the pod with ready state"),
            .string("Up-to-date", SwaggerDocs.appsDeploymentStatusUpdatedReplicas),
            .string("Available", SwaggerDocs.appsDeploymentStatusAvailableReplicas),
            .age, .containers, .images,
            .string("Selector", SwaggerDocs.appsDeploymentSpecSelector, priority: 1),
        ],
        cells: { obj, now in
            let status = obj["status"]
            let desired = obj["spec"]?["replicas"]?.int64Value ?? 1
            let (names, images) = TableFormat.containers(obj["spec"]?["template"]?["spec"])
            return [
                .string(obj.name),
                .string("\(TableFormat.int(status?["readyReplicas"]))/\(desired)"),
                .int(TableFormat.int(status?["updatedReplicas"])),
                .int(TableFormat.int(status?["availableReplicas"])),
                TableFormat.age(obj, now: now), names, images,
                .string(TableFormat.selector(obj["spec"]?["selector"]) ?? "<invalid>"),
            ]
        }
    )

    static let replicaSet = TablePrinter(
        columns: [
            .name,
            .integer("Desired", SwaggerDocs.appsReplicaSetSpecReplicas),
            .integer("Current", SwaggerDocs.appsReplicaSetStatusReplicas),
            .integer("Ready", SwaggerDocs.appsReplicaSetStatusReadyReplicas),
            .age, .containers, .images,
            .string("Selector", SwaggerDocs.appsReplicaSetSpecSelector, priority: 1),
        ],
        cells: { obj, now in
            let status = obj["status"]
            let (names, images) = TableFormat.containers(obj["spec"]?["template"]?["spec"])
            return [
                .string(obj.name),
                .int(obj["spec"]?["replicas"]?.int64Value ?? 1),
                .int(TableFormat.int(status?["replicas"])),
                .int(TableFormat.int(status?["readyReplicas"])),
                TableFormat.age(obj, now: now), names, images,
                .string(TableFormat.formatLabelSelector(obj["spec"]?["selector"])),
            ]
        }
    )

    static let replicationController = TablePrinter(
        columns: [
            .name,
            .integer("Desired", SwaggerDocs.coreReplicationControllerSpecReplicas),
            .integer("Current", SwaggerDocs.coreReplicationControllerStatusReplicas),
            .integer("Ready", SwaggerDocs.coreReplicationControllerStatusReadyReplicas),
            .age, .containers, .images,
            .string("Selector", SwaggerDocs.coreReplicationControllerSpecSelector, priority: 1),
        ],
        cells: { obj, now in
            let status = obj["status"]
            let (names, images) = TableFormat.containers(obj["spec"]?["template"]?["spec"])
            return [
                .string(obj.name),
                .int(obj["spec"]?["replicas"]?.int64Value ?? 1),
                .int(TableFormat.int(status?["replicas"])),
                .int(TableFormat.int(status?["readyReplicas"])),
                TableFormat.age(obj, now: now), names, images,
                .string(TableFormat.labels(obj["spec"]?["selector"])),
            ]
        }
    )

    static let statefulSet = TablePrinter(
        columns: [.name, .string("Ready", "Number of the pod with ready state"), .age, .containers, .images],
        cells: { obj, now in
            let desired = obj["spec"]?["replicas"]?.int64Value ?? 1
            let (names, images) = TableFormat.containers(obj["spec"]?["template"]?["spec"])
            return [
                .string(obj.name), .string("\(TableFormat.int(obj["status"]?["readyReplicas"]))/\(desired)"),
                TableFormat.age(obj, now: now), names, images,
            ]
        }
    )

    static let daemonSet = TablePrinter(
        columns: [
            .name,
            .integer("Desired", SwaggerDocs.appsDaemonSetStatusDesiredNumberScheduled),
            .integer("Current", SwaggerDocs.appsDaemonSetStatusCurrentNumberScheduled),
            .integer("Ready", SwaggerDocs.appsDaemonSetStatusNumberReady),
            .integer("Up-to-date", SwaggerDocs.appsDaemonSetStatusUpdatedNumberScheduled),
            .integer("Available", SwaggerDocs.appsDaemonSetStatusNumberAvailable),
            .string("Node Selector", SwaggerDocs.corePodSpecNodeSelector),
            .age, .containers, .images,
            .string("Selector", SwaggerDocs.appsDaemonSetSpecSelector, priority: 1),
        ],
        cells: { obj, now in
            let status = obj["status"]
            let podSpec = obj["spec"]?["template"]?["spec"]
            let (names, images) = TableFormat.containers(podSpec)
            return [
                .string(obj.name),
                .int(TableFormat.int(status?["desiredNumberScheduled"])),
                .int(TableFormat.int(status?["currentNumberScheduled"])),
                .int(TableFormat.int(status?["numberReady"])),
                .int(TableFormat.int(status?["updatedNumberScheduled"])),
                .int(TableFormat.int(status?["numberAvailable"])),
                .string(TableFormat.labels(podSpec?["nodeSelector"])),
                TableFormat.age(obj, now: now), names, images,
                .string(TableFormat.formatLabelSelector(obj["spec"]?["selector"])),
            ]
        }
    )

    static let controllerRevision = TablePrinter(
        columns: [
            .name,
            .string("Controller", "Controller of the object"),
            .string("Revision", SwaggerDocs.appsControllerRevisionRevision),
            .age,
        ],
        cells: { obj, now in
            var controller = "<none>"
            if let ref = obj.controllerReference {
                let group = GroupVersion(apiVersion: ref.apiVersion)?.group ?? ""
                controller = ref.kind.isEmpty
                    ? ref.name
                    : (group.isEmpty ? ref.kind : "\(ref.kind).\(group)").lowercased() + "/" + ref.name
            }
            return [.string(obj.name), .string(controller), .int(TableFormat.int(obj["revision"])), TableFormat.age(obj, now: now)]
        }
    )

    static let job = TablePrinter(
        columns: [
            .name,
            .string("Status", "Status of the job."),
            .string("Completions", SwaggerDocs.batchJobStatusSucceeded),
            .string("Duration", "Time required to complete the job."),
            .age, .containers, .images,
            .string("Selector", SwaggerDocs.batchJobSpecSelector, priority: 1),
        ],
        cells: jobCells
    )

    /// `printJob`: STATUS from the conditions (Complete, Failed, Terminating, Suspended, FailureTarget,
    /// else Running), COMPLETIONS `succeeded/completions` (`0/1 of 3` for parallel jobs without a
    /// completion count), DURATION from start to completion (or to now while running).
    @Sendable static func jobCells(_ obj: JSON, now: Date) -> [JSON] {
        let spec = obj["spec"]
        let status = obj["status"]
        let succeeded = TableFormat.int(status?["succeeded"])
        let completions: String
        if let total = spec?["completions"]?.int64Value {
            completions = "\(succeeded)/\(total)"
        } else {
            let parallelism = TableFormat.int(spec?["parallelism"])
            completions = parallelism > 1 ? "\(succeeded)/1 of \(parallelism)" : "\(succeeded)/1"
        }

        var duration = ""
        if let start = TableFormat.date(status?["startTime"]) {
            let end = TableFormat.date(status?["completionTime"]) ?? now
            duration = HumanDuration.format(end.timeIntervalSince(start))
        }

        let conditions = status?["conditions"]?.arrayValue ?? []
        func has(_ type: String) -> Bool {
            conditions.first { $0["type"]?.stringValue == type }?["status"]?.stringValue == "True"
        }
        let state: String
        if has("Complete") {
            state = "Complete"
        } else if has("Failed") {
            state = "Failed"
        } else if obj.deletionTimestamp != nil {
            state = "Terminating"
        } else if has("Suspended") {
            state = "Suspended"
        } else if has("FailureTarget") {
            state = "FailureTarget"
        } else {
            state = "Running"
        }

        let (names, images) = TableFormat.containers(spec?["template"]?["spec"])
        return [
            .string(obj.name), .string(state), .string(completions), .string(duration), TableFormat.age(obj, now: now),
            names, images, .string(TableFormat.formatLabelSelector(spec?["selector"])),
        ]
    }

    static let cronJob = TablePrinter(
        columns: [
            .name,
            .string("Schedule", SwaggerDocs.batchCronJobSpecSchedule),
            .string("Timezone", SwaggerDocs.batchCronJobSpecTimeZone),
            .boolean("Suspend", SwaggerDocs.batchCronJobSpecSuspend),
            .integer("Active", SwaggerDocs.batchCronJobStatusActive),
            .string("Last Schedule", SwaggerDocs.batchCronJobStatusLastScheduleTime),
            .age, .containers, .images,
            .string("Selector", SwaggerDocs.batchJobSpecSelector, priority: 1),
        ],
        cells: { obj, now in
            let spec = obj["spec"]
            let status = obj["status"]
            var lastSchedule = "<none>"
            if let last = status?["lastScheduleTime"]?.stringValue { lastSchedule = TableFormat.since(last, now: now) }
            let jobSpec = spec?["jobTemplate"]?["spec"]
            let (names, images) = TableFormat.containers(jobSpec?["template"]?["spec"])
            return [
                .string(obj.name),
                .string(TableFormat.string(spec?["schedule"])),
                .string(spec?["timeZone"]?.stringValue ?? "<none>"),
                .string(TableFormat.boolPointer(spec?["suspend"])),
                .int(TableFormat.count(status?["active"])),
                .string(lastSchedule),
                TableFormat.age(obj, now: now), names, images,
                .string(TableFormat.formatLabelSelector(jobSpec?["selector"])),
            ]
        }
    )
}
