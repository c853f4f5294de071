import Foundation
import KubeModel

/// What the kubelet knows of one container right now; rendered into `containerStatuses`.
struct ContainerRuntimeState: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case waiting(reason: String, message: String?)
        case running(startedAt: Date)
        case terminated(Terminated)
    }

    struct Terminated: Sendable, Equatable {
        var exitCode: Int32
        var reason: String
        var message: String?
        var startedAt: Date
        var finishedAt: Date
        var containerID: String
    }

    var name: String
    var image: String
    var isInit: Bool
    var state: State = .waiting(reason: "ContainerCreating", message: nil)
    var lastTerminated: Terminated?
    var restartCount = 0
    var ready = false
    /// Whether the startup probe (if any) has passed.
    var started = false
    var containerID: String?

    var isRunning: Bool { if case .running = state { return true }; return false }
    var terminated: Terminated? { if case .terminated(let t) = state { return t }; return nil }

    func json() -> JSON {
        var status: JSON = ["name": .string(name), "image": .string(image), "imageID": .string("tack://image/\(image)"),
                            "ready": .bool(ready), "restartCount": JSON(restartCount)]
        if !isInit { status["started"] = .bool(started && isRunning) }
        if let containerID { status["containerID"] = .string(containerID) }
        status["state"] = Self.render(state)
        status["lastState"] = lastTerminated.map { ["terminated": Self.render($0)] } ?? .emptyObject
        return status
    }

    static func render(_ state: State) -> JSON {
        switch state {
        case .waiting(let reason, let message):
            var w: JSON = ["reason": .string(reason)]
            if let message { w["message"] = .string(message) }
            return ["waiting": w]
        case .running(let startedAt):
            return ["running": ["startedAt": .string(Timestamp.format(startedAt))]]
        case .terminated(let t):
            return ["terminated": render(t)]
        }
    }

    static func render(_ t: Terminated) -> JSON {
        var o: JSON = ["exitCode": .int(Int64(t.exitCode)), "reason": .string(t.reason), "startedAt": .string(Timestamp.format(t.startedAt)),
                       "finishedAt": .string(Timestamp.format(t.finishedAt)), "containerID": .string(t.containerID)]
        if let message = t.message, !message.isEmpty { o["message"] = .string(message) }
        return o
    }
}

/// The kubelet's restart rules: which exits restart a container, and the crash-loop back-off (10 s doubling to
/// 5 min, reset after 10 min of running).
enum ContainerRestartPolicy {
    static func shouldRestart(exitCode: Int32, policy: String) -> Bool {
        switch policy {
        case "Never": return false
        case "OnFailure": return exitCode != 0
        default: return true
        }
    }

    static func backoff(restartCount: Int, lastRun: TimeInterval) -> Duration {
        if restartCount == 0 || lastRun >= 600 { return .zero }
        let seconds = min(300, 10 * (1 << min(restartCount - 1, 10)))
        return .seconds(seconds)
    }
}

/// Pod phase and conditions from container states, as the kubelet computes them.
enum PodStatusCalculator {
    static func phase(initContainers: [ContainerRuntimeState], containers: [ContainerRuntimeState], restartPolicy: String) -> String {
        for c in initContainers {
            if let t = c.terminated, t.exitCode != 0, restartPolicy == "Never" { return "Failed" }
        }
        let initDone = initContainers.allSatisfy { $0.terminated?.exitCode == 0 }
        if !initDone { return "Pending" }
        var running = 0, waiting = 0, succeeded = 0, failed = 0
        for c in containers {
            switch c.state {
            case .running: running += 1
            case .waiting: if c.lastTerminated != nil { running += 1 } else { waiting += 1 }
            case .terminated(let t): if t.exitCode == 0 { succeeded += 1 } else { failed += 1 }
            }
        }
        if waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        if containers.isEmpty { return "Pending" }
        switch restartPolicy {
        case "Always": return "Running"
        case "OnFailure": return failed > 0 ? "Running" : "Succeeded"
        default: return failed > 0 ? "Failed" : "Succeeded"
        }
    }

    /// `status.conditions`, keeping lastTransitionTime when a condition's value is unchanged.
    static func conditions(previous: [JSON], initialized: Bool, containersReady: Bool, sandboxReady: Bool, now: Date,
                           completed: Bool) -> [JSON] {
        func condition(_ type: String, _ value: Bool, reason: String? = nil) -> JSON {
            let status = value ? "True" : "False"
            let old = previous.first { $0["type"]?.stringValue == type }
            let time = old?["status"]?.stringValue == status ? (old?["lastTransitionTime"] ?? .string(Timestamp.format(now))) : .string(Timestamp.format(now))
            var c: JSON = ["type": .string(type), "status": .string(status), "lastProbeTime": .null, "lastTransitionTime": time]
            if let reason, !value { c["reason"] = .string(reason) }
            return c
        }
        return [
            condition("PodReadyToStartContainers", sandboxReady),
            condition("Initialized", initialized, reason: "ContainersNotInitialized"),
            condition("Ready", containersReady, reason: completed ? "PodCompleted" : "ContainersNotReady"),
            condition("ContainersReady", containersReady, reason: completed ? "PodCompleted" : "ContainersNotReady"),
            condition("PodScheduled", true),
        ]
    }
}
