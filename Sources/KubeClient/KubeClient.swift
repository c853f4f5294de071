/// KubeClient: the Kubernetes client every Tack controller uses, against the embedded API server and real
/// clusters alike. JSON on the wire; kubeconfig and in-cluster configuration; discovery with a REST mapper;
/// typed and unstructured access; the four patch types and server-side apply; watch as an async sequence;
/// typed errors; client-side rate limiting; retries honouring Retry-After.
///
/// Depends on KubeModel only (never on the server modules).
import AsyncHTTPClient
import Foundation
import KubeModel
import Logging
import NIOCore
import NIOHTTP1

/// One HTTP request to the API server.
public struct KubeRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute API path (`/api/v1/namespaces/default/pods`).
    public var path: String
    public var query: [(String, String)]
    public var body: [UInt8]?
    public var contentType: String?
    public var accept: String
    public var timeout: Duration?

    public init(method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                contentType: String? = nil, accept: String = "application/json", timeout: Duration? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.timeout = timeout
    }

    /// `GET /api/v1/...`, as errors and logs name the request.
    public var summary: String { "\(method.rawValue) \(path)" }

    var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}

/// The server's answer.
public struct KubeResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// `Warning` headers, decoded (`299 - "text"` → `text`).
    public var warnings: [String]

    public func json() throws -> JSON { try JSON.parse(body) }
}

/// A Kubernetes API client. Create one per process (it pools connections) and call `shutdown()` at the end.
public final class KubeClient: Sendable {
    public let configuration: ClientConfiguration
    public let mapper: RESTMapper
    let transport: Transport
    let limiter: RequestRateLimiter
    let logger: Logger
    let warningHandler: @Sendable (String) -> Void

    public init(configuration: ClientConfiguration, logger: Logger = Logger(label: "tack.kubeclient"),
                warningHandler: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.configuration = configuration
        self.logger = logger
        self.warningHandler = warningHandler
        transport = try Transport(configuration: configuration)
        limiter = RequestRateLimiter(qps: configuration.qps, burst: configuration.burst)
        mapper = RESTMapper()
    }

    /// A client from `--kubeconfig`/`KUBECONFIG`/`~/.kube/config`, or in-cluster configuration.
    public static func automatic(kubeconfig: String? = nil, context: String? = nil, logger: Logger = Logger(label: "tack.kubeclient")) throws -> KubeClient {
        try KubeClient(configuration: KubeconfigLoader.automatic(kubeconfig: kubeconfig, context: context), logger: logger)
    }

    /// The namespace of the current context.
    public var defaultNamespace: String { configuration.namespace }

    /// Closes connections. Streams still open end with an error.
    public func shutdown() async {
        await transport.shutdown()
    }

    /// Sends a request and collects the response, retrying throttled (429) and unavailable (5xx) answers that
    /// carry `Retry-After`, and transport failures of reads. Non-2xx answers throw `KubeError`.
    public func send(_ request: KubeRequest) async throws -> KubeResponse {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            await limiter.acquire()
            let response: KubeResponse
            do {
                response = try await execute(request, forceRefresh: false)
            } catch let error as KubeError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if request.method == .GET, attempt < 4 {
                    try await Task.sleep(for: .milliseconds(200 * attempt))
                    continue
                }
                throw KubeError.transport(error, request: request.summary)
            }
            for w in response.warnings { warningHandler(w) }
            if (200..<300).contains(response.status) { return response }
            if response.status == 401, !refreshedCredentials, case .exec = configuration.credentials {
                refreshedCredentials = true
                _ = try await transport.credential(refresh: true)
                continue
            }
            if response.status == 429 || response.status >= 500, attempt < 10,
               let retryAfter = response.headers.first(where: { $0.0.lowercased() == "retry-after" }).flatMap({ Int($0.1) }) {
                logger.debug("server asked to retry", metadata: ["request": "\(request.summary)", "after": "\(retryAfter)s"])
                try await Task.sleep(for: .seconds(max(1, retryAfter)))
                continue
            }
            throw KubeError.fromResponse(code: response.status, body: response.body, request: request.summary)
        }
    }

    func execute(_ request: KubeRequest, forceRefresh: Bool) async throws -> KubeResponse {
        let (http, authorization) = try await transport.prepare(refresh: forceRefresh)
        var outgoing = HTTPClientRequest(url: configuration.server.absoluteString.trimmingTrailingSlash + request.pathAndQuery)
        outgoing.method = request.method
        outgoing.headers.add(name: "Accept", value: request.accept)
        outgoing.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let authorization { outgoing.headers.add(name: "Authorization", value: authorization) }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = request.timeout ?? configuration.requestTimeout
        let response = try await http.execute(outgoing, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
        let body = try await response.body.collect(upTo: 512 << 20)
        let headers = response.headers.map { ($0.name, $0.value) }
        return KubeResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body),
                            warnings: Self.warnings(in: headers))
    }

    /// Opens a streaming request (watch, followed logs): returns the status and the body as it arrives.
    /// Non-2xx answers throw `KubeError` before any chunk is delivered.
    public func stream(_ request: KubeRequest) async throws -> AsyncThrowingStream<[UInt8], any Error> {
        await limiter.acquire()
        let (http, authorization) = try await transport.prepare(refresh: false)
        var outgoing = HTTPClientRequest(url: configuration.server.absoluteString.trimmingTrailingSlash + request.pathAndQuery)
        outgoing.method = request.method
        outgoing.headers.add(name: "Accept", value: request.accept)
        outgoing.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let authorization { outgoing.headers.add(name: "Authorization", value: authorization) }
        let deadline = request.timeout ?? .seconds(3600)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(outgoing, timeout: .seconds(Int64(deadline.components.seconds)))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw KubeError.transport(error, request: request.summary)
        }
        let headers = response.headers.map { ($0.name, $0.value) }
        for w in Self.warnings(in: headers) { warningHandler(w) }
        guard (200..<300).contains(Int(response.status.code)) else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw KubeError.fromResponse(code: Int(response.status.code), body: Array(buffer: body), request: request.summary)
        }
        let summary = request.summary
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await buffer in response.body {
                        continuation.yield(Array(buffer: buffer))
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: KubeError.transport(error, request: summary))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func warnings(in headers: [(String, String)]) -> [String] {
        headers.filter { $0.0.lowercased() == "warning" }.map { header in
            // `299 - "text"`: keep the quoted text.
            let value = header.1
            if let open = value.firstIndex(of: "\""), let close = value.lastIndex(of: "\""), open < close {
                return String(value[value.index(after: open)..<close]).replacingOccurrences(of: "\\\"", with: "\"")
            }
            return value
        }
    }
}

extension String {
    var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
