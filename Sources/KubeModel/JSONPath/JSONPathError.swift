/// A JSONPath template that failed to parse or to evaluate.
///
/// Messages use client-go's words (`unclosed action`, `status is not found`,
/// `array index out of bounds: index 2, length 1`), because kubectl users see those words and search for them.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Stage: Hashable, Sendable {
        case parse
        case evaluate
    }

    private let stage: Stage
    /// The message without any prefix, as client-go words it.
    public let message: String

    private init(stage: Stage, message: String) {
        self.stage = stage
        self.message = message
    }

    static func parse(_ message: String) -> JSONPathError { JSONPathError(stage: .parse, message: message) }
    static func evaluate(_ message: String) -> JSONPathError { JSONPathError(stage: .evaluate, message: message) }

    /// True when the template itself is malformed; false when it failed against a particular value.
    public var isParseError: Bool { stage == .parse }

    public var description: String { message }
}
