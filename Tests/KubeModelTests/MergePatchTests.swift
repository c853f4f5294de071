import KubeModel
import Testing

/// RFC 7386 JSON merge patch, as kubectl sends it for custom resources, labels and annotations.
struct MergePatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let document: String
        let patch: String
        let expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "null deletes a member",
             document: #"{"metadata":{"labels":{"app":"web","tier":"front"}}}"#,
             patch: #"{"metadata":{"labels":{"tier":null}}}"#,
             expected: #"{"metadata":{"labels":{"app":"web"}}}"#),
        Case(name: "null for a missing member changes nothing",
             document: #"{"a":1}"#, patch: #"{"b":null}"#, expected: #"{"a":1}"#),
        Case(name: "arrays are replaced, never merged",
             document: #"{"spec":{"size":3,"tags":["a","b"],"items":[{"name":"x","v":1}]}}"#,
             patch: #"{"spec":{"size":4,"tags":["c"],"items":[{"name":"x","v":2}]}}"#,
             expected: #"{"spec":{"size":4,"tags":["c"],"items":[{"name":"x","v":2}]}}"#),
        Case(name: "objects merge recursively",
             document: #"{"metadata":{"name":"w1","annotations":{"a":"1"}},"spec":{"size":1}}"#,
             patch: #"{"metadata":{"annotations":{"b":"2"}}}"#,
             expected: #"{"metadata":{"name":"w1","annotations":{"a":"1","b":"2"}},"spec":{"size":1}}"#),
        Case(name: "an object replaces a scalar and drops its own nulls",
             document: #"{"a":"text"}"#, patch: #"{"a":{"b":1,"c":null}}"#, expected: #"{"a":{"b":1}}"#),
        Case(name: "a scalar replaces an object",
             document: #"{"a":{"b":1}}"#, patch: #"{"a":true}"#, expected: #"{"a":true}"#),
        Case(name: "a patch that is not an object replaces the document",
             document: #"{"a":1}"#, patch: #"["x"]"#, expected: #"["x"]"#),
        Case(name: "an object patch applies to a non-object document as to {}",
             document: #"[1,2]"#, patch: #"{"a":1,"b":null}"#, expected: #"{"a":1}"#),
        Case(name: "an empty patch changes nothing",
             document: #"{"a":[1,{"b":null}]}"#, patch: #"{}"#, expected: #"{"a":[1,{"b":null}]}"#),
        Case(name: "kubectl label",
             document: #"{"metadata":{"name":"web-0"}}"#, patch: #"{"metadata":{"labels":{"x":"y"}}}"#,
             expected: #"{"metadata":{"name":"web-0","labels":{"x":"y"}}}"#),
    ]

    @Test("applies", arguments: cases)
    func applies(_ c: Case) throws {
        let result = MergePatch.apply(try JSON.parse(c.patch), to: try JSON.parse(c.document))
        #expect(result == (try JSON.parse(c.expected)))
    }

    static let pairs: [(String, String)] = [
        (#"{"a":1,"b":{"c":2,"d":[1,2]}}"#, #"{"a":1,"b":{"c":3,"d":[1,2]}}"#),
        (#"{"a":1,"b":{"c":2}}"#, #"{"b":{"e":"x"}}"#),
        (#"{"spec":{"tags":["a","b"]}}"#, #"{"spec":{"tags":["b"]},"status":{"ready":true}}"#),
        (#"{"a":{"b":{"c":{"d":1}}}}"#, #"{"a":{"b":{"c":"flat"}}}"#),
        (#"{"a":"scalar"}"#, #"{"a":{"now":"object"}}"#),
        (#"{"x":1}"#, #"{}"#),
        (#"{}"#, #"{"x":[{"y":1}]}"#),
        (#"{"same":{"k":[1]}}"#, #"{"same":{"k":[1]}}"#),
        (#"[1,2]"#, #"{"a":1}"#),
        (#"{"a":1}"#, #"[3]"#),
    ]

    @Test("create then apply round-trips", arguments: pairs)
    func roundTrip(_ pair: (String, String)) throws {
        let original = try JSON.parse(pair.0)
        let modified = try JSON.parse(pair.1)
        let patch = MergePatch.create(from: original, to: modified)
        #expect(MergePatch.apply(patch, to: original) == modified)
    }

    @Test("create emits only what changed, with null for removed members")
    func createIsMinimal() throws {
        let original = try JSON.parse(#"{"metadata":{"name":"w","labels":{"a":"1","b":"2"}},"spec":{"size":1,"tags":["x"]}}"#)
        let modified = try JSON.parse(#"{"metadata":{"name":"w","labels":{"a":"1","c":"3"}},"spec":{"size":1,"tags":["x","y"]}}"#)
        let patch = MergePatch.create(from: original, to: modified)
        #expect(patch == (try JSON.parse(#"{"metadata":{"labels":{"b":null,"c":"3"}},"spec":{"tags":["x","y"]}}"#)))
        #expect(MergePatch.create(from: original, to: original) == .emptyObject)
    }
}
