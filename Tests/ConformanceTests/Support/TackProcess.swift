import Foundation
import Glibc
import KubeModel
import TestSupport

/// `tack up` as a real process with the local runtime: pods run as processes, the ingress listens on a
/// free port. kubectl talks to it through the kubeconfig it writes.
final class TackProcess: @unchecked Sendable {
    let directory: URL
    let home: URL
    let process: RunningCommand
    let apiPort: Int
    let ingressPort: Int
    let metricsPort: Int

    static var binary: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tack").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return Fixtures.repositoryFile(".build/debug/tack").path
    }

    static func start() async throws -> TackProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-e2e-\(UUID().uuidString.prefix(8))")
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let (api, ingress, metrics) = (freePort(), freePort(), freePort())
        let process = try Command.start(binary, ["up", "--data-dir", directory.appendingPathComponent("data").path, "--api-port", String(api),
                                                 "--ingress-port", String(ingress), "--ingress-metrics-port", String(metrics),
                                                 "--log-level", "error"])
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if process.output.contains("API server ready") { break }
            if !process.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard process.output.contains("API server ready") else {
            process.kill()
            throw LiveCluster.ClusterError(message: "tack up did not start: \(process.output) \(process.errorOutput)")
        }
        return TackProcess(directory: directory, home: home, process: process, apiPort: api, ingressPort: ingress, metricsPort: metrics)
    }

    private init(directory: URL, home: URL, process: RunningCommand, apiPort: Int, ingressPort: Int, metricsPort: Int) {
        self.directory = directory
        self.home = home
        self.process = process
        self.apiPort = apiPort
        self.ingressPort = ingressPort
        self.metricsPort = metricsPort
    }

    var dataDirectory: URL { directory.appendingPathComponent("data") }
    var environment: [String: String] { ["HOME": home.path, "KUBECONFIG": dataDirectory.appendingPathComponent("kubeconfig").path] }

    @discardableResult
    func kubectl(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(120)) async throws -> CommandResult {
        try await Command.run("kubectl", arguments, environment: environment, stdin: stdin, timeout: timeout)
    }

    @discardableResult
    func kubectl(_ arguments: String..., stdin: String? = nil) async throws -> CommandResult {
        try await kubectl(arguments, stdin: stdin)
    }

    func object(_ arguments: String...) async throws -> JSON? {
        let result = try await kubectl(arguments + ["-o", "json"])
        return result.succeeded ? try JSON.parse(result.stdout) : nil
    }

    /// Pids of every container process running now (the kubelet records them per pod).
    func containerPIDs() -> [pid_t] {
        let pods = dataDirectory.appendingPathComponent("pods")
        var pids: [pid_t] = []
        for uid in (try? FileManager.default.contentsOfDirectory(atPath: pods.path)) ?? [] {
            let dir = pods.appendingPathComponent(uid).appendingPathComponent("pids")
            for file in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
                if let text = try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8),
                   let pid = text.split(separator: " ").first.flatMap({ pid_t($0) }) {
                    pids.append(pid)
                }
            }
        }
        return pids
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie is dead for our purposes.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        if let close = stat.lastIndex(of: ")") { return !stat[stat.index(after: close)...].hasPrefix(" Z") }
        return true
    }

    /// Stops tack with SIGINT (Ctrl-C) and returns the container processes still alive afterwards.
    func stop() async -> [pid_t] {
        let pids = containerPIDs()
        process.process.interrupt()
        _ = await process.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(200))
        let survivors = pids.filter(Self.isAlive)
        for pid in survivors { kill(-pid, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
        return survivors
    }
}
