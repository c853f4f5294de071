import Foundation
import KubeClient
import KubeModel
import LocalCluster
import Testing

/// Runs the real kubectl against a harness cluster, with its own HOME so that no user configuration or
/// discovery cache leaks in.
struct Kubectl {
    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    let kubeconfig: String
    let home: URL

    init(_ harness: WorkloadHarness) throws {
        kubeconfig = harness.cluster.controlPlane.kubeconfigPath.path
        home = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-home-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func callAsFunction(_ arguments: String..., timeout: Duration = .seconds(60)) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kubectl", "--kubeconfig", kubeconfig, "-n", "default"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["KUBECONFIG"] = nil
        process.environment = environment
        let out = home.appendingPathComponent("out-\(UUID().uuidString)"), err = home.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return Result(status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    func cleanUp() { try? FileManager.default.removeItem(at: home) }
}

@Suite("kubectl rollout against the workload controllers", .serialized)
struct KubectlRolloutTests {
    @Test("kubectl rollout status, history, undo, restart, pause and resume behave as on a cluster")
    func rollout() async throws {
        let h = try await WorkloadHarness.start()
        let kubectl = try Kubectl(h)
        do {
            var d = WorkloadHarness.deployment(replicas: 3)
            d.annotations = ["kubernetes.io/change-cause": "blue"]
            _ = try await h.deployments.create(d)

            var result = try await kubectl("rollout", "status", "deployment/web", "--timeout=60s")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasSuffix("deployment \"web\" successfully rolled out\n"), "\(result)")

            result = try await kubectl("patch", "deployment", "web", "-p",
                                       #"{"metadata":{"annotations":{"kubernetes.io/change-cause":"green"}},"spec":{"template":{"spec":{"containers":[{"name":"main","image":"argoproj/rollouts-demo:green"}]}}}}"#)
            #expect(result.status == 0, "\(result)")
            result = try await kubectl("rollout", "status", "deployment/web", "--timeout=60s")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasSuffix("deployment \"web\" successfully rolled out\n"), "\(result)")

            result = try await kubectl("rollout", "history", "deployment/web")
            #expect(result.stdout == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         blue\n2         green\n\n", "\(result)")
            result = try await kubectl("rollout", "history", "deployment/web", "--revision=1")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("deployment.apps/web with revision #1"), "\(result)")
            #expect(result.stdout.contains("argoproj/rollouts-demo:blue"), "\(result)")

            result = try await kubectl("rollout", "undo", "deployment/web")
            #expect(result.stdout == "deployment.apps/web rolled back\n", "\(result)")
            result = try await kubectl("rollout", "status", "deployment/web", "--timeout=60s")
            #expect(result.status == 0, "\(result)")
            try await h.waitUntil("green pods gone") { try await h.livePods().count == 3 }
            #expect(try await h.livePods().allSatisfy { WorkloadHarness.image(of: $0) == "argoproj/rollouts-demo:blue" })
            result = try await kubectl("rollout", "history", "deployment/web")
            #expect(result.stdout == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         green\n3         blue\n\n", "\(result)")
            #expect(try await h.replicaSets.list().items.count == 2)

            result = try await kubectl("rollout", "restart", "deployment/web")
            #expect(result.stdout == "deployment.apps/web restarted\n", "\(result)")
            result = try await kubectl("rollout", "status", "deployment/web", "--timeout=60s")
            #expect(result.status == 0, "\(result)")
            #expect(try await h.deployments.get("web").annotations["deployment.kubernetes.io/revision"] == "4")

            result = try await kubectl("rollout", "pause", "deployment/web")
            #expect(result.stdout == "deployment.apps/web paused\n", "\(result)")
            result = try await kubectl("set", "image", "deployment/web", "main=argoproj/rollouts-demo:yellow")
            #expect(result.status == 0, "\(result)")
            try await h.waitUntil("the paused change observed") {
                let d = try await h.deployments.get("web")
                return d.status["observedGeneration"]?.int64Value == d.generation
            }
            #expect(try await h.replicaSets.list().items.count == 3)
            result = try await kubectl("rollout", "undo", "deployment/web")
            #expect(result.status != 0)
            #expect(result.stderr.contains("you cannot rollback a paused deployment"), "\(result)")
            result = try await kubectl("rollout", "resume", "deployment/web")
            #expect(result.stdout == "deployment.apps/web resumed\n", "\(result)")
            result = try await kubectl("rollout", "status", "deployment/web", "--timeout=60s")
            #expect(result.status == 0, "\(result)")
            try await h.waitUntil("old pods gone") { try await h.livePods().count == 3 }
            #expect(try await h.livePods().allSatisfy { WorkloadHarness.image(of: $0) == "argoproj/rollouts-demo:yellow" })
        } catch {
            kubectl.cleanUp()
            await h.stop()
            throw error
        }
        kubectl.cleanUp()
        await h.stop()
    }

    @Test("kubectl rollout status fails once a rollout exceeds its progress deadline")
    func progressDeadline() async throws {
        let h = try await WorkloadHarness.start(readiness: { WorkloadHarness.image(of: $0) != "argoproj/rollouts-demo:bad" })
        let kubectl = try Kubectl(h)
        do {
            _ = try await h.deployments.create(WorkloadHarness.deployment(replicas: 2, extraSpec: ["progressDeadlineSeconds": 2]))
            _ = try await h.waitForRollout("web", replicas: 2)
            _ = try await kubectl("set", "image", "deployment/web", "main=argoproj/rollouts-demo:bad")
            let result = try await kubectl("rollout", "status", "deployment/web", "--timeout=60s")
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "error: deployment \"web\" exceeded its progress deadline\n", "\(result)")
            #expect(result.stdout.contains("Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...\n"),
                    "\(result)")
            let d = try await h.deployments.get("web")
            let progressing = DeploymentConditions.get(d.status, "Progressing")
            #expect(progressing?["status"] == "False")
            #expect(progressing?["reason"] == "ProgressDeadlineExceeded")
        } catch {
            kubectl.cleanUp()
            await h.stop()
            throw error
        }
        kubectl.cleanUp()
        await h.stop()
    }
}
