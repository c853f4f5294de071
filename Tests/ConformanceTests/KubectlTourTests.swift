import Foundation
import KubeModel
import Testing
import TestSupport

/// The real kubectl (1.32, chosen by the machine's dispatcher from /version) against `tack`'s embedded API
/// server over HTTPS. Every command's effect is checked by reading the object back.
@Suite("kubectl tour", .serialized)
struct KubectlTourTests {
    /// Manifests that a real 1.32 cluster also refuses, with the reason and the words the refusal must contain.
    static let expectedRefusals: [String: String] = [
        // `canary.autoPromotionEnabled` is not a canary field upstream; strict validation refuses it.
        "seeds/rollouts/canary-basic-rollout.yaml": #"unknown field "spec.strategy.canary.autoPromotionEnabled""#,
        "seeds/rollouts/canary-nginx-traffic-routing.yaml": #"unknown field "spec.strategy.canary.autoPromotionEnabled""#,
        // The key material was truncated with "..." in the source notes: not base64.
        "seeds/sealed-secrets/sealed-secrets-controller-key-secret.yaml": "illegal base64 data",
        // Applied after trigger-gitlab-eventlistener-rbac.yaml created the same binding with a typo'd roleRef.
        "seeds/tekton/trigger-s2i-eventlistener-rbac.yaml": "cannot change roleRef",
        // Applied after pvc-maven-cache-rwx-5gi.yaml asked for 5Gi: a claim cannot shrink.
        "seeds/tekton/trigger-s2i-maven-cache-pvc.yaml": "field can not be less than previous value",
        // The source cut these Services' names off.
        "seeds/argocd/argocd-metrics-services-prometheus-scrape.yaml": "resource name may not be empty",
        // Kinds of Ambassador, App Mesh and the CSI snapshotter, which Tack does not serve.
        "upstream/argo-rollouts/examples/ambassador/echo-mapping.yaml": "the server could not find the requested resource",
        "upstream/argo-rollouts/examples/ambassador/resolver.yaml": "the server could not find the requested resource",
        "upstream/argo-rollouts/examples/appmesh/canary-service.yaml": "the server could not find the requested resource",
        "upstream/tekton/pipeline/examples/v1/pipelineruns/no-ci/csi-workspace.yaml": "the server could not find the requested resource",
    ]

    /// Manifest files of the seeds and the upstream Argo Rollouts and Tekton examples: files whose every
    /// document has a kind and a name (fragments, Helm templates and link stubs are not manifests).
    static func manifestFiles() -> [(path: String, documents: [JSON])] {
        let root = Fixtures.url("").path
        let files = Fixtures.files(under: "seeds") + Fixtures.files(under: "upstream/argo-rollouts/examples")
            + Fixtures.files(under: "upstream/tekton/pipeline/examples") + Fixtures.files(under: "upstream/tekton/triggers/examples")
        return files.compactMap { url in
            guard let text = try? String(contentsOf: url, encoding: .utf8), let docs = try? YAML.decodeAll(text), !docs.isEmpty,
                  docs.allSatisfy({ !$0.kind.isEmpty && $0["metadata"] != nil })
            else { return nil }
            var relative = String(url.path.dropFirst(root.count))
            while relative.hasPrefix("/") { relative.removeFirst() }
            return (relative, docs)
        }
    }

    static func resourceArgument(_ document: JSON) -> String {
        guard let gv = GroupVersion(apiVersion: document.apiVersion), !gv.group.isEmpty else { return document.kind.lowercased() }
        return "\(document.kind.lowercased()).\(gv.version).\(gv.group)"
    }

    @Test("every seed manifest and upstream Rollouts and Tekton example applies, and reads back as applied")
    func applyEveryManifest() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        let files = Self.manifestFiles()
        #expect(files.count > 250)
        var namespaces: Set<String> = []
        for (_, docs) in files { for d in docs where !d.namespace.isEmpty { namespaces.insert(d.namespace) } }
        for ns in namespaces.sorted() where !["default", "kube-system"].contains(ns) {
            try await cluster.kubectl("create", "namespace", ns)
        }
        var applied = 0
        for (index, (path, docs)) in files.enumerated() {
            // Files with generateName runs are created (apply refuses generateName), each in its own namespace
            // as Tekton's CI runs them, since several share Task names.
            let usesGenerateName = docs.contains { $0.name.isEmpty && !$0.generateName.isEmpty }
            var arguments = ["apply", "-f", Fixtures.url(path).path]
            if usesGenerateName {
                let namespace = "run-\(index)"
                try await cluster.kubectl("create", "namespace", namespace)
                arguments = ["create", "-n", namespace, "-f", Fixtures.url(path).path]
            }
            let verb = arguments[0]
            let result = try await cluster.kubectl(arguments)
            if let refusal = Self.expectedRefusals[path] {
                #expect(!result.succeeded, "\(path) should be refused, as a real cluster refuses it")
                #expect(result.stderr.contains(refusal) || result.stdout.contains(refusal), "\(path): \(result)")
                continue
            }
            #expect(result.succeeded, "\(verb) -f \(path): \(result)")
            guard result.succeeded, !usesGenerateName else { continue }
            for doc in docs {
                var args = ["get", Self.resourceArgument(doc), doc.name]
                if !doc.namespace.isEmpty { args += ["-n", doc.namespace] }
                let live = try await cluster.object(args)
                let liveSpec = live?["spec"] ?? live?["data"] ?? .null
                let wantSpec = doc["spec"] ?? doc["data"] ?? .null
                #expect(live != nil, "\(path): \(doc.kind)/\(doc.name) reads back")
                if doc["spec"] != nil, doc.apiVersion.contains("tekton.dev") == false, doc.kind != "PersistentVolumeClaim" {
                    #expect(liveSpec.contains(wantSpec) || Self.knownNormalisations(doc), "\(path): \(doc.kind)/\(doc.name) spec reads back as applied")
                }
                applied += 1
            }
        }
        #expect(applied > 300)
        // A manifest refused only by strict validation applies once the server is asked to drop unknown fields.
        let lenient = try await cluster.kubectl("apply", "--validate=false", "-f", Fixtures.url("seeds/rollouts/canary-basic-rollout.yaml").path)
        #expect(lenient.succeeded, "\(lenient)")
        let rollout = try await cluster.object("get", "rollout", "rollout-canary")
        #expect(rollout?["spec"]?["strategy"]?["canary"]?["autoPromotionEnabled"] == nil)
        #expect(rollout?["spec"]?["strategy"]?["canary"]?["steps"]?.count == 8)
    }

    /// Kinds whose stored spec legitimately differs in form from the manifest (quantities in canonical
    /// form, ports defaulted inside lists).
    static func knownNormalisations(_ doc: JSON) -> Bool {
        let text = doc.serializedString()
        return text.contains("\"cpu\"") || text.contains("\"memory\"") || text.contains("\"storage\"")
    }

    @Test("api-resources lists built-in and bundled custom resources")
    func apiResources() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        let result = try await cluster.kubectl("api-resources")
        #expect(result.succeeded, "\(result)")
        for line in ["deployments", "customresourcedefinitions", "rollouts", "applications", "pipelineruns", "sealedsecrets", "virtualservices"] {
            #expect(result.stdout.contains(line))
        }
        let version = try await cluster.kubectl("version")
        #expect(version.stdout.contains("Server Version: v1.32.0"), "\(version)")
    }

    @Test("get prints every output form: table, wide, yaml, json, name, jsonpath, sorted and chunked")
    func getOutputForms() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        for name in ["gamma", "alpha", "beta"] {
            try await cluster.kubectl("create", "configmap", name, "--from-literal=k=\(name)")
        }
        let table = try await cluster.kubectl("get", "configmaps")
        #expect(table.stdout.split(separator: "\n").first?.hasPrefix("NAME") == true, "\(table)")
        #expect(table.stdout.contains("DATA"))
        let wide = try await cluster.kubectl("get", "svc", "-o", "wide")
        #expect(wide.stdout.contains("SELECTOR"), "\(wide)")
        let yaml = try await cluster.kubectl("get", "cm", "alpha", "-o", "yaml")
        #expect(yaml.stdout.contains("k: alpha"), "\(yaml)")
        let json = try await cluster.object("get", "cm", "beta")
        #expect(json?["data"]?["k"] == "beta")
        let names = try await cluster.kubectl("get", "cm", "-o", "name")
        #expect(names.stdout.contains("configmap/alpha"))
        let path = try await cluster.kubectl("get", "cm", "gamma", "-o", "jsonpath={.data.k}")
        #expect(path.stdout == "gamma")
        let sorted = try await cluster.kubectl("get", "cm", "--sort-by=.data.k", "-o", "custom-columns=N:.metadata.name", "--no-headers",
                                               "-l", "!kube-root")
        #expect(sorted.stdout.split(separator: "\n").filter { ["alpha", "beta", "gamma"].contains(String($0)) } == ["alpha", "beta", "gamma"], "\(sorted)")
        let chunked = try await cluster.kubectl("get", "cm", "--chunk-size=1", "-o", "name")
        #expect(chunked.stdout.split(separator: "\n").filter { $0.hasPrefix("configmap/") }.count >= 3, "\(chunked)")
        let all = try await cluster.kubectl("get", "all")
        #expect(all.stdout.contains("service/kubernetes"), "\(all)")
        let missing = try await cluster.kubectl("get", "cm", "nope")
        #expect(missing.stderr.contains(#"Error from server (NotFound): configmaps "nope" not found"#))
        let unknown = try await cluster.kubectl("get", "nope")
        #expect(unknown.stderr.contains(#"the server doesn't have a resource type "nope""#))
    }

    @Test("get -w prints changes as they happen and keeps the stream open")
    func getWatch() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectl("create", "configmap", "first")
        let watch = try Command.start("kubectl", ["get", "configmaps", "-w", "-o", "name"], environment: cluster.environment)
        try await Task.sleep(for: .seconds(2))
        try await cluster.kubectl("create", "configmap", "second")
        try await cluster.kubectl("label", "configmap", "first", "seen=yes")
        var output = ""
        for _ in 0..<50 {
            output = watch.output
            if output.contains("configmap/second") && output.components(separatedBy: "configmap/first").count > 2 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(watch.process.isRunning, "kubectl get -w must not exit while the server keeps the watch open")
        watch.terminate()
        #expect(output.contains("configmap/first"))
        #expect(output.contains("configmap/second"), "\(output)")
    }

    @Test("create generators (sent as protobuf by kubectl 1.32) make the objects they describe")
    func createGenerators() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.kubectl("create", "namespace", "team-a").succeeded)
        #expect(try await cluster.kubectl("create", "configmap", "cfg", "-n", "team-a", "--from-literal=a=1").succeeded)
        #expect(try await cluster.kubectl("create", "secret", "generic", "sec", "-n", "team-a", "--from-literal=password=s3cret").succeeded)
        #expect(try await cluster.kubectl("create", "deployment", "web", "-n", "team-a", "--image=nginx:1.27", "--replicas=2").succeeded)
        #expect(try await cluster.kubectl("create", "service", "clusterip", "web", "-n", "team-a", "--tcp=80:8080").succeeded)
        #expect(try await cluster.object("get", "ns", "team-a")?["status"]?["phase"] == "Active")
        #expect(try await cluster.object("get", "cm", "cfg", "-n", "team-a")?["data"] == ["a": "1"])
        #expect(try await cluster.object("get", "secret", "sec", "-n", "team-a")?["data"]?["password"] == .string(Data("s3cret".utf8).base64EncodedString()))
        let deployment = try await cluster.object("get", "deploy", "web", "-n", "team-a")
        #expect(deployment?["spec"]?["replicas"] == 2)
        #expect(deployment?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] == "nginx:1.27")
        let service = try await cluster.object("get", "svc", "web", "-n", "team-a")
        #expect(service?["spec"]?["ports"]?[0]?["targetPort"] == 8080)
        #expect((service?["spec"]?["clusterIP"]?.stringValue ?? "").hasPrefix("127.96."))
        #expect(try await cluster.kubectl("auth", "can-i", "create", "pods").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
    }

    @Test("patch with all three types, label, annotate, scale and rollout restart change what they say")
    func patchLabelAnnotateScale() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectl("create", "deployment", "web", "--image=nginx:1.25")
        try await cluster.kubectl("patch", "deploy", "web", "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}"#)
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] == "nginx:2")
        try await cluster.kubectl("patch", "deploy", "web", "--type=merge", "-p", #"{"spec":{"paused":true}}"#)
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["paused"] == true)
        try await cluster.kubectl("patch", "deploy", "web", "--type=json", "-p", #"[{"op":"replace","path":"/spec/replicas","value":3}]"#)
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 3)
        try await cluster.kubectl("label", "deploy", "web", "tier=front")
        try await cluster.kubectl("annotate", "deploy", "web", "owner=team-a")
        let labelled = try await cluster.object("get", "deploy", "web")
        #expect(labelled?["metadata"]?["labels"]?["tier"] == "front")
        #expect(labelled?["metadata"]?["annotations"]?["owner"] == "team-a")
        let scaled = try await cluster.kubectl("scale", "deploy", "web", "--replicas=5")
        #expect(scaled.stdout.contains("deployment.apps/web scaled"), "\(scaled)")
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 5)
        #expect(try await cluster.kubectl("scale", "deploy", "web", "--replicas=6", "--current-replicas=5").succeeded)
        #expect(!(try await cluster.kubectl("scale", "deploy", "web", "--replicas=7", "--current-replicas=5").succeeded))
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 6)
        try await cluster.kubectl("rollout", "resume", "deploy/web")
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["paused"] == nil)
        try await cluster.kubectl("rollout", "restart", "deploy/web")
        let restarted = try await cluster.object("get", "deploy", "web")
        #expect(restarted?["spec"]?["template"]?["metadata"]?["annotations"]?["kubectl.kubernetes.io/restartedAt"] != nil)
        // Custom resources take merge patches; strategic merge patches are refused as upstream refuses them.
        try await cluster.kubectl("apply", "-f", Fixtures.url("seeds/rollouts/canary-rolling-update-no-steps.yaml").path)
        #expect(try await cluster.kubectl("patch", "rollout", "rollout-rollingupdate", "--type=merge", "-p", #"{"spec":{"replicas":4}}"#).succeeded)
        #expect(try await cluster.object("get", "rollout", "rollout-rollingupdate")?["spec"]?["replicas"] == 4)
        #expect(!(try await cluster.kubectl("patch", "rollout", "rollout-rollingupdate", "-p", #"{"spec":{"replicas":2}}"#).succeeded))
    }

    @Test("delete honours each propagation policy, and wait --for=delete returns when the object is gone")
    func deletePropagation() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        func makeOwnerWithDependent(_ owner: String) async throws {
            try await cluster.kubectl("create", "configmap", owner)
            let uid = try await cluster.object("get", "cm", owner)?.uid ?? ""
            let dependent = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: \(owner)-dependent
              ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: \(owner), uid: \(uid), blockOwnerDeletion: true}]
            """
            try await cluster.kubectl(["create", "-f", "-"], stdin: dependent)
        }
        func exists(_ name: String) async throws -> Bool {
            try await cluster.kubectl("get", "cm", name).succeeded
        }
        try await makeOwnerWithDependent("bg")
        #expect(try await cluster.kubectl("delete", "cm", "bg").stdout.contains(#"configmap "bg" deleted"#))
        try await eventually { try await !exists("bg-dependent") }
        try await makeOwnerWithDependent("fg")
        #expect(try await cluster.kubectl("delete", "cm", "fg", "--cascade=foreground").succeeded)
        #expect(try await !exists("fg"))
        #expect(try await !exists("fg-dependent"))
        try await makeOwnerWithDependent("or")
        #expect(try await cluster.kubectl("delete", "cm", "or", "--cascade=orphan").succeeded)
        try await eventually { try await cluster.object("get", "cm", "or-dependent")?["metadata"]?["ownerReferences"] == nil }
        #expect(try await exists("or-dependent"))
        // A finalizer holds the object until it is removed; wait --for=delete sees it go.
        try await cluster.kubectl("create", "configmap", "held")
        try await cluster.kubectl("patch", "cm", "held", "-p", #"{"metadata":{"finalizers":["example.com/hold"]}}"#)
        #expect(try await cluster.kubectl("delete", "cm", "held", "--wait=false").succeeded)
        let waiter = try Command.start("kubectl", ["wait", "--for=delete", "cm/held", "--timeout=30s"], environment: cluster.environment)
        try await Task.sleep(for: .seconds(1))
        try await cluster.kubectl("patch", "cm", "held", "--type=json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
        let waited = await waiter.wait(timeout: .seconds(40))
        #expect(waited.succeeded, "\(waited)")
        #expect(try await !exists("held"))
        // Deleting a namespace deletes what is in it.
        try await cluster.kubectl("create", "namespace", "short-lived")
        try await cluster.kubectl("create", "configmap", "inside", "-n", "short-lived")
        #expect(try await cluster.kubectl("delete", "namespace", "short-lived").succeeded)
        #expect(!(try await cluster.kubectl("get", "namespace", "short-lived").succeeded))
    }

    @Test("apply twice with a field removed removes it; server-side apply owns fields; diff shows pending changes")
    func applyDiffAndServerSideApply() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        let full = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {app: web, team: blue}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: main
                image: nginx:1.25
                env: [{name: A, value: "1"}, {name: B, value: "2"}]
        """
        let trimmed = full.replacingOccurrences(of: ", team: blue", with: "").replacingOccurrences(of: #", {name: B, value: "2"}"#, with: "")
        #expect(try await cluster.kubectl(["apply", "-f", "-"], stdin: full).stdout.contains("deployment.apps/web created"))
        #expect(try await cluster.kubectl(["apply", "-f", "-"], stdin: trimmed).stdout.contains("deployment.apps/web configured"))
        let afterTrim = try await cluster.object("get", "deploy", "web")
        #expect(afterTrim?["metadata"]?["labels"] == ["app": "web"])
        #expect(afterTrim?["spec"]?["template"]?["spec"]?["containers"]?[0]?["env"] == [["name": "A", "value": "1"]])
        #expect(try await cluster.kubectl(["apply", "-f", "-"], stdin: trimmed).stdout.contains("deployment.apps/web unchanged"))
        // diff: exit 1 with the change shown, exit 0 when nothing would change.
        let changed = trimmed.replacingOccurrences(of: "replicas: 2", with: "replicas: 4")
        let diff = try await cluster.kubectl(["diff", "-f", "-"], stdin: changed)
        #expect(diff.status == 1, "\(diff)")
        #expect(diff.stdout.contains("-  replicas: 2") && diff.stdout.contains("+  replicas: 4"), "\(diff)")
        #expect(try await cluster.kubectl(["diff", "-f", "-"], stdin: trimmed).status == 0)
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 2, "diff must not change the object")
        // Server-side apply, including the migration from client-side apply.
        let ssa = try await cluster.kubectl(["apply", "--server-side", "-f", "-"], stdin: changed)
        #expect(ssa.stdout.contains("deployment.apps/web serverside-applied"), "\(ssa)")
        let owned = try await cluster.kubectl("get", "deploy", "web", "-o", "json", "--show-managed-fields")
        let managers = (try JSON.parse(owned.stdout))["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue } ?? []
        #expect(managers.contains("kubectl"), "\(managers)")
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 4)
        try await cluster.kubectl("scale", "deploy", "web", "--replicas=1")
        let conflict = try await cluster.kubectl(["apply", "--server-side", "--field-manager=other", "-f", "-"], stdin: changed)
        #expect(!conflict.succeeded)
        #expect(conflict.stderr.contains("conflict"), "\(conflict)")
        #expect(try await cluster.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=other", "-f", "-"], stdin: changed).succeeded)
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 4)
        let dryRun = try await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"],
                                               stdin: changed.replacingOccurrences(of: "replicas: 4", with: "replicas: 9"))
        #expect(dryRun.stdout.contains("(server dry run)"), "\(dryRun)")
        #expect(try await cluster.object("get", "deploy", "web")?["spec"]?["replicas"] == 4)
    }

    @Test("explain reads built-in and custom resource schemas from the OpenAPI documents")
    func explain() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        let builtin = try await cluster.kubectl("explain", "deployment.spec.replicas")
        #expect(builtin.succeeded, "\(builtin)")
        #expect(builtin.stdout.contains("replicas"))
        let custom = try await cluster.kubectl("explain", "rollout.spec.strategy.canary.steps")
        #expect(custom.succeeded, "\(custom)")
        #expect(custom.stdout.contains("KIND:       Rollout"))
    }

    @Test("bad input gets the upstream status and a message naming the object and field")
    func badInputThroughKubectl() async throws {
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        let badName = try await cluster.kubectl("create", "configmap", "Bad_Name")
        #expect(!badName.succeeded)
        #expect(badName.stderr.contains(#"ConfigMap "Bad_Name" is invalid: metadata.name"#), "\(badName)")
        let unknown = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: typo}
            dta: {a: b}
            """)
        #expect(unknown.stderr.contains(#"unknown field "dta""#), "\(unknown)")
        let missingNamespace = try await cluster.kubectl("create", "configmap", "x", "-n", "nowhere")
        #expect(missingNamespace.stderr.contains(#"namespaces "nowhere" not found"#), "\(missingNamespace)")
    }
}

/// Retries an assertion that becomes true asynchronously (the garbage collector runs in the background).
func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool,
                sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("condition did not become true within \(timeout)", sourceLocation: sourceLocation)
}
