import Foundation
import KubeModel
import Testing
@testable import APIServer

@Suite("Garbage collection and namespaces")
struct LifecycleTests {
    let cms = "/api/v1/namespaces/default/configmaps"

    func dependent(_ name: String, of owner: JSON, block: Bool = false) -> JSON {
        var cm = configMap(name)
        cm["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": .string(owner.name),
                                               "uid": .string(owner.uid), "blockOwnerDeletion": .bool(block)]]
        return cm
    }

    /// Runs the control-plane loops until nothing is left to do.
    func settle(_ api: TestAPI) async {
        for _ in 0..<10 where await api.loops.sweep() > 0 {}
    }

    @Test("background deletion removes the owner at once and the garbage collector removes dependents")
    func backgroundPropagation() async throws {
        let api = try await TestAPI()
        let owner = await api.create(cms, configMap("owner")).body
        _ = await api.create(cms, dependent("d1", of: owner))
        let reply = await api.delete("\(cms)/owner", ["propagationPolicy": "Background"])
        #expect(reply.status == 200)
        #expect(await api.get("\(cms)/owner").status == 404)
        #expect(await api.get("\(cms)/d1").status == 200)
        await settle(api)
        #expect(await api.get("\(cms)/d1").status == 404)
    }

    @Test("foreground deletion keeps the owner until blocking dependents are gone")
    func foregroundPropagation() async throws {
        let api = try await TestAPI()
        let owner = await api.create(cms, configMap("owner")).body
        _ = await api.create(cms, dependent("d1", of: owner, block: true))
        let reply = await api.delete("\(cms)/owner", ["propagationPolicy": "Foreground"])
        #expect(reply.body.finalizers == ["foregroundDeletion"])
        #expect(reply.body.deletionTimestamp != nil)
        #expect(await api.get("\(cms)/owner").status == 200)
        await settle(api)
        #expect(await api.get("\(cms)/d1").status == 404)
        #expect(await api.get("\(cms)/owner").status == 404)
    }

    @Test("orphan deletion releases dependents instead of deleting them")
    func orphanPropagation() async throws {
        let api = try await TestAPI()
        let owner = await api.create(cms, configMap("owner")).body
        _ = await api.create(cms, dependent("d1", of: owner))
        _ = await api.delete("\(cms)/owner", ["propagationPolicy": "Orphan"])
        await settle(api)
        #expect(await api.get("\(cms)/owner").status == 404)
        let d1 = await api.get("\(cms)/d1")
        #expect(d1.status == 200)
        #expect(d1.body["metadata"]?["ownerReferences"] == nil)
    }

    @Test("deleting a namespace deletes its contents, honouring their finalizers, and then the namespace")
    func namespaceCascade() async throws {
        let api = try await TestAPI()
        _ = await api.create("/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
        let team = "/api/v1/namespaces/team/configmaps"
        _ = await api.create(team, configMap("plain"))
        var held = configMap("held")
        held.finalizers = ["example.com/hold"]
        _ = await api.create(team, held)
        let deleting = await api.delete("/api/v1/namespaces/team")
        #expect(deleting.body["status"]?["phase"] == "Terminating")
        await settle(api)
        #expect(await api.get("\(team)/plain").status == 404)
        #expect(await api.get("/api/v1/namespaces/team").status == 200)
        _ = await api.patch("\(team)/held", ["metadata": ["finalizers": .null]])
        await settle(api)
        #expect(await api.get("/api/v1/namespaces/team").status == 404)
    }
}

@Suite("Custom resources")
struct CustomResourceTests {
    let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    let widgets = "/apis/example.com/v1/namespaces/default/widgets"

    var widgetCRD: JSON {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "widgets.example.com"],
            "spec": [
                "group": "example.com", "scope": "Namespaced",
                "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]],
                "versions": [[
                    "name": "v1", "served": true, "storage": true,
                    "subresources": ["status": [:], "scale": ["specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size"]],
                    "additionalPrinterColumns": [["name": "Size", "type": "integer", "jsonPath": ".spec.size"]],
                    "schema": ["openAPIV3Schema": [
                        "type": "object",
                        "properties": [
                            "spec": ["type": "object", "required": ["size"], "properties": [
                                "size": ["type": "integer", "minimum": 0],
                                "color": ["type": "string", "default": "blue", "enum": ["blue", "green"]],
                                "tags": ["type": "array", "items": ["type": "string"]],
                            ]],
                            "status": ["type": "object", "properties": ["size": ["type": "integer"]]],
                        ],
                    ]],
                ]],
            ],
        ]
    }

    func widget(_ name: String, size: JSON = 3) -> JSON {
        ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": .string(name)], "spec": ["size": size]]
    }

    @Test("a created CRD is established and served at once: discovery, CRUD, defaults and printer columns")
    func crdIsServedImmediately() async throws {
        let api = try await TestAPI()
        let created = await api.create(crds, widgetCRD)
        #expect(created.status == 201)
        #expect(created.body["status"]?["conditions"]?.arrayValue?.contains { $0["type"] == "Established" && $0["status"] == "True" } == true)
        let discovery = await api.get("/apis/example.com/v1")
        #expect(discovery.body["resources"]?.arrayValue?.contains { $0["name"] == "widgets" } == true)
        let w = await api.create(widgets, widget("w1"))
        #expect(w.status == 201)
        #expect(w.body["spec"]?["color"] == "blue")
        #expect(w.body["metadata"]?["generation"] == 1)
        let table = await api.get(widgets, accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
        #expect(table.body["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Size"])
        #expect(table.body["rows"]?[0]?["cells"] == ["w1", 3])
        let scale = await api.patch("\(widgets)/w1/scale", ["spec": ["replicas": 7]])
        #expect(scale.body["spec"]?["replicas"] == 7)
        #expect(await api.get("\(widgets)/w1").body["spec"]?["size"] == 7)
    }

    @Test("custom resources are validated against the CRD schema with 422 causes")
    func schemaValidation() async throws {
        let api = try await TestAPI()
        _ = await api.create(crds, widgetCRD)
        let wrongType = await api.create(widgets, widget("bad", size: "big"))
        #expect(wrongType.status == 422)
        #expect(wrongType.message.contains("spec.size"))
        var missing = widget("missing")
        missing["spec"] = ["color": "green"]
        let missingReply = await api.create(widgets, missing)
        #expect(missingReply.status == 422)
        #expect(missingReply.message.contains("spec.size: Required value"))
        var badEnum = widget("enum")
        badEnum[path: ["spec", "color"]] = "red"
        #expect(await api.create(widgets, badEnum).status == 422)
    }

    @Test("deleting a CRD deletes its instances and stops serving the resource")
    func deletingCRDCleansUp() async throws {
        let api = try await TestAPI()
        _ = await api.create(crds, widgetCRD)
        _ = await api.create(widgets, widget("w1"))
        _ = await api.delete("\(crds)/widgets.example.com")
        for _ in 0..<10 where await api.loops.sweep() > 0 {}
        #expect(await api.get("\(crds)/widgets.example.com").status == 404)
        #expect(await api.get(widgets).status == 404)
    }

    @Test("an invalid CRD is refused with its causes")
    func invalidCRD() async throws {
        let api = try await TestAPI()
        var crd = widgetCRD
        crd[path: ["metadata", "name"]] = "wrong.example.com"
        let reply = await api.create(crds, crd)
        #expect(reply.status == 422)
        #expect(reply.message.contains("must be spec.names.plural+\".\"+spec.group"))
    }

    @Test("the bundled CRDs of Argo CD, Argo Rollouts, Tekton and Sealed Secrets are installed at start")
    func bundledCRDsAreInstalled() async throws {
        let api = try await TestAPI(installCRDs: true)
        for group in ["argoproj.io", "tekton.dev", "triggers.tekton.dev", "bitnami.com", "networking.istio.io", "split.smi-spec.io"] {
            #expect(await api.get("/apis/\(group)").status == 200, "group \(group) is served")
        }
        let task: JSON = ["apiVersion": "tekton.dev/v1", "kind": "Task", "metadata": ["name": "hello"],
                          "spec": ["steps": [["name": "echo", "image": "alpine", "script": "echo hi"]]]]
        #expect(await api.create("/apis/tekton.dev/v1/namespaces/default/tasks", task).status == 201)
        let old = await api.get("/apis/tekton.dev/v1beta1/namespaces/default/tasks/hello")
        #expect(old.status == 200)
        #expect(old.body["apiVersion"] == "tekton.dev/v1beta1")
    }
}

@Suite("Discovery and OpenAPI")
struct DiscoveryTests {
    @Test("aggregated discovery answers with the exact content type and lists subresources")
    func aggregatedDiscovery() async throws {
        let api = try await TestAPI()
        let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
        let core = await api.get("/api", accept: accept)
        #expect(core.header("Content-Type") == ["application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"])
        let pods = core.body["items"]?[0]?["versions"]?[0]?["resources"]?.arrayValue?.first { $0["resource"] == "pods" }
        #expect(pods?["shortNames"] == ["po"])
        #expect(pods?["categories"] == ["all"])
        #expect(pods?["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue }.contains("log") == true)
        let apis = await api.get("/apis", accept: accept)
        let apps = apis.body["items"]?.arrayValue?.first { $0["metadata"]?["name"] == "apps" }
        let deployments = apps?["versions"]?[0]?["resources"]?.arrayValue?.first { $0["resource"] == "deployments" }
        #expect(deployments?["subresources"]?.arrayValue?.first { $0["subresource"] == "scale" }?["responseKind"]?["group"] == "autoscaling")
    }

    @Test("legacy discovery serves APIVersions, APIGroupList and APIResourceList")
    func legacyDiscovery() async throws {
        let api = try await TestAPI()
        #expect(await api.get("/api").body["versions"] == ["v1"])
        let groups = await api.get("/apis").body
        #expect(groups["kind"] == "APIGroupList")
        #expect(groups["groups"]?.arrayValue?.contains { $0["name"] == "apps" } == true)
        let apps = await api.get("/apis/apps/v1").body
        #expect(apps["resources"]?.arrayValue?.contains { $0["name"] == "deployments/scale" && $0["group"] == "autoscaling" } == true)
        #expect(await api.get("/version").body["minor"] == "32")
    }

    @Test("the OpenAPI v3 documents carry a patch operation with fieldValidation for every kind")
    func openAPIAdvertisesFieldValidation() async throws {
        let api = try await TestAPI()
        let index = await api.get("/openapi/v3").body
        let coreURL = try #require(index["paths"]?["api/v1"]?["serverRelativeURL"]?.stringValue)
        #expect(coreURL.hasPrefix("/openapi/v3/api/v1?hash="))
        let doc = await api.get("/openapi/v3/api/v1").body
        let namespacePatch = doc["paths"]?["/api/v1/namespaces/{name}"]?["patch"]
        #expect(namespacePatch?["x-kubernetes-group-version-kind"] == ["group": "", "version": "v1", "kind": "Namespace"])
        #expect(namespacePatch?["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
        #expect(doc["components"]?["schemas"]?["io.k8s.api.core.v1.PodSpec"] != nil)
        #expect(await api.get("/openapi/v2").status == 404)
    }
}
