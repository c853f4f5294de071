import APIServer
import Foundation
import KubeClient
import KubeModel
import Logging
import ObjectStore

/// An embedded control plane started in-process over HTTPS for tests of the client and the controller
/// runtime: real TLS, real tokens, real store; restartable on the same data directory and port.
public final class EmbeddedTestCluster: @unchecked Sendable {
    public let directory: URL
    public private(set) var port: Int
    public private(set) var controlPlane: EmbeddedControlPlane
    private var runner: Task<Void, any Error>
    private let installCRDs: Bool

    public static func start(installCRDs: Bool = false, port: Int = 0) async throws -> EmbeddedTestCluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-test-\(UUID().uuidString.prefix(8))")
        let (controlPlane, runner, bound) = try await Self.launch(directory: directory, port: port, installCRDs: installCRDs)
        return EmbeddedTestCluster(directory: directory, port: bound, controlPlane: controlPlane, runner: runner, installCRDs: installCRDs)
    }

    private init(directory: URL, port: Int, controlPlane: EmbeddedControlPlane, runner: Task<Void, any Error>, installCRDs: Bool) {
        self.directory = directory
        self.port = port
        self.controlPlane = controlPlane
        self.runner = runner
        self.installCRDs = installCRDs
    }

    static func launch(directory: URL, port: Int, installCRDs: Bool) async throws -> (EmbeddedControlPlane, Task<Void, any Error>, Int) {
        var configuration = EmbeddedControlPlaneConfiguration(dataDirectory: directory)
        configuration.apiPort = port
        configuration.store.durability = .processCrash
        configuration.installBundledCRDs = installCRDs
        var logger = Logger(label: "tack-test")
        logger.logLevel = .error
        let controlPlane = try EmbeddedControlPlane(configuration: configuration, logger: logger)
        let runner = Task { try await controlPlane.run() }
        if let bound = await controlPlane.waitUntilReady() { return (controlPlane, runner, bound) }
        runner.cancel()
        _ = try? await runner.value
        throw TestClusterError(message: "the control plane stopped before it was ready")
    }

    /// The object store behind the server (tests force compaction through it).
    public var store: ObjectStore { controlPlane.store }

    /// A client configured from the cluster's kubeconfig.
    public func client(qps: Double = 5000, burst: Int = 10000) throws -> KubeClient {
        var configuration = try KubeconfigLoader.load(kubeconfig: controlPlane.kubeconfigPath.path, environment: [:])
        configuration.qps = qps
        configuration.burst = burst
        return try KubeClient(configuration: configuration)
    }

    /// Stops the server (as a crash would: no graceful drain of clients).
    public func stop() async {
        runner.cancel()
        _ = try? await runner.value
    }

    /// Starts the server again on the same data directory and port.
    public func restart() async throws {
        await stop()
        let (controlPlane, runner, bound) = try await Self.launch(directory: directory, port: port, installCRDs: installCRDs)
        self.controlPlane = controlPlane
        self.runner = runner
        self.port = bound
    }

    public func destroy() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

public struct TestClusterError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
