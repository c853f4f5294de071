import KubeModel

/// Constructors taking an `ErrorPath`, and the detail texts apimachinery reuses across validators.
extension FieldError {
    static func required(_ path: ErrorPath, _ detail: String = "") -> FieldError {
        FieldError(.required, field: path.description, detail: detail)
    }

    static func invalid(_ path: ErrorPath, _ value: JSON?, _ detail: String) -> FieldError {
        FieldError(.invalid, field: path.description, value: value ?? .null, detail: detail)
    }

    static func forbidden(_ path: ErrorPath, _ detail: String) -> FieldError {
        FieldError(.forbidden, field: path.description, detail: detail)
    }

    static func duplicate(_ path: ErrorPath, _ value: JSON?) -> FieldError {
        FieldError(.duplicate, field: path.description, value: value ?? .null)
    }

    static func notFound(_ path: ErrorPath, _ value: JSON?) -> FieldError {
        FieldError(.notFound, field: path.description, value: value ?? .null)
    }

    /// `Unsupported value: "x": supported values: "A", "B"`, listing values in the order given
    /// (upstream sorts some lists and not others; callers pass them as upstream does).
    static func notSupported(_ path: ErrorPath, _ value: JSON?, _ supported: [String]) -> FieldError {
        FieldError.notSupported(path.description, value ?? .null, supported: supported)
    }

    static func tooLong(_ path: ErrorPath, max: Int) -> FieldError {
        FieldError.tooLong(path.description, nil, max: max)
    }

    /// `ValidateNonnegativeField`.
    static let negativeMessage = "must be greater than or equal to 0"
    /// `ValidateImmutableField`.
    static let immutableMessage = "field is immutable"
}
