import KubeModel
import Testing

/// RFC 6902 JSON patch as `kubectl patch --type=json` sends it.
struct JSONPatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let document: String
        let patch: String
        let expected: String
        var testDescription: String { name }
    }

    static let object = """
        {"metadata":{"name":"web","resourceVersion":"7","finalizers":["example.com/a","example.com/b"],
                     "labels":{"app":"web"},"annotations":{"example.com/owner":"team-a","a~b":"tilde"}},
         "spec":{"replicas":2,"list":["x","y","z"]}}
        """

    static let cases: [Case] = [
        Case(name: "remove /metadata/finalizers", document: object,
             patch: #"[{"op":"remove","path":"/metadata/finalizers"}]"#,
             expected: """
                {"metadata":{"name":"web","resourceVersion":"7","labels":{"app":"web"},
                             "annotations":{"example.com/owner":"team-a","a~b":"tilde"}},
                 "spec":{"replicas":2,"list":["x","y","z"]}}
                """),
        Case(name: "replace /metadata/resourceVersion", document: #"{"metadata":{"resourceVersion":"7"}}"#,
             patch: #"[{"op":"replace","path":"/metadata/resourceVersion","value":"8"}]"#,
             expected: #"{"metadata":{"resourceVersion":"8"}}"#),
        Case(name: "add a label", document: #"{"metadata":{"labels":{"app":"web"}}}"#,
             patch: #"[{"op":"add","path":"/metadata/labels/tier","value":"front"}]"#,
             expected: #"{"metadata":{"labels":{"app":"web","tier":"front"}}}"#),
        Case(name: "add inserts at an array index", document: #"{"l":["x","z"]}"#,
             patch: #"[{"op":"add","path":"/l/1","value":"y"}]"#,
             expected: #"{"l":["x","y","z"]}"#),
        Case(name: "add at the array length appends", document: #"{"l":["x"]}"#,
             patch: #"[{"op":"add","path":"/l/1","value":"y"}]"#,
             expected: #"{"l":["x","y"]}"#),
        Case(name: "add with - appends", document: #"{"l":["x"]}"#,
             patch: #"[{"op":"add","path":"/l/-","value":{"k":1}}]"#,
             expected: #"{"l":["x",{"k":1}]}"#),
        Case(name: "remove an array element", document: #"{"l":["x","y","z"]}"#,
             patch: #"[{"op":"remove","path":"/l/1"}]"#,
             expected: #"{"l":["x","z"]}"#),
        Case(name: "a negative index counts from the end", document: #"{"l":["x","y","z"]}"#,
             patch: #"[{"op":"remove","path":"/l/-1"}]"#,
             expected: #"{"l":["x","y"]}"#),
        Case(name: "replace an array element", document: #"{"l":["x","y"]}"#,
             patch: #"[{"op":"replace","path":"/l/0","value":"w"}]"#,
             expected: #"{"l":["w","y"]}"#),
        Case(name: "replace of a missing member of an existing object adds it, as the API server does",
             document: #"{"metadata":{"labels":{}}}"#,
             patch: #"[{"op":"replace","path":"/metadata/labels/app","value":"web"}]"#,
             expected: #"{"metadata":{"labels":{"app":"web"}}}"#),
        Case(name: "move a member", document: #"{"a":{"x":1},"b":{}}"#,
             patch: #"[{"op":"move","from":"/a/x","path":"/b/y"}]"#,
             expected: #"{"a":{},"b":{"y":1}}"#),
        Case(name: "move within an array", document: #"{"l":["a","b","c"]}"#,
             patch: #"[{"op":"move","from":"/l/0","path":"/l/-"}]"#,
             expected: #"{"l":["b","c","a"]}"#),
        Case(name: "copy a subtree", document: #"{"a":{"x":[1,2]}}"#,
             patch: #"[{"op":"copy","from":"/a","path":"/b"}]"#,
             expected: #"{"a":{"x":[1,2]},"b":{"x":[1,2]}}"#),
        Case(name: "~1 escapes a slash", document: #"{"metadata":{"annotations":{"example.com/owner":"team-a"}}}"#,
             patch: #"[{"op":"replace","path":"/metadata/annotations/example.com~1owner","value":"team-b"}]"#,
             expected: #"{"metadata":{"annotations":{"example.com/owner":"team-b"}}}"#),
        Case(name: "~0 escapes a tilde and ~01 reads as ~1", document: #"{"a~b":1,"c~1d":2}"#,
             patch: #"[{"op":"remove","path":"/a~0b"},{"op":"remove","path":"/c~01d"}]"#,
             expected: #"{}"#),
        Case(name: "a passing test lets later operations run", document: #"{"spec":{"replicas":2}}"#,
             patch: #"[{"op":"test","path":"/spec/replicas","value":2.0},{"op":"replace","path":"/spec/replicas","value":5}]"#,
             expected: #"{"spec":{"replicas":5}}"#),
        Case(name: "a test for null passes on a missing member", document: #"{"spec":{}}"#,
             patch: #"[{"op":"test","path":"/spec/paused","value":null}]"#,
             expected: #"{"spec":{}}"#),
        Case(name: "add at the root replaces the document", document: #"{"a":1}"#,
             patch: #"[{"op":"add","path":"","value":{"b":2}}]"#,
             expected: #"{"b":2}"#),
        Case(name: "operations apply in order", document: #"{}"#,
             patch: #"[{"op":"add","path":"/a","value":{}},{"op":"add","path":"/a/b","value":1},{"op":"copy","from":"/a/b","path":"/c"},{"op":"remove","path":"/a"}]"#,
             expected: #"{"c":1}"#),
    ]

    @Test("applies", arguments: cases)
    func applies(_ c: Case) throws {
        let result = try JSONPatch.apply(JSON.parse(c.patch), to: JSON.parse(c.document))
        #expect(result == (try JSON.parse(c.expected)))
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        let document: String
        let patch: String
        let message: String
        var testDescription: String { message }
    }

    static let failures: [Failure] = [
        Failure(document: #"{"spec":{"replicas":2}}"#,
                patch: #"[{"op":"test","path":"/spec/replicas","value":3}]"#,
                message: "testing value /spec/replicas failed"),
        Failure(document: #"{"metadata":{"labels":{"app":"web"}}}"#,
                patch: #"[{"op":"remove","path":"/metadata/labels/x"}]"#,
                message: #"remove operation does not apply: doc is missing path: "/metadata/labels/x": missing value"#),
        Failure(document: #"{"metadata":{}}"#,
                patch: #"[{"op":"remove","path":"/metadata/labels/x"}]"#,
                message: #"remove operation does not apply: doc is missing path: "/metadata/labels/x": missing value"#),
        Failure(document: #"{"spec":{}}"#,
                patch: #"[{"op":"add","path":"/spec/template/metadata","value":{}}]"#,
                message: #"add operation does not apply: doc is missing path: "/spec/template/metadata": missing value"#),
        Failure(document: #"{"l":[1]}"#,
                patch: #"[{"op":"add","path":"/l/3","value":2}]"#,
                message: #"add operation does not apply: doc is missing path: "/l/3": missing value"#),
        Failure(document: #"{"l":[1]}"#,
                patch: #"[{"op":"replace","path":"/l/4","value":2}]"#,
                message: "replace operation does not apply: doc is missing key: /l/4: missing value"),
        Failure(document: #"{}"#,
                patch: #"[{"op":"replace","path":"/spec/replicas","value":2}]"#,
                message: "replace operation does not apply: doc is missing path: /spec/replicas: missing value"),
        Failure(document: #"{}"#,
                patch: #"[{"op":"move","from":"/a","path":"/b"}]"#,
                message: "move operation does not apply: doc is missing from path: /a: missing value"),
        Failure(document: #"{}"#,
                patch: #"[{"op":"copy","from":"/a","path":"/b"}]"#,
                message: "copy operation does not apply: doc is missing from path: /a: missing value"),
        Failure(document: #"{"a":1}"#,
                patch: #"[{"op":"add","path":"/b","value":1},{"op":"test","path":"/a","value":"1"}]"#,
                message: "testing value /a failed"),
        Failure(document: #"{}"#,
                patch: #"[{"op":"upsert","path":"/a","value":1}]"#,
                message: #"unknown JSON patch operation "upsert" (want add, remove, replace, move, copy or test)"#),
        Failure(document: #"{}"#,
                patch: #"[{"op":"add","path":"a","value":1}]"#,
                message: #"invalid JSON pointer "a": a pointer must be empty or start with "/""#),
        Failure(document: #"{}"#,
                patch: #"{"op":"add","path":"/a","value":1}"#,
                message: "a JSON patch must be a list of operations, not object"),
        Failure(document: #"{}"#,
                patch: #"[{"op":"remove"}]"#,
                message: #"remove operation is missing its "path" field"#),
    ]

    @Test("rejects with a message naming the operation and path", arguments: failures)
    func rejects(_ f: Failure) throws {
        let patch = try JSON.parse(f.patch)
        let document = try JSON.parse(f.document)
        let error = #expect(throws: PatchError.self) { try JSONPatch.apply(patch, to: document) }
        #expect(error?.message == f.message)
        #expect(error?.description == f.message)
    }
}
