/// LocalCluster: the local runtime of embedded mode — the stand-in for kube-controller-manager (workload,
/// endpoints, service-account, job and cronjob controllers), kube-scheduler (binding to the one node), the
/// kubelet (pods as host processes) and kube-proxy and ingress-nginx (service and ingress proxies).
/// Everything talks to the API server through KubeClient, like any other controller.
import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Settings of the local runtime.
public struct LocalClusterConfiguration: Sendable {
    public var kubelet: KubeletConfiguration
    public var ingress = IngressControllerConfiguration()
    public var serviceProxy = ServiceProxyConfiguration()
    /// The API server's port (the `kubernetes` Service's endpoints point at it).
    public var apiServerPort: Int

    public init(dataDirectory: URL, apiServerPort: Int) {
        kubelet = KubeletConfiguration(dataDirectory: dataDirectory)
        self.apiServerPort = apiServerPort
    }
}

/// Runs the whole local runtime as one `Service`.
public final class LocalCluster: Service, Sendable {
    public let configuration: LocalClusterConfiguration
    public let kubelet: Kubelet
    let services: [any Service]
    let logger: Logger

    public init(client: KubeClient, configuration: LocalClusterConfiguration, logger: Logger = Logger(label: "tack.local")) {
        self.configuration = configuration
        self.logger = logger
        let factory = SharedInformerFactory(client: client, logger: logger)
        let recorder = EventRecorder(client: client, component: "tack-controller-manager", logger: logger)
        let catalog = ImageCatalogLoader(directory: configuration.kubelet.dataDirectory, tackExecutable: configuration.kubelet.tackExecutable,
                                         logger: logger)
        kubelet = Kubelet(client: client, factory: factory, catalog: catalog, configuration: configuration.kubelet, logger: logger)
        let proxy = ServiceProxy(configuration: configuration.serviceProxy, logger: logger)
        services = [
            factory,
            NodeAgent(client: client, nodeName: configuration.kubelet.nodeName, apiServerPort: configuration.apiServerPort, logger: logger),
            Scheduler(client: client, factory: factory, nodeName: configuration.kubelet.nodeName, logger: logger),
            ServiceAccountController(client: client, factory: factory, caPEM: configuration.kubelet.apiCAPEM, logger: logger),
            EndpointsController(client: client, factory: factory, logger: logger),
            ReplicaSetController(client: client, factory: factory, recorder: recorder, logger: logger),
            DeploymentController(client: client, factory: factory, recorder: recorder, logger: logger),
            JobController(client: client, factory: factory, logger: logger),
            CronJobController(client: client, factory: factory, logger: logger),
            ServiceProxyController(informers: factory, proxy: proxy, configuration: configuration.serviceProxy, recorder: recorder, logger: logger),
            IngressController(client: client, informers: factory, configuration: configuration.ingress, logger: logger),
            kubelet,
        ]
    }

    public func run() async throws {
        let services = self.services
        let logger = self.logger
        try await withThrowingDiscardingTaskGroup { group in
            for service in services {
                group.addTask {
                    do {
                        try await service.run()
                        logger.debug("a local runtime part stopped", metadata: ["part": "\(type(of: service))"])
                    } catch is CancellationError {
                    } catch {
                        logger.error("a local runtime part stopped", metadata: ["part": "\(type(of: service))", "error": "\(error)"])
                        throw error
                    }
                }
            }
        }
    }
}
