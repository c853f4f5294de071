extension ServerSideApply {
    static let managedFieldsPath = ["metadata", "managedFields"]

    /// Fields the API server sets itself and never records as owned (upstream `stripMetaManager`, plus
    /// `deletionTimestamp`).
    static let systemPaths: [FieldPath] = [
        FieldPath(fields: "apiVersion"),
        FieldPath(fields: "kind"),
        FieldPath(fields: "metadata", "name"),
        FieldPath(fields: "metadata", "namespace"),
        FieldPath(fields: "metadata", "creationTimestamp"),
        FieldPath(fields: "metadata", "selfLink"),
        FieldPath(fields: "metadata", "uid"),
        FieldPath(fields: "metadata", "generation"),
        FieldPath(fields: "metadata", "managedFields"),
        FieldPath(fields: "metadata", "resourceVersion"),
        FieldPath(fields: "metadata", "deletionTimestamp"),
    ]

    /// The set without system fields and without `metadata` itself as a member.
    static func strippingSystemFields(_ set: FieldSet) -> FieldSet {
        var out = set
        for path in systemPaths { out = out.removingSubtree(at: path) }
        out.members.remove(.field("metadata"))
        return out
    }

    static func withoutManagedFields(_ object: JSON) -> JSON {
        var out = object
        out[path: managedFieldsPath] = nil
        return out
    }

    /// The stored entries; unreadable ones read as none.
    static func readEntries(_ object: JSON) -> [ManagedFieldsEntry] {
        (try? ManagedFieldsEntry.list(from: object[path: managedFieldsPath])) ?? []
    }

    /// `object` with `metadata.managedFields` set to the entries: system fields stripped, entries of one
    /// identity merged (latest time), empty entries dropped, in the API server's order. No entries remove
    /// the list.
    static func writing(_ entries: [ManagedFieldsEntry], into object: JSON) -> JSON {
        var byIdentity: [ManagedFieldsEntry.Identity: ManagedFieldsEntry] = [:]
        for entry in entries {
            var entry = entry
            entry.fields = strippingSystemFields(entry.fields)
            if var existing = byIdentity[entry.identity] {
                existing.fields.formUnion(entry.fields)
                if (entry.time ?? "") > (existing.time ?? "") { existing.time = entry.time }
                byIdentity[entry.identity] = existing
            } else {
                byIdentity[entry.identity] = entry
            }
        }
        let kept = byIdentity.values.filter { !$0.fields.isEmpty }.sorted(by: ManagedFieldsEntry.storageOrder)
        var out = object
        if kept.isEmpty {
            out[path: managedFieldsPath] = nil
        } else {
            out[path: managedFieldsPath] = .array(kept.map(\.json))
        }
        return out
    }
}
