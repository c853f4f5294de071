import KubeModel

/// In-place edits used by defaulting. They follow Go's notion of "unset": a pointer field is unset when
/// absent or null; a plain string is unset when empty as well; a plain integer when zero as well.
extension JSON {
    /// Absent or null: what a nil pointer looks like on the wire.
    func isUnset(_ key: String) -> Bool {
        guard let v = self[key] else { return true }
        return v.isNull
    }

    /// Sets `key` when it is absent or null (defaulting a pointer field).
    mutating func setIfUnset(_ key: String, _ value: JSON) {
        if isUnset(key) { self[key] = value }
    }

    /// Sets `key` when it is absent, null or `""` (defaulting a plain string field).
    mutating func setIfEmptyString(_ key: String, _ value: String) {
        if isUnset(key) || self[key]?.stringValue == "" { self[key] = .string(value) }
    }

    /// Sets `key` when it is absent, null or 0 (defaulting a plain integer field).
    mutating func setIfZero(_ key: String, _ value: Int) {
        if isUnset(key) || self[key]?.intValue == 0 { self[key] = .int(Int64(value)) }
    }

    /// Edits the object under `key` in place. With `create`, an absent or null member becomes `{}` first
    /// (a non-pointer struct in Go always exists); otherwise nothing happens when it is missing.
    mutating func mutate(_ key: String, create: Bool = false, _ body: (inout JSON) -> Void) {
        guard case .object(var members) = self else { return }
        var child: JSON
        if let existing = members[key], existing.isObject {
            child = existing
        } else if create, members[key] == nil || members[key]?.isNull == true {
            child = .emptyObject
        } else {
            return
        }
        // Drop our reference so `child` is uniquely owned while the body edits it.
        members[key] = .null
        self = .null
        body(&child)
        members[key] = child
        self = .object(members)
    }

    /// Edits each object element of the list under `key` in place.
    mutating func mutateEach(_ key: String, _ body: (inout JSON) -> Void) {
        guard case .object(var members) = self, case .array(var items)? = members[key] else { return }
        members[key] = .null
        self = .null
        for i in items.indices where items[i].isObject {
            var item = items[i]
            items[i] = .null
            body(&item)
            items[i] = item
        }
        members[key] = .array(items)
        self = .object(members)
    }

    /// Edits every value of the object under `key` (a map such as a ResourceList) in place.
    mutating func mutateValues(_ key: String, _ body: (inout JSON) -> Void) {
        guard case .object(var members) = self, case .object(var map)? = members[key] else { return }
        members[key] = .null
        self = .null
        for k in Array(map.keys) {
            guard var v = map[k] else { continue }
            body(&v)
            map[k] = v
        }
        members[key] = .object(map)
        self = .object(members)
    }

    /// Edits the value under `key` in place when present and not null.
    mutating func mutateValue(_ key: String, _ body: (inout JSON) -> Void) {
        guard var v = self[key], !v.isNull else { return }
        body(&v)
        self[key] = v
    }
}
