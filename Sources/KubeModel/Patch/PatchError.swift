/// A patch that cannot be applied: a malformed patch document, a failed JSON-patch `test`, a path that does
/// not exist, or a strategic-merge directive that does not fit the object. The API server answers these
/// with 422 (or 400 for patches that are not JSON of the right shape); the message is meant for the person
/// who wrote the patch and names the operation or field path concerned.
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The complete message, e.g. `testing value /spec/replicas failed`.
    public let message: String

    /// An error with exactly this message.
    public init(_ message: String) {
        self.message = message
    }

    /// An error about one field: `spec.template.spec.containers: <detail>`; the bare detail at the root.
    init(at path: String, _ detail: String) {
        self.message = path.isEmpty ? detail : "\(path): \(detail)"
    }

    /// The message, so that `"\(error)"` reads as the message alone.
    public var description: String { message }
}
