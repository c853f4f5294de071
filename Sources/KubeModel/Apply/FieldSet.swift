/// A set of field paths: what one field manager owns (`metadata.managedFields[].fieldsV1`), or what an
/// object sets, or what a write changed.
///
/// The set is a tree, as in structured-merge-diff: a path is a *member* when it was inserted itself;
/// its ancestors are only *children* unless inserted too. In the fieldsV1 form a member that also has
/// members below it carries a `".": {}` marker:
///
/// ```json
/// {"f:metadata":{"f:labels":{".":{},"f:app":{}}}}
/// ```
///
/// holds the members `.metadata.labels` and `.metadata.labels.app`, but not `.metadata`. Set algebra works
/// on members: `{.a.b}.subtracting({.a})` is still `{.a.b}`.
public struct FieldSet: Hashable, Sendable {
    /// Elements directly below this node that are members themselves.
    var members: Set<PathElement>
    /// Non-empty subtrees below this node.
    var children: [PathElement: FieldSet]

    /// The empty set.
    public init() {
        members = []
        children = [:]
    }

    /// A set holding exactly these paths.
    public init(_ paths: [FieldPath]) {
        self.init()
        for path in paths { insert(path) }
    }

    /// Whether the set has no members.
    public var isEmpty: Bool { members.isEmpty && children.isEmpty }

    /// Whether `path` is a member (not merely an ancestor of one).
    public func contains(_ path: FieldPath) -> Bool {
        contains(path.elements[...])
    }

    private func contains(_ path: ArraySlice<PathElement>) -> Bool {
        guard let first = path.first else { return false }
        if path.count == 1 { return members.contains(first) }
        return children[first]?.contains(path.dropFirst()) ?? false
    }

    /// Adds `path` as a member. The empty path is ignored (the object itself is never a member).
    public mutating func insert(_ path: FieldPath) {
        insert(path.elements[...])
    }

    mutating func insert(_ path: ArraySlice<PathElement>) {
        guard let first = path.first else { return }
        if path.count == 1 {
            members.insert(first)
            return
        }
        var child = children.removeValue(forKey: first) ?? FieldSet()
        child.insert(path.dropFirst())
        children[first] = child
    }

    /// Every member path, in order.
    public var paths: [FieldPath] {
        var out: [FieldPath] = []
        collectPaths(prefix: [], into: &out)
        return out
    }

    private func collectPaths(prefix: [PathElement], into out: inout [FieldPath]) {
        for element in Set(members).union(children.keys).sorted() {
            let path = prefix + [element]
            if members.contains(element) { out.append(FieldPath(path)) }
            children[element]?.collectPaths(prefix: path, into: &out)
        }
    }

    /// Number of members.
    public var count: Int {
        members.count + children.values.reduce(0) { $0 + $1.count }
    }

    /// Members of either set.
    public func union(_ other: FieldSet) -> FieldSet {
        var out = self
        out.formUnion(other)
        return out
    }

    /// Adds the members of `other`.
    public mutating func formUnion(_ other: FieldSet) {
        members.formUnion(other.members)
        for (element, theirs) in other.children {
            if let mine = children.removeValue(forKey: element) {
                children[element] = mine.union(theirs)
            } else {
                children[element] = theirs
            }
        }
    }

    /// Members of this set that are not members of `other`.
    public func subtracting(_ other: FieldSet) -> FieldSet {
        var out = FieldSet()
        out.members = members.subtracting(other.members)
        for (element, mine) in children {
            let rest = other.children[element].map { mine.subtracting($0) } ?? mine
            if !rest.isEmpty { out.children[element] = rest }
        }
        return out
    }

    /// Members of both sets.
    public func intersection(_ other: FieldSet) -> FieldSet {
        var out = FieldSet()
        out.members = members.intersection(other.members)
        for (element, mine) in children {
            guard let theirs = other.children[element] else { continue }
            let both = mine.intersection(theirs)
            if !both.isEmpty { out.children[element] = both }
        }
        return out
    }

    /// This set without `path` and without anything below it.
    public func removingSubtree(at path: FieldPath) -> FieldSet {
        var out = self
        out.removeSubtree(path.elements[...])
        return out
    }

    private mutating func removeSubtree(_ path: ArraySlice<PathElement>) {
        guard let first = path.first else {
            self = FieldSet()
            return
        }
        if path.count == 1 {
            members.remove(first)
            children[first] = nil
            return
        }
        guard var child = children.removeValue(forKey: first) else { return }
        child.removeSubtree(path.dropFirst())
        if !child.isEmpty { children[first] = child }
    }

    /// The subtree below one element (empty when there is none). Membership of the element itself is
    /// not part of the result.
    func child(_ element: PathElement) -> FieldSet {
        children[element] ?? FieldSet()
    }

    /// Whether the element is a member or has members below it.
    func touches(_ element: PathElement) -> Bool {
        members.contains(element) || children[element] != nil
    }
}

// MARK: - fieldsV1

extension FieldSet {
    /// Reads the fieldsV1 form. Throws for keys without a known prefix and for non-object nodes.
    public init(fieldsV1: JSON) throws {
        guard case .object(let object) = fieldsV1 else {
            throw FieldSetError("fieldsV1 must be a JSON object, not \(fieldsV1.typeName)")
        }
        self.init()
        for (key, value) in object where key != "." {
            let element = try PathElement(fieldsV1Key: key)
            guard value.isObject else {
                throw FieldSetError("fieldsV1 entry \"\(key)\" must be a JSON object, not \(value.typeName)")
            }
            let below = try FieldSet(fieldsV1: value)
            if below.isEmpty || value["."] != nil { members.insert(element) }
            if !below.isEmpty { children[element] = below }
        }
    }

    /// The fieldsV1 form: `{}` for a member without members below it, `".": {}` inside a member that has.
    public var fieldsV1: JSON {
        var object: [String: JSON] = [:]
        for element in members where children[element] == nil {
            object[element.fieldsV1Key] = .emptyObject
        }
        for (element, below) in children {
            var node = below.fieldsV1
            if members.contains(element) { node["."] = .emptyObject }
            object[element.fieldsV1Key] = node
        }
        return .object(object)
    }
}

extension FieldSet: CustomStringConvertible {
    /// One member path per line, in order.
    public var description: String {
        paths.map(\.description).joined(separator: "\n")
    }
}
