import Foundation
import Testing
@testable import KubeModel

@Suite("Server-side apply")
struct ServerSideApplyTests {
    static let deploymentSchema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
    static let configMapSchema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"))
    static let t1 = "2026-11-22T01:47:52Z"
    static let t2 = "2026-11-22T01:48:20Z"
    static let t3 = "2026-11-22T01:49:00Z"

    static func json(_ text: String) -> JSON {
        do { return try JSON.parse(text) } catch { fatalError("bad test JSON: \(error)\n\(text)") }
    }

    static func deployment(replicas: Int, image: String = "nginx:1.27", annotations: String? = nil) -> JSON {
        var object = json(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"IMAGE"}]}}}}
        """#.replacingOccurrences(of: "IMAGE", with: image))
        object[path: ["spec", "replicas"]] = JSON(replicas)
        if let annotations { object[path: ["metadata", "annotations"]] = json(annotations) }
        return object
    }

    static func applyConfigMap(_ live: JSON?, _ config: String, manager: String = "kubectl", force: Bool = false,
                               now: String = t1) throws -> JSON {
        try ServerSideApply.apply(live: live, applied: json(config), manager: manager, force: force, schema: configMapSchema,
                                  apiVersion: "v1", subresource: nil, now: now)
    }

    static func applyDeployment(_ live: JSON?, _ config: JSON, manager: String = "kubectl", force: Bool = false,
                                now: String = t2) throws -> JSON {
        try ServerSideApply.apply(live: live, applied: config, manager: manager, force: force, schema: deploymentSchema,
                                  apiVersion: "apps/v1", subresource: nil, now: now)
    }

    /// The managedFields entries as (manager, operation, fieldsV1) for compact assertions.
    static func owners(_ object: JSON) -> [String: JSON] {
        var out: [String: JSON] = [:]
        for entry in object[path: ["metadata", "managedFields"]]?.arrayValue ?? [] {
            let key = (entry["manager"]?.stringValue ?? "") + "/" + (entry["operation"]?.stringValue ?? "")
            out[key] = entry["fieldsV1"]
        }
        return out
    }

    @Test("apply creates the object from the configuration and records one Apply entry")
    func createsObject() throws {
        let created = try Self.applyConfigMap(nil, #"""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default","labels":{"app":"web"}},"data":{"a":"1"}}
        """#)
        #expect(created == Self.json(#"""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default","labels":{"app":"web"},
          "managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2026-11-22T01:47:52Z",
            "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}},"f:metadata":{"f:labels":{"f:app":{}}}}}]},
         "data":{"a":"1"}}
        """#))
    }

    @Test("re-applying without a label removes the label, and keeps labels other managers own")
    func removesDroppedLabel() throws {
        let first = try Self.applyConfigMap(nil, #"""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web","tier":"front"}},"data":{"a":"1"}}
        """#)
        // kubectl label adds one of its own.
        var labelled = first
        labelled[path: ["metadata", "labels", "team"]] = "blue"
        labelled = ServerSideApply.recordUpdate(old: first, new: labelled, manager: "kubectl-label", schema: Self.configMapSchema,
                                                apiVersion: "v1", subresource: nil, now: Self.t2)
        let second = try Self.applyConfigMap(labelled, #"""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web"}},"data":{"a":"1"}}
        """#, now: Self.t3)
        #expect(second[path: ["metadata", "labels"]] == ["app": "web", "team": "blue"])
        #expect(Self.owners(second) == [
            "kubectl/Apply": Self.json(#"{"f:data":{"f:a":{}},"f:metadata":{"f:labels":{"f:app":{}}}}"#),
            "kubectl-label/Update": Self.json(#"{"f:metadata":{"f:labels":{"f:team":{}}}}"#),
        ])
        // Dropping every label of its own leaves only the other manager's.
        let third = try Self.applyConfigMap(second, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#)
        #expect(third[path: ["metadata", "labels"]] == ["team": "blue"])
        // And dropping a data key removes it.
        let fourth = try Self.applyConfigMap(third, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"b":"2"}}"#)
        #expect(fourth["data"] == ["b": "2"])
    }

    @Test("changing a field client-side apply owns is a conflict worded as the API server words it")
    func conflictWithClientSideApply() throws {
        let live = ServerSideApply.recordUpdate(old: nil, new: Self.deployment(replicas: 2), manager: "kubectl-client-side-apply",
                                                schema: Self.deploymentSchema, apiVersion: "apps/v1", subresource: nil, now: Self.t1)
        #expect(throws: ApplyConflictError(
            conflicts: [ApplyConflict(manager: "kubectl-client-side-apply", field: ".spec.replicas",
                                      message: #"conflict with "kubectl-client-side-apply" using apps/v1"#)],
            message: #"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas"#
        )) {
            try Self.applyDeployment(live, Self.deployment(replicas: 3))
        }
        // The same values are no conflict: ownership is shared.
        let shared = try Self.applyDeployment(live, Self.deployment(replicas: 2))
        #expect(Self.owners(shared)["kubectl-client-side-apply/Update"]?[path: ["f:spec", "f:replicas"]] == [:])
        #expect(Self.owners(shared)["kubectl/Apply"]?[path: ["f:spec", "f:replicas"]] == [:])
    }

    @Test("force takes the conflicting fields over")
    func forceTransfersOwnership() throws {
        let live = ServerSideApply.recordUpdate(old: nil, new: Self.deployment(replicas: 2), manager: "kubectl-client-side-apply",
                                                schema: Self.deploymentSchema, apiVersion: "apps/v1", subresource: nil, now: Self.t1)
        let forced = try Self.applyDeployment(live, Self.deployment(replicas: 3), force: true)
        #expect(forced[path: ["spec", "replicas"]] == 3)
        let owners = Self.owners(forced)
        #expect(owners["kubectl/Apply"]?[path: ["f:spec", "f:replicas"]] == [:])
        #expect(owners["kubectl-client-side-apply/Update"]?[path: ["f:spec", "f:replicas"]] == nil)
        #expect(owners["kubectl-client-side-apply/Update"]?[path: ["f:spec", "f:template"]] != nil)
        let entries = forced[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(entries.map { $0["manager"]?.stringValue ?? "" } == ["kubectl", "kubectl-client-side-apply"])
        #expect(entries.first?["time"] == .string(Self.t2))
        #expect(entries.first?["apiVersion"] == "apps/v1")
    }

    @Test("two appliers of the same value share it; a different value then conflicts with the other applier")
    func sharedOwnership() throws {
        let a = try Self.applyDeployment(nil, Self.deployment(replicas: 2), manager: "a")
        let b = try Self.applyDeployment(a, Self.json(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2}}
        """#), manager: "b")
        #expect(Self.owners(b)["a/Apply"]?[path: ["f:spec", "f:replicas"]] == [:])
        #expect(Self.owners(b)["b/Apply"] == Self.json(#"{"f:spec":{"f:replicas":{}}}"#))
        #expect(throws: ApplyConflictError(
            conflicts: [ApplyConflict(manager: "b", field: ".spec.replicas", message: #"conflict with "b""#)],
            message: #"Apply failed with 1 conflict: conflict with "b": .spec.replicas"#
        )) {
            try Self.applyDeployment(b, Self.deployment(replicas: 5), manager: "a")
        }
        // Dropping a shared field keeps it while the other applier still owns it.
        var withoutReplicas = Self.deployment(replicas: 0)
        withoutReplicas[path: ["spec", "replicas"]] = nil
        let dropped = try Self.applyDeployment(b, withoutReplicas, manager: "a")
        #expect(dropped[path: ["spec", "replicas"]] == 2)
    }

    @Test("several conflicts are listed per manager")
    func severalConflicts() throws {
        let live = ServerSideApply.recordUpdate(old: nil, new: Self.deployment(replicas: 2, image: "nginx:1.26"), manager: "kubectl-create",
                                                schema: Self.deploymentSchema, apiVersion: "apps/v1", subresource: nil, now: Self.t1)
        do {
            _ = try Self.applyDeployment(live, Self.deployment(replicas: 3, image: "nginx:1.27"))
            Issue.record("expected a conflict")
        } catch let error as ApplyConflictError {
            #expect(error.conflicts.map(\.field) == [".spec.replicas", #".spec.template.spec.containers[name="main"].image"#])
            #expect(error.message == #"""
            Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:
            - .spec.replicas
            - .spec.template.spec.containers[name="main"].image
            """#)
        }
    }

    @Test("containers merge by name, each manager owning its own, and a dropped container goes")
    func listMapMerge() throws {
        let a = try Self.applyDeployment(nil, Self.deployment(replicas: 1), manager: "a")
        let sidecar = Self.json(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:1"}]}}}}
        """#)
        let both = try Self.applyDeployment(a, sidecar, manager: "b")
        #expect(both[path: ["spec", "template", "spec", "containers"]] == Self.json(#"[{"name":"main","image":"nginx:1.27"},{"name":"sidecar","image":"envoy:1"}]"#))
        let containersOf = { (manager: String) in
            Self.owners(both)[manager]?[path: ["f:spec", "f:template", "f:spec", "f:containers"]]?.objectValue?.keys.sorted() ?? []
        }
        #expect(containersOf("a/Apply") == [#"k:{"name":"main"}"#])
        #expect(containersOf("b/Apply") == [#"k:{"name":"sidecar"}"#])

        // a changes its own container's image: no conflict with b.
        let updated = try Self.applyDeployment(both, Self.deployment(replicas: 1, image: "nginx:1.28"), manager: "a")
        #expect(updated[path: ["spec", "template", "spec", "containers"]] == Self.json(#"[{"name":"main","image":"nginx:1.28"},{"name":"sidecar","image":"envoy:1"}]"#))

        // b stops applying its container: it is removed, a's stays.
        let bare = Self.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"paused":false}}"#)
        let removed = try Self.applyDeployment(updated, bare, manager: "b")
        #expect(removed[path: ["spec", "template", "spec", "containers"]] == Self.json(#"[{"name":"main","image":"nginx:1.28"}]"#))
        #expect(Self.owners(removed)["b/Apply"] == Self.json(#"{"f:spec":{"f:paused":{}}}"#))
    }

    @Test("an Update write moves a changed field from its old owner to the writer")
    func updateMovesOwnership() throws {
        let created = ServerSideApply.recordUpdate(old: nil, new: Self.deployment(replicas: 1), manager: "A", schema: Self.deploymentSchema,
                                                   apiVersion: "apps/v1", subresource: nil, now: Self.t1)
        #expect(Self.owners(created)["A/Update"] == Self.json(#"""
        {"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
          "f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
        """#))
        var scaled = created
        scaled[path: ["spec", "replicas"]] = 5
        let updated = ServerSideApply.recordUpdate(old: created, new: scaled, manager: "B", schema: Self.deploymentSchema,
                                                   apiVersion: "apps/v1", subresource: nil, now: Self.t2)
        #expect(updated[path: ["spec", "replicas"]] == 5)
        #expect(Self.owners(updated)["A/Update"]?[path: ["f:spec", "f:replicas"]] == nil)
        #expect(Self.owners(updated)["A/Update"]?[path: ["f:spec", "f:selector"]] == [:])
        #expect(Self.owners(updated)["B/Update"] == Self.json(#"{"f:spec":{"f:replicas":{}}}"#))
        let entries = updated[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(entries.map { $0["time"]?.stringValue ?? "" } == [Self.t1, Self.t2])

        // Removing a field drops it from every owner; a write that changes nothing changes no entry.
        var unscaled = updated
        unscaled[path: ["spec", "replicas"]] = nil
        let removed = ServerSideApply.recordUpdate(old: updated, new: unscaled, manager: "C", schema: Self.deploymentSchema,
                                                   apiVersion: "apps/v1", subresource: nil, now: Self.t3)
        #expect(Self.owners(removed).keys.sorted() == ["A/Update"])
        let same = ServerSideApply.recordUpdate(old: removed, new: removed, manager: "D", schema: Self.deploymentSchema,
                                                apiVersion: "apps/v1", subresource: nil, now: Self.t3)
        #expect(same == removed)
    }

    @Test("system metadata is never owned")
    func systemFieldsUnowned() throws {
        var object = Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},"data":{"a":"1"}}"#)
        object[path: ["metadata", "uid"]] = "83559241-b4c1-40c3-969e-dc164eabff4c"
        object[path: ["metadata", "resourceVersion"]] = "102"
        object[path: ["metadata", "creationTimestamp"]] = .string(Self.t1)
        let created = ServerSideApply.recordUpdate(old: nil, new: object, manager: "kubectl-create", schema: Self.configMapSchema,
                                                   apiVersion: "v1", subresource: nil, now: Self.t1)
        #expect(Self.owners(created) == ["kubectl-create/Update": Self.json(#"{"f:data":{".":{},"f:a":{}}}"#)])
        var bumped = created
        bumped[path: ["metadata", "resourceVersion"]] = "103"
        let same = ServerSideApply.recordUpdate(old: created, new: bumped, manager: "x", schema: Self.configMapSchema,
                                                apiVersion: "v1", subresource: nil, now: Self.t2)
        #expect(Self.owners(same).keys.sorted() == ["kubectl-create/Update"])
    }

    @Test("a custom resource without schema replaces lists whole")
    func schemalessListsAreAtomic() throws {
        let widget = { (tags: String) in
            Self.json(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"tags":TAGS}}"#
                .replacingOccurrences(of: "TAGS", with: tags))
        }
        let apply = { (live: JSON?, config: JSON, manager: String, force: Bool) in
            try ServerSideApply.apply(live: live, applied: config, manager: manager, force: force, schema: nil,
                                      apiVersion: "example.com/v1", subresource: nil, now: Self.t1)
        }
        let first = try apply(nil, widget(#"["a","b"]"#), "a", false)
        #expect(Self.owners(first)["a/Apply"] == Self.json(#"{"f:spec":{".":{},"f:tags":{}}}"#))
        #expect(throws: ApplyConflictError(
            conflicts: [ApplyConflict(manager: "a", field: ".spec.tags", message: #"conflict with "a""#)],
            message: #"Apply failed with 1 conflict: conflict with "a": .spec.tags"#
        )) {
            try apply(first, widget(#"["c"]"#), "b", false)
        }
        let forced = try apply(first, widget(#"["c"]"#), "b", true)
        #expect(forced[path: ["spec", "tags"]] == ["c"])
        #expect(Self.owners(forced)["a/Apply"] == Self.json(#"{"f:spec":{}}"#))
        #expect(Self.owners(forced)["b/Apply"] == Self.json(#"{"f:spec":{".":{},"f:tags":{}}}"#))
    }

    @Test("set lists union and list-map lists merge in a built-in schema")
    func setListsUnion() throws {
        let withFinalizer = { (name: String) in
            Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","finalizers":["NAME"]}}"#
                .replacingOccurrences(of: "NAME", with: name))
        }
        let a = try ServerSideApply.apply(live: nil, applied: withFinalizer("x/a"), manager: "a", force: false, schema: Self.configMapSchema,
                                          apiVersion: "v1", subresource: nil, now: Self.t1)
        let b = try ServerSideApply.apply(live: a, applied: withFinalizer("x/b"), manager: "b", force: false, schema: Self.configMapSchema,
                                          apiVersion: "v1", subresource: nil, now: Self.t1)
        #expect(b[path: ["metadata", "finalizers"]] == ["x/a", "x/b"])
        #expect(Self.owners(b)["b/Apply"] == Self.json(#"{"f:metadata":{"f:finalizers":{"v:\"x/b\"":{}}}}"#))
    }

    @Test("a client that writes managedFields itself replaces the stored entries (the CSA to SSA migration)")
    func clientWrittenManagedFields() throws {
        let live = ServerSideApply.recordUpdate(old: nil, new: Self.deployment(replicas: 2), manager: "kubectl-client-side-apply",
                                                schema: Self.deploymentSchema, apiVersion: "apps/v1", subresource: nil, now: Self.t1)
        var patched = live
        let replacement = Self.json(#"""
        [{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2026-11-22T01:48:20Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:spec":{"f:replicas":{}}}}]
        """#)
        patched[path: ["metadata", "managedFields"]] = replacement
        patched[path: ["metadata", "resourceVersion"]] = "103"
        let stored = ServerSideApply.recordUpdate(old: live, new: patched, manager: "kubectl", schema: Self.deploymentSchema,
                                                  apiVersion: "apps/v1", subresource: nil, now: Self.t3)
        #expect(stored[path: ["metadata", "managedFields"]] == replacement)

        // An empty list does not wipe them; `[{}]` does.
        var emptied = live
        emptied[path: ["metadata", "managedFields"]] = []
        #expect(ServerSideApply.recordUpdate(old: live, new: emptied, manager: "x", schema: Self.deploymentSchema,
                                             apiVersion: "apps/v1", subresource: nil, now: Self.t3) == live)
        var reset = live
        reset[path: ["metadata", "managedFields"]] = [[:]]
        let cleared = ServerSideApply.recordUpdate(old: live, new: reset, manager: "x", schema: Self.deploymentSchema,
                                                   apiVersion: "apps/v1", subresource: nil, now: Self.t3)
        #expect(cleared[path: ["metadata", "managedFields"]] == nil)
    }

    @Test("kubectl takes over fields still matching the last-applied annotation and rewrites it")
    func clientSideApplyMigration() throws {
        let manifest = Self.deployment(replicas: 2)
        let lastApplied = manifest.serializedString() + "\n"
        var created = manifest
        created[path: ["metadata", "annotations"]] = ["kubectl.kubernetes.io/last-applied-configuration": .string(lastApplied)]
        let live = ServerSideApply.recordUpdate(old: nil, new: created, manager: "kubectl-client-side-apply", schema: Self.deploymentSchema,
                                                apiVersion: "apps/v1", subresource: nil, now: Self.t1)
        let applied = try Self.applyDeployment(live, Self.deployment(replicas: 3))
        #expect(applied[path: ["spec", "replicas"]] == 3)
        #expect(Self.owners(applied)["kubectl-client-side-apply/Update"]?[path: ["f:spec", "f:replicas"]] == nil)
        #expect(applied[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]]
            == .string(Self.deployment(replicas: 3).serializedString() + "\n"))
        // Another manager name gets no such help.
        #expect(throws: ApplyConflictError.self) { try Self.applyDeployment(live, Self.deployment(replicas: 3), manager: "flux") }
    }

    @Test("a re-apply that changes nothing keeps the entry's time")
    func noOpKeepsTime() throws {
        let config = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#
        let first = try Self.applyConfigMap(nil, config, now: Self.t1)
        let again = try Self.applyConfigMap(first, config, now: Self.t3)
        #expect(again == first)
    }

    @Test("an object without managedFields gives its fields to before-first-apply")
    func beforeFirstApply() throws {
        let live = Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","uid":"u1"},"data":{"a":"1"}}"#)
        #expect(throws: ApplyConflictError.self) {
            try Self.applyConfigMap(live, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"2"}}"#)
        }
        let applied = try Self.applyConfigMap(live, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"b":"2"}}"#)
        #expect(applied["data"] == ["a": "1", "b": "2"])
        #expect(applied[path: ["metadata", "uid"]] == "u1")
        #expect(Self.owners(applied) == [
            "before-first-apply/Update": Self.json(#"{"f:data":{".":{},"f:a":{}}}"#),
            "kubectl/Apply": Self.json(#"{"f:data":{"f:b":{}}}"#),
        ])
    }

    @Test("bad configurations are rejected", arguments: [
        (#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","managedFields":[]}}"#, "metadata.managedFields must be nil"),
        (#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"a"}]}}"#,
         #".spec.containers: duplicate entries for key [name="a"]"#),
    ])
    func rejectsBadConfiguration(config: String, message: String) throws {
        let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        #expect(throws: ApplyConfigurationError(message)) {
            try ServerSideApply.apply(live: nil, applied: Self.json(config), manager: "kubectl", force: false, schema: schema,
                                      apiVersion: "v1", subresource: nil, now: Self.t1)
        }
    }

    @Test("merged list items follow the configuration's order, live-only items staying where they were")
    func mergedListOrder() throws {
        let env = { (names: [String]) -> JSON in
            var pod = Self.json(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"main"}]}}"#)
            pod[path: ["spec", "containers"]] = [["name": "main", "env": .array(names.map { ["name": .string($0), "value": "1"] })]]
            return pod
        }
        let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        let live = ServerSideApply.recordUpdate(old: nil, new: env(["A", "B", "C"]), manager: "kubectl-create", schema: schema,
                                                apiVersion: "v1", subresource: nil, now: Self.t1)
        let applied = try ServerSideApply.apply(live: live, applied: env(["C", "A"]), manager: "kubectl", force: false, schema: schema,
                                                apiVersion: "v1", subresource: nil, now: Self.t2)
        let names = applied[path: ["spec", "containers"]]?[0]?["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["B", "C", "A"])
    }

    @Test("a struct nobody owns anything under any more is removed with its unowned defaults")
    func prunesEmptiedStruct() throws {
        var withStrategy = Self.deployment(replicas: 1)
        withStrategy[path: ["spec", "strategy"]] = Self.json(#"{"rollingUpdate":{"maxSurge":1}}"#)
        var live = try Self.applyDeployment(nil, withStrategy)
        live[path: ["spec", "strategy", "type"]] = "RollingUpdate"  // defaulted by the server, owned by no one
        let reapplied = try Self.applyDeployment(live, Self.deployment(replicas: 1))
        #expect(reapplied[path: ["spec", "strategy"]] == nil)
        #expect(reapplied[path: ["spec", "replicas"]] == 1)
    }

    @Test("conflict causes name the owner as the API server prints it", arguments: [
        (ManagedFieldsEntry.Operation.apply, nil as String?, #"conflict with "m""#),
        (.update, nil, #"conflict with "m" using apps/v1"#),
        (.update, "status", #"conflict with "m" with subresource "status" using apps/v1"#),
        (.apply, "scale", #"conflict with "m" with subresource "scale""#),
    ])
    func conflictWording(operation: ManagedFieldsEntry.Operation, subresource: String?, message: String) {
        let entry = ManagedFieldsEntry(manager: "m", operation: operation, apiVersion: "apps/v1", time: Self.t1,
                                       subresource: subresource, fields: FieldSet())
        #expect(ApplyConflict(owner: entry, path: FieldPath(fields: "spec", "replicas")).message == message)
    }

    @Test("a status write records a subresource entry that main-resource applies conflict with")
    func subresourceEntry() throws {
        let live = try Self.applyDeployment(nil, Self.deployment(replicas: 1))
        var withStatus = live
        withStatus[path: ["status", "replicas"]] = 1
        let written = ServerSideApply.recordUpdate(old: live, new: withStatus, manager: "kube-controller-manager", schema: Self.deploymentSchema,
                                                   apiVersion: "apps/v1", subresource: "status", now: Self.t3)
        let entry = written[path: ["metadata", "managedFields"]]?.arrayValue?.last
        #expect(entry == Self.json(#"""
        {"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":"2026-11-22T01:49:00Z",
         "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:replicas":{}}},"subresource":"status"}
        """#))
        var config = Self.deployment(replicas: 1)
        config[path: ["status", "replicas"]] = 2
        #expect(throws: ApplyConflictError.self) { try Self.applyDeployment(written, config) }
    }
}
