extension ServerSideApply {
    /// Records an `Update`-operation write (create, update, non-apply patch) by `manager` that turned `old`
    /// (nil on create) into `new`, and returns `new` with `metadata.managedFields` set.
    ///
    /// The fields the write added or modified move to the manager's `Update` entry (one per manager, API
    /// version and subresource; its `time` becomes `now`) and out of every other entry; removed fields
    /// drop out of every entry. A write that changes nothing leaves the entries as they were.
    ///
    /// Clients may write `managedFields` themselves (the client-side-apply → server-side-apply migration
    /// replaces them with a JSON patch, A8.3): when `new` carries a non-empty list that reads correctly, it
    /// replaces the stored entries before this write's changes are recorded on top, as upstream does. An
    /// empty or unreadable list, or any list on a subresource write, keeps the stored entries, so a client
    /// that does not know about managedFields cannot wipe them; `[{}]` clears them.
    public static func recordUpdate(old: JSON?, new: JSON, manager: String, schema: Schema?,
                                    apiVersion: String, subresource: String?, now: String) -> JSON {
        var entries = old.map(readEntries) ?? []
        if subresource == nil, let sent = new[path: managedFieldsPath], let items = sent.arrayValue, !items.isEmpty,
           let decoded = try? ManagedFieldsEntry.list(from: sent) {
            entries = decoded
        }

        let newContent = withoutManagedFields(new)
        let comparison = ObjectComparison(old: old.map(withoutManagedFields) ?? .emptyObject, new: newContent,
                                          type: .root(schema))
        let changed = comparison.changed
        for index in entries.indices {
            entries[index].fields = entries[index].fields.subtracting(changed).subtracting(comparison.removed)
        }

        let taken = strippingSystemFields(changed)
        if !taken.isEmpty {
            let identity = ManagedFieldsEntry.Identity(manager: manager, operation: .update, apiVersion: apiVersion,
                                                       subresource: subresource ?? "")
            if let index = entries.firstIndex(where: { $0.identity == identity }) {
                entries[index].fields.formUnion(taken)
                entries[index].time = now
            } else {
                entries.append(ManagedFieldsEntry(manager: manager, operation: .update, apiVersion: apiVersion,
                                                  time: now, subresource: subresource, fields: taken))
            }
        }
        return writing(entries, into: newContent)
    }
}
