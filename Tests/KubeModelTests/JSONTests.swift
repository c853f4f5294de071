import Foundation
import Testing
@testable import KubeModel

@Suite("JSON")
struct JSONTests {
    @Test("parses and serialises every JSON shape with sorted keys", arguments: [
        (#"{"b":1,"a":[true,false,null],"c":{"d":"e"}}"#, #"{"a":[true,false,null],"b":1,"c":{"d":"e"}}"#),
        (#"  [ 1 , -2 , 3.5 , 1e3 , -0.25 ]  "#, #"[1,-2,3.5,1000,-0.25]"#),
        (#""tab\tnew\nline \"quoted\" \\ \u00e9 \ud83d\ude00""#, #""tab\tnew\nline \"quoted\" \\ é 😀""#),
        (#"{"empty":{},"list":[]}"#, #"{"empty":{},"list":[]}"#),
        (#"9007199254740993"#, #"9007199254740993"#),
        (#"0.000001"#, #"0.000001"#),
        (#"0.00001"#, #"0.00001"#),
        (#"1e-7"#, #"1e-7"#),
        (#"1e21"#, #"1e+21"#),
        (#"123456789012345678901234"#, #"1.2345678901234569e+23"#),
        (#""\u0001""#, #""\u0001""#),
    ])
    func roundTrips(input: String, output: String) throws {
        #expect(try JSON.parse(input).serializedString() == output)
    }

    @Test("malformed JSON is rejected with Go's wording", arguments: [
        ("{", "unexpected end of JSON input"),
        ("{\"a\" 1}", "invalid character '1' after object key"),
        ("[1,]", "invalid character ']' looking for beginning of value"),
        ("x", "invalid character 'x' looking for beginning of value"),
        ("{} {}", "invalid character '{' after top-level value"),
        ("\"a\u{01}\"", "invalid character '\\x1' in string literal"),
        ("tru", "unexpected end of JSON input"),
    ])
    func malformedInputFails(input: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(input) }
        do { _ = try JSON.parse(input) } catch let error as JSONParseError { #expect(error.message == message) } catch {}
    }

    @Test("duplicate keys are reported with their path when asked for")
    func duplicateKeysAreReported() throws {
        let text = #"{"spec":{"replicas":1,"replicas":2},"kind":"A"}"#
        let (value, duplicates) = try JSON.parseReportingDuplicates(Array(text.utf8), options: .init(recordDuplicateKeys: true))
        #expect(duplicates == ["spec.replicas"])
        #expect(value["spec"]?["replicas"] == 2)
    }

    @Test("integers and doubles with the same value are equal and hash alike")
    func numbersCompareNumerically() {
        #expect(JSON.int(1) == JSON.double(1.0))
        #expect(Set([JSON.int(1), JSON.double(1.0)]).count == 1)
        #expect(JSON.int(1) != JSON.string("1"))
    }

    @Test("path subscripts create, read and remove nested members")
    func pathSubscripts() {
        var o: JSON = [:]
        o[path: ["metadata", "labels", "app"]] = "web"
        #expect(o.serializedString() == #"{"metadata":{"labels":{"app":"web"}}}"#)
        o[path: ["metadata", "labels", "app"]] = nil
        #expect(o.serializedString() == #"{"metadata":{"labels":{}}}"#)
        o[path: ["spec", "missing", "deep"]] = nil
        #expect(o["spec"] == nil)
    }

    @Test("nesting beyond the depth limit is refused rather than overflowing the stack")
    func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }
}

@Suite("YAML")
struct YAMLTests {
    @Test("multi-document streams decode with go-yaml v2 typing")
    func multiDocumentTyping() throws {
        let docs = try YAML.decodeAll("""
        ---
        a: yes
        b: "yes"
        c: 010
        d: 1.5
        e: ~
        f: 2026-01-01T00:00:00Z
        g: 0x1F
        h: 1e3
        i: .inf
        ---
        # only a comment
        ---
        - x
        - 3
        """)
        #expect(docs.count == 2)
        let first = docs[0]
        #expect(first["a"] == true)
        #expect(first["b"] == "yes")
        #expect(first["c"] == 8)
        #expect(first["d"] == 1.5)
        #expect(first["e"] == .null)
        #expect(first["f"] == "2026-01-01T00:00:00Z")
        #expect(first["g"] == 31)
        #expect(first["h"] == 1000)
        #expect(docs[1] == ["x", 3])
    }

    @Test("merge keys and anchors resolve")
    func anchorsAndMergeKeys() throws {
        let doc = try YAML.decode("""
        base: &b {x: 1, y: 2}
        derived:
          <<: *b
          z: 3
          y: 4
        """)
        // `y` is a boolean key in YAML 1.1, as in kubectl's YAML reader.
        #expect(doc["derived"] == ["x": 1, "z": 3, "true": 4])
    }

    @Test("encoding quotes strings that would read back as other types")
    func encodingQuotesAmbiguousStrings() throws {
        let value: JSON = ["s": "true", "n": "010", "plain": "hello", "num": 5, "multi": "a\nb\n"]
        let text = YAML.encode(value)
        #expect(try YAML.decode(text) == value)
        #expect(text.contains("plain: hello"))
    }

    @Test("a YAML syntax error names where it happened")
    func syntaxErrorsAreReported() {
        #expect(throws: YAMLError.self) { try YAML.decodeAll("a: [1, 2\nb: c") }
    }
}

@Suite("Selectors")
struct SelectorTests {
    @Test("label selectors parse and match as the API server's do", arguments: [
        ("app=web", ["app": "web"], true),
        ("app==web", ["app": "db"], false),
        ("app!=web", [:], true),
        ("env in (a, b),tier notin (db)", ["env": "b", "tier": "web"], true),
        ("env in (a,b)", [:], false),
        ("tier notin (db)", [:], true),
        ("legacy", ["legacy": ""], true),
        ("!legacy", ["legacy": "x"], false),
        ("example.com/team=blue,!gone", ["example.com/team": "blue"], true),
    ])
    func labelSelectors(text: String, labels: [String: String], matches: Bool) throws {
        #expect(try LabelSelector(parsing: text).matches(labels) == matches)
    }

    @Test("invalid label selectors are refused", arguments: ["app=we b", "env in (a", "=x", "a@b=c"])
    func invalidLabelSelectors(text: String) {
        #expect(throws: SelectorError.self) { try LabelSelector(parsing: text) }
    }

    @Test("a LabelSelector object renders to the query-string form")
    func selectorObjectRenders() throws {
        let selector = try #require(try LabelSelector(json: ["matchLabels": ["app": "web"],
            "matchExpressions": [["key": "env", "operator": "In", "values": ["prod", "dev"]]]]))
        #expect(selector.description == "app=web,env in (dev,prod)")
    }

    @Test("field selectors split on unescaped commas and compare strings")
    func fieldSelectors() throws {
        let selector = try FieldSelector(parsing: "metadata.name=web,status.phase!=Running")
        #expect(selector.matches { ["metadata.name": "web", "status.phase": "Pending"][$0] })
        #expect(!selector.matches { ["metadata.name": "web", "status.phase": "Running"][$0] })
        #expect(selector.singleName == "web")
        #expect(try FieldSelector(parsing: #"a=x\,y"#).requirements.first?.value == "x,y")
    }
}

@Suite("Time")
struct TimeTests {
    @Test("timestamps format at second and microsecond precision and parse back")
    func timestampsRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_795_312_072.123456)
        #expect(Timestamp.format(date) == "2026-11-22T01:47:52Z")
        #expect(Timestamp.formatMicro(date) == "2026-11-22T01:47:52.123456Z")
        let parsed = try #require(Timestamp.parse("2026-11-22T01:47:52.123456Z"))
        #expect(abs(parsed.timeIntervalSince1970 - 1_795_312_072.123456) < 0.000001)
        #expect(Timestamp.parse("2026-11-22T03:47:52+02:00")?.timeIntervalSince1970 == 1_795_312_072)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    @Test("ages print as kubectl prints them", arguments: [
        (-5.0, "<invalid>"), (0.5, "0s"), (59.0, "59s"), (119.0, "119s"), (125.0, "2m5s"), (600.0, "10m"), (7200.0, "120m"),
        (12600.0, "3h30m"), (28800.0, "8h"), (169200.0, "47h"), (262800.0, "3d1h"), (2592000.0, "30d"),
        (69120000.0, "2y70d"), (283824000.0, "9y"),
    ])
    func humanDurations(seconds: Double, text: String) {
        #expect(HumanDuration.format(seconds) == text)
    }
}

@Suite("Object metadata accessors")
struct ObjectMetaAccessorTests {
    @Test("setting an empty value removes the field instead of writing null")
    func emptyValuesRemoveFields() {
        var o: JSON = ["metadata": ["name": "x", "labels": ["a": "b"], "annotations": ["c": "d"], "finalizers": ["f"]]]
        o.labels = [:]
        o.annotations = [:]
        o.finalizers = []
        o.resourceVersion = ""
        o.generation = 0
        #expect(o == ["metadata": ["name": "x"]])
        o.labels = ["app": "web"]
        #expect(o["metadata"]?["labels"] == ["app": "web"])
    }
}
