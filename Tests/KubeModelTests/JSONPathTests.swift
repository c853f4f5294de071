import Foundation
import KubeModel
import Testing

/// Cases follow client-go's own `jsonpath_test.go` where it has them, so the dialect matches kubectl's.
@Suite("JSONPath")
struct JSONPathTests {
    static let nodes: JSON = try! JSON.parse(#"""
    {
      "kind": "List",
      "items": [
        {"kind": "None",
         "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
         "status": {"capacity": {"cpu": "4"}, "ready": true,
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
        {"kind": "None",
         "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
         "status": {"capacity": {"cpu": "8"}, "ready": false,
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                                  {"type": "another", "address": "127.0.0.3"}]}}
      ],
      "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
      ]
    }
    """#)

    static let kubernetesCases: [(String, String)] = [
        ("{.kind}", "List"),
        ("hello {.kind}!", "hello List!"),
        ("{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List"),
        (#"{range .items[*]}{.metadata.name}{"\t"}{end}"#, "127.0.0.1\t127.0.0.2\t"),
        ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
        ("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
        ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
        ("{.items[*]['metadata.name', 'status.capacity']}", #"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#),
        ("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", #"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#),
        (#"{.users[?(@.name=="e2e")].user.password}"#, "secret"),
        (#"{.users[?(@.name!="e2e")].name}"#, "myself"),
        (#"{.items[0].metadata.labels.kubernetes\.io/hostname}"#, "127.0.0.1"),
        (#"{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}"#, "None"),
        ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
        ("{.items[-1].metadata.name}", "127.0.0.2"),
        ("{.items[0:1].metadata.name}", "127.0.0.1"),
        ("{$.items[1].status.ready}", "false"),
        ("{.items[*].status.addresses[?(@.type==\"another\")].address}", "127.0.0.3"),
        ("{.missing}", ""),
        ("before-{.missing}after", "before-after"),
        ("{range .nothing[*]}{.x}{end}done", "done"),
        (#"{.users[?(@.user.username)].name}"#, "e2e"),
        (#"{.users[0]}"#, #"{"name":"myself","user":{}}"#),
        (#"{"{"}"#, "{"),
        (#"{'single'}{"\u00e9\x41\101"}"#, "single\u{e9}AA"),
        ("no actions here", "no actions here"),
    ]

    @Test("renders kubectl templates over a list", arguments: kubernetesCases)
    func rendersKubernetesTemplates(template: String, expected: String) throws {
        #expect(try JSONPath(parsing: template).render(Self.nodes) == expected)
    }

    static let types: JSON = [
        "bools": [true, false, true, false],
        "integers": [1, 2, 3, 4],
        "floats": [1.0, 2.2, 3.3, 4.0],
        "strings": ["one", "two", "three", "four"],
        "maps": [
            ["name": "one", "value": 1], ["name": "two", "value": 2.02],
            ["name": "three", "value": 3.03], ["name": "four", "value": 4.04],
        ],
    ]

    static let sliceCases: [(String, String)] = [
        ("{ .bools }", "[true,false,true,false]"),
        ("{ .bools[0] }", "true"),
        ("{ .bools[-1] }", "false"),
        ("{ .bools[0:2] }", "true false"),
        ("{ .bools[:2] }", "true false"),
        ("{ .bools[:4:2] }", "true true"),
        ("{ .integers }", "[1,2,3,4]"),
        ("{ .integers[-2] }", "3"),
        ("{ .integers[:4:2] }", "1 3"),
        ("{ .integers[*] }", "1 2 3 4"),
        ("{ .integers[2:2] }", ""),
        ("{ .floats }", "[1,2.2,3.3,4]"),
        ("{ .floats[-2] }", "3.3"),
        ("{ .floats[:2] }", "1 2.2"),
        ("{ .strings[-2] }", "three"),
        ("{ .strings[1,3] }", "two four"),
        ("{ .maps[0] }", #"{"name":"one","value":1}"#),
        ("{ .maps[1::2] }", #"{"name":"two","value":2.02} {"name":"four","value":4.04}"#),
        ("{ .maps[?(@.value>2)].name }", "two three four"),
        ("{ .maps[?(@.value>=2.02)].name }", "two three four"),
        ("{ .maps[?(@.value<3)].name }", "one two"),
        ("{ .maps[?(@.value<=3.03)].name }", "one two three"),
        ("{ .maps[?(@.name<\"p\")].name }", "one four"),
        ("{ .maps[*].name }", "one two three four"),
    ]

    @Test("selects array elements and slices as client-go does", arguments: sliceCases)
    func selectsSlices(template: String, expected: String) throws {
        #expect(try JSONPath(parsing: template).render(Self.types) == expected)
    }

    static let rootCases: [(String, JSON, String)] = [
        ("{..}", [1, 2, 3], "[1,2,3]"),
        ("{[?(@<5)]}", [2, 6, 3, 7], "2 3"),
        ("{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4"),
        ("{[0:2]}", ["Monday", "Tuesday"], "Monday Tuesday"),
        ("{[?(@.z)].id}", [["id": "i1", "x": 4], ["id": "i2", "z": 1], ["id": "i5", "z": 1]], "i2 i5"),
        ("{[0]['id']}", [["id": "i1"]], "i1"),
        ("{..price}", ["book": [["price": 8.95], ["price": 12.99]], "bicycle": ["price": 19.95]], "19.95 8.95 12.99"),
        ("{...price}", ["bicycle": ["price": 19.95]], "19.95"),
        ("{.a} {.b} {.c} {.d}", ["a": nil, "b": 1000000.0, "c": 0.00001, "d": "<x>"], "null 1e+06 1e-05 <x>"),
        ("{.a}", ["a": ["h": "<b>&"]], #"{"h":"\u003cb\u003e\u0026"}"#),
        ("{@}", ["k": "v"], #"{"k":"v"}"#),
        ("{.}", ["k": "v"], #"{"k":"v"}"#),
        ("{.spec.*}", ["spec": ["b": 2, "a": 1]], "1 2"),
    ]

    @Test("evaluates recursive descent, unions, filters and value printing", arguments: rootCases)
    func evaluatesAgainstValues(template: String, data: JSON, expected: String) throws {
        #expect(try JSONPath(parsing: template).render(data) == expected)
    }

    @Test("reports results per template node, as FindResults")
    func reportsResultsPerNode() throws {
        let path = try JSONPath(parsing: "a{.x}b{.y[*]}")
        #expect(try path.evaluate(["x": 1, "y": ["p", "q"]]) == [["a"], [1], ["b"], ["p", "q"]])
        let ranged = try JSONPath(parsing: "{range .items[*]}{.n}{end}")
        #expect(try ranged.evaluate(["items": [["n": 1], ["n": 2]]]) == [[1], [2]])
    }

    @Test("compiles printer-column and custom-column paths in their bare form")
    func compilesBarePaths() throws {
        let object: JSON = ["spec": ["replicas": 3], "status": ["conditions": [["type": "Ready", "status": "True"]]]]
        #expect(try JSONPath(column: ".spec.replicas").evaluate(object) == [[3]])
        #expect(try JSONPath(column: #".status.conditions[?(@.type=="Ready")].status"#).render(object) == "True")
        #expect(try JSONPath(column: ".status.missing").evaluate(object) == [[]])
        #expect(try JSONPath.relaxed("spec.replicas").template == "{.spec.replicas}")
        #expect(try JSONPath.relaxed(".spec.replicas").template == "{.spec.replicas}")
        #expect(try JSONPath.relaxed("{.spec.replicas}").template == "{.spec.replicas}")
        #expect(try JSONPath.relaxed("{spec.replicas}").render(object) == "3")
        #expect(try JSONPath(parsing: ".spec.replicas").render(object) == ".spec.replicas")
    }

    static let evaluationErrors: [(String, String)] = [
        ("{hello}", "unrecognized identifier hello"),
        ("{.hello}", "hello is not found"),
        ("{.labels[0]}", "map[string]interface {} is not array or slice"),
        ("{.items[?(@.price<>10)]}", "unrecognized filter operator <>"),
        ("{range .labels.*}{@}{end}{end}", "not in range, nothing to end"),
        ("{.items[5]}", "array index out of bounds: index 5, length 2"),
        ("{.items[0:3]}", "array index out of bounds: index 2, length 2"),
        ("{.items[::0]}", "step must be > 0"),
        (#"{.items[?(@.price=="a")]}"#, "incompatible types for comparison"),
        ("{.labels[?(@.a==1)]}", "map[a:x] is not array or slice and cannot be filtered"),
    ]

    @Test("fails evaluation with client-go's messages when missing keys are not allowed", arguments: evaluationErrors)
    func failsEvaluation(template: String, message: String) throws {
        let data: JSON = ["labels": ["a": "x"], "items": [["price": 1], ["price": 2]]]
        let path = try JSONPath(parsing: template, allowMissingKeys: false)
        #expect(throws: JSONPathError.self) { try path.render(data) }
        do {
            _ = try path.render(data)
        } catch {
            #expect(error.message == message)
            #expect(!error.isParseError)
        }
    }

    static let parseErrors: [(String, String)] = [
        ("{.a", "unclosed action"),
        ("{.a[0}", "unterminated array"),
        ("{..............Price}", "invalid multiple recursive descent"),
        ("{.items[x]}", "invalid array index x"),
        ("{.items[-]}", "array index - is not a number"),
        (#"{"abc}"#, "unterminated quoted string"),
        ("{.a[?(@.b==1}", "unterminated filter"),
        ("{.a[?(@.b==1)}", "unclosed array expect ]"),
        ("{.a ! }", "unrecognized character in action: U+0021 '!'"),
    ]

    @Test("rejects malformed templates", arguments: parseErrors)
    func rejectsMalformedTemplates(template: String, message: String) {
        do {
            _ = try JSONPath(parsing: template)
            Issue.record("expected a parse error for \(template)")
        } catch {
            #expect(error.message == message)
            #expect(error.isParseError)
        }
    }

    static let textCases: [(JSON, String)] = [
        ("raw \"text\"", "raw \"text\""), (1.5, "1.5"), (1.0, "1"), (1_000_000.0, "1e+06"), (123_456.0, "123456"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5, "-2.5"), (1.234567e20, "1.234567e+20"), (42, "42"),
        (true, "true"), (nil, "null"), (["b": [1, 2], "a": "x"], #"{"a":"x","b":[1,2]}"#),
    ]

    @Test("prints single values as kubectl does", arguments: textCases)
    func printsValues(value: JSON, expected: String) {
        #expect(JSONPath.text(of: value) == expected)
    }
}
