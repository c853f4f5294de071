/// What `SchemaValidator.validate` found. The two kinds of problems are answered differently upstream:
/// values the decoder cannot take at all make a `400 BadRequest` (`Deployment in version "v1" cannot be
/// handled as a Deployment: json: cannot unmarshal ...`), schema violations of custom resources make a
/// `422 Invalid` with one cause per `FieldError`.
public struct ValidationOutcome: Sendable, Hashable {
    /// Decoder messages, most relevant first; upstream reports only the first one.
    public var decodeErrors: [String]
    /// Schema violations, in the order apiextensions reports them.
    public var fieldErrors: [FieldError]

    public init(decodeErrors: [String] = [], fieldErrors: [FieldError] = []) {
        self.decodeErrors = decodeErrors
        self.fieldErrors = fieldErrors
    }

    /// True when nothing was found.
    public var isValid: Bool { decodeErrors.isEmpty && fieldErrors.isEmpty }
}
