import Foundation
import KubeModel
import NIOHTTP1

/// The patch types the API server accepts.
public enum PatchType: String, Sendable {
    case json = "application/json-patch+json"
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"
}

/// `DeleteOptions.propagationPolicy`.
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// A page of a list.
public struct ObjectList<Object: KubeObject>: Sendable {
    public var items: [Object]
    /// The list's resourceVersion: watch from here to see every later change.
    public var resourceVersion: String
    /// Set when more items remain (`continue` token).
    public var continueToken: String?
}

/// Options of list and watch requests.
public struct ListOptions: Sendable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks = false

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
                resourceVersion: String? = nil, resourceVersionMatch: String? = nil, timeoutSeconds: Int? = nil,
                allowWatchBookmarks: Bool = false) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
    }

    var query: [(String, String)] {
        var q: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { q.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { q.append(("fieldSelector", fieldSelector)) }
        if let limit { q.append(("limit", String(limit))) }
        if let continueToken { q.append(("continue", continueToken)) }
        if let resourceVersion { q.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { q.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { q.append(("timeoutSeconds", String(timeoutSeconds))) }
        if allowWatchBookmarks { q.append(("allowWatchBookmarks", "true")) }
        return q
    }
}

/// Access to one resource (in one namespace, or all namespaces / cluster-scoped when `namespace` is nil).
public struct ResourceClient<Object: KubeObject>: Sendable {
    public let client: KubeClient
    public let resource: GroupVersionResource
    public let kind: String
    public let namespaced: Bool
    /// The namespace addressed, or nil for all namespaces (lists and watches) / cluster-scoped resources.
    public let namespace: String?

    public init(client: KubeClient, resource: GroupVersionResource, kind: String, namespaced: Bool, namespace: String?) {
        self.client = client
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.namespace = namespaced ? namespace : nil
    }

    /// The same resource in another namespace.
    public func inNamespace(_ namespace: String?) -> ResourceClient<Object> {
        ResourceClient(client: client, resource: resource, kind: kind, namespaced: namespaced, namespace: namespace)
    }

    var collectionPath: String {
        let prefix = resource.group.isEmpty ? "/api/\(resource.version)" : "/apis/\(resource.group)/\(resource.version)"
        if let namespace, namespaced { return "\(prefix)/namespaces/\(namespace)/\(resource.resource)" }
        return "\(prefix)/\(resource.resource)"
    }

    func objectPath(_ name: String, namespace: String? = nil, subresource: String? = nil) throws -> String {
        let ns = namespace ?? self.namespace
        if namespaced && (ns ?? "").isEmpty {
            throw KubeError.configuration("\(resource.resource) are namespaced: name a namespace to address \(kind) \"\(name)\"")
        }
        let base = inNamespace(ns).collectionPath
        return "\(base)/\(name)" + (subresource.map { "/\($0)" } ?? "")
    }

    func decode(_ response: KubeResponse, _ request: String) throws -> Object {
        do {
            return Object(json: try response.json())
        } catch {
            throw KubeError.decoding("\(error)", request: request)
        }
    }

    public func get(_ name: String, namespace: String? = nil, subresource: String? = nil) async throws -> Object {
        let request = KubeRequest(method: .GET, path: try objectPath(name, namespace: namespace, subresource: subresource))
        return try decode(try await client.send(request), request.summary)
    }

    /// The object, or nil when it does not exist.
    public func getIfPresent(_ name: String, namespace: String? = nil) async throws -> Object? {
        do {
            return try await get(name, namespace: namespace)
        } catch let error as KubeError where error.isNotFound {
            return nil
        }
    }

    /// One page of a list.
    public func list(_ options: ListOptions = ListOptions()) async throws -> ObjectList<Object> {
        let request = KubeRequest(method: .GET, path: collectionPath, query: options.query)
        let doc = try await client.send(request).json()
        let kindName = kind
        let apiVersion = resource.group.isEmpty ? resource.version : "\(resource.group)/\(resource.version)"
        let items = (doc["items"]?.arrayValue ?? []).map { item -> Object in
            var json = item
            // Real servers omit apiVersion and kind on list items; fill them in.
            if json["kind"] == nil { json["kind"] = .string(kindName) }
            if json["apiVersion"] == nil { json["apiVersion"] = .string(apiVersion) }
            return Object(json: json)
        }
        let token = doc["metadata"]?["continue"]?.stringValue
        return ObjectList(items: items, resourceVersion: doc["metadata"]?["resourceVersion"]?.stringValue ?? "",
                          continueToken: (token?.isEmpty ?? true) ? nil : token)
    }

    /// Every item, following `continue` tokens page by page.
    public func listAll(_ options: ListOptions = ListOptions(), pageSize: Int = 500) async throws -> ObjectList<Object> {
        var options = options
        options.limit = pageSize
        var all: [Object] = []
        var first: String?
        while true {
            let page = try await list(options)
            all += page.items
            if first == nil { first = page.resourceVersion }
            guard let token = page.continueToken else { break }
            options.continueToken = token
            options.resourceVersion = nil
        }
        return ObjectList(items: all, resourceVersion: first ?? "", continueToken: nil)
    }

    static func writeQuery(dryRun: Bool, fieldManager: String?, fieldValidation: String? = nil) -> [(String, String)] {
        var q: [(String, String)] = []
        if dryRun { q.append(("dryRun", "All")) }
        if let fieldManager { q.append(("fieldManager", fieldManager)) }
        if let fieldValidation { q.append(("fieldValidation", fieldValidation)) }
        return q
    }

    public func create(_ object: Object, dryRun: Bool = false, fieldManager: String? = nil) async throws -> Object {
        let ns = object.namespace.isEmpty ? namespace : object.namespace
        let request = KubeRequest(method: .POST, path: inNamespace(ns).collectionPath,
                                  query: Self.writeQuery(dryRun: dryRun, fieldManager: fieldManager), body: object.json.serialized())
        return try decode(try await client.send(request), request.summary)
    }

    /// Replaces the object; its `resourceVersion` is the precondition (409 Conflict when stale).
    public func update(_ object: Object, dryRun: Bool = false, fieldManager: String? = nil) async throws -> Object {
        let request = KubeRequest(method: .PUT, path: try objectPath(object.name, namespace: object.namespace.isEmpty ? nil : object.namespace),
                                  query: Self.writeQuery(dryRun: dryRun, fieldManager: fieldManager), body: object.json.serialized())
        return try decode(try await client.send(request), request.summary)
    }

    /// Replaces the object's status through `/status`.
    public func updateStatus(_ object: Object, fieldManager: String? = nil) async throws -> Object {
        let request = KubeRequest(method: .PUT, path: try objectPath(object.name, namespace: object.namespace.isEmpty ? nil : object.namespace, subresource: "status"),
                                  query: Self.writeQuery(dryRun: false, fieldManager: fieldManager), body: object.json.serialized())
        return try decode(try await client.send(request), request.summary)
    }

    public func patch(_ name: String, namespace: String? = nil, type: PatchType, body: JSON, subresource: String? = nil,
                      fieldManager: String? = nil, force: Bool = false, dryRun: Bool = false) async throws -> Object {
        var query = Self.writeQuery(dryRun: dryRun, fieldManager: fieldManager)
        if force { query.append(("force", "true")) }
        let request = KubeRequest(method: .PATCH, path: try objectPath(name, namespace: namespace, subresource: subresource),
                                  query: query, body: body.serialized(), contentType: type.rawValue)
        return try decode(try await client.send(request), request.summary)
    }

    /// Server-side apply: the server merges `object` as `fieldManager`'s configuration, creating it if absent.
    public func apply(_ object: Object, fieldManager: String, force: Bool = false, subresource: String? = nil,
                      dryRun: Bool = false) async throws -> Object {
        try await patch(object.name, namespace: object.namespace.isEmpty ? nil : object.namespace, type: .apply, body: object.json,
                        subresource: subresource, fieldManager: fieldManager, force: force, dryRun: dryRun)
    }

    /// Deletes the object. Returns the object when the server answered with it (deletion pending on
    /// finalizers, or kinds that return the deleted object), nil for a plain `Status`.
    @discardableResult
    public func delete(_ name: String, namespace: String? = nil, propagation: PropagationPolicy? = nil,
                       preconditionUID: String? = nil, preconditionResourceVersion: String? = nil,
                       gracePeriodSeconds: Int? = nil, dryRun: Bool = false) async throws -> Object? {
        var options: JSON = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagation { options["propagationPolicy"] = .string(propagation.rawValue) }
        if let gracePeriodSeconds { options["gracePeriodSeconds"] = JSON(gracePeriodSeconds) }
        if preconditionUID != nil || preconditionResourceVersion != nil {
            var pre: JSON = [:]
            if let preconditionUID { pre["uid"] = .string(preconditionUID) }
            if let preconditionResourceVersion { pre["resourceVersion"] = .string(preconditionResourceVersion) }
            options["preconditions"] = pre
        }
        if dryRun { options["dryRun"] = ["All"] }
        let request = KubeRequest(method: .DELETE, path: try objectPath(name, namespace: namespace), body: options.serialized())
        let response = try await client.send(request)
        let doc = try response.json()
        return doc["kind"] == "Status" ? nil : Object(json: doc)
    }

    /// Watches changes as an async sequence. The stream ends when the server ends it (timeout); an ERROR
    /// event (410 Gone) is delivered as an event so that callers can relist.
    public func watch(_ options: ListOptions = ListOptions()) -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        var query = options.query
        query.append(("watch", "true"))
        let request = KubeRequest(method: .GET, path: collectionPath, query: query,
                                  timeout: options.timeoutSeconds.map { .seconds($0 + 30) })
        let client = self.client
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var framer = JSONStreamFramer()
                    for try await chunk in try await client.stream(request) {
                        for value in framer.append(chunk) {
                            let event = try JSON.parse(value)
                            guard let type = event["type"]?.stringValue.flatMap(WatchEvent<Object>.EventType.init(rawValue:)) else {
                                throw KubeError.decoding("watch event without a known type", request: request.summary)
                            }
                            continuation.yield(WatchEvent(type: type, object: Object(json: event["object"] ?? .null)))
                        }
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension KubeClient {
    /// Typed access to a built-in kind (no discovery needed).
    public func resource<Object: TypedKubeObject>(_ type: Object.Type, namespace: String? = nil) -> ResourceClient<Object> {
        ResourceClient(client: self, resource: Object.groupVersionResource, kind: Object.groupVersionKind.kind,
                       namespaced: Object.namespaced, namespace: namespace)
    }

    /// Unstructured access to any resource whose name and scope are known.
    public func resource(_ resource: GroupVersionResource, kind: String, namespaced: Bool, namespace: String? = nil)
        -> ResourceClient<Unstructured>
    {
        ResourceClient(client: self, resource: resource, kind: kind, namespaced: namespaced, namespace: namespace)
    }

    /// Unstructured access to any kind, found through discovery (refreshed when the kind is unknown).
    public func resource(for gvk: GroupVersionKind, namespace: String? = nil) async throws -> ResourceClient<Unstructured> {
        let m = try await mapping(for: gvk)
        return ResourceClient(client: self, resource: m.resource, kind: gvk.kind, namespaced: m.namespaced, namespace: namespace)
    }

    /// Server-side applies any object (kind from its apiVersion/kind, namespace from its metadata or the default).
    public func apply(_ object: JSON, fieldManager: String, force: Bool = false, dryRun: Bool = false) async throws -> JSON {
        guard let gvk = GroupVersionKind(of: object) else {
            throw KubeError.configuration("cannot apply an object without apiVersion and kind (\(object.name))")
        }
        let client = try await resource(for: gvk)
        let ns: String? = client.namespaced ? (object.namespace.isEmpty ? defaultNamespace : object.namespace) : nil
        var json = object
        if let ns { json.namespace = ns }
        return try await client.inNamespace(ns).apply(Unstructured(json: json), fieldManager: fieldManager, force: force, dryRun: dryRun).json
    }
}
