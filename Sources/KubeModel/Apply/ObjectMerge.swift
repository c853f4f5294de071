/// Merging an applied configuration into a live object, and pruning what an applier stopped applying.
/// Both follow the schema through ``FieldType``.
enum ObjectMerge {
    /// The live value with the configuration merged in (structured-merge-diff `Merge` with "keep the
    /// right-hand side"): objects merge member by member, associative and set lists item by item, anything
    /// else is replaced by the configuration's value. A `null` in the configuration removes the member
    /// (the API server drops nulls when it converts the result).
    static func merge(live: JSON?, config: JSON, type: FieldType) -> JSON {
        guard let live, !live.isNull else { return withoutNulls(config) }
        switch (live, config, type.shape(of: config)) {
        case (.object(var object), .object(let applied), .object) where type.shape(of: live) == .object:
            for (name, value) in applied {
                if value.isNull {
                    object[name] = nil
                } else {
                    object[name] = merge(live: object[name], config: value, type: type.member(name).type)
                }
            }
            return .object(object)
        case (.array(let liveItems), .array(let appliedItems), .list(let kind)) where type.shape(of: live) == .list(kind):
            return .array(mergeList(live: liveItems, config: appliedItems, kind: kind, type: type))
        default:
            return withoutNulls(config)
        }
    }

    /// Items in the configuration's order, with live-only items kept near the items they followed: the
    /// ordering structured-merge-diff gives merged lists.
    private static func mergeList(live: [JSON], config: [JSON], kind: FieldType.ListKind, type: FieldType) -> [JSON] {
        let left = type.namedItems(live, kind: kind)
        let right = type.namedItems(config, kind: kind)
        var leftByElement: [PathElement: JSON] = [:]
        for (element, item) in left { leftByElement[element] = item }
        var rightByElement: [PathElement: JSON] = [:]
        for (element, item) in right { rightByElement[element] = item }
        let itemType = type.itemType

        // Shared items in the configuration's order; a shared live item is emitted when its turn comes.
        var shared = right.map(\.element).filter { leftByElement[$0] != nil }[...]
        var out: [JSON] = []
        out.reserveCapacity(max(left.count, right.count))
        var l = 0
        var r = 0
        while l < left.count || r < right.count {
            if l < left.count && r < right.count {
                let element = left[l].element
                if element == right[r].element {
                    out.append(merge(live: left[l].item, config: right[r].item, type: itemType))
                    l += 1
                    r += 1
                    if shared.first == element { shared.removeFirst() }
                    continue
                }
                if rightByElement[element] != nil, let next = shared.first, next != element {
                    l += 1  // a shared item that is not due yet; it is emitted at its configuration position
                    continue
                }
            }
            if l < left.count, rightByElement[left[l].element] == nil {
                out.append(left[l].item)
                l += 1
                continue
            }
            if r < right.count {
                let element = right[r].element
                out.append(merge(live: leftByElement[element], config: right[r].item, type: itemType))
                r += 1
                if shared.first == element { shared.removeFirst() }
                continue
            }
            l += 1  // a shared live item already emitted at its configuration position
        }
        return out
    }

    /// The value with null object members removed at every depth.
    static func withoutNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let object):
            var out: [String: JSON] = [:]
            for (name, member) in object where !member.isNull { out[name] = withoutNulls(member) }
            return .object(out)
        case .array(let items):
            return .array(items.map(withoutNulls))
        default:
            return value
        }
    }

    /// Removes what `last` holds and `keep` does not reach: a member, list item or struct field that the
    /// applier owned before is removed with everything below it when no path in `keep` (the new owners,
    /// this applier's new configuration included) lies at or below it. Containers emptied this way are
    /// removed too. Leaves and atomic values are never entered.
    static func prune(_ value: JSON, type: FieldType, last: FieldSet, keep: FieldSet) -> JSON? {
        switch (value, type.shape(of: value)) {
        case (.object(var object), .object):
            let before = object.count
            for (name, member) in object {
                let element = PathElement.field(name)
                guard last.touches(element) else { continue }
                if !keep.touches(element) {
                    object[name] = nil
                } else if last.children[element] != nil {
                    object[name] = prune(member, type: type.member(name).type, last: last.child(element), keep: keep.child(element))
                }
            }
            return object.isEmpty && before > 0 ? nil : .object(object)
        case (.array(let items), .list(let kind)):
            var out: [JSON] = []
            var seen: Set<PathElement> = []
            for (index, item) in items.enumerated() {
                let element = (try? type.pathElement(forItem: item, kind: kind).get()) ?? .index(index)
                guard seen.insert(element).inserted, last.touches(element) else {
                    out.append(item)
                    continue
                }
                if !keep.touches(element) { continue }
                if last.children[element] != nil {
                    if let kept = prune(item, type: type.itemType, last: last.child(element), keep: keep.child(element)) {
                        out.append(kept)
                    }
                } else {
                    out.append(item)
                }
            }
            return out.isEmpty && !items.isEmpty ? nil : .array(out)
        default:
            return value
        }
    }
}
