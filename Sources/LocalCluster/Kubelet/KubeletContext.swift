import AsyncHTTPClient
import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging

/// Settings of the local kubelet.
public struct KubeletConfiguration: Sendable {
    /// The node this kubelet runs pods for.
    public var nodeName = "tack"
    /// Where pod directories (volumes, logs, roots) live: `<dataDirectory>/pods/<uid>/`.
    public var dataDirectory: URL
    /// Pod addresses come from this loopback range.
    public var podCIDR = "127.244.0.0/16"
    /// How long a stopping `tack up` gives containers before SIGKILL.
    public var shutdownGracePeriod: Duration = .seconds(3)
    /// What pods get to reach the API server (written as their service-account files and `KUBECONFIG`).
    public var apiServerURL: String?
    public var apiToken: String?
    public var apiCAPEM: String?
    /// The tack executable (image catalog entries run it as `{tack}`).
    public var tackExecutable: String = CommandLine.arguments.first ?? "tack"

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    var podsDirectory: URL { dataDirectory.appendingPathComponent("pods") }
    var claimsDirectory: URL { dataDirectory.appendingPathComponent("volumes") }
}

/// What every pod worker shares: the client, caches, catalog, log store, address allocator and recorder.
struct KubeletContext: Sendable {
    let configuration: KubeletConfiguration
    let client: KubeClient
    let pods: ResourceClient<Pod>
    let configMaps: InformerStore<ConfigMap>
    let secrets: InformerStore<Secret>
    let services: InformerStore<ServiceObject>
    let catalog: ImageCatalogLoader
    let logs: ContainerLogStore
    let addresses: PodIPAllocator
    let recorder: EventRecorder
    let probes: ProbeRunner
    let logger: Logger

    /// ConfigMaps and Secrets a pod refers to (from the caches, falling back to the API for ones created a
    /// moment ago), and the Services of its namespace.
    func references(for pod: JSON) async -> PodReferences {
        var refs = PodReferences()
        let namespace = pod.namespace
        var configMapNames: Set<String> = []
        var secretNames: Set<String> = []
        let containers = (pod["spec"]?["initContainers"]?.arrayValue ?? []) + (pod["spec"]?["containers"]?.arrayValue ?? [])
        for c in containers {
            for from in c["envFrom"]?.arrayValue ?? [] {
                if let n = from["configMapRef"]?["name"]?.stringValue { configMapNames.insert(n) }
                if let n = from["secretRef"]?["name"]?.stringValue { secretNames.insert(n) }
            }
            for e in c["env"]?.arrayValue ?? [] {
                if let n = e["valueFrom"]?["configMapKeyRef"]?["name"]?.stringValue { configMapNames.insert(n) }
                if let n = e["valueFrom"]?["secretKeyRef"]?["name"]?.stringValue { secretNames.insert(n) }
            }
        }
        for v in pod["spec"]?["volumes"]?.arrayValue ?? [] {
            if let n = v["configMap"]?["name"]?.stringValue { configMapNames.insert(n) }
            if let n = v["secret"]?["secretName"]?.stringValue { secretNames.insert(n) }
            for s in v["projected"]?["sources"]?.arrayValue ?? [] {
                if let n = s["configMap"]?["name"]?.stringValue { configMapNames.insert(n) }
                if let n = s["secret"]?["name"]?.stringValue { secretNames.insert(n) }
            }
        }
        for name in configMapNames {
            if let cm = configMaps.get(name: name, namespace: namespace) {
                refs.configMaps[name] = cm.json
            } else if let cm = try? await client.resource(ConfigMap.self, namespace: namespace).getIfPresent(name) {
                refs.configMaps[name] = cm.json
            }
        }
        for name in secretNames {
            if let s = secrets.get(name: name, namespace: namespace) {
                refs.secrets[name] = s.json
            } else if let s = try? await client.resource(Secret.self, namespace: namespace).getIfPresent(name) {
                refs.secrets[name] = s.json
            }
        }
        refs.services = services.list(namespace: namespace).map(\.json)
        return refs
    }
}
