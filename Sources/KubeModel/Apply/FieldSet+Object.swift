extension FieldSet {
    /// The fields an object sets, walking `schema` to know list types: list-map items become
    /// `k:{…}` elements, set members `v:…`, and atomic lists and maps are leaves.
    ///
    /// Following structured-merge-diff, leaves, map keys (object members not declared as properties), list
    /// items, and null or empty-object values are members; struct fields holding non-empty objects are
    /// not (`f:spec` has no `"."` marker). Without schema information objects are granular maps and lists
    /// are atomic, the default for custom resources; `metadata` is always read as `ObjectMeta`.
    ///
    /// An associative-list item that lacks a key field is named by its position (`i:<n>`) here;
    /// ``ServerSideApply/apply(live:applied:manager:force:schema:apiVersion:subresource:now:)`` rejects
    /// such configurations instead.
    public static func of(_ object: JSON, schema: Schema?) -> FieldSet {
        var walker = FieldSetBuilder(strict: false)
        try? walker.collect(object, type: .root(schema))
        return walker.set
    }

    /// Like ``of(_:schema:)`` but throws for associative-list items without key fields and for duplicate
    /// keys, as the API server does for an applied configuration.
    static func strictlyOf(_ object: JSON, schema: Schema?) throws -> FieldSet {
        var walker = FieldSetBuilder(strict: true)
        try walker.collect(object, type: .root(schema))
        return walker.set
    }
}

/// The walk behind ``FieldSet/of(_:schema:)``.
private struct FieldSetBuilder {
    let strict: Bool
    var set = FieldSet()
    var path: [PathElement] = []

    init(strict: Bool) {
        self.strict = strict
    }

    mutating func collect(_ value: JSON, type: FieldType) throws {
        switch type.shape(of: value) {
        case .leaf:
            set.insert(path[...])
        case .object:
            guard case .object(let object) = value else { return }
            for (name, member) in object {
                let (memberType, declared) = type.member(name)
                path.append(.field(name))
                try collect(member, type: memberType)
                if !declared || member.isNull || member == .emptyObject { set.insert(path[...]) }
                path.removeLast()
            }
        case .list(let kind):
            guard case .array(let items) = value else { return }
            var seen: Set<PathElement> = []
            for (index, item) in items.enumerated() {
                let element: PathElement
                switch type.pathElement(forItem: item, kind: kind) {
                case .success(let named):
                    element = named
                case .failure(let problem):
                    if strict {
                        throw ApplyConfigurationError("\(FieldPath(path)): element \(index): \(problem.message)")
                    }
                    element = .index(index)
                }
                if !seen.insert(element).inserted {
                    if strict {
                        throw ApplyConfigurationError("\(FieldPath(path)): duplicate entries for key \(element)")
                    }
                    continue
                }
                path.append(element)
                try collect(item, type: type.itemType)
                set.insert(path[...])
                path.removeLast()
            }
        }
    }
}
