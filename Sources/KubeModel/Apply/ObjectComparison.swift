/// The fields a write added, modified and removed, computed as structured-merge-diff's `Compare` does:
/// leaves (scalars, atomic values, empty containers) are compared by value; containers present on one
/// side only are added or removed themselves as well as everything below them.
///
/// One deliberate approximation: upstream compares typed Go values, where a create starts from the
/// zero value of the kind, so non-pointer structs (`spec`, `template`) and fields without `omitempty`
/// (`containers`) already exist and are never "added" themselves: its `Update` entries show `f:spec` and
/// `f:containers` without a `"."` marker while `f:labels` and `f:volumes` have one. JSON carries no Go
/// types, so a declared field holding an object with properties (a struct) or listed in its parent's
/// `required` (no `omitempty`) is treated the same way; pointer structs such as `rollingUpdate` therefore
/// lack the marker upstream gives them. Only the marker differs; leaves and list items are recorded alike.
struct ObjectComparison {
    var added = FieldSet()
    var modified = FieldSet()
    var removed = FieldSet()

    init(old: JSON?, new: JSON?, type: FieldType) {
        var path: [PathElement] = []
        walk(old, new, type: type, path: &path, existsInZeroValue: true)
    }

    /// Added or modified: the fields whose owners change hands.
    var changed: FieldSet { added.union(modified) }

    /// `existsInZeroValue`: the node would be present in the Go zero value of its parent, so it is never
    /// recorded as added itself (see the type's documentation).
    private mutating func walk(_ lhs: JSON?, _ rhs: JSON?, type: FieldType, path: inout [PathElement], existsInZeroValue: Bool) {
        let bothEmpty = (lhs.map(FieldType.isEmptyContainerOrNull) ?? true) && (rhs.map(FieldType.isEmptyContainerOrNull) ?? true)
        let shape = bothEmpty ? .leaf : containerShape(lhs, rhs, type: type)

        switch shape {
        case .leaf:
            if lhs == nil {
                added.insert(path[...])
            } else if rhs == nil {
                removed.insert(path[...])
            } else if lhs != rhs {
                modified.insert(path[...])
            }
            return
        case .object:
            let left = lhs?.objectValue ?? [:]
            let right = rhs?.objectValue ?? [:]
            let required = Set(type.schema?.required ?? [])
            for name in Set(left.keys).union(right.keys) {
                let (memberType, declared) = type.member(name)
                let inZeroValue = declared && (memberType.isStruct || required.contains(name))
                path.append(.field(name))
                walk(left[name], right[name], type: memberType, path: &path, existsInZeroValue: inZeroValue)
                path.removeLast()
            }
        case .list(let kind):
            let left = type.namedItems(lhs?.arrayValue ?? [], kind: kind)
            let right = type.namedItems(rhs?.arrayValue ?? [], kind: kind)
            var leftByElement: [PathElement: JSON] = [:]
            for (element, item) in left { leftByElement[element] = item }
            var rightByElement: [PathElement: JSON] = [:]
            for (element, item) in right { rightByElement[element] = item }
            let itemType = type.itemType
            for element in Set(leftByElement.keys).union(rightByElement.keys) {
                path.append(element)
                walk(leftByElement[element], rightByElement[element], type: itemType, path: &path, existsInZeroValue: false)
                path.removeLast()
            }
        }

        // The container itself, once its contents are accounted for.
        if lhs == nil {
            if !existsInZeroValue { added.insert(path[...]) }
        } else if rhs == nil {
            removed.insert(path[...])
        }
    }

    /// The shape both sides share, taking the shape of the present or non-null side when one side is
    /// missing or null; `.leaf` when the two disagree (the value was replaced wholesale).
    private func containerShape(_ lhs: JSON?, _ rhs: JSON?, type: FieldType) -> FieldType.Shape {
        let left = lhs.flatMap { $0.isNull ? nil : type.shape(of: $0) }
        let right = rhs.flatMap { $0.isNull ? nil : type.shape(of: $0) }
        switch (left, right) {
        case (let l?, let r?): return l == r ? l : .leaf
        case (let l?, nil): return l
        case (nil, let r?): return r
        case (nil, nil): return .leaf
        }
    }
}
