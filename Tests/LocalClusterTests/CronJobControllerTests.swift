import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import LocalCluster
import Logging
import Synchronization
import TestCluster
import Testing

/// The CronJob controller against the embedded API server, on a manual clock: the test moves time to the
/// scheduled minutes instead of waiting for them. No Job controller runs here: the test finishes Jobs by
/// writing their `Complete` condition through `jobs/status`, as the Job controller would.
@Suite("CronJob controller", .serialized)
struct CronJobControllerTests {
    static let resource = GroupVersionResource(group: "batch", version: "v1", resource: "cronjobs")

    @Test("a CronJob creates its Job at the scheduled minute and, with Forbid, skips minutes while it runs")
    func schedulesAndForbids() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        let clock = ManualClock()
        let start = Date()
        var logger = Logger(label: "cronjob-controller-test")
        logger.logLevel = .error
        let factory = SharedInformerFactory(client: client, logger: logger)
        var configuration = CronJobController.Configuration()
        configuration.clock = clock
        configuration.now = { start.addingTimeInterval(Self.seconds(clock.now.offset)) }
        configuration.defaultTimeZone = TimeZone(identifier: "UTC") ?? .current
        let controller = CronJobController(client: client, factory: factory, configuration: configuration, logger: logger)
        let tasks = [Task { try? await factory.run() }, Task { try? await controller.run() }]
        defer {
            for task in tasks { task.cancel() }
            Task { await client.shutdown(); await cluster.destroy() }
        }
        await factory.waitForSync()

        let namespace = "cron-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await client.resource(Namespace.self).create(Namespace(name: namespace))
        let cronJobs = client.resource(Self.resource, kind: "CronJob", namespaced: true, namespace: namespace)
        let jobs = client.resource(Job.self, namespace: namespace)
        let cronJob: JSON = [
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "tick", "namespace": .string(namespace)],
            "spec": ["schedule": "* * * * *", "concurrencyPolicy": "Forbid",
                     "jobTemplate": ["spec": ["template": ["spec": ["restartPolicy": "Never",
                                                                   "containers": [["name": "main", "image": "busybox"]]]]]]],
        ]
        let created = try await cronJobs.create(Unstructured(json: cronJob)).json
        let createdAt = created.creationTimestamp.flatMap(Timestamp.parse) ?? start
        let firstMinute = (createdAt.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        func name(_ minute: Double) -> String { "tick-\(Int64(minute) / 60)" }

        /// Polls until `condition` holds, nudging manual time by 10 ms per round so that a rate-limited
        /// retry (a conflict on a stale cache) still runs; schedule times are whole minutes away.
        func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if try await condition() { return }
                clock.advance(by: .milliseconds(10))
                try await Task.sleep(for: .milliseconds(50))
            }
            throw Timeout(what: what)
        }
        func moveTo(_ time: Double) async {
            await clock.waitForSleepers(1)
            clock.advance(to: ManualClock.Instant(offset: .milliseconds(Int64(((time - start.timeIntervalSince1970) * 1000).rounded(.up)))))
        }
        func controlled() async throws -> [JSON] {
            try await jobs.list().items.map(\.json).filter { $0.controllerReference?.uid == created.uid }
        }

        // Before the minute nothing runs.
        await clock.waitForSleepers(1)
        #expect(try await controlled().isEmpty)

        // At the minute (plus a second), the Job for that minute appears.
        await moveTo(firstMinute + 1)
        try await waitUntil("the first Job") { try await jobs.getIfPresent(name(firstMinute)) != nil }
        let first = try await jobs.get(name(firstMinute)).json
        #expect(first.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] == Timestamp.format(Date(timeIntervalSince1970: firstMinute)))
        #expect(first.controllerReference == OwnerReference(apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: created.uid,
                                                            controller: true, blockOwnerDeletion: true))
        try await waitUntil("status.active") {
            let status = try await cronJobs.get("tick").json["status"]
            return status?["active"]?[0]?["name"]?.stringValue == name(firstMinute)
                && status?["lastScheduleTime"]?.stringValue == Timestamp.format(Date(timeIntervalSince1970: firstMinute))
        }

        // The next minute the first Job still runs: Forbid skips it.
        await moveTo(firstMinute + 61)
        try await waitUntil("the JobAlreadyActive event") {
            try await client.resource(Event.self, namespace: namespace).list().items.contains {
                $0.json["involvedObject"]?["name"] == "tick" && $0.json["reason"] == "JobAlreadyActive"
            }
        }
        #expect(try await controlled().map(\.name) == [name(firstMinute)])

        // The first Job completes (as the Job controller would report it). The minute Forbid skipped is still
        // unserved and there is no startingDeadlineSeconds, so its Job starts at once, late, as upstream.
        let done = Timestamp.format(Date(timeIntervalSince1970: firstMinute + 90))
        let finished: JSON = [
            "status": ["startTime": .string(Timestamp.format(Date(timeIntervalSince1970: firstMinute))), "completionTime": .string(done), "succeeded": 1,
                       "conditions": [["type": "Complete", "status": "True", "lastProbeTime": .string(done), "lastTransitionTime": .string(done)]]],
        ]
        _ = try await jobs.patch(name(firstMinute), type: .merge, body: finished, subresource: "status")
        try await waitUntil("the skipped minute's Job") {
            let status = try await cronJobs.get("tick").json["status"]
            return status?["lastSuccessfulTime"]?.stringValue == done && status?["active"]?.count == 1
                && status?["active"]?[0]?["name"]?.stringValue == name(firstMinute + 60)
                && status?["lastScheduleTime"]?.stringValue == Timestamp.format(Date(timeIntervalSince1970: firstMinute + 60))
        }
        #expect(try await controlled().map(\.name).sorted() == [name(firstMinute), name(firstMinute + 60)])

        // The next minute the second Job still runs: skipped again.
        await moveTo(firstMinute + 121)
        try await waitUntil("a second JobAlreadyActive") {
            try await client.resource(Event.self, namespace: namespace).list().items.contains {
                $0.json["involvedObject"]?["name"] == "tick" && $0.json["reason"] == "JobAlreadyActive" && ($0.json["count"]?.intValue ?? 0) >= 2
            }
        }
        #expect(try await controlled().count == 2)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    struct Timeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }
}
