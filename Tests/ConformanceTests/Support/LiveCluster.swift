import APIServer
import Foundation
import KubeModel
import Logging

/// An embedded control plane started in-process over HTTPS on a free port, with its own data directory
/// and a scratch HOME for kubectl (which caches discovery under ~/.kube).
final class LiveCluster: @unchecked Sendable {
    let directory: URL
    let home: URL
    let controlPlane: EmbeddedControlPlane
    let port: Int
    private let runner: Task<Void, any Error>

    static func start() async throws -> LiveCluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-conformance-\(UUID().uuidString.prefix(8))")
        var configuration = EmbeddedControlPlaneConfiguration(dataDirectory: directory)
        configuration.apiPort = 0
        configuration.store.durability = .processCrash
        var logger = Logger(label: "tack-test")
        logger.logLevel = .warning
        let controlPlane = try EmbeddedControlPlane(configuration: configuration, logger: logger)
        let runner = Task { try await controlPlane.run() }
        guard let port = await controlPlane.waitUntilReady() else {
            runner.cancel()
            _ = try await runner.value
            throw ClusterError(message: "the control plane stopped before it was ready")
        }
        return LiveCluster(directory: directory, controlPlane: controlPlane, port: port, runner: runner)
    }

    private init(directory: URL, controlPlane: EmbeddedControlPlane, port: Int, runner: Task<Void, any Error>) {
        self.directory = directory
        self.home = directory.appendingPathComponent("home")
        self.controlPlane = controlPlane
        self.port = port
        self.runner = runner
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func stop() async {
        runner.cancel()
        _ = try? await runner.value
        try? FileManager.default.removeItem(at: directory)
    }

    var kubeconfig: URL { controlPlane.kubeconfigPath }

    var environment: [String: String] { ["HOME": home.path, "KUBECONFIG": kubeconfig.path] }

    /// Runs the real kubectl (through the machine's dispatcher, which picks 1.32 from /version).
    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> CommandResult {
        try await Command.run("kubectl", arguments, environment: environment, stdin: stdin, timeout: timeout)
    }

    func kubectl(_ arguments: String..., stdin: String? = nil) async throws -> CommandResult {
        try await kubectl(arguments, stdin: stdin)
    }

    /// `kubectl get … -o json`, parsed; nil when kubectl fails.
    func object(_ arguments: String...) async throws -> JSON? {
        try await object(arguments)
    }

    func object(_ arguments: [String]) async throws -> JSON? {
        let result = try await kubectl(arguments + ["-o", "json"])
        guard result.succeeded else { return nil }
        return try JSON.parse(result.stdout)
    }

    struct ClusterError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

extension JSON {
    /// Whether every member of `expected` is present here with the same value (objects recursively,
    /// arrays element by element): how a test checks that what it applied is what the server stored,
    /// while the server may add defaults and metadata.
    func contains(_ expected: JSON) -> Bool {
        switch (self, expected) {
        case (.object(let live), .object(let want)):
            return want.allSatisfy { key, value in live[key].map { $0.contains(value) } ?? value.isNull }
        case (.array(let live), .array(let want)):
            return live.count == want.count && zip(live, want).allSatisfy { $0.contains($1) }
        case (.string(let s), .int(let i)), (.int(let i), .string(let s)):
            return s == String(i)
        default:
            return self == expected
        }
    }
}
