import KubeModel

/// A failed API call: the server's `Status` (or a transport failure), with predicates for the cases
/// controllers branch on. Messages name the request and never carry credentials.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case status
        case transport
        case decoding
        case configuration
    }

    let kind: Kind
    /// HTTP status code (0 for transport failures).
    public let code: Int
    /// The `Status.reason` (`NotFound`, `Conflict`, `AlreadyExists`, `Expired`, `Invalid`, …).
    public let reason: String
    public let message: String
    /// The whole `Status` object, when the server sent one.
    public let status: JSON?
    /// `GET /apis/apps/v1/namespaces/default/deployments/web`, for messages.
    public let request: String

    init(kind: Kind, code: Int, reason: String, message: String, status: JSON?, request: String) {
        self.kind = kind
        self.code = code
        self.reason = reason
        self.message = message
        self.status = status
        self.request = request
    }

    static func fromResponse(code: Int, body: [UInt8], request: String) -> KubeError {
        if let status = try? JSON.parse(body), status["kind"] == "Status" {
            return KubeError(kind: .status, code: code, reason: status["reason"]?.stringValue ?? "",
                             message: status["message"]?.stringValue ?? "", status: status, request: request)
        }
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        return KubeError(kind: .status, code: code, reason: reasonForCode(code), message: text.isEmpty ? "HTTP \(code)" : text,
                         status: nil, request: request)
    }

    static func transport(_ error: any Error, request: String) -> KubeError {
        KubeError(kind: .transport, code: 0, reason: "", message: "\(error)", status: nil, request: request)
    }

    /// A response that could not be understood.
    public static func decoding(_ message: String, request: String) -> KubeError {
        KubeError(kind: .decoding, code: 0, reason: "", message: message, status: nil, request: request)
    }

    static func configuration(_ message: String) -> KubeError {
        KubeError(kind: .configuration, code: 0, reason: "", message: message, status: nil, request: "")
    }

    static func reasonForCode(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return ""
        }
    }

    public var isNotFound: Bool { code == 404 && reason != "MethodNotAllowed" }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// The requested resourceVersion was compacted (410 Gone/Expired): relist.
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    public var isForbidden: Bool { code == 403 }
    public var isUnauthorized: Bool { code == 401 }
    public var isInvalid: Bool { code == 422 }
    public var isBadRequest: Bool { code == 400 }
    public var isTooManyRequests: Bool { code == 429 }
    public var isTransport: Bool { kind == .transport }
    /// Worth retrying later: transport failures, throttling, server errors.
    public var isRetryable: Bool { kind == .transport || code == 429 || code >= 500 }

    /// `details.causes` of an Invalid (422) or conflict error.
    public var causes: [(field: String, message: String)] {
        (status?["details"]?["causes"]?.arrayValue ?? []).map {
            ($0["field"]?.stringValue ?? "", $0["message"]?.stringValue ?? "")
        }
    }

    public var description: String {
        switch kind {
        case .status: return "\(request): \(reason.isEmpty ? "HTTP \(code)" : reason) (\(code)): \(message)"
        case .transport: return "\(request): cannot reach the API server: \(message)"
        case .decoding: return "\(request): unreadable response: \(message)"
        case .configuration: return message
        }
    }
}
