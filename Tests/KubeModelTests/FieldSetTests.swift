import Testing
@testable import KubeModel

@Suite("FieldSet")
struct FieldSetTests {
    /// fieldsV1 trees as a Kubernetes 1.32 API server writes them (`kubectl get -o json --show-managed-fields`).
    static let upstreamSamples: [(name: String, fieldsV1: String, paths: [String])] = [
        (
            "kubectl-create Update of a ConfigMap",
            #"{"f:data":{".":{},"f:a":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}}"#,
            [".data", ".data.a", ".metadata.labels", ".metadata.labels.app"]
        ),
        (
            "kubectl Apply of a Deployment",
            #"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}"#,
            [
                ".metadata.labels.app", ".spec.replicas", ".spec.selector", ".spec.template.metadata.labels.app",
                #".spec.template.spec.containers[name="nginx"]"#,
                #".spec.template.spec.containers[name="nginx"].image"#,
                #".spec.template.spec.containers[name="nginx"].name"#,
                #".spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]"#,
                #".spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].containerPort"#,
            ]
        ),
        (
            "kube-controller-manager status Update",
            #"{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{}}}"#,
            [
                ".metadata.annotations", ".metadata.annotations.deployment.kubernetes.io/revision",
                ".status.availableReplicas", ".status.conditions", #".status.conditions[type="Available"]"#,
                #".status.conditions[type="Available"].lastTransitionTime"#,
                #".status.conditions[type="Available"].status"#, #".status.conditions[type="Available"].type"#,
                ".status.observedGeneration",
            ]
        ),
        (
            "finalizers set",
            #"{"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/cleanup\"":{}}}}"#,
            [".metadata.finalizers", #".metadata.finalizers[="example.com/cleanup"]"#]
        ),
        (
            "client-side apply with the last-applied annotation",
            #"{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:replicas":{}}}"#,
            [".metadata.annotations", ".metadata.annotations.kubectl.kubernetes.io/last-applied-configuration", ".spec.replicas"]
        ),
        (
            "list positions",
            #"{"f:spec":{"f:items":{"i:0":{"f:a":{}},"i:10":{}}}}"#,
            [".spec.items[0].a", ".spec.items[10]"]
        ),
    ]

    @Test("reads and rewrites real managedFields trees unchanged", arguments: upstreamSamples.indices)
    func roundTrip(index: Int) throws {
        let sample = Self.upstreamSamples[index]
        let json = try JSON.parse(sample.fieldsV1)
        let set = try FieldSet(fieldsV1: json)
        #expect(set.paths.map(\.description) == sample.paths, "\(sample.name)")
        #expect(set.fieldsV1 == json, "\(sample.name)")
        #expect(try FieldSet(fieldsV1: set.fieldsV1) == set)
    }

    @Test("rejects malformed trees", arguments: [
        #"{"x:foo":{}}"#, #"{"foo":{}}"#, #"{"f:a":1}"#, #"{"k:notjson":{}}"#, #"{"k:[1]":{}}"#, #"{"i:-1":{}}"#, #"[]"#,
    ])
    func rejects(text: String) throws {
        let json = try JSON.parse(text)
        #expect(throws: FieldSetError.self) { try FieldSet(fieldsV1: json) }
    }

    @Test("writes key elements with sorted keys and reads them back equal")
    func keyElements() throws {
        let element = PathElement.key(["protocol": "TCP", "containerPort": 80])
        #expect(element.fieldsV1Key == #"k:{"containerPort":80,"protocol":"TCP"}"#)
        #expect(try PathElement(fieldsV1Key: #"k:{"protocol":"TCP","containerPort":80}"#) == element)
        #expect(element.description == #"[containerPort=80,protocol="TCP"]"#)
        #expect(PathElement.value("a").description == #"[="a"]"#)
        #expect(try PathElement(fieldsV1Key: "f:a:b.c") == .field("a:b.c"))
    }

    @Test("set algebra works on members, not on ancestors")
    func algebra() {
        let ab = FieldPath(fields: "a", "b")
        let a = FieldPath(fields: "a")
        let c = FieldPath(fields: "c")
        let left = FieldSet([ab, c])
        let right = FieldSet([a, c])
        #expect(left.contains(ab) && !left.contains(a))
        #expect(left.union(right).paths == [a, ab, c])
        #expect(left.subtracting(right).paths == [ab])
        #expect(left.intersection(right).paths == [c])
        #expect(left.subtracting(left).isEmpty)
        #expect(FieldSet([a, ab]).removingSubtree(at: a).isEmpty)
        #expect(FieldSet([a, ab]).fieldsV1 == ["f:a": [".": [:], "f:b": [:]]])
        #expect(left.count == 2)
    }

    @Test("derives a Deployment's field set from the built-in schema")
    func deploymentFields() throws {
        let deployment = try JSON.parse(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{}}],
                   "tolerations":[{"key":"k","operator":"Exists"}]}}}}
        """#)
        let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
        let set = FieldSet.of(deployment, schema: schema)
        let expected = try JSON.parse(#"""
        {"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:name":{},"f:labels":{"f:app":{}}},
         "f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
          "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:resources":{},
            "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}},
           "f:tolerations":{}}}}}
        """#)
        #expect(set.fieldsV1 == expected)
    }

    @Test("without a schema, objects are granular and lists atomic")
    func schemaless() throws {
        let widget = try JSON.parse(#"""
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","labels":{"a":"b"},"finalizers":["x"]},
         "spec":{"size":3,"tags":["a","b"],"nested":{"k":"v"}}}
        """#)
        let set = FieldSet.of(widget, schema: nil)
        let expected = try JSON.parse(#"""
        {"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:name":{},"f:labels":{"f:a":{}},"f:finalizers":{"v:\"x\"":{}}},
         "f:spec":{".":{},"f:size":{},"f:tags":{},"f:nested":{".":{},"f:k":{}}}}
        """#)
        #expect(set.fieldsV1 == expected)
    }

    @Test("an associative item without its key is named by position, strict reading rejects it")
    func missingKey() throws {
        let pod = try JSON.parse(#"{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"image":"x"}]}}"#)
        let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        #expect(FieldSet.of(pod, schema: schema).contains(FieldPath([.field("spec"), .field("containers"), .index(0), .field("image")])))
        #expect(throws: ApplyConfigurationError(#".spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn't have default value)"#)) {
            try FieldSet.strictlyOf(pod, schema: schema)
        }
    }
}
