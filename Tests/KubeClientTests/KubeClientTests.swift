import Foundation
import KubeModel
import TestCluster
import Testing
@testable import KubeClient

/// The client against the embedded API server over HTTPS: no mocks.
@Suite("Kubernetes client", .serialized)
struct KubeClientTests {
    @Test("typed CRUD round-trips a ConfigMap, and errors have predicates")
    func typedCRUD() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        var cm = ConfigMap(name: "cfg", namespace: "default")
        cm.data = ["a": "1"]
        let created = try await configMaps.create(cm, fieldManager: "test")
        #expect(!created.uid.isEmpty)
        var fetched = try await configMaps.get("cfg")
        #expect(fetched.data == ["a": "1"])
        fetched.data["b"] = "2"
        let updated = try await configMaps.update(fetched)
        #expect(updated.data == ["a": "1", "b": "2"])
        // Updating from the stale copy is a conflict.
        do {
            _ = try await configMaps.update(created)
            Issue.record("expected a conflict")
        } catch let error as KubeError {
            #expect(error.isConflict)
            #expect(error.code == 409)
            #expect(error.message.contains("the object has been modified"))
        }
        do {
            _ = try await configMaps.create(cm)
            Issue.record("expected AlreadyExists")
        } catch let error as KubeError {
            #expect(error.isAlreadyExists)
        }
        let list = try await configMaps.list()
        #expect(list.items.map(\.name) == ["cfg"])
        #expect(!list.resourceVersion.isEmpty)
        try await configMaps.delete("cfg", preconditionUID: created.uid)
        #expect(try await configMaps.getIfPresent("cfg") == nil)
        do {
            _ = try await configMaps.get("cfg")
            Issue.record("expected NotFound")
        } catch let error as KubeError {
            #expect(error.isNotFound)
            #expect(error.description.contains("GET /api/v1/namespaces/default/configmaps/cfg"))
        }
    }

    @Test("all four patch types and server-side apply with field manager and force")
    func patchesAndApply() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let deployments = client.resource(Deployment.self, namespace: "default")
        var d = Deployment(name: "web", namespace: "default")
        d.json["spec"] = ["replicas": 1, "selector": ["matchLabels": ["app": "web"]],
                          "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "main", "image": "nginx:1"]]]]]
        let applied = try await deployments.apply(d, fieldManager: "tack")
        #expect(applied.replicas == 1)
        let merged = try await deployments.patch("web", type: .merge, body: ["spec": ["replicas": 2]], fieldManager: "editor")
        #expect(merged.replicas == 2)
        let json = try await deployments.patch("web", type: .json, body: [["op": "replace", "path": "/spec/replicas", "value": 3]])
        #expect(json.replicas == 3)
        let strategic = try await deployments.patch("web", type: .strategicMerge,
            body: ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "nginx:2"]]]]]])
        #expect(strategic.spec["template"]?["spec"]?["containers"]?[0]?["image"] == "nginx:2")
        // `tack` applied replicas=1 and `editor` changed it: re-applying conflicts, forcing takes it back.
        do {
            _ = try await deployments.apply(d, fieldManager: "tack")
            Issue.record("expected an apply conflict")
        } catch let error as KubeError {
            #expect(error.isConflict)
            #expect(error.causes.contains { $0.field == ".spec.replicas" })
        }
        let forced = try await deployments.apply(d, fieldManager: "tack", force: true)
        #expect(forced.replicas == 1)
        let status = try await deployments.patch("web", type: .merge, body: ["status": ["observedGeneration": 9]], subresource: "status")
        #expect(status.status["observedGeneration"] == 9)
    }

    @Test("custom resources through discovery: the mapper refreshes when a CRD has just been created")
    func unstructuredThroughDiscovery() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        try await client.refreshDiscovery()
        #expect(client.mapper.resolve("deploy")?.resource.resource == "deployments")
        #expect(client.mapper.resolve("svc")?.namespaced == true)
        let gvk = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")
        #expect(client.mapper.cached(gvk) == nil)
        let crd: JSON = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "widgets.example.com"],
            "spec": ["group": "example.com", "scope": "Namespaced",
                     "names": ["plural": "widgets", "singular": "widget", "kind": "Widget"],
                     "versions": [["name": "v1", "served": true, "storage": true, "subresources": ["status": [:]],
                                   "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]],
        ]
        _ = try await client.resource(CustomResourceDefinition.self).create(CustomResourceDefinition(json: crd))
        let widgets = try await client.resource(for: gvk, namespace: "default")
        #expect(widgets.resource.resource == "widgets")
        let w = try await widgets.create(Unstructured(json: ["apiVersion": "example.com/v1", "kind": "Widget",
                                                             "metadata": ["name": "w1"], "spec": ["size": 3]]))
        #expect(w.json["spec"]?["size"] == 3)
        let appliedJSON = try await client.apply(["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w2"],
                                                  "spec": ["size": 5]], fieldManager: "tack")
        #expect(appliedJSON.namespace == "default")
        #expect(try await widgets.list().items.map(\.name) == ["w1", "w2"])
    }

    @Test("lists page with continue tokens and listAll gathers every page")
    func pagedLists() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        for i in 0..<25 { _ = try await configMaps.create(ConfigMap(name: String(format: "cm-%02d", i), namespace: "default")) }
        let page = try await configMaps.list(ListOptions(limit: 10))
        #expect(page.items.count == 10)
        #expect(page.continueToken != nil)
        let all = try await configMaps.listAll(pageSize: 7)
        #expect(all.items.count == 25)
        #expect(Set(all.items.map(\.name)).count == 25)
        let selected = try await configMaps.list(ListOptions(fieldSelector: "metadata.name=cm-03"))
        #expect(selected.items.map(\.name) == ["cm-03"])
    }

    @Test("watch is an async sequence of typed events decoded as they stream")
    func watchStreams() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        let start = try await configMaps.list().resourceVersion
        let writer = Task {
            try await Task.sleep(for: .milliseconds(200))
            var cm = try await configMaps.create(ConfigMap(name: "w", namespace: "default"))
            cm.data = ["k": "v"]
            _ = try await configMaps.update(cm)
            try await configMaps.delete("w")
        }
        var seen: [WatchEvent<ConfigMap>.EventType] = []
        for try await event in configMaps.watch(ListOptions(resourceVersion: start, timeoutSeconds: 10, allowWatchBookmarks: true)) {
            if event.type == .bookmark { continue }
            seen.append(event.type)
            #expect(event.object.name == "w")
            if seen.count == 3 { break }
        }
        try await writer.value
        #expect(seen == [.added, .modified, .deleted])
        // A compacted revision arrives as an ERROR event whose error is Gone.
        try await cluster.store.compactAll()
        var gone: KubeError?
        for try await event in configMaps.watch(ListOptions(resourceVersion: start, timeoutSeconds: 5)) {
            gone = event.error
            break
        }
        #expect(gone?.isGone == true)
    }

    @Test("Warning headers reach the warning handler")
    func warningsAreSurfaced() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        defer { Task { await cluster.destroy() } }
        let warnings = WarningLog()
        let configuration = try KubeconfigLoader.load(kubeconfig: cluster.controlPlane.kubeconfigPath.path, environment: [:])
        let client = try KubeClient(configuration: configuration, warningHandler: { warnings.append($0) })
        defer { Task { await client.shutdown() } }
        let request = KubeRequest(method: .POST, path: "/api/v1/namespaces/default/configmaps", query: [("fieldValidation", "Warn")],
                                  body: Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"bogus":1}"#.utf8))
        let response = try await client.send(request)
        #expect(response.warnings == [#"unknown field "bogus""#])
        #expect(warnings.all == [#"unknown field "bogus""#])
    }

    @Test("a wrong token is an Unauthorized error that does not reveal the token")
    func unauthorized() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        defer { Task { await cluster.destroy() } }
        var configuration = try KubeconfigLoader.load(kubeconfig: cluster.controlPlane.kubeconfigPath.path, environment: [:])
        configuration.credentials = .bearerToken("not-the-token-123")
        let client = try KubeClient(configuration: configuration)
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.resource(Namespace.self).list()
            Issue.record("expected 401")
        } catch let error as KubeError {
            #expect(error.isUnauthorized)
            #expect(!error.description.contains("not-the-token-123"))
        }
    }
}

final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite("Kubernetes client under load", .serialized)
struct KubeClientRetryTests {
    @Test("429 Too Many Requests with Retry-After is retried until the server has room")
    func retriesThrottledRequests() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        let client = try cluster.client()
        defer { Task { await client.shutdown(); await cluster.destroy() } }
        let handler = cluster.controlPlane.handler
        let limit = handler.configuration.maxMutatingRequestsInFlight
        handler.occupyWriteSlots(limit)
        let release = Task {
            try await Task.sleep(for: .milliseconds(1500))
            handler.occupyWriteSlots(-limit)
        }
        let started = ContinuousClock.now
        let created = try await client.resource(ConfigMap.self, namespace: "default").create(ConfigMap(name: "patient", namespace: "default"))
        #expect(created.name == "patient")
        #expect(ContinuousClock.now - started >= .seconds(1), "the first attempts were refused and retried after Retry-After")
        try await release.value
    }

    @Test("an exec credential plugin supplies the token, as cloud plugins do")
    func execPluginAuthenticates() async throws {
        let cluster = try await EmbeddedTestCluster.start()
        defer { Task { await cluster.destroy() } }
        let token = cluster.controlPlane.credentials.adminToken
        let script = cluster.directory.appendingPathComponent("token-plugin.sh")
        try """
        #!/bin/sh
        cat <<JSON
        {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\(token)"}}
        JSON
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        var configuration = try KubeconfigLoader.load(kubeconfig: cluster.controlPlane.kubeconfigPath.path, environment: [:])
        configuration.credentials = .exec(ExecConfiguration(apiVersion: "client.authentication.k8s.io/v1", command: script.path, args: [],
                                                            env: [:], installHint: nil, provideClusterInfo: false, interactiveMode: "Never"))
        let client = try KubeClient(configuration: configuration)
        defer { Task { await client.shutdown() } }
        let namespaces = try await client.resource(Namespace.self).list()
        #expect(namespaces.items.contains { $0.name == "default" })
    }
}
