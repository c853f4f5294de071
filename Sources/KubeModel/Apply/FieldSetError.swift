/// A `fieldsV1` tree or `managedFields` entry that cannot be read.
public struct FieldSetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, in the words the API server uses where it has any.
    public var message: String

    /// An error with this message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
