/// A label selector: requirements that are all ANDed. Parsed from the query string form
/// (`app=web,tier!=db,env in (a,b),!legacy`) or built from a `metav1.LabelSelector` object.
public struct LabelSelector: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case equals = "="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
    }

    public struct Requirement: Hashable, Sendable {
        public var key: String
        public var op: Operator
        public var values: [String]

        public init(key: String, op: Operator, values: [String] = []) {
            self.key = key
            self.op = op
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals: return value == values.first
            case .notEquals: return value != values.first
            case .in: return value.map { values.contains($0) } ?? false
            case .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }

        var text: String {
            switch op {
            case .equals: return "\(key)=\(values.first ?? "")"
            case .notEquals: return "\(key)!=\(values.first ?? "")"
            case .in: return "\(key) in (\(values.sorted().joined(separator: ",")))"
            case .notIn: return "\(key) notin (\(values.sorted().joined(separator: ",")))"
            case .exists: return key
            case .doesNotExist: return "!\(key)"
            }
        }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) {
        self.requirements = requirements
    }

    /// Selects everything.
    public static let everything = LabelSelector()

    /// A selector from `key=value` pairs (a Service's `spec.selector`, `matchLabels`).
    public init(matchLabels: [String: String]) {
        self.requirements = matchLabels.keys.sorted().map { Requirement(key: $0, op: .equals, values: [matchLabels[$0]!]) }
    }

    public var isEverything: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for r in requirements where !r.matches(labels) { return false }
        return true
    }

    /// The query-string form, as `Scale.status.selector` and `kubectl` print it.
    public var description: String { requirements.map(\.text).joined(separator: ",") }

    /// Builds a selector from a `metav1.LabelSelector` object (`matchLabels`, `matchExpressions`).
    /// A null selector selects nothing in most APIs; callers decide, this returns `nil` for it.
    public init?(json: JSON?) throws {
        guard let json, json.isObject else { return nil }
        var reqs: [Requirement] = []
        for (k, v) in (json["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let s = v.stringValue else {
                throw SelectorError(message: "matchLabels.\(k): value must be a string")
            }
            reqs.append(Requirement(key: k, op: .equals, values: [s]))
        }
        for (i, expr) in (json["matchExpressions"]?.arrayValue ?? []).enumerated() {
            guard let key = expr["key"]?.stringValue, let op = expr["operator"]?.stringValue else {
                throw SelectorError(message: "matchExpressions[\(i)]: key and operator are required")
            }
            let values = expr["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            switch op {
            case "In", "NotIn":
                guard !values.isEmpty else {
                    throw SelectorError(message: "matchExpressions[\(i)].values: Required value: must be specified when `operator` is 'In' or 'NotIn'")
                }
                reqs.append(Requirement(key: key, op: op == "In" ? .in : .notIn, values: values))
            case "Exists", "DoesNotExist":
                guard values.isEmpty else {
                    throw SelectorError(message: "matchExpressions[\(i)].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
                }
                reqs.append(Requirement(key: key, op: op == "Exists" ? .exists : .doesNotExist))
            default:
                throw SelectorError(message: "matchExpressions[\(i)].operator: Invalid value: \"\(op)\": not a valid selector operator")
            }
        }
        self.requirements = reqs
    }

    /// Parses the query-string form. Throws with a message in the API server's words on bad syntax.
    public init(parsing text: String) throws {
        var lexer = SelectorLexer(text)
        var reqs: [Requirement] = []
        while true {
            lexer.skipSpaces()
            if lexer.atEnd { break }
            var negate = false
            if lexer.peek() == "!" {
                lexer.advance()
                negate = true
                lexer.skipSpaces()
            }
            let key = lexer.readIdentifier()
            guard !key.isEmpty else { throw SelectorError(message: "unable to parse requirement: found '\(lexer.rest)', expected: identifier") }
            try LabelSelector.validateKey(key)
            lexer.skipSpaces()
            if negate {
                reqs.append(Requirement(key: key, op: .doesNotExist))
            } else if lexer.atEnd || lexer.peek() == "," {
                reqs.append(Requirement(key: key, op: .exists))
            } else if lexer.consume("==") || lexer.consume("=") {
                let value = lexer.readValue()
                try LabelSelector.validateValue(value)
                reqs.append(Requirement(key: key, op: .equals, values: [value]))
            } else if lexer.consume("!=") {
                let value = lexer.readValue()
                try LabelSelector.validateValue(value)
                reqs.append(Requirement(key: key, op: .notEquals, values: [value]))
            } else if lexer.consumeWord("notin") || lexer.consumeWord("in") {
                let op: Operator = lexer.lastWord == "notin" ? .notIn : .in
                lexer.skipSpaces()
                guard lexer.consume("(") else {
                    throw SelectorError(message: "unable to parse requirement: found '\(lexer.rest)', expected: '('")
                }
                var values: [String] = []
                while true {
                    lexer.skipSpaces()
                    let value = lexer.readValue()
                    try LabelSelector.validateValue(value)
                    values.append(value)
                    lexer.skipSpaces()
                    if lexer.consume(",") { continue }
                    if lexer.consume(")") { break }
                    throw SelectorError(message: "unable to parse requirement: found '\(lexer.rest)', expected: ',', ')'")
                }
                reqs.append(Requirement(key: key, op: op, values: values))
            } else {
                throw SelectorError(message: "unable to parse requirement: found '\(lexer.rest)', expected: '=', '!=', '==', 'in', notin'")
            }
            lexer.skipSpaces()
            if lexer.atEnd { break }
            guard lexer.consume(",") else {
                throw SelectorError(message: "found '\(lexer.rest)', expected: ',' or 'end of string'")
            }
        }
        self.requirements = reqs
    }

    /// A label key: an optional DNS-subdomain prefix and a name of at most 63 characters.
    public static func validateKey(_ key: String) throws {
        if let message = Validation.qualifiedNameError(key) {
            throw SelectorError(message: "key: Invalid value: \"\(key)\": \(message)")
        }
    }

    public static func validateValue(_ value: String) throws {
        if let message = Validation.labelValueError(value) {
            throw SelectorError(message: "values[0]: Invalid value: \"\(value)\": \(message)")
        }
    }
}

/// A selector that could not be parsed.
public struct SelectorError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

struct SelectorLexer {
    let chars: [Character]
    var i = 0
    var lastWord = ""

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { i >= chars.count }
    var rest: String { String(chars[min(i, chars.count)...]) }
    func peek() -> Character? { i < chars.count ? chars[i] : nil }
    mutating func advance() { i += 1 }
    mutating func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

    mutating func consume(_ token: String) -> Bool {
        let t = Array(token)
        guard i + t.count <= chars.count, Array(chars[i..<(i + t.count)]) == t else { return false }
        i += t.count
        return true
    }

    /// Consumes a keyword that is followed by a space or `(`.
    mutating func consumeWord(_ word: String) -> Bool {
        let save = i
        guard consume(word) else { return false }
        if let next = peek(), next != " " && next != "(" && next != "\t" {
            i = save
            return false
        }
        lastWord = word
        return true
    }

    static let identifierChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")

    mutating func readIdentifier() -> String {
        let start = i
        while i < chars.count, SelectorLexer.identifierChars.contains(chars[i]) { i += 1 }
        return String(chars[start..<i])
    }

    mutating func readValue() -> String {
        skipSpaces()
        let start = i
        while i < chars.count, SelectorLexer.identifierChars.contains(chars[i]) { i += 1 }
        return String(chars[start..<i])
    }
}
