import Foundation
import KubeClient
import KubeModel
import Synchronization
import TestCluster
import Testing
@testable import ControllerRuntime

/// A value shared between a test and the tasks it starts.
final class Shared<Value: Sendable>: Sendable {
    let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// Records what a test reconciler saw.
final class ReconcileLog: Sendable {
    let keys = Mutex<[String]>([])
    let running = Mutex<Set<String>>([])
    let overlaps = Mutex(0)

    func record(_ key: String) {
        keys.withLock { $0.append(key) }
    }
}

@Suite("Controllers", .serialized)
struct ControllerTests {
    @Test("owned objects enqueue their controller's key, and a failing reconcile is retried with backoff")
    func ownedObjectsAndRetries() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let factory = SharedInformerFactory(client: client)
        let deployments = factory.informer(Deployment.self)
        let replicaSets = factory.informer(ReplicaSet.self)
        let log = ReconcileLog()
        let failures = Shared(0)
        let controller = Controller(name: "test", workers: 3) { key in
            log.running.withLock { running in
                if running.contains(key) { log.overlaps.withLock { $0 += 1 } }
                running.insert(key)
            }
            defer { log.running.withLock { _ = $0.remove(key) } }
            log.record(key)
            if key == "default/flaky", failures.withLock({ $0 += 1; return $0 }) < 3 {
                struct Flaky: Error {}
                throw Flaky()
            }
            return .done
        }
        controller.watch(deployments)
        controller.watchOwned(replicaSets, ownerKind: "Deployment")
        let runFactory = Task { try await factory.run() }
        let runController = Task { try await controller.run() }
        defer {
            runController.cancel()
            runFactory.cancel()
        }
        await factory.waitForSync()
        func deployment(_ name: String) -> Deployment {
            var d = Deployment(name: name, namespace: "default")
            d.json["spec"] = ["selector": ["matchLabels": ["app": .string(name)]],
                              "template": ["metadata": ["labels": ["app": .string(name)]], "spec": ["containers": [["name": "c", "image": "x"]]]]]
            return d
        }
        let web = try await client.resource(Deployment.self, namespace: "default").create(deployment("web"))
        var rs = ReplicaSet(name: "web-abc", namespace: "default")
        rs.json["metadata"]?["ownerReferences"] = [["apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": .string(web.uid), "controller": true]]
        rs.json["spec"] = ["selector": ["matchLabels": ["app": "web"]],
                           "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "c", "image": "x"]]]]]
        _ = try await client.resource(ReplicaSet.self, namespace: "default").create(rs)
        _ = try await client.resource(Deployment.self, namespace: "default").create(deployment("flaky"))
        try await eventually { log.keys.withLock { $0.filter { $0 == "default/web" }.count } >= 2 }
        try await eventually { failures.withLock { $0 } >= 3 }
        #expect(!log.keys.withLock { $0 }.contains("default/web-abc"), "the ReplicaSet maps to its owner, not itself")
        #expect(log.overlaps.withLock { $0 } == 0, "no key is reconciled by two workers at once")
    }
}

@Suite("Leader election", .serialized)
struct LeaderElectionTests {
    func configuration(_ identity: String) -> LeaderElector.Configuration {
        var c = LeaderElector.Configuration(namespace: "kube-system", name: "tack-controller", identity: identity)
        c.retryPeriod = .milliseconds(100)
        c.renewDeadline = .milliseconds(600)
        c.leaseDuration = .seconds(1)
        return c
    }

    @Test("of two contenders one leads; when it stops and releases, the other takes over")
    func takeoverAfterRelease() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let leading = Shared<[String]>([])
        let a = LeaderElector(client: client, configuration: configuration("a"))
        let b = LeaderElector(client: client, configuration: configuration("b"))
        func contender(_ elector: LeaderElector, _ name: String) -> Task<Void, any Error> {
            Task {
                try await elector.run {
                    leading.withLock { $0.append(name) }
                    defer { leading.withLock { $0.removeAll { $0 == name } } }
                    try await Task.sleep(for: .seconds(3600))
                }
            }
        }
        let first = contender(a, "a")
        try await eventually { leading.withLock { $0 } == ["a"] }
        let second = contender(b, "b")
        try await Task.sleep(for: .milliseconds(500))
        #expect(leading.withLock { $0 } == ["a"], "only one leads at a time")
        first.cancel()
        _ = try? await first.value
        try await eventually(.seconds(5)) { leading.withLock { $0 } == ["b"] }
        let lease = try await client.resource(Lease.self, namespace: "kube-system").get("tack-controller")
        #expect(lease.holderIdentity == "b")
        #expect(lease.json["spec"]?["leaseTransitions"] == 1)
        second.cancel()
    }

    @Test("a leader that stops renewing without releasing is replaced only once its lease has expired")
    func takeoverAfterExpiry() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let clock = ManualClock()
        var crashed = configuration("crashed")
        crashed.releaseOnCancel = false
        let a = LeaderElector(client: client, configuration: crashed)
        let first = Task { try await a.run { try await Task.sleep(for: .seconds(3600)) } }
        try await eventually { (try await client.resource(Lease.self, namespace: "kube-system").getIfPresent("tack-controller"))?.holderIdentity == "crashed" }
        first.cancel()
        _ = try? await first.value
        var patient = configuration("patient")
        patient.leaseDuration = .seconds(15)
        let b = LeaderElector(client: client, configuration: patient, clock: clock)
        let leading = Shared(false)
        let second = Task { try await b.run { leading.withLock { $0 = true }; try await Task.sleep(for: .seconds(3600)) } }
        defer { second.cancel() }
        // b observes the lease, then keeps retrying every retry period on its manual clock.
        for _ in 0..<10 {
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(100))
        }
        #expect(!leading.withLock { $0 }, "not before the lease duration has passed on b's clock")
        for _ in 0..<160 {
            if leading.withLock({ $0 }) { break }
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(100))
        }
        try await eventually { leading.withLock { $0 } }
        #expect(try await client.resource(Lease.self, namespace: "kube-system").get("tack-controller").holderIdentity == "patient")
    }
}
