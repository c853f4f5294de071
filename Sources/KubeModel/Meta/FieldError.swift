/// One problem with one field of an object, worded as apimachinery's `field.Error` words it, so that
/// `kubectl` users read the messages they know (`spec.replicas: Invalid value: -1: must be greater than or
/// equal to 0`). A list of these becomes a 422 `Invalid` status with one cause each.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        case notFound = "FieldValueNotFound"
        case required = "FieldValueRequired"
        case duplicate = "FieldValueDuplicate"
        case invalid = "FieldValueInvalid"
        case notSupported = "FieldValueNotSupported"
        case forbidden = "FieldValueForbidden"
        case tooLong = "FieldValueTooLong"
        case tooMany = "FieldValueTooMany"
        case `internal` = "InternalError"
        case typeInvalid = "FieldValueTypeInvalid"
    }

    public var reason: Reason
    /// Dotted path with list indexes, `spec.template.spec.containers[0].image`.
    public var field: String
    public var badValue: JSON?
    public var detail: String

    public init(_ reason: Reason, field: String, value: JSON? = nil, detail: String = "") {
        self.reason = reason
        self.field = field
        self.badValue = value
        self.detail = detail
    }

    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(.required, field: field, detail: detail)
    }

    public static func invalid(_ field: String, _ value: JSON?, _ detail: String) -> FieldError {
        FieldError(.invalid, field: field, value: value, detail: detail)
    }

    public static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(.forbidden, field: field, detail: detail)
    }

    public static func duplicate(_ field: String, _ value: JSON?) -> FieldError {
        FieldError(.duplicate, field: field, value: value)
    }

    public static func notSupported(_ field: String, _ value: JSON?, supported: [String]) -> FieldError {
        FieldError(.notSupported, field: field, value: value,
                   detail: "supported values: " + supported.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    public static func tooLong(_ field: String, _ value: JSON?, max: Int) -> FieldError {
        FieldError(.tooLong, field: field, value: value, detail: "must have at most \(max) bytes")
    }

    public static func typeInvalid(_ field: String, _ value: JSON?, _ detail: String) -> FieldError {
        FieldError(.typeInvalid, field: field, value: value, detail: detail)
    }

    /// The short label apimachinery prints for each reason.
    public var reasonText: String {
        switch reason {
        case .notFound: return "Not found"
        case .required: return "Required value"
        case .duplicate: return "Duplicate value"
        case .invalid, .typeInvalid: return "Invalid value"
        case .notSupported: return "Unsupported value"
        case .forbidden: return "Forbidden"
        case .tooLong: return "Too long"
        case .tooMany: return "Too many"
        case .internal: return "Internal error"
        }
    }

    /// The message without the field path: `Invalid value: -1: must be greater than or equal to 0`.
    public var errorBody: String {
        var s = reasonText
        switch reason {
        case .required, .forbidden, .tooLong, .internal:
            break
        default:
            if let value = badValue { s += ": " + Self.render(value) }
        }
        if !detail.isEmpty { s += ": " + detail }
        return s
    }

    /// `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
    public var description: String { field.isEmpty ? errorBody : "\(field): \(errorBody)" }

    /// Values as apimachinery renders them in field errors (Go's `%#v` for untyped JSON values): strings
    /// quoted, numbers bare, null as "null", maps and lists with their Go types.
    static func render(_ value: JSON) -> String {
        switch value {
        case .null: return "\"null\""
        default: return goSyntax(value)
        }
    }

    static func goSyntax(_ value: JSON) -> String {
        switch value {
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .null: return "interface {}(nil)"
        case .object(let o):
            // Maps of strings (labels, selectors' matchLabels) are typed in Go; print them as Go does.
            let type = o.values.allSatisfy({ $0.stringValue != nil }) && !o.isEmpty ? "map[string]string" : "map[string]interface {}"
            return type + "{" + o.keys.sorted().map { "\"\($0)\":\(goSyntax(o[$0]!))" }.joined(separator: ", ") + "}"
        case .array(let a):
            let type = a.allSatisfy({ $0.stringValue != nil }) && !a.isEmpty ? "[]string" : "[]interface {}"
            return type + "{" + a.map(goSyntax).joined(separator: ", ") + "}"
        default: return value.serializedString()
        }
    }
}

extension Array where Element == FieldError {
    /// `[spec.a: Required value, spec.b: Invalid value: ...]` when several, as upstream joins them.
    public var joinedDescription: String {
        count == 1 ? self[0].description : "[" + map(\.description).joined(separator: ", ") + "]"
    }
}
