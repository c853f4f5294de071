import Testing
import KubeModel

/// Built-in kinds: strict-decoding unknown fields, pruning, and Go decode errors against the 1.32 schemas.
@Suite("SchemaValidator on built-in kinds")
struct SchemaValidatorTests {
    static let validDeployment = """
    {"apiVersion":"apps/v1","kind":"Deployment",
     "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},"creationTimestamp":null,
       "managedFields":[{"manager":"kubectl","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]},
     "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
       "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
       "template":{"metadata":{"labels":{"app":"web"}},"spec":{
         "containers":[{"name":"web","image":"nginx:1.27","args":["-g","daemon off;"],
           "ports":[{"containerPort":80,"protocol":"TCP"}],
           "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":0.1}}}]}}}}
    """

    static var deployment: JSON { SchemaTestSupport.json(validDeployment) }
    static var schema: Schema { SchemaTestSupport.deployment }

    @Test("a valid Deployment has no unknown fields and no decode errors")
    func validDeployment() {
        #expect(SchemaValidator.unknownFields(in: Self.deployment, schema: Self.schema) == [])
        let outcome = SchemaValidator.validate(Self.deployment, schema: Self.schema, mode: .builtin)
        #expect(outcome == ValidationOutcome())
        #expect(outcome.isValid)
    }

    static let withUnknowns = """
    {"apiVersion":"apps/v1","kind":"Deployment","foo":1,
     "metadata":{"name":"web","bogus":true,"ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o","uid":"u","extra":1}]},
     "spec":{"replicas":2,"bar":{"nested":1},"selector":{"matchLabels":{"app":"web"}},
       "template":{"metadata":{"labels":{"app":"web"}},"spec":{
         "containers":[{"name":"a","image":"x"},{"name":"web","image":"nginx","foo":"x","ports":[{"containerPort":80,"nope":1}]}]}}},
     "status":{"replicas":1,"x":1}}
    """

    @Test("unknown fields are reported at every depth with exact paths")
    func unknownFieldsAtEveryDepth() {
        let paths = SchemaValidator.unknownFields(in: SchemaTestSupport.json(Self.withUnknowns), schema: Self.schema)
        #expect(paths == [
            "foo",
            "metadata.bogus",
            "metadata.ownerReferences[0].extra",
            "spec.bar",
            "spec.template.spec.containers[1].foo",
            "spec.template.spec.containers[1].ports[0].nope",
            "status.x",
        ])
    }

    @Test("pruning removes exactly the unknown fields and reports their paths")
    func pruneRemovesUnknownFields() {
        var object = SchemaTestSupport.json(Self.withUnknowns)
        let removed = SchemaValidator.prune(&object, schema: Self.schema)
        #expect(removed.count == 7)
        #expect(removed.first == "foo")
        #expect(object == SchemaTestSupport.json("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o","uid":"u"}]},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web"}},"spec":{
             "containers":[{"name":"a","image":"x"},{"name":"web","image":"nginx","ports":[{"containerPort":80}]}]}}},
         "status":{"replicas":1}}
        """))
        #expect(SchemaValidator.unknownFields(in: object, schema: Self.schema) == [])
        #expect(SchemaValidator.prune(&object, schema: Self.schema) == [])
    }

    static let builtinSeedFiles = [
        "rollouts/bluegreen-auto-promotion-ingress.yaml", "rollouts/bluegreen-auto-promotion-service.yaml",
        "rollouts/canary-basic-rollout.yaml", "rollouts/canary-nginx-header-routing-ingress.yaml",
        "rollouts/canary-nginx-header-routing-services.yaml", "rollouts/manual-bluegreen-blue-deployment.yaml",
        "rollouts/manual-bluegreen-green-ingress.yaml", "rollouts/manual-canary-canary-deployment.yaml",
        "rollouts/manual-canary-nginx-canary-ingress.yaml", "rollouts/manual-canary-prod-deployment.yaml",
    ]

    @Test("built-in objects of the seed manifests are clean", arguments: builtinSeedFiles)
    func builtinSeeds(_ file: String) throws {
        var checked = 0
        for doc in try SchemaTestSupport.documents("seeds/" + file) {
            guard let apiVersion = doc["apiVersion"]?.stringValue, let kind = doc["kind"]?.stringValue,
                  let gv = GroupVersion(apiVersion: apiVersion),
                  let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: gv.group, version: gv.version, kind: kind))
            else { continue }
            #expect(SchemaValidator.unknownFields(in: doc, schema: schema) == [], "\(kind) in \(file)")
            #expect(SchemaValidator.validate(doc, schema: schema, mode: .builtin) == ValidationOutcome(), "\(kind) in \(file)")
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test("free-form built-in fields (FieldsV1, RawExtension) keep whatever they hold")
    func opaqueFieldsAreKnown() {
        let revision = SchemaTestSupport.json("""
        {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"r"},"revision":1,
         "data":{"spec":{"template":{"anything":{"goes":[1,2]}}}}}
        """)
        let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "apps", version: "v1", kind: "ControllerRevision"))!
        #expect(SchemaValidator.unknownFields(in: revision, schema: schema) == [])
        #expect(SchemaValidator.validate(revision, schema: schema, mode: .builtin).isValid)
    }

    struct DecodeCase: Sendable, CustomTestStringConvertible {
        var path: String
        var value: String
        var message: String
        var testDescription: String { "\(path) = \(value)" }
    }

    static let decodeCases: [DecodeCase] = [
        .init(path: "spec.replicas", value: #""3""#,
              message: "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
        .init(path: "spec.replicas", value: "1.5",
              message: "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"),
        .init(path: "spec.replicas", value: "3000000000",
              message: "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"),
        .init(path: "spec.paused", value: #""yes""#,
              message: "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool"),
        .init(path: "spec", value: #""x""#,
              message: "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"),
        .init(path: "spec.template.spec.containers.0.image", value: "5",
              message: "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string"),
        .init(path: "spec.template.spec.containers", value: "{}",
              message: "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"),
        .init(path: "spec.template.spec.containers.0.args", value: #""-v""#,
              message: "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string"),
        .init(path: "metadata.labels", value: #""app""#,
              message: "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string"),
        .init(path: "metadata.labels.app", value: "1",
              message: "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
        .init(path: "spec.strategy.rollingUpdate.maxSurge", value: "true",
              message: "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"),
        .init(path: "spec.template.spec.containers.0.resources.limits.cpu", value: #""lots""#,
              message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        .init(path: "spec.template.spec.containers.0.resources.limits.cpu", value: #""5mi""#,
              message: "unable to parse quantity's suffix"),
        .init(path: "metadata.creationTimestamp", value: #""yesterday""#,
              message: #"parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#),
        .init(path: "metadata.creationTimestamp", value: #""2024-13-01T00:00:00Z""#,
              message: #"parsing time "2024-13-01T00:00:00Z": month out of range"#),
        .init(path: "metadata.creationTimestamp", value: #""2024-01-01 10:00:00Z""#,
              message: #"parsing time "2024-01-01 10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00Z" as "T""#),
        .init(path: "metadata.creationTimestamp", value: "5",
              message: "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"),
    ]

    @Test("type mismatches are decode errors worded like Go's encoding/json", arguments: decodeCases)
    func decodeErrors(_ c: DecodeCase) {
        var object = Self.deployment
        Self.set(&object, c.path.split(separator: ".").map(String.init)[...], SchemaTestSupport.json(c.value))
        let outcome = SchemaValidator.validate(object, schema: Self.schema, mode: .builtin)
        #expect(outcome.decodeErrors == [c.message])
        #expect(outcome.fieldErrors == [])
    }

    @Test("several mismatches are all reported, in member-name order")
    func severalDecodeErrors() {
        var object = Self.deployment
        Self.set(&object, ["spec", "replicas"], "x")
        Self.set(&object, ["metadata", "name"], 5)
        #expect(SchemaValidator.validate(object, schema: Self.schema, mode: .builtin).decodeErrors == [
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string",
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ])
    }

    @Test("int-or-string fields take both integers and strings")
    func intOrStringTakesBoth() {
        for value: JSON in [1, "25%", 0, "1"] {
            var object = Self.deployment
            Self.set(&object, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], value)
            #expect(SchemaValidator.validate(object, schema: Self.schema, mode: .builtin).isValid)
        }
    }

    @Test("built-in mode leaves required fields and nulls to Go validation")
    func builtinIgnoresRequired() {
        let bare = SchemaTestSupport.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replicas":null}}"#)
        #expect(SchemaValidator.validate(bare, schema: Self.schema, mode: .builtin) == ValidationOutcome())
    }

    @Test("Secret data must be base64, as Go decodes []byte")
    func secretDataIsBase64() {
        let schema = SchemaSet.builtin.schema(for: GroupVersionKind(group: "", version: "v1", kind: "Secret"))!
        func errors(_ data: String) -> [String] {
            let secret = SchemaTestSupport.json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":\#(data)}}"#)
            return SchemaValidator.validate(secret, schema: schema, mode: .builtin).decodeErrors
        }
        #expect(errors(#""aGVsbG8=""#) == [])
        #expect(errors(#""abc""#) == ["illegal base64 data at input byte 0"])
        #expect(errors(#""ab$d""#) == ["illegal base64 data at input byte 2"])
        #expect(errors(#""aGVsbG8=x""#) == ["illegal base64 data at input byte 8"])
        #expect(errors("5") == ["json: cannot unmarshal number into Go struct field Secret.data of type []uint8"])
    }

    /// Sets a value at a dotted path whose numeric segments index arrays.
    static func set(_ json: inout JSON, _ path: ArraySlice<String>, _ value: JSON) {
        guard let first = path.first else {
            json = value
            return
        }
        let rest = path.dropFirst()
        if let index = Int(first), case .array(var items) = json {
            set(&items[index], rest, value)
            json = .array(items)
        } else {
            var child = json[first] ?? .emptyObject
            set(&child, rest, value)
            json[first] = child
        }
    }
}
