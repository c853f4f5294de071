/// Applies parsed nodes to JSON values with client-go's semantics (`jsonpath.JSONPath.walk` and friends).
///
/// Go's maps have no order; where upstream would visit object members in random order (wildcards,
/// recursive descent) this visits them in sorted key order so results are stable.
struct JSONPathEvaluator: Sendable {
    var allowMissingKeys: Bool

    // MARK: - Templates and ranges

    /// Evaluates top-level segments against `data`, appending one result list per evaluated segment.
    /// Returns the index of the `{end}` that closed the block, or `nil` when the segments ran out.
    func run(_ segments: [JSONPathSegment], from first: Int, data: JSON, depth: Int, into out: inout [[JSON]]) throws(JSONPathError) -> Int? {
        var i = first
        while i < segments.count {
            switch segments[i] {
            case .text(let text):
                out.append([.string(text)])
            case .action(let nodes):
                out.append(try evalList([data], nodes))
            case .rangeEnd:
                guard depth > 0 else { throw .evaluate("not in range, nothing to end") }
                return i
            case .rangeStart(let nodes):
                let items = try evalList([data], nodes)
                var close: Int?
                if items.isEmpty {
                    close = Self.matchingEnd(segments, after: i)
                } else {
                    for item in items {
                        close = try run(segments, from: i + 1, data: item, depth: depth + 1, into: &out)
                    }
                }
                guard let close else { return nil }
                i = close + 1
                continue
            }
            i += 1
        }
        return nil
    }

    private static func matchingEnd(_ segments: [JSONPathSegment], after index: Int) -> Int? {
        var depth = 0
        var i = index + 1
        while i < segments.count {
            switch segments[i] {
            case .rangeStart: depth += 1
            case .rangeEnd:
                if depth == 0 { return i }
                depth -= 1
            default: break
            }
            i += 1
        }
        return nil
    }

    // MARK: - Nodes

    func evalList(_ input: [JSON], _ nodes: [JSONPathNode]) throws(JSONPathError) -> [JSON] {
        var current = input
        for node in nodes { current = try walk(current, node) }
        return current
    }

    func walk(_ input: [JSON], _ node: JSONPathNode) throws(JSONPathError) -> [JSON] {
        switch node {
        case .list(let nodes): return try evalList(input, nodes)
        case .text(let text): return [.string(text)]
        case .field(let name): return try evalField(input, name)
        case .array(let slice): return try evalArray(input, slice)
        case .filter(let left, let op, let right): return try evalFilter(input, left: left, op: op, right: right)
        case .int(let value): return Array(repeating: .int(Int64(value)), count: input.count)
        case .float(let value): return Array(repeating: .double(value), count: input.count)
        case .bool(let value): return Array(repeating: .bool(value), count: input.count)
        case .wildcard: return input.flatMap(Self.children)
        case .recursive: return evalRecursive(input)
        case .union(let members):
            var result: [JSON] = []
            for member in members { result += try evalList(input, member) }
            return result
        case .identifier(let name):
            switch name {
            case "range": return input
            case "end": return []
            default: throw .evaluate("unrecognized identifier \(name)")
            }
        }
    }

    private func evalField(_ input: [JSON], _ name: String) throws(JSONPathError) -> [JSON] {
        // `{.}` names the current value (an empty field name has no other meaning).
        if name.isEmpty { return input.filter { !$0.isNull } }
        if input.isEmpty { return [] }
        var results: [JSON] = []
        for value in input {
            if case .object(let members) = value, let member = members[name] { results.append(member) }
        }
        if results.isEmpty && !allowMissingKeys { throw .evaluate("\(name) is not found") }
        return results
    }

    private func evalArray(_ input: [JSON], _ slice: JSONPathNode.Slice) throws(JSONPathError) -> [JSON] {
        var result: [JSON] = []
        for value in input {
            if value.isNull { continue }
            guard case .array(let elements) = value else {
                throw .evaluate("\(Self.goTypeName(value)) is not array or slice")
            }
            let length = elements.count
            var start = slice.start ?? 0
            if start < 0 { start += length }
            var end = slice.end ?? length
            if end < 0 || (end == 0 && slice.endDerived) { end += length }
            // Asking for zero elements is allowed (and, as upstream, ends the whole selection).
            guard end != start else { return result }
            if start >= length || start < 0 {
                throw .evaluate("array index out of bounds: index \(start), length \(length)")
            }
            if end > length || end < 0 {
                throw .evaluate("array index out of bounds: index \(end - 1), length \(length)")
            }
            if start > end {
                throw .evaluate("starting index \(start) is greater than ending index \(end)")
            }
            var step = 1
            if let s = slice.step {
                guard s > 0 else { throw .evaluate("step must be > 0") }
                step = s
            }
            for i in stride(from: start, to: end, by: step) { result.append(elements[i]) }
        }
        return result
    }

    private func evalRecursive(_ input: [JSON]) -> [JSON] {
        var result: [JSON] = []
        for value in input {
            let children = Self.children(of: value)
            if !children.isEmpty {
                result.append(value)
                result += evalRecursive(children)
            }
        }
        return result
    }

    private func evalFilter(_ input: [JSON], left: [JSONPathNode], op: String, right: [JSONPathNode]) throws(JSONPathError) -> [JSON] {
        var results: [JSON] = []
        for value in input {
            guard case .array(let elements) = value else {
                throw .evaluate("\(Self.goValueText(value)) is not array or slice and cannot be filtered")
            }
            for element in elements {
                let lefts: [JSON]
                do {
                    lefts = try evalList([element], left)
                } catch {
                    if op == "exists" { continue }
                    throw error
                }
                if op == "exists" {
                    if !lefts.isEmpty { results.append(element) }
                    continue
                }
                if lefts.isEmpty { continue }
                guard lefts.count == 1 else { throw .evaluate("can only compare one element at a time") }
                let rights = try evalList([element], right)
                if rights.isEmpty { continue }
                guard rights.count == 1 else { throw .evaluate("can only compare one element at a time") }
                if try JSONPathComparison.compare(lefts[0], op, rights[0]) { results.append(element) }
            }
        }
        return results
    }

    // MARK: - Helpers

    /// Members (sorted by key), elements, or the bytes of a string, as Go's reflection iterates them.
    static func children(of value: JSON) -> [JSON] {
        switch value {
        case .object(let members): return members.keys.sorted().compactMap { members[$0] }
        case .array(let elements): return elements
        case .string(let s): return s.utf8.map { .int(Int64($0)) }
        default: return []
        }
    }

    /// The Go type a decoded JSON value has (`map[string]interface {}`, `float64` ...), for messages.
    static func goTypeName(_ value: JSON) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int64"
        case .double: return "float64"
        case .string: return "string"
        case .array: return "[]interface {}"
        case .object: return "map[string]interface {}"
        }
    }

    /// Go's `%v` of a decoded JSON value (`map[a:1 b:[x y]]`), for messages.
    static func goValueText(_ value: JSON) -> String {
        switch value {
        case .null: return "<nil>"
        case .array(let elements): return "[" + elements.map(goValueText).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.keys.sorted().map { "\($0):\(goValueText(members[$0] ?? .null))" }.joined(separator: " ") + "]"
        default: return JSONPath.text(of: value)
        }
    }
}
