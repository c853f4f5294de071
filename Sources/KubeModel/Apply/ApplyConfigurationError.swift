/// An apply request whose configuration cannot be applied: it carries `metadata.managedFields`, or an
/// associative list in it has an item without its key fields or two items with the same key. The API
/// server answers these with `400 BadRequest` (managedFields) or `500`/`422` (typed conversion failures);
/// the message is the server's.
public struct ApplyConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `metadata.managedFields must be nil`, or
    /// `.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn't have default value)`.
    public var message: String

    /// An error with this message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
