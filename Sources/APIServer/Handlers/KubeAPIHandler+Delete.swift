import Foundation
import KubeModel
import ObjectStore

/// `DeleteOptions`, from the request body and query.
struct DeleteOptions: Sendable {
    enum Propagation: String, Sendable {
        case background = "Background"
        case foreground = "Foreground"
        case orphan = "Orphan"
    }

    var propagation: Propagation?
    var gracePeriodSeconds: Int?
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    var dryRun = false

    init(request: APIRequest) throws {
        let q = request.query
        if let p = q["propagationPolicy"] { propagation = try Self.propagation(p) }
        if let orphan = q.bool("orphanDependents") { propagation = orphan ? .orphan : .background }
        gracePeriodSeconds = q.int("gracePeriodSeconds")
        dryRun = q.all("dryRun").contains("All")
        guard !request.body.isEmpty else { return }
        let body: JSON
        do { body = try JSON.parse(request.body) } catch let e as JSONParseError {
            throw APIError.badRequest("the DeleteOptions body could not be parsed: \(e.message)")
        }
        guard body.isObject else { throw APIError.badRequest("the DeleteOptions body must be an object") }
        if let p = body["propagationPolicy"]?.stringValue { propagation = try Self.propagation(p) }
        if let orphan = body["orphanDependents"]?.boolValue {
            if propagation != nil && body["propagationPolicy"] != nil {
                throw APIError.invalid(kind: GroupKind(group: "", kind: "DeleteOptions"), name: "",
                    errors: [.invalid("propagationPolicy", body["propagationPolicy"], "orphanDependents and deletionPropagation cannot be both set")])
            }
            propagation = orphan ? .orphan : .background
        }
        if let g = body["gracePeriodSeconds"]?.intValue { gracePeriodSeconds = g }
        preconditionUID = body["preconditions"]?["uid"]?.stringValue
        preconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.stringValue
        if body["dryRun"]?.arrayValue?.contains(.string("All")) == true { dryRun = true }
    }

    static func propagation(_ text: String) throws -> Propagation {
        guard let p = Propagation(rawValue: text) else {
            throw APIError.badRequest("propagationPolicy: Unsupported value: \"\(text)\": supported values: \"Orphan\", \"Background\", \"Foreground\"")
        }
        return p
    }
}

extension KubeAPIHandler {
    func delete(_ ctx: ResourceContext) async throws -> APIResponse {
        let format = try negotiate(ctx.request, table: false)
        let options = try DeleteOptions(request: ctx.request)
        for _ in 0..<Self.maxUpdateRetries {
            guard let current = store.latest(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
            do {
                return try await deleteObject(current, ctx: ctx, options: options, format: format)
            } catch is RetryableConflict {
                continue
            }
        }
        throw APIError.modified(ctx.groupResource, ctx.name)
    }

    /// Deletes one object: checks preconditions, then either marks it for deletion (finalizers pending,
    /// foreground/orphan propagation, namespaces, graceful pods) or removes it now.
    func deleteObject(_ current: StoredObject, ctx: ResourceContext, options: DeleteOptions, format: ResponseFormat) async throws -> APIResponse {
        var object = current.object
        let name = current.key.name
        if let uid = options.preconditionUID, uid != object.uid {
            throw APIError.conflict(ctx.groupResource, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(object.uid)")
        }
        if let rv = options.preconditionResourceVersion, rv != object.resourceVersion {
            throw APIError.conflict(ctx.groupResource, name, "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(object.resourceVersion)")
        }
        let dryRun = options.dryRun || ctx.isDryRun
        let propagation = options.propagation ?? .background
        var finalizers = object.finalizers
        if object.isBeingDeleted, options.gracePeriodSeconds == 0, finalizers.isEmpty,
           ctx.groupResource == GroupResource(group: "", resource: "pods") {
            // `--grace-period=0 --force` (or the kubelet confirming termination) removes a terminating pod now.
            if dryRun { return try respondDeleted(current, ctx: ctx, status: 200, format: format, pending: false) }
            do {
                let gone = try await store.delete(current.key, expectedRevision: current.revision)
                return try respondDeleted(gone, ctx: ctx, status: 200, format: format, pending: false)
            } catch let error as StoreError where error.isConflict {
                throw RetryableConflict()
            }
        }
        if object.isBeingDeleted {
            // A repeated delete may switch between orphan and foreground propagation; otherwise nothing changes.
            var changed = false
            if propagation == .orphan, !finalizers.contains("orphan"), !finalizers.isEmpty {
                finalizers.removeAll { $0 == "foregroundDeletion" }
                finalizers.append("orphan")
                changed = true
            } else if propagation == .foreground, !finalizers.contains("foregroundDeletion"), !finalizers.isEmpty {
                finalizers.removeAll { $0 == "orphan" }
                finalizers.append("foregroundDeletion")
                changed = true
            }
            if !changed || dryRun { return try respondDeleted(current, ctx: ctx, status: 200, format: format, pending: true) }
            object.finalizers = finalizers
            return try await writePendingDeletion(object, current: current, ctx: ctx, format: format)
        }
        switch propagation {
        case .orphan where !finalizers.contains("orphan"): finalizers.append("orphan")
        case .foreground where !finalizers.contains("foregroundDeletion"): finalizers.append("foregroundDeletion")
        default: break
        }
        let isNamespace = ctx.groupResource == Self.namespacesResource
        let namespaceFinalizers = isNamespace ? (object["spec"]?["finalizers"]?.arrayValue ?? []) : []
        let graceful = gracefulDeletionSeconds(object, ctx: ctx, options: options)
        if finalizers.isEmpty && namespaceFinalizers.isEmpty && graceful == nil {
            if dryRun { return try respondDeleted(current, ctx: ctx, status: 200, format: format, pending: false) }
            do {
                let gone = try await store.delete(current.key, expectedRevision: current.revision)
                afterDelete(gone, ctx: ctx)
                return try respondDeleted(gone, ctx: ctx, status: 200, format: format, pending: false)
            } catch let error as StoreError where error.isConflict {
                throw RetryableConflict()
            }
        }
        object.finalizers = finalizers
        object[path: ["metadata", "deletionTimestamp"]] = .string(nowString)
        object[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(Int64(graceful ?? 0))
        if ctx.definition.tracksGeneration { object.generation = max(object.generation, 1) + 1 }
        if isNamespace { object[path: ["status", "phase"]] = "Terminating" }
        if dryRun {
            return .json(200, Conversion.convert(object, to: ctx.version, definition: ctx.definition))
        }
        return try await writePendingDeletion(object, current: current, ctx: ctx, format: format)
    }

    func writePendingDeletion(_ object: JSON, current: StoredObject, ctx: ResourceContext, format: ResponseFormat) async throws -> APIResponse {
        do {
            let stored = try await store.update(object, key: current.key, expectedRevision: current.revision)
            return try respondDeleted(stored, ctx: ctx, status: 200, format: format, pending: true)
        } catch let error as StoreError where error.isConflict {
            throw RetryableConflict()
        }
    }

    /// Pods bound to a node are deleted gracefully (the kubelet finishes the deletion); others go at once.
    func gracefulDeletionSeconds(_ object: JSON, ctx: ResourceContext, options: DeleteOptions) -> Int? {
        guard ctx.groupResource == GroupResource(group: "", resource: "pods") else { return nil }
        guard let node = object["spec"]?["nodeName"]?.stringValue, !node.isEmpty else { return nil }
        let phase = object["status"]?["phase"]?.stringValue
        if phase == "Succeeded" || phase == "Failed" { return nil }
        let grace = options.gracePeriodSeconds ?? object["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
        return grace <= 0 ? nil : grace
    }

    func respondDeleted(_ stored: StoredObject, ctx: ResourceContext, status: Int, format: ResponseFormat, pending: Bool) throws -> APIResponse {
        if pending || ctx.definition.returnsDeletedObject {
            return try respond(stored, ctx, status: status, format: .json)
        }
        var details = APIError.details(ctx.groupResource, name: stored.key.name)
        details["uid"] = .string(stored.object.uid)
        return .json(status, ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success", "details": details])
    }

    /// Side effects of an object's removal that the server owns.
    func afterDelete(_ gone: StoredObject, ctx: ResourceContext) {
        if ctx.groupResource == Self.crdResource {
            registry.uninstall(crdName: gone.key.name)
        }
    }

    // MARK: deletecollection

    func deleteCollection(_ ctx: ResourceContext) async throws -> APIResponse {
        let format = try negotiate(ctx.request, table: false)
        let options = try DeleteOptions(request: ctx.request)
        let filter = try filter(for: ctx)
        let page = store.list(ctx.groupResource, namespace: ctx.definition.namespaced && !ctx.namespace.isEmpty ? ctx.namespace : nil,
                              where: filter.matches)
        var deleted: [JSON] = []
        for item in page.items {
            let itemContext = ResourceContext(definition: ctx.definition, version: ctx.version, namespace: item.key.namespace,
                                              name: item.key.name, subresource: "", request: ctx.request)
            for _ in 0..<Self.maxUpdateRetries {
                guard let current = store.latest(item.key) else { break }
                do {
                    _ = try await deleteObject(current, ctx: itemContext, options: options, format: format)
                    deleted.append(converted(current, ctx))
                    break
                } catch is RetryableConflict {
                    continue
                }
            }
        }
        return .json(200, ["kind": .string(ctx.definition.listKind), "apiVersion": .string(ctx.apiVersion),
                           "metadata": ["resourceVersion": .string(String(store.revision))], "items": .array(deleted)])
    }
}
