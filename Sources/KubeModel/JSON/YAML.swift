import Yams

/// A failure to read YAML, with the line and column where it happened.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// YAML reading and writing with the conventions of `sigs.k8s.io/yaml` (go-yaml v2 resolution), which is
/// what kubectl and Argo CD use: plain scalars resolve as YAML 1.1 (`yes`/`on` are booleans), timestamps
/// stay strings, and non-string map keys become strings.
public enum YAML {
    /// Every document in a YAML stream, skipping empty documents (a lone `---`, comments only).
    public static func decodeAll(_ text: String) throws -> [JSON] {
        do {
            var documents: [JSON] = []
            var sequence = try Yams.compose_all(yaml: text, .basic)
            while let node = sequence.next() {
                let value = try convert(node)
                if !value.isNull { documents.append(value) }
            }
            if let error = sequence.error { throw error }
            return documents
        } catch let error as YAMLError {
            throw error
        } catch {
            throw YAMLError(message: "error converting YAML to JSON: \(describe(error))")
        }
    }

    /// A single YAML document (JSON text is also YAML).
    public static func decode(_ text: String) throws -> JSON {
        let documents = try decodeAll(text)
        guard documents.count <= 1 else {
            throw YAMLError(message: "error converting YAML to JSON: expected one document, found \(documents.count)")
        }
        return documents.first ?? .null
    }

    /// YAML text for a value, keys sorted, as `kubectl get -o yaml` prints it.
    public static func encode(_ value: JSON) -> String {
        let node = makeNode(value)
        let text = (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true, sortKeys: true)) ?? ""
        return text
    }

    /// Several documents separated by `---`.
    public static func encodeAll(_ values: [JSON]) -> String {
        values.map(encode).joined(separator: "---\n")
    }

    private static func describe(_ error: any Error) -> String {
        if let yamlError = error as? YamlError {
            return "\(yamlError)".split(separator: "\n").first.map(String.init) ?? "\(yamlError)"
        }
        return "\(error)"
    }

    static func convert(_ node: Yams.Node) throws -> JSON {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any {
                return resolvePlain(scalar.string)
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.map(convert))
        case .mapping(let mapping):
            var object: [String: JSON] = [:]
            object.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                let keyString: String
                switch key {
                case .scalar(let scalar):
                    if scalar.string == "<<" && scalar.style == .plain {
                        // Merge key: copy members of the referenced mapping(s) that are not set here.
                        let merged = try convert(value)
                        let sources = merged.arrayValue ?? [merged]
                        for source in sources {
                            for (k, v) in source.objectValue ?? [:] where object[k] == nil { object[k] = v }
                        }
                        continue
                    }
                    switch try convert(key) {
                    case .string(let s): keyString = s
                    case .null: keyString = "null"
                    case let other: keyString = other.serializedString()
                    }
                default:
                    throw YAMLError(message: "error converting YAML to JSON: unsupported map key \(key)")
                }
                object[keyString] = try convert(value)
            }
            return .object(object)
        case .alias:
            throw YAMLError(message: "error converting YAML to JSON: unresolved alias")
        }
    }

    /// go-yaml v2 resolution of a plain scalar.
    static func resolvePlain(_ s: String) -> JSON {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        guard let first = s.utf8.first else { return .string(s) }
        let startsNumeric = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        guard startsNumeric else { return .string(s) }
        if let i = resolveInt(s) { return .int(i) }
        if isFloat(s), let d = Double(s.replacingOccurrences(of: "_", with: "")) { return .double(d) }
        return .string(s)
    }

    static func resolveInt(_ s: String) -> Int64? {
        var text = Substring(s)
        var negative = false
        if text.hasPrefix("-") { negative = true; text = text.dropFirst() } else if text.hasPrefix("+") { text = text.dropFirst() }
        guard !text.isEmpty else { return nil }
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        var magnitude: Int64?
        if cleaned.hasPrefix("0b") {
            magnitude = Int64(cleaned.dropFirst(2), radix: 2)
        } else if cleaned.hasPrefix("0x") {
            magnitude = Int64(cleaned.dropFirst(2), radix: 16)
        } else if cleaned.hasPrefix("0o") {
            magnitude = Int64(cleaned.dropFirst(2), radix: 8)
        } else if cleaned.count > 1, cleaned.hasPrefix("0") {
            magnitude = Int64(cleaned.dropFirst(1), radix: 8)
        } else if cleaned.allSatisfy({ $0.isASCII && $0.isNumber }) {
            magnitude = Int64(cleaned, radix: 10)
        }
        guard let m = magnitude else { return nil }
        return negative ? -m : m
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    static func isFloat(_ s: String) -> Bool {
        var bytes = Array(s.utf8)[...]
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        func digits(_ b: inout ArraySlice<UInt8>) -> Int {
            var n = 0
            while let c = b.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "_") {
                b = b.dropFirst(); n += 1
            }
            return n
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits(&bytes) > 0 else { return false }
        } else {
            guard digits(&bytes) > 0 else { return false }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                _ = digits(&bytes)
            }
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits(&bytes) > 0 else { return false }
        }
        return bytes.isEmpty
    }

    static func makeNode(_ value: JSON) -> Yams.Node {
        switch value {
        case .null: return Yams.Node("null", Tag(.null), .plain)
        case .bool(let b): return Yams.Node(b ? "true" : "false", Tag(.bool), .plain)
        case .int(let i): return Yams.Node(String(i), Tag(.int), .plain)
        case .double: return Yams.Node(value.serializedString(), Tag(.float), .plain)
        case .string(let s):
            // Quote strings that would read back as another type, and keep multi-line text readable.
            if s.contains("\n") {
                let trailingSpace = s.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasSuffix(" ") }
                return Yams.Node(s, Tag(.str), trailingSpace ? .doubleQuoted : .literal)
            }
            if resolvePlain(s) != .string(s) || needsQuoting(s) {
                return Yams.Node(s, Tag(.str), .doubleQuoted)
            }
            return Yams.Node(s, Tag(.str), .any)
        case .array(let a): return Yams.Node(a.map(makeNode), Tag(.seq), .block)
        case .object(let o):
            let pairs = o.keys.sorted().map { (Yams.Node($0, Tag(.str), resolvePlain($0) != .string($0) ? .doubleQuoted : .any), makeNode(o[$0]!)) }
            return Yams.Node(pairs, Tag(.map), .block)
        }
    }

    static func needsQuoting(_ s: String) -> Bool {
        // Timestamps and sexagesimal numbers are strings for us but other YAML readers may type them.
        if s.count >= 10, let first = s.first, first.isNumber, s.contains("-") || s.contains(":") { return true }
        return false
    }
}
