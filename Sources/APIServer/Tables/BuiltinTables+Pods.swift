import Foundation
import KubeModel

extension BuiltinTables {
    static let pod = TablePrinter(
        columns: [
            .name,
            .string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            .string("Status", "The aggregate status of the containers in this pod."),
            .string("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            .age,
            .string("IP", SwaggerDocs.corePodStatusPodIP, priority: 1),
            .string("Node", SwaggerDocs.corePodSpecNodeName, priority: 1),
            .string("Nominated Node", SwaggerDocs.corePodStatusNominatedNodeName, priority: 1),
            .string("Readiness Gates", SwaggerDocs.corePodSpecReadinessGates, priority: 1),
        ],
        cells: podCells
    )

    static let podTemplate = TablePrinter(
        columns: [
            .name,
            .string("Containers", "Names of each container in the template."),
            .string("Images", "Images referenced by each container in the template."),
            .string("Pod Labels", "The labels for the pod template."),
        ],
        cells: { obj, _ in
            let template = obj["template"]
            let (names, images) = TableFormat.containers(template?["spec"])
            return [.string(obj.name), names, images, .string(TableFormat.labels(template?["metadata"]?["labels"]))]
        }
    )

    /// `printPod`: READY counts ready containers (and started restartable init containers, i.e. sidecars);
    /// STATUS is the phase or reason, overridden by init container progress (`Init:0/1`,
    /// `Init:CrashLoopBackOff`), container waiting or terminated reasons (`ContainerCreating`,
    /// `CrashLoopBackOff`, `Completed`, `ExitCode:1`), `Terminating` and `Unknown` (NodeLost);
    /// RESTARTS adds the age of the last restart (`3 (5m ago)`).
    @Sendable static func podCells(_ pod: JSON, now: Date) -> [JSON] {
        let spec = pod["spec"]
        let status = pod["status"]
        var restarts: Int64 = 0
        var restartableInitRestarts: Int64 = 0
        var totalContainers = spec?["containers"]?.arrayValue?.count ?? 0
        var readyContainers = 0
        var lastRestart: Date?
        var lastRestartableInitRestart: Date?

        let phase = TableFormat.string(status?["phase"])
        var reason = phase
        if let r = status?["reason"]?.stringValue, !r.isEmpty { reason = r }
        let conditions = status?["conditions"]?.arrayValue ?? []
        for condition in conditions
        where condition["type"]?.stringValue == "PodScheduled" && condition["reason"]?.stringValue == "SchedulingGated" {
            reason = "SchedulingGated"
        }

        let initContainers = spec?["initContainers"]?.arrayValue ?? []
        var restartable: Set<String> = []
        for container in initContainers where container["restartPolicy"]?.stringValue == "Always" {
            restartable.insert(TableFormat.string(container["name"]))
            totalContainers += 1
        }

        func later(_ candidate: Date?, than current: Date?) -> Date? {
            guard let candidate else { return current }
            guard let current else { return candidate }
            return current < candidate ? candidate : current
        }

        var initializing = false
        for (i, container) in (status?["initContainerStatuses"]?.arrayValue ?? []).enumerated() {
            let count = TableFormat.int(container["restartCount"])
            let finished = TableFormat.date(container["lastState"]?["terminated"]?["finishedAt"])
            restarts += count
            lastRestart = later(finished, than: lastRestart)
            let isRestartable = restartable.contains(TableFormat.string(container["name"]))
            if isRestartable {
                restartableInitRestarts += count
                lastRestartableInitRestart = later(finished, than: lastRestartableInitRestart)
            }
            let state = container["state"]
            let terminated = state?["terminated"].flatMap { $0.isObject ? $0 : nil }
            let waiting = state?["waiting"].flatMap { $0.isObject ? $0 : nil }
            if let terminated, TableFormat.int(terminated["exitCode"]) == 0 { continue }
            if isRestartable, container["started"]?.boolValue == true {
                if container["ready"]?.boolValue == true { readyContainers += 1 }
                continue
            }
            if let terminated {
                let r = TableFormat.string(terminated["reason"])
                if r.isEmpty {
                    let signal = TableFormat.int(terminated["signal"])
                    reason = signal != 0 ? "Init:Signal:\(signal)" : "Init:ExitCode:\(TableFormat.int(terminated["exitCode"]))"
                } else {
                    reason = "Init:" + r
                }
            } else if let waiting, let r = waiting["reason"]?.stringValue, !r.isEmpty, r != "PodInitializing" {
                reason = "Init:" + r
            } else {
                reason = "Init:\(i)/\(initContainers.count)"
            }
            initializing = true
            break
        }

        let initialized = conditions.contains {
            $0["type"]?.stringValue == "Initialized" && $0["status"]?.stringValue == "True"
        }
        if !initializing || initialized {
            restarts = restartableInitRestarts
            lastRestart = lastRestartableInitRestart
            var hasRunning = false
            for container in (status?["containerStatuses"]?.arrayValue ?? []).reversed() {
                restarts += TableFormat.int(container["restartCount"])
                lastRestart = later(TableFormat.date(container["lastState"]?["terminated"]?["finishedAt"]), than: lastRestart)
                let state = container["state"]
                let terminated = state?["terminated"].flatMap { $0.isObject ? $0 : nil }
                let waiting = state?["waiting"].flatMap { $0.isObject ? $0 : nil }
                if let waiting, let r = waiting["reason"]?.stringValue, !r.isEmpty {
                    reason = r
                } else if let terminated, let r = terminated["reason"]?.stringValue, !r.isEmpty {
                    reason = r
                } else if let terminated {
                    let signal = TableFormat.int(terminated["signal"])
                    reason = signal != 0 ? "Signal:\(signal)" : "ExitCode:\(TableFormat.int(terminated["exitCode"]))"
                } else if container["ready"]?.boolValue == true, state?["running"]?.isObject == true {
                    hasRunning = true
                    readyContainers += 1
                }
            }
            // A pod whose last container completed while another still runs is shown as running.
            if reason == "Completed" && hasRunning {
                let ready = conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
                reason = ready ? "Running" : "NotReady"
            }
        }

        if pod.deletionTimestamp != nil && status?["reason"]?.stringValue == "NodeLost" {
            reason = "Unknown"
        } else if pod.deletionTimestamp != nil && phase != "Failed" && phase != "Succeeded" {
            reason = "Terminating"
        }

        var restartsText = String(restarts)
        if restarts != 0, let lastRestart {
            restartsText = "\(restarts) (\(HumanDuration.format(now.timeIntervalSince(lastRestart))) ago)"
        }

        // The internal Pod's first IP: podIP wins over podIPs, as in the v1 conversion.
        var podIP = TableFormat.string(status?["podIP"])
        if podIP.isEmpty { podIP = TableFormat.string(status?["podIPs"]?[0]?["ip"]) }
        var nodeName = TableFormat.string(spec?["nodeName"])
        var nominated = TableFormat.string(status?["nominatedNodeName"])
        if podIP.isEmpty { podIP = "<none>" }
        if nodeName.isEmpty { nodeName = "<none>" }
        if nominated.isEmpty { nominated = "<none>" }

        var readinessGates = "<none>"
        let gates = spec?["readinessGates"]?.arrayValue ?? []
        if !gates.isEmpty {
            var trueConditions = 0
            for gate in gates {
                let type = gate["conditionType"]?.stringValue
                if let condition = conditions.first(where: { $0["type"]?.stringValue == type }),
                   condition["status"]?.stringValue == "True" {
                    trueConditions += 1
                }
            }
            readinessGates = "\(trueConditions)/\(gates.count)"
        }

        return [
            .string(pod.name), .string("\(readyContainers)/\(totalContainers)"), .string(reason), .string(restartsText),
            TableFormat.age(pod, now: now), .string(podIP), .string(nodeName), .string(nominated), .string(readinessGates),
        ]
    }
}
