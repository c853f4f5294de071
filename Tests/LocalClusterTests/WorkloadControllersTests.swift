import Foundation
import KubeClient
import KubeModel
import LocalCluster
import Testing

/// The Deployment and ReplicaSet controllers against the real embedded API server. The test plays the
/// kubelet (see `WorkloadHarness`): it reports pods Running and Ready through their `/status`.
@Suite("Deployment and ReplicaSet controllers", .serialized)
struct WorkloadControllersTests {
    @Test("a Deployment of 5 replicas reaches 5 available pods, named, labelled and owned as upstream")
    func deploymentBecomesAvailable() async throws {
        let h = try await WorkloadHarness.start()
        do {
            _ = try await h.deployments.create(WorkloadHarness.deployment(replicas: 5))
            let d = try await h.waitForRollout("web", replicas: 5)
            let status = d.status
            #expect(status["readyReplicas"] == 5)
            #expect(status["unavailableReplicas"] == nil)
            #expect(d.annotations["deployment.kubernetes.io/revision"] == "1")
            let available = DeploymentConditions.get(status, "Available")
            #expect(available?["status"] == "True")
            #expect(available?["message"] == "Deployment has minimum availability.")

            let sets = try await h.replicaSets.list().items
            #expect(sets.count == 1)
            let rs = try #require(sets.first)
            let hash = try #require(rs.labels["pod-template-hash"])
            #expect(rs.name == "web-\(hash)")
            #expect(hash.count <= 10 && hash.allSatisfy { "456789bcdf".contains($0) })
            #expect(rs.annotations["deployment.kubernetes.io/desired-replicas"] == "5")
            #expect(rs.annotations["deployment.kubernetes.io/max-replicas"] == "7")
            #expect(rs.ownerReferences.first?.uid == d.uid)
            let progressing = DeploymentConditions.get(try await h.deployments.get("web").status, "Progressing")
            #expect(progressing?["reason"] == "NewReplicaSetAvailable")
            #expect(progressing?["message"] == .string("ReplicaSet \"\(rs.name)\" has successfully progressed."))

            let pods = try await h.livePods()
            #expect(pods.count == 5)
            for pod in pods {
                #expect(pod.name.hasPrefix("\(rs.name)-") && pod.name.count == rs.name.count + 6)
                #expect(pod.labels == ["app": "web", "pod-template-hash": hash])
                #expect(pod.ownerReferences == [OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.name, uid: rs.uid,
                                                               controller: true, blockOwnerDeletion: true)])
                #expect(pod["spec"]?["nodeName"] == nil)
            }
            try await h.waitUntil("ReplicaSet status") {
                let s = try await h.replicaSets.get(rs.name).status
                return s["availableReplicas"] == 5 && s["fullyLabeledReplicas"] == 5 && s["readyReplicas"] == 5
                    && s["observedGeneration"]?.int64Value == rs.generation
            }
            try await h.waitUntil("events") {
                let created = try await h.events(about: rs.name, reason: "SuccessfulCreate")
                let scaled = try await h.events(about: "web", reason: "ScalingReplicaSet")
                return created.count == 5 && !scaled.isEmpty
            }
            let scaling = try await h.events(about: "web", reason: "ScalingReplicaSet")
            #expect(scaling.first?["message"] == .string("Scaled up replica set \(rs.name) to 5"))
            #expect(scaling.first?["source"]?["component"] == "deployment-controller")
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test("an image change rolls out within maxSurge and maxUnavailable at every observed moment")
    func rollingUpdate() async throws {
        let h = try await WorkloadHarness.start()
        do {
            _ = try await h.deployments.create(WorkloadHarness.deployment(replicas: 5))
            _ = try await h.waitForRollout("web", replicas: 5)
            let observer = try await PodObserver.start(h.pods)
            _ = try await h.deployments.patch("web", type: .strategicMerge, body: [
                "spec": ["template": ["spec": ["containers": [["name": "main", "image": "argoproj/rollouts-demo:green"]]]]],
            ])
            let d = try await h.waitForRollout("web", replicas: 5)
            try await h.waitUntil("old pods gone") { try await h.livePods().count == 5 }
            observer.stop()
            let record = observer.record.withLock { $0 }
            #expect(record.samples > 10)
            #expect(record.maxLive <= 5 + 2, "maxSurge 25% of 5 rounds up to 2")
            #expect(record.minReady >= 5 - 1, "maxUnavailable 25% of 5 rounds down to 1")
            #expect(try await h.livePods().map { WorkloadHarness.image(of: $0) } == Array(repeating: "argoproj/rollouts-demo:green", count: 5))
            #expect(d.annotations["deployment.kubernetes.io/revision"] == "2")
            let sets = try await h.replicaSets.list().items.sorted { ($0.annotations["deployment.kubernetes.io/revision"] ?? "") < ($1.annotations["deployment.kubernetes.io/revision"] ?? "") }
            #expect(sets.map(\.replicas) == [0, 5])
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test("rollout undo, as kubectl 1.32 patches it, returns to the old template, ReplicaSet and colour")
    func undo() async throws {
        let h = try await WorkloadHarness.start()
        do {
            var d = WorkloadHarness.deployment(replicas: 3)
            d.annotations = ["kubernetes.io/change-cause": "blue"]
            _ = try await h.deployments.create(d)
            _ = try await h.waitForRollout("web", replicas: 3)
            let blue = try #require(try await h.replicaSets.list().items.first)
            _ = try await h.deployments.patch("web", type: .strategicMerge, body: [
                "metadata": ["annotations": ["kubernetes.io/change-cause": "green"]],
                "spec": ["template": ["spec": ["containers": [["name": "main", "image": "argoproj/rollouts-demo:green"]]]]],
            ])
            _ = try await h.waitForRollout("web", replicas: 3)

            // What `kubectl rollout undo` sends: the revision-1 ReplicaSet's template (hash label removed,
            // re-encoded from Go structs, hence the null creationTimestamp and empty resources) and its
            // annotations, as one JSON patch.
            let current = try await h.deployments.get("web")
            let old = try #require(try await h.replicaSets.list().items.first {
                $0.annotations["deployment.kubernetes.io/revision"] == "1" && $0.ownerReferences.first?.uid == current.uid
            })
            var template = old.spec["template"] ?? .emptyObject
            template[path: ["metadata", "labels", "pod-template-hash"]] = nil
            template[path: ["metadata", "creationTimestamp"]] = .null
            template[path: ["spec", "containers"]] = .array((template[path: ["spec", "containers"]]?.arrayValue ?? []).map {
                var c = $0
                c["resources"] = .emptyObject
                return c
            })
            let skipped: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision",
                                        "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
                                        "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"]
            var annotations = current.annotations.filter { skipped.contains($0.key) }
            for (key, value) in old.annotations where !skipped.contains(key) { annotations[key] = value }
            _ = try await h.deployments.patch("web", type: .json, body: [
                ["op": "replace", "path": "/spec/template", "value": template],
                ["op": "replace", "path": "/metadata/annotations", "value": JSON(annotations)],
            ])

            let back = try await h.waitForRollout("web", replicas: 3)
            try await h.waitUntil("green pods gone") { try await h.livePods().count == 3 }
            #expect(try await h.livePods().map { WorkloadHarness.image(of: $0) } == Array(repeating: "argoproj/rollouts-demo:blue", count: 3))
            #expect(back.annotations["deployment.kubernetes.io/revision"] == "3")
            #expect(back.annotations["kubernetes.io/change-cause"] == "blue")
            let sets = try await h.replicaSets.list().items
            #expect(sets.count == 2, "the old ReplicaSet is reused, not recreated")
            let reused = try #require(sets.first { $0.name == blue.name })
            #expect(reused.replicas == 3)
            #expect(reused.annotations["deployment.kubernetes.io/revision"] == "3")
            #expect(reused.annotations["deployment.kubernetes.io/revision-history"] == "1")
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test("pausing stops a rollout before it starts, and resuming completes it")
    func pause() async throws {
        let h = try await WorkloadHarness.start()
        do {
            _ = try await h.deployments.create(WorkloadHarness.deployment(replicas: 3))
            _ = try await h.waitForRollout("web", replicas: 3)
            _ = try await h.deployments.patch("web", type: .merge, body: ["spec": ["paused": true]])
            let changed = try await h.deployments.patch("web", type: .strategicMerge, body: [
                "spec": ["template": ["spec": ["containers": [["name": "main", "image": "argoproj/rollouts-demo:green"]]]]],
            ])
            try await h.waitUntil("the paused generation observed") {
                let d = try await h.deployments.get("web")
                return d.status["observedGeneration"]?.int64Value == changed.generation
                    && DeploymentConditions.get(d.status, "Progressing")?["reason"] == "DeploymentPaused"
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.replicaSets.list().items.count == 1)
            #expect(try await h.livePods().allSatisfy { WorkloadHarness.image(of: $0) == "argoproj/rollouts-demo:blue" })

            _ = try await h.deployments.patch("web", type: .merge, body: ["spec": ["paused": false]])
            _ = try await h.waitForRollout("web", replicas: 3)
            try await h.waitUntil("blue pods gone") { try await h.livePods().count == 3 }
            #expect(try await h.livePods().allSatisfy { WorkloadHarness.image(of: $0) == "argoproj/rollouts-demo:green" })
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test("a bare pod matching a ReplicaSet's selector is adopted and counted")
    func adoption() async throws {
        let h = try await WorkloadHarness.start()
        do {
            var bare = Pod(name: "bare", namespace: "default")
            bare.labels = ["app": "solo"]
            bare.spec = ["containers": [["name": "main", "image": "busybox"]]]
            _ = try await h.pods.create(bare)
            var rs = ReplicaSet(name: "solo", namespace: "default")
            rs.spec = ["replicas": 2, "selector": ["matchLabels": ["app": "solo"]],
                       "template": ["metadata": ["labels": ["app": "solo"]], "spec": ["containers": [["name": "main", "image": "busybox"]]]]]
            let created = try await h.replicaSets.create(rs)
            try await h.waitUntil("two ready replicas") {
                let s = try await h.replicaSets.get("solo").status
                return s["readyReplicas"] == 2 && s["replicas"] == 2
            }
            let adopted = try await h.pods.get("bare")
            #expect(adopted.ownerReferences == [OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "solo", uid: created.uid,
                                                               controller: true, blockOwnerDeletion: true)])
            #expect(try await h.livePods().count == 2)
            #expect(try await h.events(about: "solo", reason: "SuccessfulCreate").count == 1)

            // A pod whose labels stop matching is released and replaced.
            _ = try await h.pods.patch("bare", type: .merge, body: ["metadata": ["labels": ["app": "gone"]]])
            try await h.waitUntil("the pod released and replaced") {
                let released = try await h.pods.get("bare")
                let owned = try await h.livePods().filter { $0.controllerReference?.uid == created.uid }
                return released.ownerReferences.isEmpty && owned.count == 2
            }
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test("scaling down removes the not-ready pods first")
    func scaleDownOrder() async throws {
        let h = try await WorkloadHarness.start(readiness: { _ in false })
        do {
            var rs = ReplicaSet(name: "pool", namespace: "default")
            rs.spec = ["replicas": 4, "selector": ["matchLabels": ["app": "pool"]],
                       "template": ["metadata": ["labels": ["app": "pool"]], "spec": ["containers": [["name": "main", "image": "busybox"]]]]]
            _ = try await h.replicaSets.create(rs)
            try await h.waitUntil("four pods") { try await h.livePods().count == 4 }
            let names = try await h.livePods().map(\.name)
            let keep = Set(names.prefix(2))
            h.setReadiness { keep.contains($0.name) }
            try await h.waitUntil("two ready") { try await h.replicaSets.get("pool").status["readyReplicas"] == 2 }
            _ = try await h.replicaSets.patch("pool", type: .merge, body: ["spec": ["replicas": 2]])
            try await h.waitUntil("two pods left") { try await h.livePods().count == 2 }
            try await Task.sleep(for: .milliseconds(300))
            #expect(Set(try await h.livePods().map(\.name)) == keep)
            #expect(try await h.events(about: "pool", reason: "SuccessfulDelete").count == 2)
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test("pods count as available only after minReadySeconds, without any further event")
    func minReadySeconds() async throws {
        let h = try await WorkloadHarness.start()
        do {
            _ = try await h.deployments.create(WorkloadHarness.deployment(replicas: 2, extraSpec: ["minReadySeconds": 2]))
            try await h.waitUntil("ready but not yet available") {
                let s = try await h.deployments.get("web").status
                return s["readyReplicas"] == 2 && s["availableReplicas"] == nil
            }
            let rs = try #require(try await h.replicaSets.list().items.first)
            #expect(rs.spec["minReadySeconds"] == 2)
            #expect(DeploymentConditions.get(try await h.deployments.get("web").status, "Available")?["status"] == "False")
            let d = try await h.waitForRollout("web", replicas: 2, timeout: .seconds(15))
            #expect(DeploymentConditions.get(d.status, "Available")?["status"] == "True")
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }
}
