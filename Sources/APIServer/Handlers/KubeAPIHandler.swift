import Foundation
import KubeModel
import Logging
import ObjectStore
import Synchronization

/// Serves the Kubernetes REST API over an `ObjectStore`: it parses the request path, finds the resource in
/// the `ResourceRegistry`, and runs the verb (get, list, watch, create, update, patch, delete and the
/// subresources) with kube-apiserver's semantics: validation, defaulting, optimistic concurrency,
/// generation, finalizers, managed fields and dry run.
public final class KubeAPIHandler: Sendable {
    let store: ObjectStore
    public let registry: ResourceRegistry
    public let configuration: APIServerConfiguration
    let allocator: ServiceAllocator
    let logger: Logger
    let now: @Sendable () -> Date
    let logs: (any PodLogProvider)?
    let openAPICache = Mutex<[GroupVersion: OpenAPICacheEntry]>([:])
    let inFlight = Mutex<(reads: Int, writes: Int)>((0, 0))

    public init(store: ObjectStore, registry: ResourceRegistry, configuration: APIServerConfiguration,
                logs: (any PodLogProvider)? = nil, logger: Logger = Logger(label: "tack.apiserver"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.logs = logs
        self.allocator = ServiceAllocator(serviceCIDR: configuration.serviceCIDR, store: store)
        for item in store.snapshot(of: GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions"))
            .ordered(namespace: nil, after: nil) {
            registry.install(crd: item.object)
        }
    }

    /// Handles one request. Never throws: failures become `Status` responses.
    public func handle(_ request: APIRequest) async -> APIResponse {
        let mutating = request.method != "GET" && request.method != "HEAD"
        let longRunning = request.query.bool("watch") == true || request.query.bool("follow") == true || request.path.contains("/watch/")
        if !longRunning {
            let admitted = inFlight.withLock { counts -> Bool in
                if mutating {
                    guard counts.writes < configuration.maxMutatingRequestsInFlight else { return false }
                    counts.writes += 1
                } else {
                    guard counts.reads < configuration.maxRequestsInFlight else { return false }
                    counts.reads += 1
                }
                return true
            }
            guard admitted else {
                var error = APIError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                                     details: ["retryAfterSeconds": 1])
                error.headers = [("Retry-After", "1")]
                return .error(error)
            }
        }
        defer {
            if !longRunning {
                inFlight.withLock { counts in
                    if mutating { counts.writes -= 1 } else { counts.reads -= 1 }
                }
            }
        }
        do {
            return try await route(request)
        } catch let error as APIError {
            return .error(error)
        } catch let error as StoreError {
            return .error(apiError(from: error, request: request))
        } catch is CancellationError {
            return .error(APIError(code: 503, reason: "ServiceUnavailable", message: "the request was cancelled"))
        } catch {
            logger.error("unexpected error serving request", metadata: ["path": "\(request.path)", "error": "\(error)"])
            return .error(.internal("\(error)"))
        }
    }

    func route(_ request: APIRequest) async throws -> APIResponse {
        let info = RequestInfo.parse(path: request.path)
        switch info.target {
        case .other(let path):
            return try handleNonResource(path, request)
        case .discoveryRoot(let legacy):
            guard request.method == "GET" else { throw APIError.methodNotAllowed() }
            return discoveryRoot(legacy: legacy, request: request)
        case .groupDiscovery(let group):
            guard request.method == "GET" else { throw APIError.methodNotAllowed() }
            return try groupDiscovery(group)
        case .versionDiscovery(let gv):
            guard request.method == "GET" else { throw APIError.methodNotAllowed() }
            return try versionDiscovery(gv)
        case .resource:
            return try await handleResource(info, request)
        }
    }

    func handleNonResource(_ path: String, _ request: APIRequest) throws -> APIResponse {
        switch path {
        case "/version":
            return .json(200, [
                "major": "1", "minor": .string(configuration.minorVersion),
                "gitVersion": .string("v1.\(configuration.minorVersion).0"), "gitCommit": .string(configuration.gitCommit),
                "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0",
                "compiler": "gc", "platform": "linux/amd64",
            ])
        case "/healthz", "/livez", "/readyz", "/healthz/ping", "/livez/ping", "/readyz/ping":
            return APIResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: .bytes(Array("ok".utf8)))
        case "/openapi/v3":
            return openAPIIndex()
        case "/openapi/v2", "/swagger.json":
            throw APIError.notFoundPath()
        default:
            if path.hasPrefix("/openapi/v3/") {
                return try openAPIDocument(String(path.dropFirst("/openapi/v3/".count)))
            }
            throw APIError.notFoundPath()
        }
    }

    /// Maps store failures to API errors naming the object.
    func apiError(from error: StoreError, request: APIRequest) -> APIError {
        let resource = error.key?.resource ?? GroupResource(group: "", resource: "")
        let name = error.key?.name ?? ""
        if error.isNotFound { return .notFound(resource, name) }
        if error.isAlreadyExists { return .alreadyExists(resource, name) }
        if error.isConflict { return .modified(resource, name) }
        if let gone = error.goneRevisions { return .gone("too old resource version: \(gone.requested) (\(gone.oldest))") }
        if error.isClosed { return .serviceUnavailable("the API server is shutting down") }
        return .internal(error.description)
    }

    var nowString: String { Timestamp.format(now()) }
}

extension KubeAPIHandler {
    /// Takes (or, negative, gives back) mutating request slots: lets tests drive the server into overload.
    public func occupyWriteSlots(_ count: Int) {
        inFlight.withLock { $0.writes += count }
    }
}
