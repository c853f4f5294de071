import APIServer
import Foundation
import KubeClient
import LocalCluster
import Logging
import ServiceLifecycle

/// Starts the local runtime once the embedded API server is serving, talking to it over HTTPS with the
/// admin kubeconfig like any other client, and hands the kubelet's logs to the API server.
final class LocalRuntimeService: Service, Sendable {
    let controlPlane: EmbeddedControlPlane
    let logs: PodLogProviderSlot
    let configure: @Sendable (inout LocalClusterConfiguration) -> Void
    let logger: Logger

    init(controlPlane: EmbeddedControlPlane, logs: PodLogProviderSlot, logger: Logger,
         configure: @escaping @Sendable (inout LocalClusterConfiguration) -> Void) {
        self.controlPlane = controlPlane
        self.logs = logs
        self.logger = logger
        self.configure = configure
    }

    func run() async throws {
        guard let port = await controlPlane.waitUntilReady() else { return }
        let kubeconfig = controlPlane.kubeconfigPath.path
        var clientConfiguration = try KubeconfigLoader.load(kubeconfig: kubeconfig, environment: [:])
        clientConfiguration.userAgent = "tack-local-runtime/\(TackVersion.current)"
        let client = try KubeClient(configuration: clientConfiguration, logger: logger)
        var configuration = LocalClusterConfiguration(dataDirectory: controlPlane.configuration.dataDirectory, apiServerPort: port)
        configuration.kubelet.apiServerURL = "https://127.0.0.1:\(port)"
        configuration.kubelet.apiToken = controlPlane.credentials.adminToken
        configuration.kubelet.apiCAPEM = controlPlane.credentials.caCertificatePEM
        configuration.kubelet.tackExecutable = Self.executablePath
        configure(&configuration)
        let local = LocalCluster(client: client, configuration: configuration, logger: logger)
        logs.set(local.kubelet.logProvider)
        do {
            try await local.run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// The running tack binary, for image catalog entries that run it (`{tack} __rollouts-demo`).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
