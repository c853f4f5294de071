/// RFC 7386 JSON Merge Patch (`application/merge-patch+json`), the patch kubectl sends for custom
/// resources and for `label`/`annotate`: objects merge member by member, `null` deletes a member, and every
/// other value (arrays included) replaces what was there.
public enum MergePatch {
    /// RFC 7386: objects merge recursively, null deletes, everything else (arrays too) replaces.
    ///
    /// A patch that is not an object replaces the whole document. Members set to `null` inside a new
    /// object are dropped, as the RFC's algorithm does, so the result never contains a `null` that came
    /// from the patch.
    public static func apply(_ patch: JSON, to document: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        var result: [String: JSON]
        if case .object(let existing) = document { result = existing } else { result = [:] }
        for (key, value) in patchMembers {
            if value.isNull {
                result[key] = nil
            } else if value.isObject {
                result[key] = apply(value, to: result[key] ?? .null)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }

    /// The merge patch that turns `original` into `modified` (null for removed keys).
    ///
    /// The patch is minimal: unchanged members are left out, changed objects are described member by
    /// member, and anything else that changed (arrays included) is carried whole. `apply(create(a, b), a)`
    /// equals `b` whenever `b` holds no `null` members, which a merge patch cannot express.
    public static func create(from original: JSON, to modified: JSON) -> JSON {
        guard case .object(let old) = original, case .object(let new) = modified else {
            return modified
        }
        return .object(diff(old, new))
    }

    private static func diff(_ old: [String: JSON], _ new: [String: JSON]) -> [String: JSON] {
        var patch: [String: JSON] = [:]
        for key in old.keys where new[key] == nil {
            patch[key] = .null
        }
        for (key, newValue) in new {
            guard let oldValue = old[key] else {
                patch[key] = newValue
                continue
            }
            if oldValue == newValue { continue }
            if case .object(let oldMembers) = oldValue, case .object(let newMembers) = newValue {
                patch[key] = .object(diff(oldMembers, newMembers))
            } else {
                patch[key] = newValue
            }
        }
        return patch
    }
}
