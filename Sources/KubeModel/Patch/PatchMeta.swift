/// What a field's schema says about strategic merge patch: the `x-kubernetes-patch-strategy` and
/// `x-kubernetes-patch-merge-key` annotations, the OpenAPI form of Go's `patchStrategy` and
/// `patchMergeKey` struct tags. A field with no schema has no strategy: its maps merge and its lists are
/// replaced whole, which is also what custom resources get.
struct PatchMeta: Sendable {
    /// `merge`: lists merge item by item (maps, on `mergeKey`) or as a union (primitives).
    let mergesLists: Bool
    /// `replace`: the field's value is replaced whole, even when it is a map.
    let replaces: Bool
    /// The member that identifies an item of a merged list of maps; empty for primitive lists.
    let mergeKey: String

    init(_ field: Schema?) {
        let strategies = field?.patchStrategies ?? []
        mergesLists = strategies.contains("merge")
        replaces = strategies.contains("replace")
        mergeKey = field?.patchMergeKey ?? ""
    }
}
