import Foundation
import KubeModel
import Testing
@testable import APIServer

/// Every rejection names the object and field, uses upstream's status code, and leaves the store untouched.
@Suite("Bad input")
struct BadInputTests {
    let cms = "/api/v1/namespaces/default/configmaps"
    let deploys = "/apis/apps/v1/namespaces/default/deployments"

    func expectUnchanged(_ api: TestAPI, _ body: () async -> TestAPI.Reply) async -> TestAPI.Reply {
        let before = api.store.revision
        let reply = await body()
        #expect(api.store.revision == before, "a rejected request must not write")
        return reply
    }

    @Test("malformed JSON is a 400 that quotes the parser")
    func malformedJSON() async throws {
        let api = try await TestAPI()
        let reply = await expectUnchanged(api) { await api.call("POST", cms, rawBody: Array("{\"metadata\": {".utf8)) }
        #expect(reply.status == 400)
        #expect(reply.message.contains("unexpected end of JSON input"))
    }

    @Test("malformed YAML is a 400")
    func malformedYAML() async throws {
        let api = try await TestAPI()
        let reply = await expectUnchanged(api) {
            await api.call("POST", cms, rawBody: Array("metadata: [1, 2\nname: x".utf8), contentType: "application/yaml")
        }
        #expect(reply.status == 400)
    }

    @Test("an object of the wrong kind for the URL is a 400 that says where it belongs")
    func wrongKindForURL() async throws {
        let api = try await TestAPI()
        let reply = await expectUnchanged(api) { await api.create(deploys, configMap("x")) }
        #expect(reply.status == 400)
        #expect(reply.message.contains("ConfigMap"))
        #expect(reply.message.contains("/api/v1/namespaces/default/configmaps"))
    }

    @Test("unknown fields: Strict rejects with the path, Warn stores and warns, Ignore drops silently")
    func unknownFields() async throws {
        let api = try await TestAPI()
        var d = deployment("web")
        d[path: ["spec", "template", "spec", "containers"]] = [["name": "main", "image": "nginx", "imagee": "typo"]]
        d[path: ["spec", "foo"]] = "bar"
        let strict = await expectUnchanged(api) { await api.create(deploys, d, query: "fieldValidation=Strict") }
        #expect(strict.status == 400)
        #expect(strict.message.contains(#"unknown field "spec.foo""#))
        #expect(strict.message.contains(#"unknown field "spec.template.spec.containers[0].imagee""#))
        let warn = await api.create(deploys, d, query: "fieldValidation=Warn")
        #expect(warn.status == 201)
        #expect(warn.header("Warning").contains { $0.contains("unknown field") && $0.contains("spec.foo") })
        #expect(warn.body["spec"]?["foo"] == nil)
        d.name = "web2"
        let ignore = await api.create(deploys, d, query: "fieldValidation=Ignore")
        #expect(ignore.status == 201)
        #expect(ignore.header("Warning").isEmpty)
        #expect(ignore.body["spec"]?["foo"] == nil)
    }

    @Test("duplicate fields are rejected under Strict")
    func duplicateFields() async throws {
        let api = try await TestAPI()
        let text = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"data":{"a":"1","a":"2"}}"#
        let reply = await expectUnchanged(api) { await api.call("POST", cms, query: "fieldValidation=Strict", rawBody: Array(text.utf8)) }
        #expect(reply.status == 400)
        #expect(reply.message.contains(#"duplicate field "data.a""#))
    }

    @Test("a wrongly typed field in a built-in kind is a 400 naming the field")
    func wrongTypeInBuiltin() async throws {
        let api = try await TestAPI()
        var d = deployment("web")
        d[path: ["spec", "replicas"]] = "three"
        let reply = await expectUnchanged(api) { await api.create(deploys, d) }
        #expect(reply.status == 400)
        #expect(reply.message.contains("spec.replicas"))
    }

    @Test("invalid names are 422 Invalid with a cause on metadata.name")
    func invalidNames() async throws {
        let api = try await TestAPI()
        let reply = await expectUnchanged(api) { await api.create(cms, configMap("Not_Valid")) }
        #expect(reply.status == 422)
        #expect(reply.reason == "Invalid")
        #expect(reply.message.hasPrefix(#"ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid""#))
        #expect(reply.body["details"]?["causes"]?[0]?["field"] == "metadata.name")
        let noName = await expectUnchanged(api) { await api.create(cms, ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]]) }
        #expect(noName.status == 422)
        #expect(noName.message.contains("name or generateName is required"))
    }

    @Test("semantic validation of built-ins answers 422 with upstream messages")
    func semanticValidation() async throws {
        let api = try await TestAPI()
        var d = deployment("web", replicas: -1)
        d[path: ["spec", "selector"]] = ["matchLabels": ["app": "other"]]
        let reply = await expectUnchanged(api) { await api.create(deploys, d) }
        #expect(reply.status == 422)
        #expect(reply.message.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0"))
        #expect(reply.message.contains("`selector` does not match template `labels`"))
    }

    @Test("objects over 1.5 MiB are 413 naming the object")
    func oversizedObjects() async throws {
        let api = try await TestAPI()
        let big = String(repeating: "x", count: 900_000)
        let reply = await expectUnchanged(api) { await api.create(cms, configMap("big", data: ["a": big, "b": big])) }
        #expect([413, 422].contains(reply.status))
        let huge = String(repeating: "y", count: 3_200_000)
        let tooLarge = await expectUnchanged(api) { await api.create(cms, configMap("huge", data: ["a": huge])) }
        #expect(tooLarge.status == 413)
        #expect(tooLarge.reason == "RequestEntityTooLarge")
    }

    @Test("writes to a namespace that does not exist are 404; to one being deleted, 403")
    func namespaceMustExist() async throws {
        let api = try await TestAPI()
        let missing = await expectUnchanged(api) { await api.create("/api/v1/namespaces/nowhere/configmaps", configMap("x")) }
        #expect(missing.status == 404)
        #expect(missing.message == #"namespaces "nowhere" not found"#)
        _ = await api.create("/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "doomed"]])
        var held = configMap("held")
        held.finalizers = ["example.com/x"]
        _ = await api.create("/api/v1/namespaces/doomed/configmaps", held)
        _ = await api.delete("/api/v1/namespaces/doomed")
        let terminating = await api.create("/api/v1/namespaces/doomed/configmaps", configMap("late"))
        #expect(terminating.status == 403)
        #expect(terminating.message.contains("because it is being terminated"))
    }

    @Test("an unsupported patch or body content type is 415 listing the accepted ones")
    func unsupportedMediaTypes() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("m"))
        let patch = await expectUnchanged(api) { await api.patch("\(cms)/m", ["data": [:]], type: "text/plain") }
        #expect(patch.status == 415)
        #expect(patch.message.contains("application/merge-patch+json"))
        let post = await expectUnchanged(api) { await api.call("POST", cms, body: configMap("n"), contentType: "application/xml") }
        #expect(post.status == 415)
    }

    @Test("a resourceVersion on create is refused with a way forward")
    func resourceVersionOnCreate() async throws {
        let api = try await TestAPI()
        var cm = configMap("rv")
        cm.resourceVersion = "12"
        let reply = await expectUnchanged(api) { await api.create(cms, cm) }
        #expect(reply.status == 400)
        #expect(reply.message.contains("remove metadata.resourceVersion"))
    }

    @Test("unknown paths and verbs answer 404 and 405")
    func unknownPathsAndVerbs() async throws {
        let api = try await TestAPI()
        #expect(await api.get("/apis/nothing.example/v1/things").status == 404)
        #expect(await api.get("/api/v1/namespaces/default/widgets").status == 404)
        #expect(await api.call("PUT", cms, body: configMap("x")).status == 405)
        #expect(await api.get("/api/v1/namespaces/default/configmaps", accept: "text/html").status == 406)
    }
}

@Suite("Overload")
struct OverloadTests {
    @Test("requests beyond the in-flight limit get 429 with Retry-After; watches do not count")
    func tooManyRequests() async throws {
        let api = try await TestAPI()
        api.handler.inFlight.withLock { $0.writes = api.handler.configuration.maxMutatingRequestsInFlight }
        let refused = await api.create("/api/v1/namespaces/default/configmaps", configMap("x"))
        #expect(refused.status == 429)
        #expect(refused.reason == "TooManyRequests")
        #expect(refused.header("Retry-After") == ["1"])
        #expect(await api.get("/api/v1/namespaces/default/configmaps").status == 200, "reads have their own limit")
        api.handler.inFlight.withLock { $0.writes = 0 }
        #expect(await api.create("/api/v1/namespaces/default/configmaps", configMap("x")).status == 201)
    }
}
