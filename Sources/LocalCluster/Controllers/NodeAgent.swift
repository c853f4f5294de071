import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Registers the machine as the cluster's one Node and keeps its Ready condition fresh, and keeps the
/// `kubernetes` Service's endpoints pointing at the API server.
public final class NodeAgent: Service, Sendable {
    let client: KubeClient
    let nodeName: String
    let apiServerPort: Int
    let heartbeat: Duration
    let logger: Logger

    public init(client: KubeClient, nodeName: String, apiServerPort: Int, heartbeat: Duration = .seconds(30),
                logger: Logger = Logger(label: "tack.node")) {
        self.client = client
        self.nodeName = nodeName
        self.apiServerPort = apiServerPort
        self.heartbeat = heartbeat
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await register()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("node heartbeat failed", metadata: ["node": "\(nodeName)", "error": "\(error)"])
            }
            try await gracefulShutdownAwareSleep(heartbeat)
        }
    }

    func register() async throws {
        let nodes = client.resource(Node.self)
        let now = Timestamp.format(Date())
        let info = ProcessInfo.processInfo
        let condition: JSON = ["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                               "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now)]
        var uname = utsname()
        Glibc.uname(&uname)
        let kernel = withUnsafeBytes(of: uname.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let status: JSON = [
            "conditions": [condition],
            "addresses": [["type": "InternalIP", "address": "127.0.0.1"], ["type": "Hostname", "address": .string(info.hostName)]],
            "capacity": ["cpu": .string(String(info.activeProcessorCount)), "memory": .string("\(info.physicalMemory / 1024)Ki"), "pods": "250"],
            "allocatable": ["cpu": .string(String(info.activeProcessorCount)), "memory": .string("\(info.physicalMemory / 1024)Ki"), "pods": "250"],
            "nodeInfo": ["kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0", "containerRuntimeVersion": "tack://0.1.0",
                         "operatingSystem": "linux", "architecture": "amd64", "osImage": .string(info.operatingSystemVersionString),
                         "kernelVersion": .string(kernel), "machineID": "", "systemUUID": "", "bootID": ""],
        ]
        if var existing = try await nodes.getIfPresent(nodeName) {
            if let old = existing.json["status"]?["conditions"]?.arrayValue?.first(where: { $0["type"] == "Ready" }),
               old["status"] == "True", let since = old["lastTransitionTime"] {
                var c = condition
                c["lastTransitionTime"] = since
                existing.json["status"] = status
                existing.json[path: ["status", "conditions"]] = [c]
            } else {
                existing.json["status"] = status
            }
            _ = try await nodes.updateStatus(existing)
        } else {
            var node = Node(name: nodeName)
            node.labels = ["kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                           "node-role.kubernetes.io/control-plane": ""]
            let created = try await nodes.create(node)
            var withStatus = created
            withStatus.json["status"] = status
            _ = try await nodes.updateStatus(withStatus)
        }
        // The `kubernetes` Service has no selector: its endpoints are the API server itself.
        let endpoints: JSON = ["apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": "kubernetes", "namespace": "default"],
                               "subsets": [["addresses": [["ip": "127.0.0.1"]],
                                            "ports": [["name": "https", "port": JSON(apiServerPort), "protocol": "TCP"]]]]]
        _ = try await client.resource(Endpoints.self, namespace: "default").apply(Endpoints(json: endpoints), fieldManager: "tack-node", force: true)
    }
}

/// Sleeps, returning early (without error) when graceful shutdown begins.
func gracefulShutdownAwareSleep(_ duration: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: duration)
    }
}
import Glibc
