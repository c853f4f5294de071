import KubeModel

/// An API failure, rendered as a Kubernetes `Status` object with upstream's reason, code and wording
/// (kubectl prints `Error from server (<reason>): <message>`).
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: JSON?
    /// Extra response headers (e.g. `Retry-After`).
    public var headers: [(String, String)] = []

    public init(code: Int, reason: String, message: String, details: JSON? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var description: String { "\(reason) (\(code)): \(message)" }

    /// The `Status` object.
    public var status: JSON {
        var s: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
                       "message": .string(message), "reason": .string(reason), "code": .int(Int64(code))]
        if let details { s["details"] = details }
        if reason.isEmpty { s["reason"] = nil }
        return s
    }

    static func details(_ resource: GroupResource, name: String) -> JSON {
        var d: JSON = ["kind": .string(resource.resource)]
        if !name.isEmpty { d["name"] = .string(name) }
        if !resource.group.isEmpty { d["group"] = .string(resource.group) }
        return d
    }

    public static func notFound(_ resource: GroupResource, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found", details: details(resource, name: name))
    }

    public static func alreadyExists(_ resource: GroupResource, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists", details: details(resource, name: name))
    }

    public static func conflict(_ resource: GroupResource, _ name: String, _ why: String) -> APIError {
        APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(resource) \"\(name)\": \(why)",
                 details: details(resource, name: name))
    }

    public static func modified(_ resource: GroupResource, _ name: String) -> APIError {
        conflict(resource, name, "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// 422 with one cause per field error: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: ...`.
    public static func invalid(kind: GroupKind, name: String, errors: [FieldError]) -> APIError {
        var d: JSON = ["kind": .string(kind.kind), "name": .string(name)]
        if !kind.group.isEmpty { d["group"] = .string(kind.group) }
        d["causes"] = .array(errors.map { e in
            ["reason": .string(e.reason.rawValue), "message": .string(e.errorBody), "field": .string(e.field)]
        })
        return APIError(code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(errors.joinedDescription)", details: d)
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func forbidden(_ resource: GroupResource, _ name: String, _ why: String) -> APIError {
        let subject = name.isEmpty ? "\(resource)" : "\(resource) \"\(name)\""
        return APIError(code: 403, reason: "Forbidden", message: "\(subject) is forbidden: \(why)", details: details(resource, name: name))
    }

    public static func methodNotAllowed() -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }

    public static func notAcceptable() -> APIError {
        APIError(code: 406, reason: "NotAcceptable",
                 message: "only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io")
    }

    public static func unsupportedMediaType(_ accepted: [String]) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: " + accepted.joined(separator: ", "))
    }

    public static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    public static func tooLarge(_ message: String) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: message)
    }

    public static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    public static func notFoundPath() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: .emptyObject)
    }

    public static func `internal`(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: ["causes": [["message": .string(message)]]])
    }

    public static func serviceUnavailable(_ message: String) -> APIError {
        APIError(code: 503, reason: "ServiceUnavailable", message: message)
    }
}
