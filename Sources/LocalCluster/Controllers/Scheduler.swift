import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Binds pods to the one local node, as kube-scheduler would when it is the only choice: pods whose
/// `nodeSelector` the node does not satisfy stay Pending with an Unschedulable condition.
public final class Scheduler: Service, Sendable {
    let client: KubeClient
    let nodeName: String
    let nodeLabels: [String: String]
    let controller: Controller
    let pods: Informer<Pod>
    let recorder: EventRecorder

    public init(client: KubeClient, factory: SharedInformerFactory, nodeName: String, logger: Logger = Logger(label: "tack.scheduler")) {
        self.client = client
        self.nodeName = nodeName
        nodeLabels = ["kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"]
        pods = factory.informer(Pod.self, fieldSelector: "spec.nodeName=")
        recorder = EventRecorder(client: client, component: "default-scheduler", host: nodeName, logger: logger)
        let pods = self.pods
        let client = self.client
        let recorder = self.recorder
        let labels = nodeLabels
        controller = Controller(name: "scheduler", workers: 2, logger: logger) { key in
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let pod = pods.store.get(name: parts[1], namespace: parts[0]) else { return .done }
            return try await Self.schedule(pod, nodeName: nodeName, nodeLabels: labels, client: client, recorder: recorder)
        }
        controller.watch(pods)
    }

    static func schedule(_ pod: Pod, nodeName: String, nodeLabels: [String: String], client: KubeClient,
                         recorder: EventRecorder) async throws -> ReconcileResult {
        guard (pod.nodeName ?? "").isEmpty, !pod.isBeingDeleted else { return .done }
        let scheduler = pod.json["spec"]?["schedulerName"]?.stringValue ?? "default-scheduler"
        guard scheduler == "default-scheduler" else { return .done }
        let selector = JSON.stringMap(pod.json["spec"]?["nodeSelector"])
        if !selector.allSatisfy({ nodeLabels[$0.key] == $0.value }) {
            let message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
            _ = try await client.resource(Pod.self, namespace: pod.namespace).patch(pod.name, type: .merge, body: ["status": [
                "conditions": [["type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": .string(message),
                                "lastTransitionTime": .string(Timestamp.format(Date())), "lastProbeTime": .null]],
            ]], subresource: "status")
            await recorder.record(pod.json, type: .warning, reason: "FailedScheduling", message: message)
            return .after(.seconds(30))
        }
        let binding: JSON = ["apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(pod.name), "namespace": .string(pod.namespace)],
                             "target": ["apiVersion": "v1", "kind": "Node", "name": .string(nodeName)]]
        do {
            _ = try await client.send(KubeRequest(method: .POST, path: "/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name)/binding",
                                                  body: binding.serialized()))
        } catch let error as KubeError where error.isNotFound || error.isConflict {
            return .done
        }
        await recorder.record(pod.json, reason: "Scheduled", message: "Successfully assigned \(pod.namespace)/\(pod.name) to \(nodeName)")
        return .done
    }

    public func run() async throws {
        try await controller.run()
    }
}
