import KubeModel
import Testing

/// Strategic merge patch against the built-in schemas, plus cases ported from apimachinery's
/// `pkg/util/strategicpatch` tests (run there against the `MergeItem` test type, here against the same
/// shape written as an OpenAPI schema), so that list order matches a real API server's.
struct StrategicMergePatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let document: String
        let patch: String
        let expected: String
        var testDescription: String { name }
    }

    static let deployment = SchemaSet.builtin.schema(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
    static let pod = SchemaSet.builtin.schema(for: GroupVersionKind(group: "", version: "v1", kind: "Pod"))

    // MARK: - Built-in kinds

    static let deploymentCases: [Case] = [
        Case(name: "finalizers are a union",
             document: #"{"metadata":{"name":"web","finalizers":["a","b"]}}"#,
             patch: #"{"metadata":{"finalizers":["b","c"]}}"#,
             expected: #"{"metadata":{"name":"web","finalizers":["a","b","c"]}}"#),
        Case(name: "a patch of only new finalizers puts them first, as upstream does",
             document: #"{"metadata":{"finalizers":["a"]}}"#,
             patch: #"{"metadata":{"finalizers":["z"]}}"#,
             expected: #"{"metadata":{"finalizers":["z","a"]}}"#),
        Case(name: "$deleteFromPrimitiveList removes finalizers",
             document: #"{"metadata":{"finalizers":["a","b","c"]}}"#,
             patch: #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","x"]}}"#,
             expected: #"{"metadata":{"finalizers":["a","c"]}}"#),
        Case(name: "containers merge by name",
             document: """
                {"spec":{"template":{"spec":{"containers":[
                  {"name":"main","image":"nginx:1.25","ports":[{"containerPort":80}]},
                  {"name":"sidecar","image":"busybox"}]}}}}
                """,
             patch: #"{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:2"}]}}}}"#,
             expected: """
                {"spec":{"template":{"spec":{"containers":[
                  {"name":"main","image":"nginx:2","ports":[{"containerPort":80}]},
                  {"name":"sidecar","image":"busybox"}]}}}}
                """),
        Case(name: "ports merge by containerPort",
             document: """
                {"spec":{"template":{"spec":{"containers":[{"name":"main","ports":[
                  {"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]}]}}}}
                """,
             patch: """
                {"spec":{"template":{"spec":{"containers":[{"name":"main","ports":[
                  {"containerPort":80,"name":"web","protocol":"TCP"},{"containerPort":9090}]}]}}}}
                """,
             expected: """
                {"spec":{"template":{"spec":{"containers":[{"name":"main","ports":[
                  {"containerPort":80,"name":"web","protocol":"TCP"},{"containerPort":9090},
                  {"containerPort":443,"name":"https"}]}]}}}}
                """),
        Case(name: "$setElementOrder reorders containers",
             document: #"{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c","image":"x"}]}}}}"#,
             patch: #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"},{"name":"b"}]}}}}"#,
             expected: #"{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"x"},{"name":"a"},{"name":"b"}]}}}}"#),
        Case(name: "$retainKeys switches the strategy from RollingUpdate to Recreate",
             document: #"{"spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}}}"#,
             patch: #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
             expected: #"{"spec":{"replicas":2,"strategy":{"type":"Recreate"}}}"#),
        Case(name: "a strategy patch without $retainKeys merges",
             document: #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}}}}"#,
             patch: #"{"spec":{"strategy":{"rollingUpdate":{"maxSurge":1}}}}"#,
             expected: #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#),
        Case(name: "null deletes a member",
             document: #"{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"paused":true}}"#,
             patch: #"{"metadata":{"labels":{"tier":null}},"spec":{"paused":null,"minReadySeconds":null}}"#,
             expected: #"{"metadata":{"labels":{"app":"web"}},"spec":{}}"#),
        Case(name: "$patch: replace replaces a map",
             document: #"{"spec":{"template":{"metadata":{"labels":{"app":"web","old":"x"}}}}}"#,
             patch: #"{"spec":{"template":{"metadata":{"labels":{"$patch":"replace","app":"web2"}}}}}"#,
             expected: #"{"spec":{"template":{"metadata":{"labels":{"app":"web2"}}}}}"#),
        Case(name: "a {$patch: replace} item replaces a merged list",
             document: #"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b"}]}}}}"#,
             patch: #"{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"y"}]}}}}"#,
             expected: #"{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"y"}]}}}}"#),
        Case(name: "$patch: delete empties a map",
             document: #"{"spec":{"template":{"spec":{"nodeSelector":{"disk":"ssd"},"hostname":"h"}}}}"#,
             patch: #"{"spec":{"template":{"spec":{"nodeSelector":{"$patch":"delete"}}}}}"#,
             expected: #"{"spec":{"template":{"spec":{"nodeSelector":{},"hostname":"h"}}}}"#),
        Case(name: "$patch: merge is the default",
             document: #"{"metadata":{"labels":{"a":"1"}}}"#,
             patch: #"{"metadata":{"labels":{"$patch":"merge","b":"2"}}}"#,
             expected: #"{"metadata":{"labels":{"a":"1","b":"2"}}}"#),
        Case(name: "kubectl rollout restart",
             document: #"{"spec":{"template":{"metadata":{"labels":{"app":"web"}}}}}"#,
             patch: #"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-22T01:49:36Z"}}}}}"#,
             expected: #"{"spec":{"template":{"metadata":{"labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-22T01:49:36Z"}}}}}"#),
        Case(name: "a list without a patch strategy is replaced whole (tolerations, args)",
             document: #"{"spec":{"template":{"spec":{"tolerations":[{"key":"a"}],"containers":[{"name":"m","args":["x","y"]}]}}}}"#,
             patch: #"{"spec":{"template":{"spec":{"tolerations":[{"key":"b"}],"containers":[{"name":"m","args":["z"]}]}}}}"#,
             expected: #"{"spec":{"template":{"spec":{"tolerations":[{"key":"b"}],"containers":[{"name":"m","args":["z"]}]}}}}"#),
        Case(name: "a volume switches source with $retainKeys",
             document: #"{"spec":{"template":{"spec":{"volumes":[{"name":"data","emptyDir":{}},{"name":"keep","emptyDir":{}}]}}}}"#,
             patch: #"{"spec":{"template":{"spec":{"volumes":[{"$retainKeys":["configMap","name"],"name":"data","configMap":{"name":"cfg"}}]}}}}"#,
             expected: #"{"spec":{"template":{"spec":{"volumes":[{"name":"data","configMap":{"name":"cfg"}},{"name":"keep","emptyDir":{}}]}}}}"#),
        Case(name: "directives inside new content are applied to nothing and removed",
             document: #"{"spec":{"template":{"spec":{"containers":[{"name":"main"}]}}}}"#,
             patch: """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"main"},{"name":"new"}],
                  "containers":[{"name":"new","$setElementOrder/env":[{"name":"X"}],
                    "env":[{"name":"X","value":"1"},{"$patch":"delete","name":"Y"}],
                    "$deleteFromPrimitiveList/args":["a"],"resources":{"$patch":"delete"},
                    "securityContext":{"$retainKeys":["runAsUser"],"runAsUser":1,"runAsGroup":null}}],
                  "affinity":{"$patch":"replace","nodeAffinity":{}}}}}}
                """,
             expected: """
                {"spec":{"template":{"spec":{"containers":[{"name":"main"},
                  {"name":"new","env":[{"name":"X","value":"1"}],"securityContext":{"runAsUser":1}}],
                  "affinity":{"nodeAffinity":{}}}}}}
                """),
    ]

    @Test("applies to a Deployment", arguments: deploymentCases)
    func deploymentPatch(_ c: Case) throws {
        let result = try StrategicMergePatch.apply(JSON.parse(c.patch), to: JSON.parse(c.document), schema: Self.deployment)
        #expect(result == (try JSON.parse(c.expected)))
        #expect(Self.directiveKeys(in: result).isEmpty)
    }

    @Test("env items are deleted with $patch: delete (Pod)")
    func envDeleteDirective() throws {
        let pod = try JSON.parse("""
            {"spec":{"containers":[{"name":"main","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"A","value":"dup"}]}]}}
            """)
        let patch = try JSON.parse(#"{"spec":{"containers":[{"name":"main","env":[{"$patch":"delete","name":"A"}]}]}}"#)
        let result = try StrategicMergePatch.apply(patch, to: pod, schema: Self.pod)
        #expect(result == (try JSON.parse(#"{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}"#)))
    }

    @Test("the kubectl apply patch body from the reference configures the Deployment")
    func kubectlApplyBody() throws {
        let live = try JSON.parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","resourceVersion":"108",
                         "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{old}\\n"}},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},
                                 "spec":{"containers":[{"name":"main","image":"nginx:1.25","imagePullPolicy":"IfNotPresent",
                                                        "env":[{"name":"A","value":"1"},{"name":"B","value":"1"}]}]}}}}
            """)
        let patch = try JSON.parse("""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}\\n"}},
             "spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"main"}],
               "containers":[{"$setElementOrder/env":[{"name":"B"}],
                              "env":[{"name":"B","value":"2"},{"$patch":"delete","name":"A"}],
                              "image":"nginx:1.26","name":"main"}]}}}}
            """)
        let expected = try JSON.parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","resourceVersion":"108",
                         "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}\\n"}},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},
                                 "spec":{"containers":[{"name":"main","image":"nginx:1.26","imagePullPolicy":"IfNotPresent",
                                                        "env":[{"name":"B","value":"2"}]}]}}}}
            """)
        let result = try StrategicMergePatch.apply(patch, to: live, schema: Self.deployment)
        #expect(result == expected)
    }

    @Test("without a schema (custom resources) maps merge and lists are replaced whole")
    func schemaless() throws {
        let widget = try JSON.parse("""
            {"metadata":{"name":"w1","finalizers":["a"]},"spec":{"size":3,"tags":["a","b"],"items":[{"name":"x","v":1},{"name":"y"}]}}
            """)
        let patch = try JSON.parse(#"{"metadata":{"finalizers":["b"]},"spec":{"size":null,"items":[{"name":"x","v":2}],"extra":{"k":"v"}}}"#)
        let result = try StrategicMergePatch.apply(patch, to: widget, schema: nil)
        #expect(result == (try JSON.parse("""
            {"metadata":{"name":"w1","finalizers":["b"]},"spec":{"tags":["a","b"],"items":[{"name":"x","v":2}],"extra":{"k":"v"}}}
            """)))
    }

    @Test("a list unknown to the schema is replaced whole")
    func unknownField() throws {
        let doc = try JSON.parse(#"{"spec":{"custom":[{"name":"a","v":1},{"name":"b"}]}}"#)
        let patch = try JSON.parse(#"{"spec":{"custom":[{"name":"a","v":2}]}}"#)
        let result = try StrategicMergePatch.apply(patch, to: doc, schema: Self.deployment)
        #expect(result == (try JSON.parse(#"{"spec":{"custom":[{"name":"a","v":2}]}}"#)))
    }

    // MARK: - Errors

    struct Failure: Sendable, CustomTestStringConvertible {
        let document: String
        let patch: String
        let message: String
        var testDescription: String { message }
    }

    static let failures: [Failure] = [
        Failure(document: #"{}"#, patch: #"[{"op":"add"}]"#,
                message: "a strategic merge patch must be a JSON object, not array"),
        Failure(document: #"{"spec":{"template":{"spec":{"containers":[{"name":"main"}]}}}}"#,
                patch: #"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#,
                message: #"spec.template.spec.containers: map: {"image":"x"} does not contain declared merge key: name"#),
        Failure(document: #"{"spec":{"template":{"spec":{"containers":[{"name":"main"}]}}}}"#,
                patch: #"{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","image":"x"}]}}}}"#,
                message: #"spec.template.spec.containers: map: {"$patch":"delete","image":"x"} does not contain declared merge key: name"#),
        Failure(document: #"{"spec":{}}"#, patch: #"{"spec":{"$patch":"explode"}}"#,
                message: #"spec: unknown patch type: "explode" in map: {}"#),
        Failure(document: #"{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}}"#,
                patch: #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b","image":"x"},{"name":"a","image":"y"}]}}}}"#,
                message: """
                    spec.template.spec.containers: the order in patch list:
                    [{"image":"x","name":"b"},{"image":"y","name":"a"}]
                     doesn't match $setElementOrder list:
                    [{"name":"a"},{"name":"b"}]
                    """),
        Failure(document: #"{"spec":{"strategy":{"type":"Recreate"}}}"#,
                patch: #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
                message: #"spec.strategy: invalid patch format of retainKeys: "rollingUpdate" is set by the patch but not listed in $retainKeys"#),
        Failure(document: #"{"metadata":{"finalizers":["a"]}}"#, patch: #"{"metadata":{"finalizers":[1]}}"#,
                message: "metadata.finalizers: list element types are not identical: found string and number items"),
        Failure(document: #"{"metadata":{"finalizers":["a"]}}"#, patch: #"{"metadata":{"finalizers":[["b"]]}}"#,
                message: "metadata.finalizers: lists of lists are not supported"),
        Failure(document: #"{"metadata":{}}"#, patch: #"{"metadata":{"$setElementOrder/finalizers":"a"}}"#,
                message: "metadata.finalizers: invalid patch format of setElementOrder list: expected a list, not string"),
        Failure(document: #"{"metadata":{}}"#, patch: #"{"metadata":{"$deleteFromPrimitiveListfinalizers":["a"]}}"#,
                message: #"metadata: invalid patch format of primitive list: "$deleteFromPrimitiveListfinalizers" must read $deleteFromPrimitiveList/<field>"#),
        Failure(document: #"[]"#, patch: #"{}"#,
                message: "a strategic merge patch applies to a JSON object, not array"),
    ]

    @Test("rejects malformed patches, naming the field", arguments: failures)
    func rejects(_ f: Failure) throws {
        let patch = try JSON.parse(f.patch)
        let document = try JSON.parse(f.document)
        let error = #expect(throws: PatchError.self) {
            try StrategicMergePatch.apply(patch, to: document, schema: Self.deployment)
        }
        #expect(error?.message == f.message)
    }

    // MARK: - Upstream cases (apimachinery strategicpatch patch_test.go)

    /// The `MergeItem` test type of apimachinery's tests as an OpenAPI schema.
    static let mergeItem: Schema? = {
        let ref: JSON = ["$ref": "#/components/schemas/mergeItem"]
        let node: JSON = [
            "type": "object",
            "properties": [
                "name": ["type": "string"], "value": ["type": "string"], "other": ["type": "string"],
                "mergingList": ["type": "array", "items": ref, "x-kubernetes-patch-strategy": "merge",
                                "x-kubernetes-patch-merge-key": "name"],
                "nonMergingList": ["type": "array", "items": ref],
                "mergingIntList": ["type": "array", "items": ["type": "integer"], "x-kubernetes-patch-strategy": "merge"],
                "nonMergingIntList": ["type": "array", "items": ["type": "integer"]],
                "simpleMap": ["type": "object", "additionalProperties": ["type": "string"]],
                "replacingItem": ["x-kubernetes-patch-strategy": "replace"],
                "retainKeysMap": ["allOf": [ref], "x-kubernetes-patch-strategy": "retainKeys"],
                "retainKeysMergingList": ["type": "array", "items": ref, "x-kubernetes-patch-strategy": "merge,retainKeys",
                                          "x-kubernetes-patch-merge-key": "name"],
            ],
        ]
        return SchemaSet(schemas: ["mergeItem": node]).schema(named: "mergeItem")
    }()

    static let upstreamCases: [Case] = [
        Case(name: "unique scalars when merging lists",
             document: #"{"mergingIntList":[1,2]}"#, patch: #"{"mergingIntList":[2,3]}"#,
             expected: #"{"mergingIntList":[1,2,3]}"#),
        Case(name: "delete map from nested map",
             document: #"{"simpleMap":{"key1":"1","key2":"1"}}"#, patch: #"{"simpleMap":{"$patch":"delete"}}"#,
             expected: #"{"simpleMap":{}}"#),
        Case(name: "delete all items from merging list",
             document: #"{"mergingList":[{"name":"1"},{"name":"2"}]}"#, patch: #"{"mergingList":[{"$patch":"replace"}]}"#,
             expected: #"{"mergingList":[]}"#),
        Case(name: "add key and delete all keys from map",
             document: #"{"name":"1","value":"1"}"#, patch: #"{"other":"a","$patch":"replace"}"#,
             expected: #"{"other":"a"}"#),
        Case(name: "delete all duplicate entries in a merging list",
             document: #"{"mergingList":[{"name":1},{"name":1},{"name":2,"value":"a"},{"name":3},{"name":3}]}"#,
             patch: #"{"mergingList":[{"name":1,"$patch":"delete"},{"name":3,"$patch":"delete"}]}"#,
             expected: #"{"mergingList":[{"name":2,"value":"a"}]}"#),
        Case(name: "preserve the order from the patch in a merging list",
             document: #"{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}"#,
             patch: #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"other":"x"}]}"#,
             expected: #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"value":"b","other":"x"}]}"#),
        Case(name: "preserve the order from the patch in a merging list 2",
             document: #"{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}"#,
             patch: #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#,
             expected: #"{"mergingList":[{"name":2,"value":"b"},{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#),
        Case(name: "preserve the order from the patch in a merging int list",
             document: #"{"mergingIntList":[1,2,3]}"#, patch: #"{"mergingIntList":[3,1]}"#,
             expected: #"{"mergingIntList":[2,3,1]}"#),
        Case(name: "$setElementOrder contains item that is not present in the list to be merged",
             document: #"{"mergingList":[{"name":1},{"name":3}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":3},{"name":2},{"name":1}],"mergingList":[{"name":3,"value":"3"},{"name":1,"value":"1"}]}"#,
             expected: #"{"mergingList":[{"name":3,"value":"3"},{"name":1,"value":"1"}]}"#),
        Case(name: "$setElementOrder contains item that is not present in the int list to be merged",
             document: #"{"mergingIntList":[1,3]}"#, patch: #"{"$setElementOrder/mergingIntList":[3,2,1]}"#,
             expected: #"{"mergingIntList":[3,1]}"#),
        Case(name: "$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list",
             document: #"{"mergingIntList":[1,2]}"#, patch: #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
             expected: #"{"mergingIntList":[1,2]}"#),
        Case(name: "$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list",
             document: #"{"foo":["bar"]}"#, patch: #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
             expected: #"{"foo":["bar"]}"#),
        Case(name: "$deleteFromPrimitiveList should delete item from a list without merge patch strategy",
             document: #"{"nonMergingIntList":[1,2,3]}"#, patch: #"{"$deleteFromPrimitiveList/nonMergingIntList":[2]}"#,
             expected: #"{"nonMergingIntList":[1,3]}"#),
        Case(name: "nested patch merge with empty list (three-way)",
             document: #"{"name":"hi","mergingList":[{"name":"hello2"}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":"hello"},{"name":"doesntexist"}],"mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]}"#,
             expected: #"{"name":"hi","mergingList":[{"name":"hello"},{"name":"hello2"}]}"#),
        Case(name: "nested patch merge with empty list (two-way)",
             document: #"{"name":"hi"}"#,
             patch: #"{"mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]}"#,
             expected: #"{"name":"hi","mergingList":[{"name":"hello"}]}"#),
        Case(name: "delete items in lists of scalars",
             document: #"{"mergingIntList":[1,2,3,4]}"#,
             patch: #"{"$setElementOrder/mergingIntList":[1,2],"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
             expected: #"{"mergingIntList":[1,2,4]}"#),
        Case(name: "add and delete items in lists of scalars",
             document: #"{"mergingIntList":[1,2,3]}"#,
             patch: #"{"$setElementOrder/mergingIntList":[1,2,4],"$deleteFromPrimitiveList/mergingIntList":[3],"mergingIntList":[4]}"#,
             expected: #"{"mergingIntList":[1,2,4]}"#),
        Case(name: "merge lists of maps",
             document: #"{"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":4},{"name":1},{"name":2},{"name":3}],"mergingList":[{"name":4,"value":4},{"name":3,"value":3}]}"#,
             expected: #"{"mergingList":[{"name":4,"value":4},{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"},{"name":3,"value":3}]}"#),
        Case(name: "add map and delete map from merging list",
             document: #"{"mergingList":[{"name":1},{"name":2,"other":"b"},{"name":4,"other":"c"}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":2},{"name":3}],"mergingList":[{"name":3},{"name":1,"$patch":"delete"}]}"#,
             expected: #"{"mergingList":[{"name":2,"other":"b"},{"name":4,"other":"c"},{"name":3}]}"#),
        Case(name: "add map and delete map from merging list with conflict",
             document: #"{"mergingList":[{"name":1,"other":"a"},{"name":4,"other":"c"}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":2},{"name":3}],"mergingList":[{"name":2},{"name":3},{"name":1,"$patch":"delete"}]}"#,
             expected: #"{"mergingList":[{"name":4,"other":"c"},{"name":2},{"name":3}]}"#),
        Case(name: "delete missing map from merging list with conflict",
             document: #"{"mergingList":[{"name":3,"other":"a"}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":2}],"mergingList":[{"name":2},{"name":1,"$patch":"delete"}]}"#,
             expected: #"{"mergingList":[{"name":2},{"name":3,"other":"a"}]}"#),
        Case(name: "replace non merging list nested in merging list",
             document: #"{"mergingList":[{"name":1,"other":"a","nonMergingList":[{"name":1},{"name":2,"value":2}]},{"name":2,"other":"b"}]}"#,
             patch: #"{"$setElementOrder/mergingList":[{"name":1},{"name":2}],"mergingList":[{"name":1,"nonMergingList":[{"name":1,"value":1}]}]}"#,
             expected: #"{"mergingList":[{"name":1,"other":"a","nonMergingList":[{"name":1,"value":1}]},{"name":2,"other":"b"}]}"#),
        Case(name: "retainKeys clears members the directive does not list",
             document: #"{"retainKeysMap":{"name":"foo","value":"a","other":"x"}}"#,
             patch: #"{"retainKeysMap":{"$retainKeys":["name","value"],"value":"b"}}"#,
             expected: #"{"retainKeysMap":{"name":"foo","value":"b"}}"#),
        Case(name: "retainKeys list items keep only the listed members",
             document: #"{"retainKeysMergingList":[{"name":"bar"},{"name":"foo","value":"a","other":"x"}]}"#,
             patch: #"{"retainKeysMergingList":[{"$retainKeys":["name","other"],"name":"foo","other":"y"}]}"#,
             expected: #"{"retainKeysMergingList":[{"name":"bar"},{"name":"foo","other":"y"}]}"#),
        Case(name: "a replace-strategy map is replaced whole",
             document: #"{"replacingItem":{"a":1,"b":{"c":2}}}"#, patch: #"{"replacingItem":{"b":{"d":3}}}"#,
             expected: #"{"replacingItem":{"b":{"d":3}}}"#),
    ]

    @Test("matches apimachinery", arguments: upstreamCases)
    func upstream(_ c: Case) throws {
        let result = try StrategicMergePatch.apply(JSON.parse(c.patch), to: JSON.parse(c.document), schema: Self.mergeItem)
        #expect(result == (try JSON.parse(c.expected)))
    }

    @Test("upstream's order checks reject mismatched $setElementOrder lists and missing merge keys")
    func upstreamErrors() throws {
        let mismatch = #expect(throws: PatchError.self) {
            try StrategicMergePatch.apply(
                JSON.parse(#"{"$setElementOrder/mergingIntList":[1,2,3],"mergingIntList":[3,1]}"#),
                to: JSON.parse(#"{"mergingIntList":[1,3,2]}"#), schema: Self.mergeItem)
        }
        #expect(mismatch?.message == "mergingIntList: the order in patch list:\n[3,1]\n doesn't match $setElementOrder list:\n[1,2,3]")
        let noKey = #expect(throws: PatchError.self) {
            try StrategicMergePatch.apply(JSON.parse(#"{"mergingList":[{"value":"b"}]}"#),
                                          to: JSON.parse(#"{"mergingList":[{"name":1,"value":"a"}]}"#), schema: Self.mergeItem)
        }
        #expect(noKey?.message == #"mergingList: map: {"value":"b"} does not contain declared merge key: name"#)
    }

    /// Every `$`-prefixed key anywhere in `value`, to prove directives never reach a stored object.
    static func directiveKeys(in value: JSON) -> [String] {
        switch value {
        case .object(let members):
            return members.keys.filter { $0.hasPrefix("$") } + members.values.flatMap(directiveKeys(in:))
        case .array(let items):
            return items.flatMap(directiveKeys(in:))
        default:
            return []
        }
    }
}
