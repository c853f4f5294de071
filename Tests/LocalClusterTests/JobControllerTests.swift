import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import LocalCluster
import Logging
import Synchronization
import TestCluster
import Testing

/// The Job controller against the embedded API server. No kubelet runs here: each test plays it by writing
/// pod phases through `pods/status` (Running, Succeeded, Failed), as the kubelet reports containers that
/// started and exited. Pods stay unbound (no scheduler), so deleting one only waits for its finalizers.
@Suite("Job controller", .serialized)
struct JobControllerTests {
    final class Harness: Sendable {
        let cluster: EmbeddedTestCluster
        let client: KubeClient
        let namespace: String
        let tasks: Mutex<[Task<Void, Never>]> = Mutex([])

        init(cluster: EmbeddedTestCluster, client: KubeClient, namespace: String) {
            self.cluster = cluster
            self.client = client
            self.namespace = namespace
        }

        /// A cluster, a fresh namespace and the Job controller with a 100 ms pod failure backoff.
        static func start() async throws -> Harness {
            let cluster = try await EmbeddedTestCluster.start()
            let client = try cluster.client()
            let namespace = "jobs-\(UInt32.random(in: 0...UInt32.max))"
            _ = try await client.resource(Namespace.self).create(Namespace(name: namespace))
            let harness = Harness(cluster: cluster, client: client, namespace: namespace)
            var logger = Logger(label: "job-controller-test")
            logger.logLevel = .error
            let factory = SharedInformerFactory(client: client, logger: logger)
            var configuration = JobController.Configuration()
            configuration.settings = JobPlanner.Settings(podFailureBackoff: .milliseconds(100), minimumBackoffRequeue: .milliseconds(20))
            let controller = JobController(client: client, factory: factory, configuration: configuration, logger: logger)
            harness.tasks.withLock {
                $0 = [Task { try? await factory.run() }, Task { try? await controller.run() }]
            }
            await factory.waitForSync()
            return harness
        }

        func stop() async {
            for task in tasks.withLock({ $0 }) { task.cancel() }
            await client.shutdown()
            await cluster.destroy()
        }

        var jobs: ResourceClient<Job> { client.resource(Job.self, namespace: namespace) }
        var pods: ResourceClient<Pod> { client.resource(Pod.self, namespace: namespace) }

        func create(_ name: String, spec: JSON) async throws {
            var job = Job(name: name, namespace: namespace)
            var full: JSON = ["template": ["spec": ["restartPolicy": "Never",
                                                    "containers": [["name": "main", "image": "busybox", "command": ["sh", "-c", "true"]]]]]]
            for (key, value) in spec.objectValue ?? [:] { full[key] = value }
            job.json["spec"] = full
            _ = try await jobs.create(job)
        }

        /// The Job's pods, oldest first.
        func podsOf(_ job: String) async throws -> [JSON] {
            try await pods.list(ListOptions(labelSelector: "batch.kubernetes.io/job-name=\(job)")).items.map(\.json)
                .sorted { ($0.creationTimestamp ?? "", $0.name) < ($1.creationTimestamp ?? "", $1.name) }
        }

        /// The kubelet's report of a pod whose only container exited.
        func finish(_ pod: JSON, exitCode: Int) async throws {
            let now = JSON.string(Timestamp.format(Date()))
            let status: JSON = [
                "phase": .string(exitCode == 0 ? "Succeeded" : "Failed"),
                "conditions": [["type": "Ready", "status": "False", "lastTransitionTime": now]],
                "containerStatuses": [["name": "main", "image": "busybox", "imageID": "", "ready": false, "restartCount": 0,
                                       "state": ["terminated": ["exitCode": JSON(exitCode), "reason": .string(exitCode == 0 ? "Completed" : "Error"),
                                                                "startedAt": now, "finishedAt": now]]]],
            ]
            _ = try await pods.patch(pod.name, type: .merge, body: ["status": status], subresource: "status")
        }

        func markRunning(_ pod: JSON) async throws {
            _ = try await pods.patch(pod.name, type: .merge, body: ["status": ["phase": "Running"]], subresource: "status")
        }

        /// Polls every 50 ms until `condition` holds.
        func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try await condition() { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw Timeout(what: what)
        }

        struct Timeout: Error, CustomStringConvertible {
            let what: String
            var description: String { "timed out waiting for \(what)" }
        }

        func events(about name: String) async throws -> [JSON] {
            try await client.resource(Event.self, namespace: namespace).list().items.map(\.json)
                .filter { $0["involvedObject"]?["name"]?.stringValue == name }
        }

        static func isActive(_ pod: JSON) -> Bool {
            let phase = pod["status"]?["phase"]?.stringValue
            return phase != "Succeeded" && phase != "Failed" && !pod.isBeingDeleted
        }

        static func conditionTypes(_ job: JSON) -> [String] {
            job["status"]?["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        }
    }

    @Test("a Job of completions 3 and parallelism 2 runs at most two pods at a time and completes")
    func completes() async throws {
        let h = try await Harness.start()
        defer { Task { await h.stop() } }
        try await h.create("batch", spec: ["completions": 3, "parallelism": 2])
        var maxActive = 0
        var sawTwo = false
        try await h.waitUntil("the Job completes") {
            let job = try await h.jobs.get("batch").json
            if Harness.conditionTypes(job).contains("Complete") { return true }
            let active = try await h.podsOf("batch").filter(Harness.isActive)
            maxActive = max(maxActive, active.count)
            // Playing the kubelet: once the controller has filled its slots, the oldest pod succeeds.
            let wanted = min(2, 3 - (job["status"]?["succeeded"]?.intValue ?? 0))
            if active.count >= wanted, let oldest = active.first {
                if active.count == 2 { sawTwo = true }
                try await h.finish(oldest, exitCode: 0)
            }
            return false
        }
        let job = try await h.jobs.get("batch").json
        let status = job["status"] ?? .emptyObject
        #expect(maxActive <= 2)
        #expect(sawTwo)
        #expect(status["succeeded"] == 3)
        #expect(status["failed"] == nil)
        #expect(status["active"] == nil)
        #expect(status["ready"] == 0)
        #expect(status["terminating"] == 0)
        #expect(status["uncountedTerminatedPods"] == [:])
        #expect(status["startTime"] != nil && status["completionTime"] != nil)
        #expect(Harness.conditionTypes(job) == ["SuccessCriteriaMet", "Complete"])
        #expect(JobPlanner.finishedCondition(job)?["reason"] == "CompletionsReached")

        let pods = try await h.podsOf("batch")
        #expect(pods.count == 3)
        for pod in pods {
            #expect(pod.finalizers.isEmpty)
            #expect(pod.name.hasPrefix("batch-") && pod.name.count == "batch-".count + 5)
            #expect(pod.controllerReference?.uid == job.uid && pod.controllerReference?.blockOwnerDeletion == true)
            #expect(pod.labels["batch.kubernetes.io/controller-uid"] == job.uid)
        }
        try await h.waitUntil("the Completed event") {
            try await h.events(about: "batch").contains { $0["reason"] == "Completed" }
        }
        let events = try await h.events(about: "batch")
        let created = events.filter { $0["reason"] == "SuccessfulCreate" }.compactMap { $0["message"]?.stringValue }.sorted()
        #expect(created == pods.map { "Created pod: \($0.name)" }.sorted())
        #expect(events.first { $0["reason"] == "Completed" }?["message"] == "Job completed")
    }

    @Test("a Job whose pods always fail ends Failed after backoffLimit + 1 pods")
    func failsAfterBackoffLimit() async throws {
        let h = try await Harness.start()
        defer { Task { await h.stop() } }
        try await h.create("flaky", spec: ["backoffLimit": 2])
        try await h.waitUntil("the Job fails") {
            let job = try await h.jobs.get("flaky").json
            if Harness.conditionTypes(job).contains("Failed") { return true }
            // Playing the kubelet: every pod exits with status 1.
            for pod in try await h.podsOf("flaky").filter(Harness.isActive) { try await h.finish(pod, exitCode: 1) }
            return false
        }
        let job = try await h.jobs.get("flaky").json
        #expect(job["status"]?["failed"] == 3)
        #expect(job["status"]?["succeeded"] == nil)
        #expect(job["status"]?["completionTime"] == nil)
        #expect(Harness.conditionTypes(job) == ["FailureTarget", "Failed"])
        let failed = JobPlanner.finishedCondition(job)
        #expect(failed?["reason"] == "BackoffLimitExceeded")
        #expect(failed?["message"] == "Job has reached the specified backoff limit")
        let pods = try await h.podsOf("flaky")
        #expect(pods.count == 3)
        #expect(pods.allSatisfy { $0["status"]?["phase"] == "Failed" && $0.finalizers.isEmpty })
        try await h.waitUntil("the BackoffLimitExceeded event") {
            try await h.events(about: "flaky").contains { $0["reason"] == "BackoffLimitExceeded" }
        }
        let event = try await h.events(about: "flaky").first { $0["reason"] == "BackoffLimitExceeded" }
        #expect(event?["type"] == "Warning")
        #expect(event?["message"] == "Job has reached the specified backoff limit")
    }

    @Test("past activeDeadlineSeconds a running Job fails with DeadlineExceeded and its pod is deleted")
    func deadline() async throws {
        let h = try await Harness.start()
        defer { Task { await h.stop() } }
        try await h.create("slow", spec: ["activeDeadlineSeconds": 1])
        try await h.waitUntil("a pod") { try await !h.podsOf("slow").isEmpty }
        for pod in try await h.podsOf("slow") { try await h.markRunning(pod) }
        try await h.waitUntil("the Job fails") {
            try await Harness.conditionTypes(h.jobs.get("slow").json).contains("Failed")
        }
        let job = try await h.jobs.get("slow").json
        let failed = JobPlanner.finishedCondition(job)
        #expect(failed?["reason"] == "DeadlineExceeded")
        #expect(failed?["message"] == "Job was active longer than specified deadline")
        #expect(job["status"]?["failed"] == 1)
        #expect(job["status"]?["active"] == nil)
        try await h.waitUntil("the pod is gone") { try await h.podsOf("slow").isEmpty }
    }

    @Test("an Indexed Job gives each pod its index and records the completed ones")
    func indexed() async throws {
        let h = try await Harness.start()
        defer { Task { await h.stop() } }
        try await h.create("shards", spec: ["completions": 2, "parallelism": 2, "completionMode": "Indexed"])
        try await h.waitUntil("two pods") { try await h.podsOf("shards").count == 2 }
        let pods = try await h.podsOf("shards")
        let indexes = pods.compactMap { $0.annotations["batch.kubernetes.io/job-completion-index"] }.sorted()
        #expect(indexes == ["0", "1"])
        for pod in pods {
            let index = pod.annotations["batch.kubernetes.io/job-completion-index"] ?? ""
            #expect(pod.name.hasPrefix("shards-\(index)-"))
            #expect(pod["spec"]?["hostname"] == .string("shards-\(index)"))
            #expect(pod[path: ["spec", "containers"]]?[0]?["env"]?[0]?["name"] == "JOB_COMPLETION_INDEX")
            try await h.finish(pod, exitCode: 0)
        }
        try await h.waitUntil("the Job completes") {
            try await Harness.conditionTypes(h.jobs.get("shards").json).contains("Complete")
        }
        let status = try await h.jobs.get("shards").json["status"]
        #expect(status?["completedIndexes"] == "0,1")
        #expect(status?["succeeded"] == 2)
    }

    @Test("ttlSecondsAfterFinished deletes the finished Job")
    func ttlAfterFinished() async throws {
        let h = try await Harness.start()
        defer { Task { await h.stop() } }
        try await h.create("once", spec: ["ttlSecondsAfterFinished": 0])
        try await h.waitUntil("a pod") { try await !h.podsOf("once").isEmpty }
        for pod in try await h.podsOf("once") { try await h.finish(pod, exitCode: 0) }
        try await h.waitUntil("the Job is deleted") { try await h.jobs.getIfPresent("once") == nil }
    }
}
