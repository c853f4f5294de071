/// A JSON value: the currency of every Kubernetes object in Tack.
///
/// Objects are unordered (as in Go's `map[string]interface{}`); serialisation sorts keys so that the
/// bytes for a value are deterministic. Numbers keep the distinction between integers and floating
/// point values, but compare numerically: `1` equals `1.0`, as it does for the API server.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
}

// MARK: - Accessors

extension JSON {
    /// An empty object, `{}`.
    public static let emptyObject: JSON = .object([:])

    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    @inlinable public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as an integer: integers, and doubles with no fractional part.
    @inlinable public var intValue: Int? {
        switch self {
        case .int(let i): return Int(i)
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }

    @inlinable public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }

    @inlinable public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    @inlinable public var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }

    @inlinable public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    @inlinable public var objectValue: [String: JSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    @inlinable public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    @inlinable public var isArray: Bool {
        if case .array = self { return true }
        return false
    }

    /// The JSON type name as Go's encoding/json and the API server name it in messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member of an object. Reading a missing key or a non-object gives `nil`; writing `nil` removes the
    /// key; writing into a non-object turns it into an object.
    @inlinable public subscript(key: String) -> JSON? {
        get {
            if case .object(let o) = self { return o[key] }
            return nil
        }
        set {
            var o: [String: JSON]
            if case .object(let existing) = self {
                o = existing
                self = .null  // release the storage so the mutation below happens in place
            } else {
                o = [:]
            }
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Element of an array, or `nil` when out of range or not an array.
    @inlinable public subscript(index: Int) -> JSON? {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return nil
    }

    /// The value at a path of object keys, or `nil` when any step is missing.
    public subscript(path path: [String]) -> JSON? {
        get {
            var current = self
            for key in path {
                guard let next = current[key] else { return nil }
                current = next
            }
            return current
        }
        set {
            guard let first = path.first else {
                self = newValue ?? .null
                return
            }
            if path.count == 1 {
                self[first] = newValue
                return
            }
            let rest = Array(path.dropFirst())
            if newValue == nil {
                guard var child = self[first], child.isObject else { return }
                child[path: rest] = nil
                self[first] = child
                return
            }
            var child = self[first] ?? .emptyObject
            if !child.isObject { child = .emptyObject }
            self[first] = nil  // release the reference so the child is mutated in place
            child[path: rest] = newValue
            self[first] = child
        }
    }

    /// Number of members of an object or elements of an array; 0 otherwise.
    public var count: Int {
        switch self {
        case .array(let a): return a.count
        case .object(let o): return o.count
        default: return 0
        }
    }

    /// True for null, empty strings, empty arrays and empty objects: the Go `omitempty` notion of empty
    /// for the shapes that JSON can hold (false and 0 count as empty too).
    public var isEmptyValue: Bool {
        switch self {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .double(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        }
    }
}

// MARK: - Equality that compares numbers numerically

extension JSON: Hashable {
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(Double(i))
        case .double(let d): hasher.combine(2); hasher.combine(d)
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let o): hasher.combine(5); hasher.combine(o)
        }
    }
}

// MARK: - Literals

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o: [String: JSON] = [:]
        o.reserveCapacity(elements.count)
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSON {
    public init(_ value: Int) { self = .int(Int64(value)) }
    public init(_ value: String) { self = .string(value) }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ value: [String: String]) { self = .object(value.mapValues { .string($0) }) }
    public init(_ value: [String]) { self = .array(value.map { .string($0) }) }
}

extension JSON: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { serializedString() }
}
