/// RFC 6902 JSON Patch (`application/json-patch+json`): a list of `add`, `remove`, `replace`, `move`,
/// `copy` and `test` operations applied in order to one document. Either every operation applies or the
/// call throws and the document is left as it was.
///
/// Paths are RFC 6901 pointers (`~1` for `/`, `~0` for `~`); `-` as the last token of an `add` appends to
/// an array. Where RFC 6902 leaves room, the behaviour follows the evanphx/json-patch v4 library that the
/// Kubernetes API server uses, so that `kubectl patch --type=json` gives the same result here as on a
/// cluster: negative array indices count from the end, and `replace` of a missing member of an existing
/// object adds it. Error messages use that library's wording (`testing value /spec/replicas failed`).
public enum JSONPatch {
    /// RFC 6902: add, remove, replace, move, copy, test; JSON pointer escapes ~0 ~1; "-" appends.
    public static func apply(_ operations: JSON, to document: JSON) throws -> JSON {
        guard case .array(let list) = operations else {
            throw PatchError("a JSON patch must be a list of operations, not \(operations.typeName)")
        }
        var doc = document
        for (position, operation) in list.enumerated() {
            guard case .object(let fields) = operation else {
                throw PatchError("JSON patch operation \(position) must be an object, not \(operation.typeName)")
            }
            try apply(fields, position: position, to: &doc)
        }
        return doc
    }

    private static func apply(_ fields: [String: JSON], position: Int, to doc: inout JSON) throws {
        guard let kind = fields["op"]?.stringValue else {
            throw PatchError("JSON patch operation \(position) has no \"op\" (want add, remove, replace, move, copy or test)")
        }
        let operand = fields["value"] ?? .null
        switch kind {
        case "add":
            try add(operand, at: pointer(fields, "path", kind), to: &doc)
        case "remove":
            let path = try pointer(fields, "path", kind)
            _ = try remove(path, from: &doc, operation: "remove")
        case "replace":
            try replace(at: pointer(fields, "path", kind), with: operand, in: &doc)
        case "move":
            let from = try pointer(fields, "from", kind)
            let path = try pointer(fields, "path", kind)
            let moved = try remove(from, from: &doc, operation: "move")
            try add(moved, at: path, to: &doc, operation: "move")
        case "copy":
            let from = try pointer(fields, "from", kind)
            let path = try pointer(fields, "path", kind)
            guard let copied = value(at: from.tokens[...], in: doc) else {
                throw missing("copy operation does not apply: doc is missing from path: \(from)")
            }
            try add(copied, at: path, to: &doc, operation: "copy")
        case "test":
            try test(at: pointer(fields, "path", kind), equals: fields["value"], in: doc)
        default:
            throw PatchError("unknown JSON patch operation \"\(kind)\" (want add, remove, replace, move, copy or test)")
        }
    }

    private static func pointer(_ fields: [String: JSON], _ key: String, _ kind: String) throws -> JSONPointer {
        guard let text = fields[key]?.stringValue else {
            throw PatchError("\(kind) operation is missing its \"\(key)\" field")
        }
        return try JSONPointer(text)
    }

    /// evanphx/json-patch wraps "not found" errors with this suffix; users and tests match on it.
    private static func missing(_ message: String) -> PatchError {
        PatchError(message + ": missing value")
    }

    // MARK: - Operations

    private static func add(_ value: JSON, at path: JSONPointer, to doc: inout JSON, operation: String = "add") throws {
        if path.tokens.isEmpty {
            doc = value
            return
        }
        let applied = try withParent(of: path.tokens[...], in: &doc) { parent, key in
            switch parent {
            case .object(var members):
                parent = .null
                members[key] = value
                parent = .object(members)
                return true
            case .array(var elements):
                let index: Int
                if key == "-" {
                    index = elements.count
                } else if let i = JSONPointer.index(key, count: elements.count + 1) {
                    index = i
                } else {
                    return false
                }
                parent = .null
                elements.insert(value, at: index)
                parent = .array(elements)
                return true
            default:
                return false
            }
        }
        guard applied else {
            throw missing("\(operation) operation does not apply: doc is missing path: \"\(path)\"")
        }
    }

    /// Removes and returns the value at `path`.
    private static func remove(_ path: JSONPointer, from doc: inout JSON, operation: String) throws -> JSON {
        var removed: JSON?
        if !path.tokens.isEmpty {
            _ = try withParent(of: path.tokens[...], in: &doc) { parent, key in
                switch parent {
                case .object(var members):
                    guard let old = members[key] else { return false }
                    parent = .null
                    members[key] = nil
                    parent = .object(members)
                    removed = old
                case .array(var elements):
                    guard let i = JSONPointer.index(key, count: elements.count) else { return false }
                    parent = .null
                    removed = elements.remove(at: i)
                    parent = .array(elements)
                default:
                    return false
                }
                return true
            }
        }
        guard let removed else {
            if operation == "move" {
                throw missing("move operation does not apply: doc is missing from path: \(path)")
            }
            throw missing("\(operation) operation does not apply: doc is missing path: \"\(path)\"")
        }
        return removed
    }

    private static func replace(at path: JSONPointer, with value: JSON, in doc: inout JSON) throws {
        if path.tokens.isEmpty {
            guard value.isObject || value.isArray else {
                throw PatchError("replace operation value must be object or array")
            }
            doc = value
            return
        }
        var parentFound = false
        let applied = try withParent(of: path.tokens[...], in: &doc) { parent, key in
            switch parent {
            case .object(var members):
                parentFound = true
                // Like evanphx/json-patch v4 (and so the API server), a missing member is simply added.
                parent = .null
                members[key] = value
                parent = .object(members)
                return true
            case .array(var elements):
                parentFound = true
                guard let i = JSONPointer.index(key, count: elements.count) else { return false }
                parent = .null
                elements[i] = value
                parent = .array(elements)
                return true
            default:
                return false
            }
        }
        guard applied else {
            if parentFound {
                throw missing("replace operation does not apply: doc is missing key: \(path)")
            }
            throw missing("replace operation does not apply: doc is missing path: \(path)")
        }
    }

    private static func test(at path: JSONPointer, equals expected: JSON?, in doc: JSON) throws {
        if path.tokens.isEmpty {
            guard doc == (expected ?? .null) else { throw PatchError("testing value \(path) failed") }
            return
        }
        let parentTokens = path.tokens.dropLast()
        guard let parent = value(at: parentTokens, in: doc), let key = path.tokens.last else {
            throw missing("test operation does not apply: is missing path: \(path)")
        }
        let actual: JSON?
        switch parent {
        case .object(let members):
            actual = members[key]
        case .array(let elements):
            guard let i = JSONPointer.index(key, count: elements.count) else {
                throw missing("test operation does not apply: is missing path: \(path)")
            }
            actual = elements[i]
        default:
            throw missing("test operation does not apply: is missing path: \(path)")
        }
        // A missing member passes a test against null, as in evanphx/json-patch.
        guard (actual ?? .null) == (expected ?? .null) else {
            throw PatchError("testing value \(path) failed")
        }
    }

    // MARK: - Traversal

    /// The value `tokens` lead to, or nil when any step is missing.
    private static func value(at tokens: ArraySlice<String>, in doc: JSON) -> JSON? {
        var current = doc
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let i = JSONPointer.index(token, count: elements.count) else { return nil }
                current = elements[i]
            default:
                return nil
            }
        }
        return current
    }

    /// Walks to the container holding the last token and lets `body` change it in place. Returns false
    /// when an intermediate step is missing or `body` reports that the change does not apply.
    private static func withParent(
        of tokens: ArraySlice<String>, in value: inout JSON, _ body: (inout JSON, String) throws -> Bool
    ) throws -> Bool {
        guard let first = tokens.first else { return false }
        if tokens.count == 1 { return try body(&value, first) }
        let rest = tokens.dropFirst()
        switch value {
        case .object(var members):
            guard var child = members[first] else { return false }
            // Release our references so that the child is changed in place rather than copied.
            value = .null
            members[first] = .null
            let applied = try withParent(of: rest, in: &child, body)
            members[first] = child
            value = .object(members)
            return applied
        case .array(var elements):
            guard let i = JSONPointer.index(first, count: elements.count) else { return false }
            var child = elements[i]
            value = .null
            elements[i] = .null
            let applied = try withParent(of: rest, in: &child, body)
            elements[i] = child
            value = .array(elements)
            return applied
        default:
            return false
        }
    }
}
