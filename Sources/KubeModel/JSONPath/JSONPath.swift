/// A template in the Kubernetes JSONPath dialect (client-go `k8s.io/client-go/util/jsonpath`), the language
/// of `kubectl -o jsonpath=...`, custom columns, `--sort-by` and CRD `additionalPrinterColumns`.
///
/// Text outside `{...}` is literal; inside an action: `.a.b` fields (`\.` escapes a dot in a key), `[0]`,
/// `[-1]`, `[0:2]`, `[::2]`, `[*]`, `.*`, `..name` recursive descent, `['key']`, unions `[0,2]`,
/// filters `[?(@.type=="Ready")]` with `==`, `!=`, `<`, `>`, `<=`, `>=` (or `[?(@.x)]` for existence),
/// quoted strings `{"\n"}`, `@`/`$` for the current value, and `{range .items[*]}`...`{end}` blocks.
///
/// ```swift
/// let path = try JSONPath(parsing: #"{range .items[*]}{.metadata.name}{"\n"}{end}"#)
/// let text = try path.render(list)               // "web-0\nweb-1\n"
/// let ready = try JSONPath(column: #".status.conditions[?(@.type=="Ready")].status"#)
/// ```
///
/// A bare path such as `.spec.replicas` is literal text to `init(parsing:)`, exactly as to client-go; use
/// `init(column:)` (how the API server compiles printer columns) or `relaxed(_:)` (how kubectl reads
/// custom columns and `--sort-by`) for the bare form.
public struct JSONPath: Sendable, Hashable {
    /// The template text as given.
    public let template: String
    /// When true (kubectl's default, `--allow-missing-template-keys`), a missing field yields no value;
    /// when false it is an error (`name is not found`), as with client-go's default.
    public var allowMissingKeys: Bool

    let segments: [JSONPathSegment]

    /// Parses a template. Throws `JSONPathError` (`unclosed action`, `unterminated array`, ...) on bad syntax.
    public init(parsing template: String, allowMissingKeys: Bool = true) throws(JSONPathError) {
        self.template = template
        self.allowMissingKeys = allowMissingKeys
        self.segments = Self.segments(try JSONPathParser.parse(template))
    }

    /// Compiles a printer-column path (the bare `.status.replicas` form of CRD `additionalPrinterColumns`)
    /// the way the API server does: wrapped in braces, missing keys allowed.
    public init(column jsonPath: String) throws(JSONPathError) {
        try self.init(parsing: "{" + jsonPath + "}", allowMissingKeys: true)
    }

    /// kubectl's `RelaxedJSONPathExpression` for custom columns and `--sort-by`: accepts `a.b`, `.a.b`,
    /// `{a.b}` or `{.a.b}` and compiles it as `{.a.b}`. The empty string stays an empty template.
    public static func relaxed(_ expression: String, allowMissingKeys: Bool = true) throws(JSONPathError) -> JSONPath {
        if expression.isEmpty { return try JSONPath(parsing: "", allowMissingKeys: allowMissingKeys) }
        var body = Substring(expression)
        if body.hasPrefix("{") && body.hasSuffix("}") && body.count >= 2 { body = body.dropFirst().dropLast() }
        if body.hasPrefix(".") { body = body.dropFirst() }
        guard !body.isEmpty, !body.contains("{"), !body.contains("}") else {
            throw .parse("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
        }
        return try JSONPath(parsing: "{." + body + "}", allowMissingKeys: allowMissingKeys)
    }

    /// The values each template piece produced, in order, as client-go's `FindResults`: one list per text
    /// piece or action (and one per action per iteration inside `{range}`). A text piece yields its text.
    public func evaluate(_ data: JSON) throws(JSONPathError) -> [[JSON]] {
        var out: [[JSON]] = []
        let evaluator = JSONPathEvaluator(allowMissingKeys: allowMissingKeys)
        _ = try evaluator.run(segments, from: 0, data: data, depth: 0, into: &out)
        return out
    }

    /// The output of `kubectl -o jsonpath=<template>`: values of one action joined by spaces, strings
    /// raw, numbers and booleans as Go prints them, objects and arrays as compact JSON.
    public func render(_ data: JSON) throws(JSONPathError) -> String {
        var text = ""
        for results in try evaluate(data) {
            for (i, value) in results.enumerated() {
                if i > 0 { text += " " }
                text += Self.text(of: value)
            }
        }
        return text
    }

    private static func segments(_ nodes: [JSONPathNode]) -> [JSONPathSegment] {
        nodes.map { node in
            switch node {
            case .list(let list):
                if list.contains(.identifier("end")) { return .rangeEnd }
                if list.contains(.identifier("range")) { return .rangeStart(list) }
                return .action(list)
            case .text(let text):
                return .text(text)
            default:
                return .action([node])
            }
        }
    }

    public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool {
        lhs.template == rhs.template && lhs.allowMissingKeys == rhs.allowMissingKeys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(template)
        hasher.combine(allowMissingKeys)
    }
}
