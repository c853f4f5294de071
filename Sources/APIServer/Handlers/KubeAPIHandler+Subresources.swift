import Foundation
import KubeModel
import ObjectStore
import Synchronization

/// Serves `pods/log`. The local runtime provides it; without one, logs are unavailable.
public protocol PodLogProvider: Sendable {
    /// Streams (or returns) a container's log. `pod` is the current Pod object.
    func log(pod: JSON, options: PodLogOptions) async throws -> APIResponse.Body
}

/// The options of a `pods/log` request.
public struct PodLogOptions: Sendable {
    public var container: String
    public var follow: Bool
    public var previous: Bool
    public var tailLines: Int?
    public var sinceSeconds: Int?
    public var sinceTime: Date?
    public var timestamps: Bool
    public var limitBytes: Int?
}

extension KubeAPIHandler {
    // MARK: scale

    func scaleObject(_ stored: StoredObject, ctx: ResourceContext) -> JSON {
        let object = stored.object
        let mapping = ctx.definition.scale!
        let specReplicas = object[path: Self.pathComponents(mapping.specReplicasPath)]?.int64Value ?? 0
        let statusReplicas = object[path: Self.pathComponents(mapping.statusReplicasPath)]?.int64Value ?? 0
        var selector = ""
        if let path = mapping.labelSelectorPath, let value = object[path: Self.pathComponents(path)] {
            selector = value.stringValue ?? ""
        }
        if selector.isEmpty, !ctx.definition.isCustom, let sel = try? LabelSelector(json: object["spec"]?["selector"]) {
            selector = sel.description
        }
        var status: JSON = ["replicas": .int(statusReplicas)]
        if !selector.isEmpty { status["selector"] = .string(selector) }
        var meta: JSON = ["name": .string(object.name), "uid": .string(object.uid),
                          "resourceVersion": .string(object.resourceVersion)]
        if !object.namespace.isEmpty { meta["namespace"] = .string(object.namespace) }
        if let created = object.creationTimestamp { meta["creationTimestamp"] = .string(created) }
        return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta, "spec": ["replicas": .int(specReplicas)], "status": status]
    }

    static func pathComponents(_ jsonPath: String) -> [String] {
        jsonPath.split(separator: ".").map(String.init)
    }

    func getScale(_ ctx: ResourceContext) throws -> APIResponse {
        guard let stored = store.get(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
        return .json(200, scaleObject(stored, ctx: ctx))
    }

    /// PUT or PATCH on `/scale`: computes the new Scale, then writes `spec.replicas` into the parent.
    func writeScale(_ ctx: ResourceContext) async throws -> APIResponse {
        let mapping = ctx.definition.scale!
        let body: JSON
        do { body = try JSON.parse(ctx.request.body) } catch let e as JSONParseError {
            throw APIError.badRequest("the Scale could not be parsed: \(e.message)")
        }
        for _ in 0..<Self.maxUpdateRetries {
            guard let current = store.latest(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
            let scale = scaleObject(current, ctx: ctx)
            var newScale: JSON
            if ctx.request.method == "PUT" {
                newScale = body
            } else {
                do {
                    switch ctx.request.contentType ?? "" {
                    case "application/json-patch+json": newScale = try JSONPatch.apply(body, to: scale)
                    case "application/merge-patch+json": newScale = MergePatch.apply(body, to: scale)
                    case "application/strategic-merge-patch+json":
                        newScale = try StrategicMergePatch.apply(body, to: scale, schema: SchemaSet.builtin.schema(named: "io.k8s.api.autoscaling.v1.Scale"))
                    default:
                        throw APIError.unsupportedMediaType(["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"])
                    }
                } catch let e as PatchError {
                    throw APIError(code: 422, reason: "Invalid", message: "Scale.autoscaling \"\(ctx.name)\" is invalid: \(e.message)")
                }
            }
            let rv = newScale.resourceVersion
            let hasPrecondition = !rv.isEmpty
            if hasPrecondition, rv != current.object.resourceVersion { throw APIError.modified(ctx.groupResource, ctx.name) }
            guard let replicas = newScale["spec"]?["replicas"]?.int64Value else {
                throw APIError.invalid(kind: GroupKind(group: "autoscaling", kind: "Scale"), name: ctx.name,
                                       errors: [.required("spec.replicas")])
            }
            if replicas < 0 {
                throw APIError.invalid(kind: GroupKind(group: "autoscaling", kind: "Scale"), name: ctx.name,
                                       errors: [.invalid("spec.replicas", .int(replicas), "must be greater than or equal to 0")])
            }
            var object = current.object
            object[path: Self.pathComponents(mapping.specReplicasPath)] = .int(replicas)
            let mainContext = ResourceContext(definition: ctx.definition, version: ctx.definition.storageVersion, namespace: ctx.namespace,
                                              name: ctx.name, subresource: "", request: ctx.request)
            do {
                let response = try await updateObject(object, current: current, ctx: mainContext, format: .json, duplicateFields: [],
                                                      managedFields: .update, hasPrecondition: hasPrecondition)
                if ctx.isDryRun {
                    var preview = scale
                    preview[path: ["spec", "replicas"]] = .int(replicas)
                    return .json(200, preview)
                }
                guard let stored = store.get(ctx.key) else { return response }
                return .json(200, scaleObject(stored, ctx: ctx))
            } catch is RetryableConflict {
                continue
            }
        }
        throw APIError.modified(ctx.groupResource, ctx.name)
    }

    // MARK: pods/log

    func podLog(_ ctx: ResourceContext) async throws -> APIResponse {
        guard let stored = store.get(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
        let pod = stored.object
        let containers = (pod["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let initContainers = (pod["spec"]?["initContainers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        var container = ctx.query["container"] ?? ""
        if container.isEmpty {
            if let defaulted = pod.annotations["kubectl.kubernetes.io/default-container"] {
                container = defaulted
            } else if containers.count == 1 {
                container = containers[0]
            } else {
                throw APIError.badRequest("a container name must be specified for pod \(ctx.name), choose one of: [\(containers.joined(separator: " "))]")
            }
        }
        guard containers.contains(container) || initContainers.contains(container) else {
            throw APIError.badRequest("container \(container) is not valid for pod \(ctx.name)")
        }
        let q = ctx.query
        let options = PodLogOptions(
            container: container, follow: q.bool("follow") ?? false, previous: q.bool("previous") ?? false,
            tailLines: q.int("tailLines"), sinceSeconds: q.int("sinceSeconds"),
            sinceTime: q["sinceTime"].flatMap(Timestamp.parse), timestamps: q.bool("timestamps") ?? false,
            limitBytes: q.int("limitBytes"))
        guard let logs else {
            throw APIError.badRequest("container \"\(container)\" in pod \"\(ctx.name)\" is waiting to start: no local runtime is running in this Tack instance")
        }
        let body = try await logs.log(pod: pod, options: options)
        return APIResponse(status: 200, headers: [("Content-Type", "text/plain")], body: body)
    }

    // MARK: namespaces/finalize

    func finalizeNamespace(_ ctx: ResourceContext) async throws -> APIResponse {
        var decoded = try decodeObjectBody(ctx)
        try checkTypeMeta(&decoded.object, ctx)
        for _ in 0..<Self.maxUpdateRetries {
            guard let current = store.latest(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
            var object = current.object
            object[path: ["spec", "finalizers"]] = decoded.object["spec"]?["finalizers"]
            if (object["spec"]?["finalizers"]?.arrayValue ?? []).isEmpty { object[path: ["spec", "finalizers"]] = nil }
            let remaining = object["spec"]?["finalizers"]?.arrayValue ?? []
            do {
                if object.isBeingDeleted && remaining.isEmpty && object.finalizers.isEmpty {
                    if ctx.isDryRun { return .json(200, object) }
                    let gone = try await store.delete(current.key, expectedRevision: current.revision, finalState: object)
                    return .json(200, gone.data)
                }
                if ctx.isDryRun { return .json(200, object) }
                let stored = try await store.update(object, key: current.key, expectedRevision: current.revision)
                return .json(200, stored.data)
            } catch let error as StoreError where error.isConflict {
                continue
            }
        }
        throw APIError.modified(ctx.groupResource, ctx.name)
    }

    // MARK: pods/binding

    func bindPod(_ ctx: ResourceContext) async throws -> APIResponse {
        let body = try parseJSONBody(ctx.request.body, recordDuplicates: false).object
        guard let node = body["target"]?["name"]?.stringValue, !node.isEmpty else {
            throw APIError.invalid(kind: GroupKind(group: "", kind: "Binding"), name: ctx.name, errors: [.required("target.name")])
        }
        for _ in 0..<Self.maxUpdateRetries {
            guard let current = store.latest(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
            var pod = current.object
            if let existing = pod["spec"]?["nodeName"]?.stringValue, !existing.isEmpty {
                throw APIError.conflict(ctx.groupResource, ctx.name, "pod \(ctx.name) is already assigned to node \"\(existing)\"")
            }
            pod[path: ["spec", "nodeName"]] = .string(node)
            var conditions = pod["status"]?["conditions"]?.arrayValue ?? []
            conditions.removeAll { $0["type"]?.stringValue == "PodScheduled" }
            conditions.append(["type": "PodScheduled", "status": "True", "lastTransitionTime": .string(nowString), "lastProbeTime": .null])
            pod[path: ["status", "conditions"]] = .array(conditions)
            do {
                _ = try await store.update(pod, key: current.key, expectedRevision: current.revision)
                return .json(201, ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success", "code": 201])
            } catch let error as StoreError where error.isConflict {
                continue
            }
        }
        throw APIError.modified(ctx.groupResource, ctx.name)
    }

    // MARK: reviews

    /// Access reviews in a single-user server: the admin may do everything.
    func review(_ ctx: ResourceContext) throws -> APIResponse {
        var body = try decodeObjectBody(ctx).object
        try checkTypeMeta(&body, ctx)
        body[path: ["metadata", "creationTimestamp"]] = nil
        switch ctx.definition.resource {
        case "selfsubjectaccessreviews":
            body["status"] = ["allowed": true, "reason": "the embedded Tack API server grants its admin user every permission"]
        case "selfsubjectrulesreviews":
            body["status"] = [
                "resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]],
                "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]],
                "incomplete": false,
            ]
        default:
            body["status"] = ["userInfo": ["username": .string(ctx.request.user), "groups": ["system:masters", "system:authenticated"]]]
        }
        return .json(201, body)
    }
}

/// A `PodLogProvider` filled in later: the API server starts before the kubelet that serves logs.
public final class PodLogProviderSlot: PodLogProvider, Sendable {
    private let provider = Mutex<(any PodLogProvider)?>(nil)

    public init() {}

    public func set(_ provider: any PodLogProvider) {
        self.provider.withLock { $0 = provider }
    }

    public func log(pod: JSON, options: PodLogOptions) async throws -> APIResponse.Body {
        guard let provider = provider.withLock({ $0 }) else {
            throw APIError.badRequest("container \"\(options.container)\" in pod \"\(pod.name)\" is waiting to start: no local runtime is running in this Tack instance")
        }
        return try await provider.log(pod: pod, options: options)
    }
}
