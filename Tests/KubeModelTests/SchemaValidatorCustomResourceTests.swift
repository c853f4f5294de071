import Testing
import KubeModel

/// Custom resources: structural pruning, OpenAPI validation and list/embedded checks with the real Argo
/// Rollouts and Tekton CRDs and the seed manifests, plus a small CRD schema for each keyword.
@Suite("SchemaValidator on custom resources")
struct SchemaValidatorCustomResourceTests {
    struct SeedCase: Sendable, CustomTestStringConvertible {
        var file: String
        var unknown: [String]
        var testDescription: String { file }
    }

    static let rolloutSeeds: [SeedCase] = [
        .init(file: "bluegreen-auto-promotion-rollout.yaml", unknown: []),
        .init(file: "bluegreen-manual-promotion.yaml", unknown: []),
        .init(file: "bluegreen-prepost-promotion-analysis.yaml", unknown: []),
        .init(file: "bluegreen-spring-boot-manual-promotion.yaml", unknown: []),
        // `autoPromotionEnabled` is a blue-green field; upstream prunes it from a canary strategy.
        .init(file: "canary-basic-rollout.yaml", unknown: ["spec.strategy.canary.autoPromotionEnabled"]),
        .init(file: "canary-istio-prometheus-analysis.yaml", unknown: []),
        .init(file: "canary-istio-subset-traffic-shifting.yaml", unknown: []),
        .init(file: "canary-job-analysis-nginx.yaml", unknown: []),
        .init(file: "canary-nginx-header-routing-rollout.yaml", unknown: []),
        .init(file: "canary-nginx-traffic-routing.yaml", unknown: ["spec.strategy.canary.autoPromotionEnabled"]),
        .init(file: "canary-rolling-update-no-steps.yaml", unknown: []),
        .init(file: "canary-spring-boot-manual-promote.yaml", unknown: []),
    ]

    @Test("seed Rollouts validate against the real Rollout CRD after pruning and defaulting", arguments: rolloutSeeds)
    func seedRollouts(_ seed: SeedCase) throws {
        let schema = try SchemaTestSupport.rollout.get()
        var rollout = try SchemaTestSupport.seed("seeds/rollouts/" + seed.file, kind: "Rollout")
        #expect(SchemaValidator.unknownFields(in: rollout, schema: schema) == seed.unknown)
        #expect(SchemaValidator.prune(&rollout, schema: schema) == seed.unknown)
        SchemaDefaulter.applyDefaults(&rollout, schema: schema)
        #expect(SchemaValidator.validate(rollout, schema: schema, mode: .customResource) == ValidationOutcome())
    }

    static let taskSeeds = [
        "s2i-task-build-to-package.yaml", "s2i-task-deploy-using-kubectl.yaml", "s2i-task-generate-build-id.yaml",
        "s2i-task-git-clone.yaml", "s2i-task-image-build-and-push.yaml", "task-generate-buildid-results.yaml",
        "task-hello-params.yaml", "task-hello.yaml", "task-logger-script-params.yaml", "task-multi-step.yaml",
        "task-script.yaml", "task-source-lister-shared-workspace.yaml", "task-workspace-demo-optional.yaml",
    ]

    @Test("seed Tasks validate against the real Tekton Task CRD", arguments: taskSeeds)
    func seedTasks(_ file: String) throws {
        var task = try SchemaTestSupport.seed("seeds/tekton/" + file, kind: "Task")
        let schema = try (task["apiVersion"]?.stringValue == "tekton.dev/v1beta1" ? SchemaTestSupport.taskV1beta1 : SchemaTestSupport.taskV1).get()
        #expect(SchemaValidator.unknownFields(in: task, schema: schema) == [])
        SchemaDefaulter.applyDefaults(&task, schema: schema)
        #expect(SchemaValidator.validate(task, schema: schema, mode: .customResource) == ValidationOutcome())
    }

    @Test("Tekton fields under x-kubernetes-preserve-unknown-fields keep anything; declared ones still prune")
    func tektonPreservesUnknownFields() throws {
        let schema = try SchemaTestSupport.taskV1.get()
        var task = SchemaTestSupport.json("""
        {"apiVersion":"tekton.dev/v1","kind":"Task","metadata":{"name":"t","bogus":1},
         "spec":{"params":[{"name":"p","type":"object","default":{"any":{"shape":[1,"x"]}}}],
           "volumes":[{"name":"v","emptyDir":{},"madeUp":{"a":1}}],
           "steps":[{"name":"s","image":"alpine","foo":1}]}}
        """)
        #expect(SchemaValidator.unknownFields(in: task, schema: schema) == ["metadata.bogus", "spec.steps[0].foo"])
        #expect(SchemaValidator.prune(&task, schema: schema) == ["metadata.bogus", "spec.steps[0].foo"])
        #expect(task[path: ["spec", "volumes"]] == SchemaTestSupport.json(#"[{"name":"v","emptyDir":{},"madeUp":{"a":1}}]"#))
        #expect(task[path: ["spec", "params"]] == SchemaTestSupport.json(#"[{"name":"p","type":"object","default":{"any":{"shape":[1,"x"]}}}]"#))
        #expect(task["metadata"] == ["name": "t"])
    }

    static func basicRollout() throws -> JSON {
        var rollout = try SchemaTestSupport.seed("seeds/rollouts/canary-basic-rollout.yaml", kind: "Rollout")
        SchemaValidator.prune(&rollout, schema: try SchemaTestSupport.rollout.get())
        return rollout
    }

    @Test("a Rollout with a string replica count is invalid in apiextensions' words")
    func rolloutTypeError() throws {
        var rollout = try Self.basicRollout()
        rollout[path: ["spec", "replicas"]] = "five"
        let outcome = SchemaValidator.validate(rollout, schema: try SchemaTestSupport.rollout.get(), mode: .customResource)
        #expect(outcome.decodeErrors == [])
        #expect(outcome.fieldErrors == [
            .typeInvalid("spec.replicas", "string", #"spec.replicas in body must be of type integer: "string""#),
        ])
        #expect(outcome.fieldErrors.map(\.description) == [
            #"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#,
        ])
    }

    @Test("required fields and duplicate list-map keys of a Rollout are reported")
    func rolloutRequiredAndDuplicates() throws {
        var rollout = try Self.basicRollout()
        rollout[path: ["spec", "template", "spec", "containers"]] = SchemaTestSupport.json("""
        [{"image":"a"},{"name":"web","image":"b"},{"name":"web","image":"c"}]
        """)
        let outcome = SchemaValidator.validate(rollout, schema: try SchemaTestSupport.rollout.get(), mode: .customResource)
        #expect(outcome.fieldErrors == [
            .required("spec.template.spec.containers[0].name"),
            .duplicate("spec.template.spec.containers[2]", ["name": "web"]),
        ])
        #expect(outcome.fieldErrors.first?.description == "spec.template.spec.containers[0].name: Required value")
    }

    @Test("Rollout int-or-string fields take integers and strings but not booleans")
    func rolloutIntOrString() throws {
        let schema = try SchemaTestSupport.rollout.get()
        for value: JSON in [1, "20%"] {
            var rollout = try Self.basicRollout()
            rollout[path: ["spec", "strategy", "canary", "maxSurge"]] = value
            #expect(SchemaValidator.validate(rollout, schema: schema, mode: .customResource).isValid)
        }
        var rollout = try Self.basicRollout()
        rollout[path: ["spec", "strategy", "canary", "maxSurge"]] = true
        #expect(SchemaValidator.validate(rollout, schema: schema, mode: .customResource).fieldErrors.map(\.description) == [
            #"spec.strategy.canary.maxSurge: Invalid value: "boolean": spec.strategy.canary.maxSurge in body must be of type integer,string: "boolean""#,
            #"<nil>: Invalid value: "": "spec.strategy.canary.maxSurge" must validate at least one schema (anyOf)"#,
            #"spec.strategy.canary.maxSurge: Invalid value: "boolean": spec.strategy.canary.maxSurge in body must be of type integer: "boolean""#,
        ])
    }

    @Test("Rollout metadata that does not decode into ObjectMeta is a decode error")
    func rolloutMetadataDecodeError() throws {
        var rollout = try Self.basicRollout()
        rollout[path: ["metadata", "labels"]] = ["app": 5]
        #expect(SchemaValidator.validate(rollout, schema: try SchemaTestSupport.rollout.get(), mode: .customResource).decodeErrors == [
            "json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string",
        ])
    }

    // MARK: - One keyword at a time

    /// A small structural schema exercising each keyword.
    static let widgetSchema = Schema(node: SchemaTestSupport.json("""
    {"type":"object","properties":{
      "apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
      "spec":{"type":"object","required":["mode"],"properties":{
        "mode":{"type":"string","enum":["a","b"]},
        "level":{"type":"integer","enum":[1,2]},
        "count":{"type":"integer","format":"int32","minimum":1,"maximum":10},
        "ratio":{"type":"number","maximum":1,"exclusiveMaximum":true,"multipleOf":0.25},
        "name":{"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":5},
        "tags":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":2,"x-kubernetes-list-type":"set"},
        "when":{"type":"string","format":"date-time"},
        "id":{"type":"string","format":"uuid"},
        "note":{"type":"string","nullable":true},
        "size":{"x-kubernetes-int-or-string":true},
        "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name","protocol"],
          "items":{"type":"object","required":["name"],"properties":{
            "name":{"type":"string"},"protocol":{"type":"string","default":"TCP"},"port":{"type":"integer"}}}},
        "labels":{"type":"object","additionalProperties":{"type":"string"}},
        "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"integer"}}},
        "template":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}
      }}}}
    """))

    struct KeywordCase: Sendable, CustomTestStringConvertible {
        var spec: String
        var errors: [String]
        var testDescription: String { spec }
    }

    static let keywordCases: [KeywordCase] = [
        .init(spec: #"{"mode":"a"}"#, errors: []),
        .init(spec: #"{}"#, errors: ["spec.mode: Required value"]),
        .init(spec: #"{"mode":"z"}"#, errors: [#"spec.mode: Unsupported value: "z": supported values: "a", "b""#]),
        .init(spec: #"{"mode":"a","level":3}"#, errors: [#"spec.level: Unsupported value: 3: supported values: "1", "2""#]),
        .init(spec: #"{"mode":"a","count":0}"#, errors: ["spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1"]),
        .init(spec: #"{"mode":"a","count":11}"#, errors: ["spec.count: Invalid value: 11: spec.count in body should be less than or equal to 10"]),
        .init(spec: #"{"mode":"a","count":"3"}"#, errors: [#"spec.count: Invalid value: "string": spec.count in body must be of type integer: "string""#]),
        .init(spec: #"{"mode":"a","count":2.5}"#, errors: [#"spec.count: Invalid value: "number": spec.count in body must be of type integer: "number""#]),
        .init(spec: #"{"mode":"a","count":2.0}"#, errors: []),
        .init(spec: #"{"mode":"a","count":null}"#, errors: [#"spec.count: Invalid value: "null": spec.count in body must be of type integer: "null""#]),
        .init(spec: #"{"mode":"a","ratio":1}"#, errors: ["spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1"]),
        .init(spec: #"{"mode":"a","ratio":0.3}"#, errors: ["spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25"]),
        .init(spec: #"{"mode":"a","name":"ABC"}"#, errors: [#"spec.name: Invalid value: "ABC": spec.name in body should match '^[a-z]+$'"#]),
        .init(spec: #"{"mode":"a","name":"a"}"#, errors: [#"spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long"#]),
        .init(spec: #"{"mode":"a","name":"abcdef"}"#, errors: ["spec.name: Too long: must have at most 5 bytes"]),
        .init(spec: #"{"mode":"a","tags":[]}"#, errors: ["spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items"]),
        .init(spec: #"{"mode":"a","tags":["x","x"]}"#, errors: [#"spec.tags[1]: Duplicate value: "x""#]),
        .init(spec: #"{"mode":"a","tags":[1]}"#, errors: [#"spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: "integer""#]),
        .init(spec: #"{"mode":"a","when":"2024-01-01T10:00:00Z"}"#, errors: []),
        .init(spec: #"{"mode":"a","when":"2024-01-01t10:00:00.5+02:00"}"#, errors: []),
        .init(spec: #"{"mode":"a","when":"yesterday"}"#, errors: [#"spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday""#]),
        .init(spec: #"{"mode":"a","id":"nope"}"#, errors: [#"spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope""#]),
        .init(spec: #"{"mode":"a","id":"123e4567-e89b-12d3-a456-426614174000"}"#, errors: []),
        .init(spec: #"{"mode":"a","note":null}"#, errors: []),
        .init(spec: #"{"mode":"a","size":3}"#, errors: []),
        .init(spec: #"{"mode":"a","size":"3Gi"}"#, errors: []),
        .init(spec: #"{"mode":"a","size":[]}"#, errors: [#"spec.size: Invalid value: "array": spec.size in body must be of type integer,string: "array""#]),
        .init(spec: #"{"mode":"a","labels":{"app":1}}"#, errors: [#"spec.labels.app: Invalid value: "integer": spec.labels.app in body must be of type string: "integer""#]),
        .init(spec: #"{"mode":"a","free":{"known":"x","other":1}}"#, errors: [#"spec.free.known: Invalid value: "string": spec.free.known in body must be of type integer: "string""#]),
        .init(spec: #"{"mode":"a","ports":[{"port":80}]}"#, errors: ["spec.ports[0].name: Required value"]),
        .init(spec: #"{"mode":"a","ports":["x"]}"#, errors: [
            #"spec.ports[0]: Invalid value: "string": spec.ports[0] in body must be of type object: "string""#,
            #"spec.ports[0]: Invalid value: "x": must be an object for an array of list-type map"#,
        ]),
        .init(spec: #"{"mode":"a","template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"any":1}}}"#, errors: []),
        .init(spec: #"{"mode":"a","template":{"kind":"Pod","metadata":{"name":"a/b","labels":{"ok":"bad value!"}}}}"#, errors: [
            "spec.template.apiVersion: Required value: must not be empty",
            #"spec.template.metadata.name: Invalid value: "a/b": may not contain '/'"#,
            #"spec.template.metadata.labels: Invalid value: "bad value!": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#,
        ]),
        .init(spec: #"{"mode":"a","template":{"apiVersion":"a/b/c","kind":"my_kind"}}"#, errors: [
            #"spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c"#,
            #"spec.template.kind: Invalid value: "my_kind": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"#,
        ]),
    ]

    @Test("each schema keyword is checked with upstream's message", arguments: keywordCases)
    func keywords(_ c: KeywordCase) {
        let widget = SchemaTestSupport.json(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":\#(c.spec)}"#)
        let outcome = SchemaValidator.validate(widget, schema: Self.widgetSchema, mode: .customResource)
        #expect(outcome.fieldErrors.map(\.description) == c.errors)
        #expect(outcome.decodeErrors == [])
    }

    @Test("too many items is a TooMany error carrying the count")
    func tooManyItems() {
        let widget = SchemaTestSupport.json(#"{"spec":{"mode":"a","tags":["x","y","z"]}}"#)
        #expect(SchemaValidator.validate(widget, schema: Self.widgetSchema, mode: .customResource).fieldErrors == [
            FieldError(.tooMany, field: "spec.tags", value: 3, detail: "must have at most 2 items"),
        ])
    }

    @Test("list-map duplicates are reported once, at the second item, with the key fields (defaults filled in)")
    func listMapDuplicateValue() {
        let widget = SchemaTestSupport.json("""
        {"spec":{"mode":"a","ports":[{"name":"http","port":80},{"name":"http","protocol":"UDP"},
          {"name":"http","protocol":"TCP"},{"name":"http"}]}}
        """)
        #expect(SchemaValidator.validate(widget, schema: Self.widgetSchema, mode: .customResource).fieldErrors == [
            .duplicate("spec.ports[2]", ["name": "http", "protocol": "TCP"]),
        ])
    }

    @Test("embedded resources keep apiVersion, kind and metadata; their metadata is checked against ObjectMeta")
    func embeddedResourcePruning() {
        var widget = SchemaTestSupport.json("""
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","extra":1},
         "spec":{"mode":"a","stray":true,"free":{"known":1,"other":{"x":1}},
           "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","bogus":1},"spec":{"anything":1}},
           "ports":[{"name":"a","nope":1}],"labels":{"k":"v"}}}
        """)
        let expected = ["metadata.extra", "spec.ports[0].nope", "spec.stray", "spec.template.metadata.bogus"]
        #expect(SchemaValidator.unknownFields(in: widget, schema: Self.widgetSchema) == expected)
        #expect(SchemaValidator.prune(&widget, schema: Self.widgetSchema) == expected)
        #expect(widget == SchemaTestSupport.json("""
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
         "spec":{"mode":"a","free":{"known":1,"other":{"x":1}},
           "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"anything":1}},
           "ports":[{"name":"a"}],"labels":{"k":"v"}}}
        """))
    }

    @Test("an object schema that declares nothing prunes everything under it")
    func undeclaredObjectPrunes() {
        let schema = Schema(node: SchemaTestSupport.json(#"{"type":"object","properties":{"spec":{"type":"object"},"list":{"type":"array"}}}"#))
        var object = SchemaTestSupport.json(#"{"spec":{"a":1,"b":{"c":2}},"list":[{"x":1},3]}"#)
        #expect(SchemaValidator.prune(&object, schema: schema) == ["list[0].x", "spec.a", "spec.b"])
        #expect(object == SchemaTestSupport.json(#"{"spec":{},"list":[{},3]}"#))
    }

    @Test("embedded metadata that does not decode is a decode error")
    func embeddedMetadataDecodeError() {
        let widget = SchemaTestSupport.json(#"{"spec":{"mode":"a","template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":5}}}}"#)
        let errors = SchemaValidator.validate(widget, schema: Self.widgetSchema, mode: .customResource).decodeErrors
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("spec.template.metadata: Invalid value: ") == true)
        #expect(errors.first?.hasSuffix(": json: cannot unmarshal number into Go struct field ObjectMeta.name of type string") == true)
    }
}
