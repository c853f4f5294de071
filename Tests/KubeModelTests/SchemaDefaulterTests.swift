import Testing
import KubeModel

@Suite("SchemaDefaulter")
struct SchemaDefaulterTests {
    static let schema = Schema(node: SchemaTestSupport.json("""
    {"type":"object","properties":{
      "metadata":{"type":"object"},
      "spec":{"type":"object","properties":{
        "replicas":{"type":"integer","default":1},
        "strategy":{"type":"object","default":{"type":"RollingUpdate"},"properties":{
          "type":{"type":"string"},"maxSurge":{"type":"integer","default":1}}},
        "ports":{"type":"array","items":{"type":"object","properties":{
          "protocol":{"type":"string","default":"TCP"},"port":{"type":"integer"}}}},
        "optional":{"type":"object","properties":{"x":{"type":"string","default":"d"}}},
        "nullableWithDefault":{"type":"string","nullable":true,"default":"n"},
        "nonNullable":{"type":"string"},
        "nonNullableWithDefault":{"type":"string","default":"z"},
        "tags":{"type":"object","additionalProperties":{"type":"string","default":"v"}},
        "names":{"type":"array","items":{"type":"string"}},
        "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"integer","default":7}}}
      }}}}
    """))

    @Test("defaults fill absent fields inside existing objects, recursively, and never create parents")
    func defaultsApply() {
        var object = SchemaTestSupport.json("""
        {"metadata":{"name":"w","creationTimestamp":null},
         "spec":{"ports":[{"port":80},{"port":81,"protocol":"UDP"}],
           "nullableWithDefault":null,"nonNullable":null,"nonNullableWithDefault":null,
           "tags":{"a":null,"b":"x"},"names":["a",null],"free":{"unknown":null}}}
        """)
        SchemaDefaulter.applyDefaults(&object, schema: Self.schema)
        #expect(object == SchemaTestSupport.json("""
        {"metadata":{"name":"w","creationTimestamp":null},
         "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","maxSurge":1},
           "ports":[{"port":80,"protocol":"TCP"},{"port":81,"protocol":"UDP"}],
           "nullableWithDefault":null,"nonNullableWithDefault":"z",
           "tags":{"a":"v","b":"x"},"names":["a",null],"free":{"unknown":null,"known":7}}}
        """))
    }

    @Test("an object without spec stays without spec")
    func noParentsCreated() {
        var object = SchemaTestSupport.json(#"{"metadata":{"name":"w"}}"#)
        SchemaDefaulter.applyDefaults(&object, schema: Self.schema)
        #expect(object == SchemaTestSupport.json(#"{"metadata":{"name":"w"}}"#))
    }

    @Test("defaulting twice changes nothing the second time")
    func idempotent() {
        var object = SchemaTestSupport.json(#"{"spec":{"ports":[{}]}}"#)
        SchemaDefaulter.applyDefaults(&object, schema: Self.schema)
        let once = object
        SchemaDefaulter.applyDefaults(&object, schema: Self.schema)
        #expect(object == once)
        #expect(once[path: ["spec", "ports"]] == [["protocol": "TCP"]])
    }

    @Test("the real Rollout CRD defaults container port protocols to TCP")
    func rolloutDefaults() throws {
        let schema = try SchemaTestSupport.rollout.get()
        var rollout = try SchemaTestSupport.seed("seeds/rollouts/canary-basic-rollout.yaml", kind: "Rollout")
        SchemaValidator.prune(&rollout, schema: schema)
        SchemaDefaulter.applyDefaults(&rollout, schema: schema)
        let container = rollout[path: ["spec", "template", "spec", "containers"]]?[0]
        #expect(container?["ports"] == [["containerPort": 8080, "protocol": "TCP"]])
    }
}
