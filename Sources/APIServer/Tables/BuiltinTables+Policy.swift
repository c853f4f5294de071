import Foundation
import KubeModel

extension BuiltinTables {
    static let podDisruptionBudget = TablePrinter(
        columns: [
            .name,
            .string("Min Available", "The minimum number of pods that must be available."),
            .string("Max Unavailable", "The maximum number of pods that may be unavailable."),
            .integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
            .age,
        ],
        cells: { obj, now in
            let spec = obj["spec"]
            return [
                .string(obj.name),
                .string(spec?["minAvailable"].map(TableFormat.intOrString) ?? "N/A"),
                .string(spec?["maxUnavailable"].map(TableFormat.intOrString) ?? "N/A"),
                .int(TableFormat.int(obj["status"]?["disruptionsAllowed"])),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    static let priorityClass = TablePrinter(
        columns: [
            .name,
            .integer("Value", SwaggerDocs.schedulingPriorityClassValue),
            .boolean("Global-Default", SwaggerDocs.schedulingPriorityClassGlobalDefault),
            .age,
            .string("PreemptionPolicy", SwaggerDocs.schedulingPriorityClassPreemptionPolicy),
        ],
        cells: { obj, now in
            [
                .string(obj.name), .int(TableFormat.int(obj["value"])), .bool(obj["globalDefault"]?.boolValue ?? false),
                TableFormat.age(obj, now: now), .string(TableFormat.string(obj["preemptionPolicy"])),
            ]
        }
    )

    static let roleBinding = TablePrinter(
        columns: [
            .name,
            .string("Role", SwaggerDocs.rbacRoleBindingRoleRef),
            .age,
            .string("Users", "Users in the roleBinding", priority: 1),
            .string("Groups", "Groups in the roleBinding", priority: 1),
            .string("ServiceAccounts", "ServiceAccounts in the roleBinding", priority: 1),
        ],
        cells: bindingCells
    )

    static let clusterRoleBinding = TablePrinter(
        columns: [
            .name,
            .string("Role", SwaggerDocs.rbacClusterRoleBindingRoleRef),
            .age,
            .string("Users", "Users in the clusterRoleBinding", priority: 1),
            .string("Groups", "Groups in the clusterRoleBinding", priority: 1),
            .string("ServiceAccounts", "ServiceAccounts in the clusterRoleBinding", priority: 1),
        ],
        cells: bindingCells
    )

    /// ROLE as `Kind/name`; subjects split into users, groups and `namespace/name` service accounts.
    @Sendable static func bindingCells(_ obj: JSON, now: Date) -> [JSON] {
        let ref = obj["roleRef"]
        var users: [String] = []
        var groups: [String] = []
        var serviceAccounts: [String] = []
        for subject in obj["subjects"]?.arrayValue ?? [] {
            let name = TableFormat.string(subject["name"])
            switch TableFormat.string(subject["kind"]) {
            case "ServiceAccount": serviceAccounts.append(TableFormat.string(subject["namespace"]) + "/" + name)
            case "User": users.append(name)
            case "Group": groups.append(name)
            default: break
            }
        }
        return [
            .string(obj.name), .string(TableFormat.string(ref?["kind"]) + "/" + TableFormat.string(ref?["name"])),
            TableFormat.age(obj, now: now), .string(users.joined(separator: ", ")), .string(groups.joined(separator: ", ")),
            .string(serviceAccounts.joined(separator: ", ")),
        ]
    }

    static let horizontalPodAutoscaler = TablePrinter(
        columns: [
            .name,
            .string("Reference", SwaggerDocs.autoscalingHorizontalPodAutoscalerSpecScaleTargetRef),
            .string("Targets", SwaggerDocs.autoscalingHorizontalPodAutoscalerSpecMetrics),
            .string("MinPods", SwaggerDocs.autoscalingHorizontalPodAutoscalerSpecMinReplicas),
            .string("MaxPods", SwaggerDocs.autoscalingHorizontalPodAutoscalerSpecMaxReplicas),
            .string("Replicas", SwaggerDocs.autoscalingHorizontalPodAutoscalerStatusCurrentReplicas),
            .age,
        ],
        cells: { obj, now in
            let spec = obj["spec"]
            let target = spec?["scaleTargetRef"]
            return [
                .string(obj.name),
                .string(TableFormat.string(target?["kind"]) + "/" + TableFormat.string(target?["name"])),
                .string(hpaTargets(obj)),
                .string(spec?["minReplicas"]?.int64Value.map { String($0) } ?? "<unset>"),
                .int(TableFormat.int(spec?["maxReplicas"])),
                .int(TableFormat.int(obj["status"]?["currentReplicas"])),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    /// `formatHPAMetrics` over `autoscaling/v2` (an `autoscaling/v1` CPU target is read as the
    /// equivalent resource metric): `cpu: 40%/80%`, `<unknown>` before the first measurement, at most
    /// two entries then `+ N more...`.
    static func hpaTargets(_ obj: JSON) -> String {
        var specs = obj["spec"]?["metrics"]?.arrayValue ?? []
        var statuses = obj["status"]?["currentMetrics"]?.arrayValue ?? []
        if specs.isEmpty, let cpu = obj["spec"]?["targetCPUUtilizationPercentage"] {
            specs = [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": cpu]]]]
            if let current = obj["status"]?["currentCPUUtilizationPercentage"] {
                statuses = [["type": "Resource", "resource": ["name": "cpu", "current": ["averageUtilization": current]]]]
            }
        }
        if specs.isEmpty { return "<none>" }

        func quantity(_ value: JSON?) -> String {
            TableFormat.quantity(value, or: "<nil>")
        }
        var list: [String] = []
        for (i, spec) in specs.enumerated() {
            let status: JSON? = i < statuses.count ? statuses[i] : nil
            func sourced(_ key: String) -> String {
                let target = spec[key]?["target"]
                let current = status?[key].flatMap { $0.isNull ? nil : $0 }
                if let average = target?["averageValue"], !average.isNull {
                    let now = current?["current"]?["averageValue"].map { quantity($0) } ?? "<unknown>"
                    return "\(now)/\(quantity(average)) (avg)"
                }
                let now = current.map { quantity($0["current"]?["value"]) } ?? "<unknown>"
                return "\(now)/\(quantity(target?["value"]))"
            }
            func resource(_ key: String) -> String {
                let source = spec[key]
                let name = TableFormat.string(source?["name"])
                let target = source?["target"]
                let current = status?[key].flatMap { $0.isNull ? nil : $0 }
                if let average = target?["averageValue"], !average.isNull {
                    let now = current.map { quantity($0["current"]?["averageValue"]) } ?? "<unknown>"
                    return "\(name): \(now)/\(quantity(average))"
                }
                let now = current?["current"]?["averageUtilization"]?.int64Value.map { "\($0)%" } ?? "<unknown>"
                let goal = target?["averageUtilization"]?.int64Value.map { "\($0)%" } ?? "<auto>"
                return "\(name): \(now)/\(goal)"
            }
            switch TableFormat.string(spec["type"]) {
            case "External": list.append(sourced("external"))
            case "Object": list.append(sourced("object"))
            case "Pods":
                let now = status?["pods"].flatMap { $0.isNull ? nil : quantity($0["current"]?["averageValue"]) } ?? "<unknown>"
                list.append("\(now)/\(quantity(spec["pods"]?["target"]?["averageValue"]))")
            case "Resource": list.append(resource("resource"))
            case "ContainerResource": list.append(resource("containerResource"))
            default: list.append("<unknown type>")
            }
        }
        if list.count > 2 {
            return list.prefix(2).joined(separator: ", ") + " + \(list.count - 2) more..."
        }
        return list.joined(separator: ", ")
    }
}
