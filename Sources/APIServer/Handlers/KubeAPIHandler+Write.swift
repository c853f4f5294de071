import Foundation
import KubeModel
import ObjectStore

extension KubeAPIHandler {
    static let maxUpdateRetries = 16

    // MARK: create

    func create(_ ctx: ResourceContext) async throws -> APIResponse {
        let format = try negotiate(ctx.request, table: false)
        var decoded = try decodeObjectBody(ctx)
        try checkTypeMeta(&decoded.object, ctx)
        let object = Conversion.convert(decoded.object, to: ctx.definition.storageVersion, definition: ctx.definition)
        return try await createObject(object, ctx: ctx, format: format, duplicateFields: decoded.duplicateFields, managedFields: .update)
    }

    enum ManagedFieldsPolicy {
        /// Record an Update by the request's field manager.
        case update
        /// The object already carries managed fields (server-side apply computed them).
        case precomputed
    }

    func createObject(_ object: JSON, ctx: ResourceContext, format: ResponseFormat, duplicateFields: [String],
                      managedFields: ManagedFieldsPolicy) async throws -> APIResponse {
        var admitted = try admit(object, operation: .create, ctx: ctx, subresource: "", duplicateFields: duplicateFields)
        var created = admitted.object
        if ctx.groupResource == Self.crdResource {
            created["status"] = CustomResourceDefinitions.establishedStatus(for: created, now: nowString, previous: nil)
        }
        if case .update = managedFields {
            created = ServerSideApply.recordUpdate(old: nil, new: created, manager: ctx.fieldManager, schema: ctx.storageSchema,
                                                   apiVersion: ctx.apiVersion, subresource: nil, now: nowString)
        }
        admitted.object = created
        try checkNamespace(ctx, name: created.name)
        _ = try checkSize(created, ctx: ctx)
        let key = ctx.key(named: created.name)
        if ctx.isDryRun {
            if store.latest(key) != nil { throw APIError.alreadyExists(ctx.groupResource, created.name) }
            var preview = Conversion.convert(created, to: ctx.version, definition: ctx.definition)
            preview.resourceVersion = ""
            return try respondValue(preview, ctx, status: 201, format: format, warnings: admitted.warnings)
        }
        let stored: StoredObject
        do {
            stored = try await store.create(created, key: key)
        } catch let error as StoreError where error.isAlreadyExists {
            throw APIError.alreadyExists(ctx.groupResource, created.name)
        }
        afterWrite(stored, ctx: ctx)
        return try respond(stored, ctx, status: 201, format: format, warnings: admitted.warnings)
    }

    /// Renders a value that was not stored (dry run).
    func respondValue(_ object: JSON, _ ctx: ResourceContext, status: Int, format: ResponseFormat, warnings: [String]) throws -> APIResponse {
        switch format {
        case .yaml:
            return APIResponse(status: status, headers: [("Content-Type", "application/yaml")], body: .bytes(Array(YAML.encode(object).utf8)))
        default:
            return .json(status, object, warnings: ctx.versionWarnings + warnings)
        }
    }

    /// Side effects of committed writes that the server itself owns.
    func afterWrite(_ stored: StoredObject, ctx: ResourceContext) {
        if ctx.groupResource == Self.crdResource {
            registry.install(crd: stored.object)
        }
    }

    // MARK: update

    func update(_ ctx: ResourceContext) async throws -> APIResponse {
        let format = try negotiate(ctx.request, table: false)
        var decoded = try decodeObjectBody(ctx)
        try checkTypeMeta(&decoded.object, ctx)
        let bodyName = decoded.object.name
        if !bodyName.isEmpty && bodyName != ctx.name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(ctx.name))")
        }
        let incoming = Conversion.convert(decoded.object, to: ctx.definition.storageVersion, definition: ctx.definition)
        let precondition = Int64(incoming.resourceVersion)
        if !incoming.resourceVersion.isEmpty && precondition == nil {
            throw APIError.badRequest("metadata.resourceVersion: Invalid value: \"\(incoming.resourceVersion)\": must be a resource version this server returned")
        }
        guard let current = store.latest(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
        if let precondition, precondition != current.revision { throw APIError.modified(ctx.groupResource, ctx.name) }
        return try await updateObject(incoming, current: current, ctx: ctx, format: format, duplicateFields: decoded.duplicateFields,
                                      managedFields: .update, hasPrecondition: precondition != nil)
    }

    /// The shared tail of update, patch and apply: admission, managed fields, finalizer-driven removal,
    /// no-op detection, dry run and the conditional write.
    func updateObject(_ object: JSON, current: StoredObject, ctx: ResourceContext, format: ResponseFormat,
                      duplicateFields: [String], managedFields: ManagedFieldsPolicy, hasPrecondition: Bool) async throws -> APIResponse {
        let old = current.object
        var admitted = try admit(object, operation: .update(old: old), ctx: ctx, subresource: ctx.subresource,
                                 duplicateFields: duplicateFields)
        var updated = admitted.object
        if ctx.groupResource == Self.crdResource {
            updated["status"] = CustomResourceDefinitions.establishedStatus(for: updated, now: nowString, previous: old["status"])
        }
        if ctx.groupResource == Self.namespacesResource, updated.isBeingDeleted {
            updated[path: ["status", "phase"]] = "Terminating"
        }
        if case .update = managedFields {
            updated = ServerSideApply.recordUpdate(old: old, new: updated, manager: ctx.fieldManager, schema: ctx.storageSchema,
                                                   apiVersion: ctx.apiVersion, subresource: ctx.subresource.isEmpty ? nil : ctx.subresource,
                                                   now: nowString)
        }
        admitted.object = updated
        _ = try checkSize(updated, ctx: ctx)

        // An object being deleted goes away once its last finalizer is removed.
        let removable = updated.isBeingDeleted && updated.finalizers.isEmpty
            && !(ctx.groupResource == Self.namespacesResource && !(updated["spec"]?["finalizers"]?.arrayValue ?? []).isEmpty)
        if ctx.isDryRun {
            var preview = Conversion.convert(updated, to: ctx.version, definition: ctx.definition)
            preview.resourceVersion = current.object.resourceVersion
            return try respondValue(preview, ctx, status: 200, format: format, warnings: admitted.warnings)
        }
        if removable {
            let gone = try await store.delete(current.key, expectedRevision: current.revision, finalState: updated)
            afterDelete(gone, ctx: ctx)
            return try respond(gone, ctx, status: 200, format: format, warnings: admitted.warnings)
        }
        // A write that changes nothing but bookkeeping keeps the object (and its resourceVersion) as it is.
        if withoutBookkeeping(updated) == withoutBookkeeping(old) {
            return try respond(current, ctx, status: 200, format: format, warnings: admitted.warnings)
        }
        do {
            let stored = try await store.update(updated, key: current.key, expectedRevision: current.revision)
            afterWrite(stored, ctx: ctx)
            return try respond(stored, ctx, status: 200, format: format, warnings: admitted.warnings)
        } catch let error as StoreError where error.isConflict && !hasPrecondition {
            throw RetryableConflict()
        }
    }

    struct RetryableConflict: Error {}

    func withoutBookkeeping(_ object: JSON) -> JSON {
        var o = object
        o[path: ["metadata", "resourceVersion"]] = nil
        if var fields = o["metadata"]?["managedFields"]?.arrayValue {
            for i in fields.indices { fields[i]["time"] = nil }
            o[path: ["metadata", "managedFields"]] = .array(fields)
        }
        return o
    }

    // MARK: patch

    static let patchTypes = ["application/json-patch+json", "application/merge-patch+json",
                             "application/strategic-merge-patch+json", "application/apply-patch+yaml"]

    func patch(_ ctx: ResourceContext) async throws -> APIResponse {
        let format = try negotiate(ctx.request, table: false)
        let request = ctx.request
        if request.body.count > configuration.maxRequestBytes {
            throw APIError.tooLarge("Request entity too large: limit is \(configuration.maxRequestBytes)")
        }
        let patchType = request.contentType ?? ""
        var accepted = Self.patchTypes
        if !ctx.definition.supportsStrategicMerge { accepted.removeAll { $0 == "application/strategic-merge-patch+json" } }
        guard accepted.contains(patchType) else { throw APIError.unsupportedMediaType(accepted) }
        if patchType == "application/apply-patch+yaml" { return try await apply(ctx, format: format) }
        let patchBody: JSON
        do {
            patchBody = try JSON.parse(request.body)
        } catch let error as JSONParseError {
            throw APIError.badRequest("the patch could not be parsed as JSON: \(error.message) (at byte \(error.offset))")
        }
        for _ in 0..<Self.maxUpdateRetries {
            guard let current = store.latest(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
            let original = Conversion.convert(current.object, to: ctx.version, definition: ctx.definition)
            var patched: JSON
            do {
                switch patchType {
                case "application/json-patch+json":
                    patched = try JSONPatch.apply(patchBody, to: original)
                case "application/merge-patch+json":
                    guard patchBody.isObject else { throw PatchError("a merge patch must be a JSON object") }
                    patched = MergePatch.apply(patchBody, to: original)
                default:
                    guard patchBody.isObject else { throw PatchError("a strategic merge patch must be a JSON object") }
                    patched = try StrategicMergePatch.apply(patchBody, to: original, schema: ctx.versionInfo?.schema)
                }
            } catch let error as PatchError {
                throw APIError(code: 422, reason: "Invalid", message: "\(ctx.definition.kind).\(ctx.definition.group) \"\(ctx.name)\" is invalid: \(error.message)")
            }
            guard patched.isObject else { throw APIError.badRequest("the patch did not produce an object") }
            // A resourceVersion in the patch is a precondition.
            let patchedRV = patched.resourceVersion
            let hasPrecondition = patchedRV != original.resourceVersion && !patchedRV.isEmpty
            if hasPrecondition { throw APIError.modified(ctx.groupResource, ctx.name) }
            if patched.uid != original.uid, !patched.uid.isEmpty {
                throw APIError.conflict(ctx.groupResource, ctx.name, "Precondition failed: UID in precondition: \(patched.uid), UID in object meta: \(original.uid)")
            }
            patched["apiVersion"] = .string(ctx.apiVersion)
            patched["kind"] = .string(ctx.definition.kind)
            let storage = Conversion.convert(patched, to: ctx.definition.storageVersion, definition: ctx.definition)
            do {
                return try await updateObject(storage, current: current, ctx: ctx, format: format, duplicateFields: [],
                                              managedFields: .update, hasPrecondition: patchBody.resourceVersionPrecondition)
            } catch is RetryableConflict {
                continue
            }
        }
        throw APIError.modified(ctx.groupResource, ctx.name)
    }

    // MARK: server-side apply

    func apply(_ ctx: ResourceContext, format: ResponseFormat) async throws -> APIResponse {
        guard let manager = ctx.query["fieldManager"], !manager.isEmpty else {
            throw APIError.badRequest("PATCH requests with apply content type require fieldManager")
        }
        let force = ctx.query.bool("force") ?? false
        var applied = try parseYAMLOrJSON(ctx.request.body)
        guard applied.isObject else { throw APIError.badRequest("the applied configuration must be an object") }
        if (applied["apiVersion"]?.stringValue ?? "").isEmpty || (applied["kind"]?.stringValue ?? "").isEmpty {
            throw APIError.badRequest("invalid object type: apiVersion and kind must be set in an applied configuration")
        }
        try checkTypeMeta(&applied, ctx)
        if applied.name.isEmpty { applied.name = ctx.name }
        if applied.name != ctx.name {
            throw APIError.badRequest("the name of the object (\(applied.name)) does not match the name on the URL (\(ctx.name))")
        }
        if ctx.definition.namespaced {
            if applied.namespace.isEmpty { applied.namespace = ctx.namespace }
            if applied.namespace != ctx.namespace {
                throw APIError.badRequest("the namespace of the provided object (\(applied.namespace)) does not match the namespace sent on the request (\(ctx.namespace))")
            }
        }
        var appliedStorage = Conversion.convert(applied, to: ctx.definition.storageVersion, definition: ctx.definition)
        // Status belongs to the status subresource and the rest to the main resource; an applied
        // configuration owns only what its endpoint can change.
        if ctx.definition.hasStatus {
            if ctx.subresource == "status" {
                appliedStorage = ["apiVersion": appliedStorage["apiVersion"] ?? .null, "kind": appliedStorage["kind"] ?? .null,
                                  "metadata": ["name": .string(applied.name), "namespace": applied.namespace.isEmpty ? .null : .string(applied.namespace)],
                                  "status": appliedStorage["status"] ?? .emptyObject]
                if applied.namespace.isEmpty { appliedStorage[path: ["metadata", "namespace"]] = nil }
            } else {
                appliedStorage["status"] = nil
            }
        }
        let subresource: String? = ctx.subresource.isEmpty ? nil : ctx.subresource
        for _ in 0..<Self.maxUpdateRetries {
            let current = store.latest(ctx.key)
            let merged: JSON
            do {
                merged = try ServerSideApply.apply(live: current?.object, applied: appliedStorage, manager: manager, force: force,
                                                   schema: ctx.storageSchema, apiVersion: ctx.apiVersion, subresource: subresource,
                                                   now: nowString)
            } catch let conflict as ApplyConflictError {
                throw APIError(code: 409, reason: "Conflict", message: conflict.message, details: [
                    "causes": .array(conflict.conflicts.map {
                        ["reason": "FieldManagerConflict", "message": .string($0.message), "field": .string($0.field)]
                    }),
                ])
            } catch let invalid as ApplyConfigurationError {
                throw APIError.badRequest(invalid.message)
            }
            guard let current else {
                if ctx.subresource == "status" { throw APIError.notFound(ctx.groupResource, ctx.name) }
                var toCreate = merged
                toCreate.resourceVersion = ""
                return try await createObject(toCreate, ctx: ctx, format: format, duplicateFields: [], managedFields: .precomputed)
            }
            if !applied.resourceVersion.isEmpty, applied.resourceVersion != current.object.resourceVersion {
                throw APIError.modified(ctx.groupResource, ctx.name)
            }
            do {
                return try await updateObject(merged, current: current, ctx: ctx, format: format, duplicateFields: [],
                                              managedFields: .precomputed, hasPrecondition: !applied.resourceVersion.isEmpty)
            } catch is RetryableConflict {
                continue
            }
        }
        throw APIError.modified(ctx.groupResource, ctx.name)
    }

    func parseYAMLOrJSON(_ body: [UInt8]) throws -> JSON {
        if let first = body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == UInt8(ascii: "{") {
            return try parseJSONBody(body, recordDuplicates: false).object
        }
        return try parseYAMLBody(body)
    }
}

extension JSON {
    /// Whether a patch body pins `metadata.resourceVersion` (a precondition the client asked for).
    var resourceVersionPrecondition: Bool {
        if case .array(let ops) = self {
            return ops.contains { $0["path"]?.stringValue == "/metadata/resourceVersion" && $0["op"]?.stringValue != "remove" }
        }
        return !(self["metadata"]?["resourceVersion"]?.stringValue ?? "").isEmpty
    }
}
