/// Server-side apply and field ownership (`metadata.managedFields`), following structured-merge-diff, the
/// library behind the Kubernetes API server's field manager. Pure functions over JSON; the API server
/// calls them for apply patches (``apply(live:applied:manager:force:schema:apiVersion:subresource:now:)``)
/// and for every other write (``recordUpdate(old:new:manager:schema:apiVersion:subresource:now:)``).
///
/// What is implemented (stages 0–2 of the reference, A8.2):
/// - merging by schema: list-type `map` merges items by key, `set` unions, `atomic` replaces; built-in
///   lists with a patch merge key and no list type merge on that key; objects without schema information
///   are granular and their lists atomic (custom resources);
/// - removal: a field the applier owned before, no longer applies, and nobody else owns is removed, with
///   everything below it (a list-map item, a map key, a struct field nobody owns anything under);
/// - conflicts: an apply that changes the value of a field another manager owns fails with
///   ``ApplyConflictError`` unless forced, and then the field moves to the applier; applying the value a
///   field already has shares ownership;
/// - the client-side-apply migration (A8.3): for the manager `kubectl`, conflicts on fields whose live
///   value still equals the `kubectl.kubernetes.io/last-applied-configuration` annotation are forced,
///   and that annotation, when present, is rewritten to the applied configuration (upstream
///   `lastAppliedManager` and `lastAppliedUpdater`);
/// - an apply to a live object without any managedFields first gives all its fields to an `Update` entry
///   named `before-first-apply`, as upstream does.
///
/// Never owned: `apiVersion`, `kind`, and `metadata` `name`, `namespace`, `uid`, `resourceVersion`,
/// `generation`, `creationTimestamp`, `deletionTimestamp`, `selfLink` and `managedFields`.
///
/// Not done here, left to the caller: resetting `status` on main-resource writes of kinds with a status
/// subresource (and the spec on `/status` writes); this code owns whatever the configuration or write
/// contains, so the caller strips such fields first. Not done at all: conversion between API versions
/// (an entry's field paths are read as if in the current version), the cap of ten `Update` entries
/// (`ancient-changes`), and unions.
public enum ServerSideApply {
    /// The annotation client-side `kubectl apply` stores its last configuration in.
    public static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// The manager that owns the fields of an object that had no managedFields when first applied to.
    public static let beforeFirstApplyManager = "before-first-apply"

    /// Applies `applied` (the user's configuration) for `manager` onto `live` (nil = create).
    ///
    /// Merges according to the schema, removes fields this manager owned before and no longer applies
    /// unless another manager owns them, detects conflicts with other managers' fields whose value
    /// changes unless `force` (then ownership moves to `manager`), and returns the new object with
    /// `metadata.managedFields` updated: one entry per manager, operation and subresource (plus API version
    /// for `Update` entries); the applier's entry has operation `Apply`, the current `apiVersion`, and
    /// `time` set to `now` when the object changed or the entry is new. Entries left with no fields are
    /// dropped. The configuration's `apiVersion`, `kind`, `metadata.name` and `namespace` are kept; every
    /// other system field of `live` (uid, resourceVersion, …) is carried over untouched.
    ///
    /// - Throws: ``ApplyConfigurationError`` when the configuration carries `metadata.managedFields` or
    ///   has an associative-list item without its keys or with a duplicate key; ``ApplyConflictError``
    ///   on conflicts when not forced.
    public static func apply(live: JSON?, applied: JSON, manager: String, force: Bool, schema: Schema?,
                             apiVersion: String, subresource: String?, now: String) throws -> JSON {
        if let sent = applied[path: managedFieldsPath], !sent.isNull {
            throw ApplyConfigurationError("metadata.managedFields must be nil")
        }
        let type = FieldType.root(schema)
        let configFields = strippingSystemFields(try FieldSet.strictlyOf(applied, schema: schema))
        let liveContent = live.map(withoutManagedFields) ?? .emptyObject

        var entries = live.map(readEntries) ?? []
        if live != nil && entries.isEmpty {
            let everything = strippingSystemFields(ObjectComparison(old: .emptyObject, new: liveContent, type: type).changed)
            if !everything.isEmpty {
                entries = [ManagedFieldsEntry(manager: beforeFirstApplyManager, operation: .update, apiVersion: apiVersion,
                                              time: now, subresource: subresource, fields: everything)]
            }
        }

        let identity = ManagedFieldsEntry.Identity(manager: manager, operation: .apply, apiVersion: "", subresource: subresource ?? "")
        let previous = entries.first { $0.identity == identity }
        var others = entries.filter { $0.identity != identity }

        // Merge, then remove what this applier dropped and nobody else holds.
        var result = ObjectMerge.merge(live: liveContent, config: applied, type: type)
        if let last = previous?.fields, !last.isEmpty {
            var keep = FieldSet(systemPaths).union(configFields)
            for other in others { keep.formUnion(other.fields) }
            result = ObjectMerge.prune(result, type: type, last: last, keep: keep) ?? .emptyObject
        }

        // Conflicts: other managers' fields whose value the apply changes.
        let comparison = ObjectComparison(old: liveContent, new: result, type: type)
        let changed = comparison.changed
        var conflicts: [(index: Int, fields: FieldSet)] = []
        for (index, other) in others.enumerated() {
            let overlap = other.fields.intersection(changed)
            if !overlap.isEmpty { conflicts.append((index, overlap)) }
        }
        if !conflicts.isEmpty && !force {
            var blocking = conflicts
            if manager == "kubectl", let live, let allowed = allowedConflictsFromLastApplied(live: live, schema: schema, apiVersion: apiVersion) {
                blocking = conflicts.map { ($0.index, $0.fields.subtracting(allowed)) }.filter { !$0.fields.isEmpty }
            }
            if !blocking.isEmpty {
                throw ApplyConflictError(blocking
                    .map { (owner: others[$0.index], paths: $0.fields.paths) }
                    .sorted { $0.owner.identity < $1.owner.identity })
            }
        }
        for conflict in conflicts {
            others[conflict.index].fields = others[conflict.index].fields.subtracting(conflict.fields)
        }
        for index in others.indices {
            others[index].fields = others[index].fields.subtracting(comparison.removed)
        }

        let changedObject = previous == nil || result != liveContent
        let entry = ManagedFieldsEntry(manager: manager, operation: .apply, apiVersion: apiVersion,
                                       time: changedObject ? now : previous?.time, subresource: subresource,
                                       fields: configFields)

        if manager == "kubectl", result[path: ["metadata", "annotations", lastAppliedAnnotation]] != nil {
            result[path: ["metadata", "annotations", lastAppliedAnnotation]] = .string(lastAppliedValue(of: applied))
        }
        return writing(others + [entry], into: result)
    }
}
