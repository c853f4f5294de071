import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import TestSupport

/// The local runtime end to end: `tack up` runs what kubectl applies — Deployments as processes serving
/// HTTP, Services, Ingresses with nginx canary weights, Jobs — and leaves nothing behind when it stops.
@Suite("Local runtime acceptance", .serialized)
struct LocalRuntimeAcceptanceTests {
    static let http = HTTPClient(eventLoopGroupProvider: .singleton,
                                 configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(10))))

    /// GET through the ingress with a Host header; returns status and body.
    static func get(_ tack: TackProcess, host: String, path: String = "/color", headers: [(String, String)] = []) async -> (Int, String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(tack.ingressPort)\(path)")
        request.headers.add(name: "Host", value: host)
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        } catch {
            return (0, "\(error)")
        }
    }

    static func waitForColor(_ tack: TackProcess, host: String, _ color: String, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = (0, "")
        while ContinuousClock.now < deadline {
            last = await get(tack, host: host)
            if last.0 == 200 && last.1.contains(color) { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("\(host) never answered \(color); last answer \(last)")
    }

    func withTack(_ body: (TackProcess) async throws -> Void) async throws {
        let tack = try await TackProcess.start()
        do {
            try await body(tack)
        } catch {
            _ = await tack.stop()
            throw error
        }
        let survivors = await tack.stop()
        #expect(survivors.isEmpty, "stopping tack up leaves no container process behind (still alive: \(survivors))")
    }

    @Test("the seed's plain-Deployment blue-green and canary baselines serve through the ingress")
    func seedBaselines() async throws {
        try await withTack { tack in
            let seeds = Fixtures.url("seeds/rollouts")
            #expect(try await tack.kubectl("apply", "-f", seeds.appendingPathComponent("manual-bluegreen-blue-deployment.yaml").path,
                                           "-f", seeds.appendingPathComponent("manual-bluegreen-blue-ingress.yaml").path).succeeded)
            try await Self.waitForColor(tack, host: "bluegreen.demo", "blue")
            // The blue-green switch: deploy green, then re-point the Ingress.
            #expect(try await tack.kubectl("apply", "-f", seeds.appendingPathComponent("manual-bluegreen-green-deployment.yaml").path).succeeded)
            try await tack.kubectl("rollout", "status", "deploy/green", "--timeout=90s")
            #expect(try await tack.kubectl("apply", "-f", seeds.appendingPathComponent("manual-bluegreen-green-ingress.yaml").path).succeeded)
            try await Self.waitForColor(tack, host: "bluegreen.demo", "green")
            // The manual canary: prod (blue) plus a canary Ingress at weight 20 to green, header X-Canary.
            for file in ["manual-canary-prod-deployment.yaml", "manual-canary-prod-ingress.yaml", "manual-canary-canary-deployment.yaml"] {
                #expect(try await tack.kubectl("apply", "-f", seeds.appendingPathComponent(file).path).succeeded)
            }
            try await tack.kubectl("rollout", "status", "deploy/canary", "--timeout=90s")
            try await Self.waitForColor(tack, host: "canary.demo", "blue")
            #expect(try await tack.kubectl("apply", "-f", seeds.appendingPathComponent("manual-canary-nginx-canary-ingress.yaml").path).succeeded)
            try await Task.sleep(for: .seconds(1))
            var green = 0
            for _ in 0..<500 where await Self.get(tack, host: "canary.demo").1.contains("green") { green += 1 }
            #expect((50...150).contains(green), "about a fifth of 500 requests reach the canary (\(green))")
            let forced = await Self.get(tack, host: "canary.demo", headers: [("X-Canary", "always")])
            #expect(forced.1.contains("green"))
        }
    }

    static let weightedCanary = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: NAME}
    spec:
      replicas: 1
      selector: {matchLabels: {app: NAME}}
      template:
        metadata: {labels: {app: NAME}}
        spec:
          containers:
          - name: demo
            image: argoproj/rollouts-demo:COLOR
            ports: [{containerPort: 8080}]
            readinessProbe: {httpGet: {path: /color, port: 8080}, periodSeconds: 1}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: NAME}
    spec:
      selector: {app: NAME}
      ports: [{port: 80, targetPort: 8080}]
    """

    @Test("an ingress canary at weight 20 gets 20% ± 2 points of 5,000 requests; header and cookie routing are exact")
    func canaryWeightHeaderAndCookie() async throws {
        try await withTack { tack in
            for (name, color) in [("stable", "blue"), ("canary", "green")] {
                let manifest = Self.weightedCanary.replacingOccurrences(of: "NAME", with: name).replacingOccurrences(of: "COLOR", with: color)
                #expect(try await tack.kubectl(["apply", "-f", "-"], stdin: manifest).succeeded)
            }
            let ingresses = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: stable}
            spec:
              rules: [{host: weights.test, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: stable, port: {number: 80}}}}]}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: canary
              annotations:
                nginx.ingress.kubernetes.io/canary: "true"
                nginx.ingress.kubernetes.io/canary-weight: "20"
                nginx.ingress.kubernetes.io/canary-by-header: X-Canary
                nginx.ingress.kubernetes.io/canary-by-cookie: canary
            spec:
              rules: [{host: weights.test, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: canary, port: {number: 80}}}}]}}]
            """
            #expect(try await tack.kubectl(["apply", "-f", "-"], stdin: ingresses).succeeded)
            try await tack.kubectl("rollout", "status", "deploy/stable", "--timeout=90s")
            try await tack.kubectl("rollout", "status", "deploy/canary", "--timeout=90s")
            try await Self.waitForColor(tack, host: "weights.test", "blue")
            try await Self.waitForColor(tack, host: "weights.test", "green", timeout: .seconds(30))
            let counts = Locked<(green: Int, blue: Int, failed: Int)>((0, 0, 0))
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        for _ in 0..<500 {
                            let (status, body) = await Self.get(tack, host: "weights.test")
                            counts.withLock { c in
                                if status != 200 { c.failed += 1 } else if body.contains("green") { c.green += 1 } else { c.blue += 1 }
                            }
                        }
                    }
                }
            }
            let result = counts.withLock { $0 }
            #expect(result.failed == 0)
            let share = Double(result.green) / 5000
            #expect(abs(share - 0.20) <= 0.02, "canary share \(share) of 5,000 requests")
            for _ in 0..<50 {
                #expect(await Self.get(tack, host: "weights.test", headers: [("X-Canary", "always")]).1.contains("green"))
                #expect(await Self.get(tack, host: "weights.test", headers: [("X-Canary", "never")]).1.contains("blue"))
                #expect(await Self.get(tack, host: "weights.test", headers: [("Cookie", "canary=always")]).1.contains("green"))
                #expect(await Self.get(tack, host: "weights.test", headers: [("Cookie", "canary=never")]).1.contains("blue"))
            }
        }
    }

    @Test("a rolling update of 5 replicas under constant load through the ingress fails no request; rollout undo returns the old colour")
    func rollingUpdateUnderLoad() async throws {
        try await withTack { tack in
            let manifest = Self.weightedCanary.replacingOccurrences(of: "NAME", with: "web").replacingOccurrences(of: "COLOR", with: "blue")
                .replacingOccurrences(of: "replicas: 1", with: "replicas: 5") + """

            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules: [{host: web.test, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            """
            #expect(try await tack.kubectl(["apply", "-f", "-"], stdin: manifest).succeeded)
            #expect(try await tack.kubectl("rollout", "status", "deploy/web", "--timeout=120s").succeeded)
            try await Self.waitForColor(tack, host: "web.test", "blue")
            let stop = Locked(false)
            let tally = Locked<(ok: Int, failed: [String], colors: Set<String>)>((0, [], []))
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            while !stop.withLock({ $0 }) {
                                let (status, body) = await Self.get(tack, host: "web.test")
                                tally.withLock { t in
                                    if status == 200 { t.ok += 1; t.colors.insert(body) } else { t.failed.append("\(status) \(body.prefix(100))") }
                                }
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(1))
            #expect(try await tack.kubectl("set", "image", "deploy/web", "demo=argoproj/rollouts-demo:green").succeeded)
            let rolled = try await tack.kubectl("rollout", "status", "deploy/web", "--timeout=180s")
            #expect(rolled.succeeded, "\(rolled)")
            try await Task.sleep(for: .seconds(2))
            stop.withLock { $0 = true }
            await load.value
            let result = tally.withLock { $0 }
            #expect(result.failed.isEmpty, "failed requests during the rollout: \(result.failed.prefix(5)) of \(result.failed.count)")
            #expect(result.ok > 100)
            #expect(result.colors.contains { $0.contains("green") })
            try await Self.waitForColor(tack, host: "web.test", "green")
            #expect(try await tack.kubectl("rollout", "undo", "deploy/web").succeeded)
            #expect(try await tack.kubectl("rollout", "status", "deploy/web", "--timeout=180s").succeeded)
            try await Self.waitForColor(tack, host: "web.test", "blue")
        }
    }

    @Test("a killed container and a failing liveness probe are restarted; kubectl logs -f streams and --previous shows the last run")
    func restartsAndLogs() async throws {
        try await withTack { tack in
            let pods = """
            apiVersion: v1
            kind: Pod
            metadata: {name: ticker}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sh, -c, 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done']
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: unhealthy}
            spec:
              containers:
              - name: main
                image: busybox
                command: [sh, -c, 'touch healthy; sleep 2; rm -f healthy; sleep 600']
                livenessProbe:
                  exec: {command: [sh, -c, 'test -f "$TACK_POD_ROOT/healthy"']}
                  periodSeconds: 1
                  failureThreshold: 1
            """
            #expect(try await tack.kubectl(["apply", "-f", "-"], stdin: pods).succeeded)
            #expect(try await tack.kubectl("wait", "--for=condition=Ready", "pod/ticker", "--timeout=60s").succeeded)
            // kubectl logs -f streams lines as they are written.
            let follow = try Command.start("kubectl", ["logs", "-f", "ticker"], environment: tack.environment)
            try await Task.sleep(for: .seconds(2))
            let streamed = follow.output.split(separator: "\n").filter { $0.hasPrefix("tick") }.count
            #expect(streamed >= 3, "lines streamed while the container runs: \(streamed)")
            #expect(follow.process.isRunning, "logs -f keeps following a running container")
            // Kill the container's process: restartPolicy Always brings it back.
            let before = try await tack.object("get", "pod", "ticker")
            let pids = tack.containerPIDs()
            #expect(!pids.isEmpty)
            for pid in pids { kill(-pid, SIGKILL) }
            try await eventually(timeout: .seconds(60)) {
                let pod = try await tack.object("get", "pod", "ticker")
                return (pod?["status"]?["containerStatuses"]?[0]?["restartCount"]?.intValue ?? 0) >= 1
                    && pod?["status"]?["containerStatuses"]?[0]?["state"]?["running"] != nil
            }
            follow.terminate()
            _ = before
            let previous = try await tack.kubectl("logs", "ticker", "--previous")
            #expect(previous.succeeded && previous.stdout.contains("tick 0"), "\(previous)")
            let tail = try await tack.kubectl("logs", "ticker", "--tail=2", "--timestamps")
            #expect(tail.stdout.split(separator: "\n").count == 2, "\(tail)")
            // The liveness probe fails once `healthy` is gone: the container is restarted.
            try await eventually(timeout: .seconds(60)) {
                let pod = try await tack.object("get", "pod", "unhealthy")
                return (pod?["status"]?["containerStatuses"]?[0]?["restartCount"]?.intValue ?? 0) >= 1
            }
            let events = try await tack.kubectl("get", "events", "--field-selector", "involvedObject.name=unhealthy")
            #expect(events.stdout.contains("Liveness probe failed"), "\(events)")
        }
    }

    @Test("a Job that always fails ends Failed after backoffLimit+1 attempts; the seed's analysis Job runs through the host shell")
    func jobs() async throws {
        try await withTack { tack in
            let failing = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: always-fails}
            spec:
              backoffLimit: 2
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox, command: [sh, -c, 'echo failing; exit 1']}]
            """
            #expect(try await tack.kubectl(["apply", "-f", "-"], stdin: failing).succeeded)
            // The seed's analysis metric: busybox `sh -c '[[ $(expr $RANDOM % 2) -eq 1 ]]'` (needs [[ and $RANDOM).
            let seed = try YAML.decodeAll(Fixtures.text("seeds/rollouts/canary-job-analysis-nginx.yaml"))
            let jobSpec = try #require(seed.first { $0.kind == "AnalysisTemplate" }?["spec"]?["metrics"]?[0]?["provider"]?["job"]?["spec"])
            let analysis: JSON = ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "analysis"], "spec": jobSpec]
            #expect(try await tack.kubectl(["apply", "-f", "-"], stdin: analysis.serializedString()).succeeded)
            try await eventually(timeout: .seconds(90)) {
                let job = try await tack.object("get", "job", "analysis")
                return (job?["status"]?["conditions"]?.arrayValue ?? []).contains {
                    ($0["type"] == "Complete" || $0["type"] == "Failed") && $0["status"] == "True"
                }
            }
            let analysisPods = try await tack.object("get", "pods", "-l", "job-name=analysis")
            for pod in analysisPods?["items"]?.arrayValue ?? [] {
                let code = pod["status"]?["containerStatuses"]?[0]?["state"]?["terminated"]?["exitCode"]?.intValue
                #expect(code == 0 || code == 1, "the analysis command ran in a shell that has [[ and $RANDOM (exit \(code ?? -1))")
            }
            try await eventually(timeout: .seconds(120)) {
                let job = try await tack.object("get", "job", "always-fails")
                return (job?["status"]?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Failed" && $0["status"] == "True" }
            }
            let job = try await tack.object("get", "job", "always-fails")
            #expect(job?["status"]?["failed"] == 3)
            let failedCondition = job?["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Failed" }
            #expect(failedCondition?["reason"] == "BackoffLimitExceeded")
            let attempts = try await tack.object("get", "pods", "-l", "job-name=always-fails")
            #expect(attempts?["items"]?.count == 3)
        }
    }
}

/// A value shared with concurrently running tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
