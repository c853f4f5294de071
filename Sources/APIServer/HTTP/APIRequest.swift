import KubeModel

/// An HTTP request as the API handler sees it, independent of the HTTP server library, so that the
/// handler can be driven in-process by tests and by the embedded controllers alike.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    var query: QueryParameters
    /// Header values by lower-cased name (first value).
    public var headers: [String: String]
    public var body: [UInt8]
    /// The authenticated user.
    public var user: String

    public init(method: String, path: String, query: String? = nil, headers: [String: String] = [:], body: [UInt8] = [],
                user: String = "admin") {
        self.method = method.uppercased()
        self.path = path
        self.query = QueryParameters(query)
        var lowered: [String: String] = [:]
        for (k, v) in headers { lowered[k.lowercased()] = v }
        self.headers = lowered
        self.body = body
        self.user = user
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The media type of the body without parameters, lower-cased (`application/json`).
    var contentType: String? {
        guard let raw = header("content-type"), !raw.isEmpty else { return nil }
        return raw.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

/// Writes chunks of a streamed response (watch events, followed logs).
public protocol ChunkWriter: Sendable {
    mutating func write(_ bytes: [UInt8]) async throws
}

/// The handler's answer.
public struct APIResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Produced incrementally; the closure returns when the stream ends. Cancellation means the client went away.
        case stream(@Sendable (inout any ChunkWriter) async throws -> Void)
    }

    public var status: Int
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int, headers: [(String, String)] = [], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ bytes: [UInt8], contentType: String = "application/json", warnings: [String] = []) -> APIResponse {
        var headers = [("Content-Type", contentType)]
        for w in warnings { headers.append(("Warning", "299 - \"\(w.replacingOccurrences(of: "\"", with: "\\\""))\"")) }
        return APIResponse(status: status, headers: headers, body: .bytes(bytes))
    }

    static func json(_ status: Int, _ value: JSON, contentType: String = "application/json", warnings: [String] = []) -> APIResponse {
        json(status, value.serialized(), contentType: contentType, warnings: warnings)
    }

    static func error(_ error: APIError) -> APIResponse {
        var r = json(error.code, error.status)
        r.headers.append(contentsOf: error.headers)
        return r
    }

    /// The body bytes when not streamed (tests).
    public var bytes: [UInt8] {
        if case .bytes(let b) = body { return b }
        return []
    }
}

import Foundation
