/// A field selector: `field=value`, `field==value` or `field!=value` terms, comma-separated and ANDed.
public struct FieldSelector: Hashable, Sendable, CustomStringConvertible {
    public struct Requirement: Hashable, Sendable {
        public var field: String
        public var value: String
        public var negated: Bool

        public init(field: String, value: String, negated: Bool) {
            self.field = field
            self.value = value
            self.negated = negated
        }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    public static let everything = FieldSelector()
    public var isEverything: Bool { requirements.isEmpty }

    /// Parses the query-string form; backslash escapes `\,` `\=` `\\` are honoured as upstream.
    public init(parsing text: String) throws {
        var reqs: [Requirement] = []
        for term in FieldSelector.splitTerms(text) where !term.isEmpty {
            let (field, op, value) = try FieldSelector.splitTerm(term)
            guard !field.isEmpty else { throw SelectorError(message: "invalid selector: '\(text)'; can't understand '\(term)'") }
            reqs.append(Requirement(field: field, value: value, negated: op == "!="))
        }
        self.requirements = reqs
    }

    /// The value of `metadata.name` when the selector pins exactly one name (a single-object watch).
    public var singleName: String? {
        requirements.first { $0.field == "metadata.name" && !$0.negated }?.value
    }

    public func matches(_ fieldValue: (String) -> String?) -> Bool {
        for r in requirements {
            let actual = fieldValue(r.field) ?? ""
            if r.negated ? actual == r.value : actual != r.value { return false }
        }
        return true
    }

    public var description: String {
        requirements.map { "\($0.field)\($0.negated ? "!=" : "=")\($0.value)" }.joined(separator: ",")
    }

    static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped { current.append("\\"); current.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "," { terms.append(current); current = ""; continue }
            current.append(c)
        }
        terms.append(current)
        return terms
    }

    static func splitTerm(_ term: String) throws -> (String, String, String) {
        let chars = Array(term)
        var i = 0
        var escaped = false
        while i < chars.count {
            if escaped { escaped = false; i += 1; continue }
            if chars[i] == "\\" { escaped = true; i += 1; continue }
            for op in ["!=", "==", "="] {
                let o = Array(op)
                if i + o.count <= chars.count, Array(chars[i..<(i + o.count)]) == o {
                    let field = String(chars[..<i]).trimmingSpaces
                    let value = unescape(String(chars[(i + o.count)...]))
                    return (field, op, value)
                }
            }
            i += 1
        }
        throw SelectorError(message: "invalid selector: '\(term)'; can't understand '\(term)'")
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            out.append(c)
        }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
