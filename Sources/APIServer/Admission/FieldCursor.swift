import KubeModel

/// A value inside an object under validation, together with the path that names it in errors. Reading
/// through a cursor follows Go's zero-value rules: a missing string reads as `""`, a missing list as empty.
struct FieldCursor {
    /// The value, or nil when the field is absent.
    let value: JSON?
    /// Where the value lives, for error messages.
    let path: ErrorPath

    init(_ value: JSON?, _ path: ErrorPath) {
        self.value = value
        self.path = path
    }

    /// The whole object, rooted at the empty path (top-level fields print as `spec`, `metadata`).
    init(object: JSON) {
        self.value = object
        self.path = ErrorPath("")
    }

    subscript(key: String) -> FieldCursor {
        FieldCursor(value?[key], path.child(key))
    }

    /// Present and not JSON null (Go's non-nil pointer).
    var isSet: Bool {
        guard let value else { return false }
        return !value.isNull
    }

    var string: String { value?.stringValue ?? "" }
    var optionalString: String? { value?.stringValue }
    var int: Int? { value?.intValue }
    var bool: Bool? { value?.boolValue }

    /// Elements of a list, each with its indexed path.
    var elements: [FieldCursor] {
        guard case .array(let items)? = value else { return [] }
        return items.enumerated().map { FieldCursor($0.element, path.index($0.offset)) }
    }

    var count: Int {
        if case .array(let items)? = value { return items.count }
        if case .object(let members)? = value { return members.count }
        return 0
    }

    /// Members of an object, sorted by key so that errors come out in a stable order.
    var members: [(key: String, value: JSON)] {
        guard case .object(let o)? = value else { return [] }
        return o.sorted { $0.key < $1.key }
    }

    /// A `map[string]string` (labels, selectors, data); non-string values are skipped.
    var stringMap: [String: String] {
        guard case .object(let o)? = value else { return [:] }
        var result: [String: String] = [:]
        for (k, v) in o { if let s = v.stringValue { result[k] = s } }
        return result
    }

    var stringList: [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
