/// An apply that would change fields other managers own (`409 Conflict`, reason `Conflict`, one cause of
/// type `FieldManagerConflict` per field). Re-applying with `force=true` takes the fields over.
public struct ApplyConflictError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Ordered by manager, then by field.
    public var conflicts: [ApplyConflict]
    /// The status message, worded as kubernetes `NewApplyConflict` words it:
    /// `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`,
    /// or for several: `Apply failed with 2 conflicts: conflicts with "a" using v1:\n- .data.x\n- .data.y`.
    public var message: String

    /// An error as given (tests and callers that rebuild one).
    public init(conflicts: [ApplyConflict], message: String) {
        self.conflicts = conflicts
        self.message = message
    }

    /// Conflicts grouped by owner, in order.
    init(_ grouped: [(owner: ManagedFieldsEntry, paths: [FieldPath])]) {
        let conflicts = grouped.flatMap { group in group.paths.map { ApplyConflict(owner: group.owner, path: $0) } }
        let message: String
        if conflicts.count == 1, let only = conflicts.first {
            message = "Apply failed with 1 conflict: \(only.message): \(only.field)"
        } else {
            var lines: [String] = []
            for group in grouped {
                lines.append("conflicts with \(group.owner.conflictDescription):")
                lines.append(contentsOf: group.paths.map { "- \($0)" })
            }
            message = "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
        }
        self.init(conflicts: conflicts, message: message)
    }

    public var description: String { message }
}
