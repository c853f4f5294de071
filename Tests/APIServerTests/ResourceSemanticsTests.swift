import Foundation
import KubeModel
import Testing
@testable import APIServer

@Suite("API semantics")
struct ResourceSemanticsTests {
    let cms = "/api/v1/namespaces/default/configmaps"
    let deploys = "/apis/apps/v1/namespaces/default/deployments"

    @Test("create answers 201 with uid, creationTimestamp, resourceVersion and managed fields filled in")
    func createFillsSystemMetadata() async throws {
        let api = try await TestAPI()
        let reply = await api.create(cms, configMap("a"), query: "fieldManager=kubectl-create")
        #expect(reply.status == 201)
        let meta = reply.body["metadata"]
        #expect(meta?["namespace"] == "default")
        #expect((meta?["uid"]?.stringValue ?? "").count == 36)
        #expect(meta?["creationTimestamp"]?.stringValue.flatMap(Timestamp.parse) != nil)
        #expect(Int64(meta?["resourceVersion"]?.stringValue ?? "") != nil)
        #expect(meta?["generation"] == nil)
        #expect(meta?["managedFields"]?[0]?["manager"] == "kubectl-create")
        #expect(meta?["managedFields"]?[0]?["operation"] == "Update")
        let got = await api.get("\(cms)/a")
        #expect(got.status == 200)
        #expect(got.body == reply.body)
    }

    @Test("a taken name is 409 AlreadyExists and a missing object is 404 NotFound, worded as upstream")
    func existenceErrorsReadAsUpstream() async throws {
        let api = try await TestAPI()
        _ = await api.create(deploys, deployment("web"))
        let again = await api.create(deploys, deployment("web"))
        #expect(again.status == 409)
        #expect(again.reason == "AlreadyExists")
        #expect(again.message == #"deployments.apps "web" already exists"#)
        let missing = await api.get("\(deploys)/nope")
        #expect(missing.status == 404)
        #expect(missing.message == #"deployments.apps "nope" not found"#)
        #expect(missing.body["details"] == ["name": "nope", "group": "apps", "kind": "deployments"])
    }

    @Test("an update with a stale resourceVersion is 409 Conflict and changes nothing")
    func staleUpdateConflicts() async throws {
        let api = try await TestAPI()
        let created = await api.create(deploys, deployment("web")).body
        var first = created
        first[path: ["spec", "replicas"]] = 2
        #expect(await api.put("\(deploys)/web", first).status == 200)
        var stale = created
        stale[path: ["spec", "replicas"]] = 5
        let conflict = await api.put("\(deploys)/web", stale)
        #expect(conflict.status == 409)
        #expect(conflict.message == #"Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again"#)
        #expect(await api.get("\(deploys)/web").body["spec"]?["replicas"] == 2)
    }

    @Test("generation rises with spec changes only, and only for kinds that track it")
    func generationFollowsSpecChanges() async throws {
        let api = try await TestAPI()
        _ = await api.create(deploys, deployment("web"))
        _ = await api.patch("\(deploys)/web", ["metadata": ["labels": ["x": "y"]]])
        #expect(await api.get("\(deploys)/web").body["metadata"]?["generation"] == 1)
        _ = await api.patch("\(deploys)/web", ["spec": ["replicas": 3]])
        #expect(await api.get("\(deploys)/web").body["metadata"]?["generation"] == 2)
        _ = await api.create(cms, configMap("c"))
        _ = await api.patch("\(cms)/c", ["data": ["k": "changed"]])
        #expect(await api.get("\(cms)/c").body["metadata"]?["generation"] == nil)
    }

    @Test("the main endpoint ignores status and the status endpoint ignores everything else")
    func statusSubresourceSeparatesSpecAndStatus() async throws {
        let api = try await TestAPI()
        var d = deployment("web")
        d["status"] = ["replicas": 9]
        let created = await api.create(deploys, d).body
        #expect(created["status"] == .emptyObject)
        var withStatus = created
        withStatus["status"] = ["replicas": 1, "observedGeneration": 1]
        withStatus[path: ["spec", "replicas"]] = 7
        let statusReply = await api.put("\(deploys)/web/status", withStatus)
        #expect(statusReply.status == 200)
        #expect(statusReply.body["status"]?["replicas"] == 1)
        #expect(statusReply.body["spec"]?["replicas"] == 1)
        var main = statusReply.body
        main["status"] = ["replicas": 100]
        let mainReply = await api.put("\(deploys)/web", main)
        #expect(mainReply.body["status"]?["replicas"] == 1)
    }

    @Test("the scale subresource reads and writes spec.replicas as an autoscaling/v1 Scale")
    func scaleSubresource() async throws {
        let api = try await TestAPI()
        _ = await api.create(deploys, deployment("web", replicas: 2))
        let scale = await api.get("\(deploys)/web/scale")
        #expect(scale.body["kind"] == "Scale")
        #expect(scale.body["spec"]?["replicas"] == 2)
        #expect(scale.body["status"]?["selector"] == "app=web")
        let patched = await api.patch("\(deploys)/web/scale", ["spec": ["replicas": 5]])
        #expect(patched.status == 200)
        #expect(patched.body["spec"]?["replicas"] == 5)
        #expect(await api.get("\(deploys)/web").body["spec"]?["replicas"] == 5)
        var stale = scale.body
        stale[path: ["spec", "replicas"]] = 1
        #expect(await api.put("\(deploys)/web/scale", stale).status == 409)
    }

    @Test("all three patch types apply, and a resourceVersion in the patch is a precondition")
    func patchTypes() async throws {
        let api = try await TestAPI()
        let created = await api.create(deploys, deployment("web")).body
        let smp = await api.patch("\(deploys)/web",
            ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "nginx:2"]]]]]],
            type: "application/strategic-merge-patch+json")
        #expect(smp.body["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] == "nginx:2")
        let json = await api.patch("\(deploys)/web", [["op": "replace", "path": "/spec/replicas", "value": 4]],
                                   type: "application/json-patch+json")
        #expect(json.body["spec"]?["replicas"] == 4)
        let stale = await api.patch("\(deploys)/web", ["metadata": ["resourceVersion": created["metadata"]?["resourceVersion"] ?? ""],
                                                        "spec": ["replicas": 1]])
        #expect(stale.status == 409)
        let failedTest = await api.patch("\(deploys)/web", [["op": "test", "path": "/spec/replicas", "value": 99]],
                                         type: "application/json-patch+json")
        #expect(failedTest.status == 422)
        #expect(await api.get("\(deploys)/web").body["spec"]?["replicas"] == 4)
    }

    @Test("server-side apply creates, owns fields, conflicts with other managers, and force takes over")
    func serverSideApply() async throws {
        let api = try await TestAPI()
        let applyType = "application/apply-patch+yaml"
        let created = await api.patch("\(cms)/cfg", configMap("cfg", data: ["a": "1"]), type: applyType, query: "fieldManager=kubectl")
        #expect(created.status == 201)
        _ = await api.patch("\(cms)/cfg", ["data": ["a": "2"]], query: "fieldManager=editor")
        let conflict = await api.patch("\(cms)/cfg", configMap("cfg", data: ["a": "3"]), type: applyType, query: "fieldManager=kubectl")
        #expect(conflict.status == 409)
        #expect(conflict.message == #"Apply failed with 1 conflict: conflict with "editor" using v1: .data.a"#)
        #expect(conflict.body["details"]?["causes"]?[0]?["field"] == ".data.a")
        let forced = await api.patch("\(cms)/cfg", configMap("cfg", data: ["a": "3"]), type: applyType,
                                     query: "fieldManager=kubectl&force=true")
        #expect(forced.status == 200)
        #expect(forced.body["data"] == ["a": "3"])
        // Dropping a field from the applied configuration removes it.
        _ = await api.patch("\(cms)/cfg", configMap("cfg", data: ["a": "3", "b": "4"]), type: applyType, query: "fieldManager=kubectl")
        let shrunk = await api.patch("\(cms)/cfg", configMap("cfg", data: ["a": "3"]), type: applyType, query: "fieldManager=kubectl")
        #expect(shrunk.body["data"] == ["a": "3"])
        let noManager = await api.patch("\(cms)/cfg", configMap("cfg"), type: applyType)
        #expect(noManager.status == 400)
    }

    @Test("strategic merge patch is refused for custom resources, as upstream does")
    func strategicMergeRefusedForCustomResources() async throws {
        let api = try await TestAPI(installCRDs: true)
        let rollouts = "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts"
        let rollout: JSON = ["apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": ["name": "r"],
                             "spec": ["selector": ["matchLabels": ["app": "r"]],
                                      "template": ["metadata": ["labels": ["app": "r"]], "spec": ["containers": [["name": "c", "image": "x"]]]]]]
        #expect(await api.create(rollouts, rollout).status == 201)
        let smp = await api.patch("\(rollouts)/r", ["spec": ["replicas": 2]], type: "application/strategic-merge-patch+json")
        #expect(smp.status == 415)
        #expect(await api.patch("\(rollouts)/r", ["spec": ["replicas": 2]]).body["spec"]?["replicas"] == 2)
    }

    @Test("dry run validates and answers like the real write but stores nothing")
    func dryRunStoresNothing() async throws {
        let api = try await TestAPI()
        let before = api.store.revision
        let created = await api.create(cms, configMap("dry"), query: "dryRun=All")
        #expect(created.status == 201)
        #expect(created.body["metadata"]?["resourceVersion"] == nil)
        #expect(await api.get("\(cms)/dry").status == 404)
        _ = await api.create(cms, configMap("real"))
        let afterCreate = api.store.revision
        let deleted = await api.delete("\(cms)/real", ["dryRun": ["All"]])
        #expect(deleted.status == 200)
        #expect(await api.get("\(cms)/real").status == 200)
        #expect(api.store.revision == afterCreate)
        #expect(afterCreate == before + 1)
    }

    @Test("label and field selectors filter lists; an unsupported field is a 400")
    func selectorsFilterLists() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("a", labels: ["app": "web", "tier": "front"]))
        _ = await api.create(cms, configMap("b", labels: ["app": "web"]))
        _ = await api.create(cms, configMap("c", labels: ["app": "db"]))
        func names(_ query: String) async -> [String] {
            await api.get(cms, query: query).body["items"]?.arrayValue?.map(\.name) ?? []
        }
        #expect(await names("labelSelector=app%3Dweb") == ["a", "b"])
        #expect(await names("labelSelector=app+in+(web,db),!tier") == ["b", "c"])
        #expect(await names("fieldSelector=metadata.name%3Dc") == ["c"])
        #expect(await names("fieldSelector=metadata.name!%3Dc&labelSelector=app%3Dweb") == ["a", "b"])
        let bad = await api.get(cms, query: "fieldSelector=spec.nothing%3Dx")
        #expect(bad.status == 400)
        #expect(bad.message == "field label not supported: spec.nothing")
        #expect(await api.get(cms, query: "labelSelector=a%20b%3Dc").status == 400)
    }

    @Test("lists page with limit and continue, in name order, and later pages keep the first page's revision")
    func listsPage() async throws {
        let api = try await TestAPI()
        for name in ["e", "b", "d", "a", "c"] { _ = await api.create(cms, configMap(name)) }
        var names: [String] = []
        var token: String?
        var revisions: Set<String> = []
        repeat {
            let query = "limit=2" + (token.map { "&continue=\($0)" } ?? "")
            let page = await api.get(cms, query: query).body
            names += page["items"]?.arrayValue?.map(\.name) ?? []
            revisions.insert(page["metadata"]?["resourceVersion"]?.stringValue ?? "")
            token = page["metadata"]?["continue"]?.stringValue
            if names.count == 2 { _ = await api.create(cms, configMap("z")) }
        } while token != nil
        #expect(names == ["a", "b", "c", "d", "e", "z"])
        #expect(revisions.count == 1)
        #expect(await api.get(cms, query: "continue=garbage").status == 400)
    }

    @Test("a deletion waits for finalizers, and removing the last one removes the object")
    func finalizersHoldDeletion() async throws {
        let api = try await TestAPI()
        var cm = configMap("held")
        cm.finalizers = ["example.com/hold"]
        _ = await api.create(cms, cm)
        let deleting = await api.delete("\(cms)/held")
        #expect(deleting.status == 200)
        #expect(deleting.body["metadata"]?["deletionTimestamp"] != nil)
        #expect(await api.get("\(cms)/held").status == 200)
        let addMore = await api.patch("\(cms)/held", ["metadata": ["finalizers": ["example.com/hold", "example.com/more"]]])
        #expect(addMore.status == 422)
        #expect(addMore.message.contains("no new finalizers can be added if the object is being deleted"))
        let cleared = await api.patch("\(cms)/held", [["op": "remove", "path": "/metadata/finalizers"]], type: "application/json-patch+json")
        #expect(cleared.status == 200)
        #expect(await api.get("\(cms)/held").status == 404)
    }

    @Test("delete preconditions on uid and resourceVersion are enforced")
    func deletePreconditions() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("p"))
        let wrongUID = await api.delete("\(cms)/p", ["preconditions": ["uid": "not-the-uid"]])
        #expect(wrongUID.status == 409)
        #expect(wrongUID.message.contains("Precondition failed: UID in precondition: not-the-uid"))
        let ok = await api.delete("\(cms)/p", ["propagationPolicy": "Background"])
        #expect(ok.status == 200)
        #expect(ok.body["status"] == "Success")
    }

    @Test("Table output renders built-in columns and server-side ages")
    func tableOutput() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("t", data: ["a": "1", "b": "2"]))
        let table = await api.get(cms, accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.header("Content-Type") == ["application/json;as=Table;v=v1;g=meta.k8s.io"])
        #expect(table.body["kind"] == "Table")
        #expect(table.body["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Data", "Age"])
        let row = try #require(table.body["rows"]?[0])
        #expect(row["cells"]?[0] == "t")
        #expect(row["cells"]?[1] == 2)
        #expect(row["object"]?["kind"] == "PartialObjectMetadata")
    }
}
