extension ServerSideApply {
    /// The fields `kubectl` may take over without `--force-conflicts` when it moves an object from
    /// client-side to server-side apply (upstream `lastAppliedManager`): the fields of the
    /// last-applied-configuration annotation whose live value still equals the annotation's. Nil when the
    /// object has no usable annotation or it was written for another API version.
    static func allowedConflictsFromLastApplied(live: JSON, schema: Schema?, apiVersion: String) -> FieldSet? {
        guard let text = live[path: ["metadata", "annotations", lastAppliedAnnotation]]?.stringValue, !text.isEmpty,
              let lastApplied = try? JSON.parse(text), lastApplied.isObject,
              lastApplied["apiVersion"]?.stringValue == apiVersion
        else { return nil }
        let comparison = ObjectComparison(old: lastApplied, new: withoutManagedFields(live), type: .root(schema))
        return FieldSet.of(lastApplied, schema: schema)
            .subtracting(comparison.modified)
            .subtracting(comparison.added)
            .subtracting(comparison.removed)
    }

    /// The last-applied-configuration value for an applied configuration: compact JSON with sorted keys,
    /// without the annotation itself, followed by a newline (upstream `buildLastApplied`).
    static func lastAppliedValue(of applied: JSON) -> String {
        var object = applied
        if var annotations = object[path: ["metadata", "annotations"]]?.objectValue {
            annotations[lastAppliedAnnotation] = nil
            object[path: ["metadata", "annotations"]] = .object(annotations)
        }
        return object.serializedString() + "\n"
    }
}
