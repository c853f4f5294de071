import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Keeps each selector Service's Endpoints and EndpointSlice equal to the pods it selects: ready pods as
/// addresses, the others as not-ready addresses, target ports resolved per pod (named ports through the
/// pod's container ports), as kube-controller-manager's endpoints and endpointslice controllers do.
public final class EndpointsController: Service, Sendable {
    let client: KubeClient
    let services: Informer<ServiceObject>
    let pods: Informer<Pod>
    let controller: Controller

    public init(client: KubeClient, factory: SharedInformerFactory, logger: Logger = Logger(label: "tack.endpoints")) {
        self.client = client
        services = factory.informer(ServiceObject.self)
        pods = factory.informer(Pod.self)
        let services = self.services
        let pods = self.pods
        controller = Controller(name: "endpoints", workers: 2, logger: logger) { key in
            try await Self.reconcile(key, services: services.store, pods: pods.store, client: client)
        }
        controller.watch(services)
        // A pod change concerns every Service of its namespace whose selector matches it (before or after).
        controller.watch(pods) { event in
            let namespace = event.object.namespace
            var labels = [event.object.labels]
            if case .updated(let old, _) = event { labels.append(old.labels) }
            return services.store.list(namespace: namespace).compactMap { service in
                let selector = service.selector
                guard !selector.isEmpty else { return nil }
                return labels.contains { l in selector.allSatisfy { l[$0.key] == $0.value } } ? service.key : nil
            }
        }
    }

    public func run() async throws { try await controller.run() }

    /// Endpoints subsets and EndpointSlice endpoints for one Service: pure.
    static func plan(service: JSON, pods: [JSON]) -> (subsets: [JSON], slice: (endpoints: [JSON], ports: [JSON])) {
        let servicePorts = service["spec"]?["ports"]?.arrayValue ?? []
        let publishNotReady = service["spec"]?["publishNotReadyAddresses"]?.boolValue ?? false
        // Group addresses by their resolved port set (pods may resolve named ports differently).
        var groups: [[JSON]: (ready: [JSON], notReady: [JSON])] = [:]
        var sliceEndpoints: [JSON] = []
        var slicePorts: [JSON] = []
        for pod in pods.sorted(by: { $0.name < $1.name }) {
            guard let ip = pod["status"]?["podIP"]?.stringValue, !ip.isEmpty else { continue }
            let terminating = pod.isBeingDeleted
            let phase = pod["status"]?["phase"]?.stringValue
            if phase == "Succeeded" || phase == "Failed" { continue }
            let ready = !terminating && (pod["status"]?["conditions"]?.arrayValue ?? []).contains {
                $0["type"] == "Ready" && $0["status"] == "True"
            }
            var ports: [JSON] = []
            for sp in servicePorts {
                guard let port = resolveTargetPort(sp, pod: pod) else { continue }
                var p: JSON = ["port": JSON(port), "protocol": sp["protocol"] ?? "TCP"]
                if let name = sp["name"]?.stringValue, !name.isEmpty { p["name"] = .string(name) }
                if let appProtocol = sp["appProtocol"] { p["appProtocol"] = appProtocol }
                ports.append(p)
            }
            let address: JSON = ["ip": .string(ip), "nodeName": pod["spec"]?["nodeName"] ?? .null,
                                 "targetRef": ["kind": "Pod", "name": .string(pod.name), "namespace": .string(pod.namespace),
                                               "uid": .string(pod.uid)]]
            var group = groups[ports] ?? ([], [])
            if ready || (publishNotReady && !terminating) { group.ready.append(address) } else if !terminating { group.notReady.append(address) }
            groups[ports] = group
            if slicePorts.isEmpty { slicePorts = ports }
            sliceEndpoints.append([
                "addresses": [.string(ip)],
                "conditions": ["ready": .bool(ready || publishNotReady), "serving": .bool(ready), "terminating": .bool(terminating)],
                "nodeName": pod["spec"]?["nodeName"] ?? .null,
                "targetRef": ["kind": "Pod", "name": .string(pod.name), "namespace": .string(pod.namespace), "uid": .string(pod.uid)],
            ])
        }
        let subsets: [JSON] = groups.sorted { $0.key.description < $1.key.description }.compactMap { ports, group in
            guard !ports.isEmpty, !(group.ready.isEmpty && group.notReady.isEmpty) else { return nil }
            var subset: JSON = ["ports": .array(ports)]
            if !group.ready.isEmpty { subset["addresses"] = .array(group.ready) }
            if !group.notReady.isEmpty { subset["notReadyAddresses"] = .array(group.notReady) }
            return subset
        }
        return (subsets, (sliceEndpoints, slicePorts))
    }

    /// A Service port's target port on one pod: a number, or the name of one of the pod's container ports.
    static func resolveTargetPort(_ servicePort: JSON, pod: JSON) -> Int? {
        let target = servicePort["targetPort"] ?? servicePort["port"]
        switch target {
        case .int(let n)?: return Int(n)
        case .string(let name)?:
            if let n = Int(name) { return n }
            for c in pod["spec"]?["containers"]?.arrayValue ?? [] {
                for p in c["ports"]?.arrayValue ?? [] where p["name"]?.stringValue == name {
                    return p["containerPort"]?.intValue
                }
            }
            return nil
        default: return nil
        }
    }

    static func reconcile(_ key: String, services: InformerStore<ServiceObject>, pods: InformerStore<Pod>,
                          client: KubeClient) async throws -> ReconcileResult {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .done }
        let (namespace, name) = (parts[0], parts[1])
        guard let service = services.get(name: name, namespace: namespace) else { return .done }
        let selector = service.selector
        // Services without a selector manage their own endpoints (the `kubernetes` Service, for one).
        guard !selector.isEmpty, service.json["spec"]?["type"]?.stringValue != "ExternalName" else { return .done }
        let selected = pods.list(namespace: namespace, selector: LabelSelector(matchLabels: selector)).map(\.json)
        let (subsets, slice) = plan(service: service.json, pods: selected)
        let owner: JSON = ["apiVersion": "v1", "kind": "Service", "name": .string(name), "uid": .string(service.uid),
                           "controller": true, "blockOwnerDeletion": true]
        var endpoints: JSON = ["apiVersion": "v1", "kind": "Endpoints",
                               "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": JSON(service.labels)]]
        endpoints["subsets"] = subsets.isEmpty ? .array([]) : .array(subsets)
        _ = try await client.resource(Endpoints.self, namespace: namespace)
            .apply(Endpoints(json: endpoints), fieldManager: "endpoint-controller", force: true)
        var sliceLabels = service.labels
        sliceLabels["kubernetes.io/service-name"] = name
        sliceLabels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io"
        let endpointSlice: JSON = [
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": ["name": .string("\(name)-tack"), "namespace": .string(namespace), "labels": JSON(sliceLabels),
                         "ownerReferences": [owner]],
            "addressType": "IPv4", "endpoints": .array(slice.endpoints), "ports": .array(slice.ports),
        ]
        let slices = client.resource(GroupVersionResource(group: "discovery.k8s.io", version: "v1", resource: "endpointslices"),
                                     kind: "EndpointSlice", namespaced: true, namespace: namespace)
        _ = try await slices.apply(Unstructured(json: endpointSlice), fieldManager: "endpointslice-controller", force: true)
        return .done
    }
}
