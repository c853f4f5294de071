/// One field an apply would change that another manager owns.
public struct ApplyConflict: Hashable, Sendable {
    /// The other manager's name (`kubectl-client-side-apply`).
    public var manager: String
    /// The field as the API server prints it: `.spec.replicas`,
    /// `.spec.template.spec.containers[name="main"].image`.
    public var field: String
    /// The cause message of the 409 status: `conflict with "kubectl-client-side-apply" using apps/v1`.
    public var message: String

    /// A conflict as given.
    public init(manager: String, field: String, message: String) {
        self.manager = manager
        self.field = field
        self.message = message
    }

    init(owner: ManagedFieldsEntry, path: FieldPath) {
        self.init(manager: owner.manager, field: path.description, message: "conflict with " + owner.conflictDescription)
    }
}
