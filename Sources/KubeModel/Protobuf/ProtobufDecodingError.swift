/// A protobuf request body Tack cannot turn into JSON: a bad `k8s\0` prefix, malformed wire data, or a kind
/// whose message layout is not known. `message` names the field path or the kind, for the Status the API
/// server sends back.
public struct ProtobufDecodingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, readable by a person (`spec.template.spec.containers[0]: truncated varint`).
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
