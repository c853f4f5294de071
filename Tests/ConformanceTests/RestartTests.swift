import Foundation
import KubeModel
import Synchronization
import Testing
import TestSupport

/// `tack up` as a real process, killed with SIGKILL while clients write: nothing acknowledged may be lost,
/// resourceVersions survive, the store reopens cleanly, and watchers resume or get 410.
@Suite("Kill and restart", .serialized)
struct RestartTests {
    static var tackBinary: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tack").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return Fixtures.repositoryFile(".build/debug/tack").path
    }

    struct Server {
        let process: RunningCommand
        let port: Int
    }

    static func startTack(dataDirectory: URL, port: Int) async throws -> Server {
        let binary = tackBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the tack executable first (swift build)")
        let process = try Command.start(binary, ["up", "--data-dir", dataDirectory.path, "--api-port", String(port), "--log-level", "error",
                                                          "--ingress-port", String(freePort()), "--ingress-metrics-port", String(freePort())])
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if process.output.contains("API server ready at https://127.0.0.1:\(port)") { return Server(process: process, port: port) }
            if !process.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.kill()
        throw LiveCluster.ClusterError(message: "tack up did not become ready: \(process.output)\n\(process.errorOutput)")
    }

    /// Acknowledged writes: name → resourceVersion.
    final class Ledger: Sendable {
        let acknowledged = Mutex<[String: String]>([:])
    }

    @Test("no acknowledged write is lost when tack up is killed mid-stream, round after round")
    func killedMidStreamLosesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-kill-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = Ledger()
        var lastRevision: Int64 = 0
        let rounds = 8
        for round in 0..<rounds {
            let server = try await Self.startTack(dataDirectory: directory, port: freePort())
            let client = try APIClient(dataDirectory: directory, port: server.port)
            // Everything acknowledged before is still there, at the same resourceVersion.
            let list = try await client.send(.GET, "/api/v1/namespaces/default/configmaps")
            var stored: [String: String] = [:]
            for item in list.body["items"]?.arrayValue ?? [] { stored[item.name] = item.resourceVersion }
            let acknowledged = ledger.acknowledged.withLock { $0 }
            for (name, rv) in acknowledged {
                #expect(stored[name] == rv, "round \(round): \(name) acknowledged at \(rv) is \(stored[name] ?? "missing")")
            }
            let listRevision = Int64(list.body["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
            #expect(listRevision >= lastRevision, "revisions never go backwards across restarts")
            // A watch from the last revision we saw resumes (or says 410); it never errors otherwise.
            if lastRevision > 0 {
                let watch = try await client.send(.GET, "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion=\(lastRevision)")
                #expect(watch.status == 200)
            }
            if round == rounds - 1 {
                server.process.terminate()
                _ = await server.process.wait(timeout: .seconds(20))
                await client.shutdown()
                break
            }
            // Four writers create ConfigMaps until the server dies under them.
            let writers = Task {
                await withTaskGroup(of: Void.self) { group in
                    for writer in 0..<4 {
                        group.addTask {
                            var i = 0
                            while !Task.isCancelled {
                                let name = "r\(round)-w\(writer)-\(i)"
                                i += 1
                                let cm: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name)],
                                                "data": ["round": .string(String(round))]]
                                guard let reply = try? await client.send(.POST, "/api/v1/namespaces/default/configmaps", body: cm) else { return }
                                if reply.status == 201 {
                                    ledger.acknowledged.withLock { $0[name] = reply.body.resourceVersion }
                                }
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...900)))
            server.process.kill()
            _ = await server.process.wait(timeout: .seconds(10))
            writers.cancel()
            await writers.value
            await client.shutdown()
            lastRevision = ledger.acknowledged.withLock { $0.values.compactMap { Int64($0) }.max() ?? 0 }
        }
        let total = ledger.acknowledged.withLock { $0.count }
        #expect(total > 50, "the writers got \(total) writes acknowledged")
    }

    @Test("a second tack up on the same data directory fails with a clear message and leaves the first running")
    func secondInstanceIsRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-lock-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await Self.startTack(dataDirectory: directory, port: freePort())
        let second = try await Command.run(Self.tackBinary, ["up", "--data-dir", directory.path, "--api-port", String(freePort())],
                                           timeout: .seconds(20))
        #expect(!second.succeeded)
        #expect(second.stderr.contains("is already running with data directory \(directory.path)"), "\(second)")
        #expect(first.process.process.isRunning)
        first.process.terminate()
        let stopped = await first.process.wait(timeout: .seconds(20))
        #expect(stopped.status == 0, "Ctrl-C (SIGINT/SIGTERM) stops tack up gracefully: \(stopped)")
    }

    @Test("requests without a valid token get 401; /version is public")
    func authentication() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-auth-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await Self.startTack(dataDirectory: directory, port: freePort())
        defer { server.process.kill() }
        let client = try APIClient(dataDirectory: directory, port: server.port)
        defer { Task { await client.shutdown() } }
        let anonymous = try await client.send(.GET, "/api/v1/namespaces", authorized: false)
        #expect(anonymous.status == 401)
        #expect(anonymous.body["reason"] == "Unauthorized")
        let version = try await client.send(.GET, "/version", authorized: false)
        #expect(version.body["minor"] == "32")
        #expect(try await client.send(.GET, "/api/v1/namespaces").status == 200)
    }
}
