import Foundation
import KubeModel
import ObjectStore

extension KubeAPIHandler {
    enum WriteOperation {
        case create
        case update(old: JSON)
    }

    /// What admission produced: the object to store and the warnings to return.
    struct Admitted {
        var object: JSON
        var warnings: [String]
    }

    /// The admission pipeline every write goes through, in kube-apiserver's order: field validation
    /// (duplicates and unknown fields per `fieldValidation`), pruning, type checks, system metadata,
    /// status handling, defaulting, create-time allocation, validation, generation.
    /// `object` is at the storage version. Managed fields are the caller's business.
    func admit(_ input: JSON, operation: WriteOperation, ctx: ResourceContext, subresource: String,
               duplicateFields: [String] = []) throws -> Admitted {
        var object = input
        var warnings: [String] = []
        let definition = ctx.definition
        let validation = try ctx.fieldValidation()
        let gk = definition.groupKind

        // Field validation of what the client sent.
        if !duplicateFields.isEmpty {
            switch validation {
            case .strict:
                throw APIError.badRequest("strict decoding error: " + duplicateFields.map { "json: duplicate field \"\($0)\"" }.joined(separator: ", "))
            case .warn: warnings += duplicateFields.map { "duplicate field \"\($0)\"" }
            case .ignore: break
            }
        }
        // Custom resources are checked against the schema of the version the client wrote (kube-apiserver
        // validates before converting); built-ins after conversion, against their storage schema.
        let schema = definition.isCustom ? (ctx.versionInfo?.schema ?? ctx.storageSchema) : ctx.storageSchema
        if let schema {
            let unknown = SchemaValidator.unknownFields(in: object, schema: schema)
            if !unknown.isEmpty {
                switch validation {
                case .strict:
                    throw APIError.badRequest(
                        "\(definition.kind) in version \"\(ctx.version)\" cannot be handled as a \(definition.kind): strict decoding error: "
                            + unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                            + " (remove the field, or apply with --validate=false to have the server drop it)")
                case .warn: warnings += unknown.map { "unknown field \"\($0)\"" }
                case .ignore: break
                }
                SchemaValidator.prune(&object, schema: schema)
            }
            if !definition.isCustom {
                let outcome = SchemaValidator.validate(object, schema: schema, mode: .builtin)
                if let first = outcome.decodeErrors.first {
                    throw APIError.badRequest("\(definition.kind) in version \"\(ctx.version)\" cannot be handled as a \(definition.kind): \(first)")
                }
            }
        }

        // System metadata.
        let nowText = nowString
        switch operation {
        case .create:
            try prepareCreateMetadata(&object, ctx: ctx, now: nowText)
            if definition.hasStatus { object["status"] = initialStatus(for: object, definition: definition) }
        case .update(let old):
            try prepareUpdateMetadata(&object, old: old, ctx: ctx)
            if subresource == "status" {
                var merged = old
                merged["status"] = object["status"]
                merged[path: ["metadata", "resourceVersion"]] = object["metadata"]?["resourceVersion"]
                merged[path: ["metadata", "managedFields"]] = object["metadata"]?["managedFields"] ?? old["metadata"]?["managedFields"]
                object = merged
            } else if definition.hasStatus {
                object["status"] = old["status"]
            }
        }

        // Defaulting.
        if definition.isCustom {
            if let schema { SchemaDefaulter.applyDefaults(&object, schema: schema) }
        } else {
            BuiltinDefaults.apply(to: &object)
        }
        if case .create = operation {
            if !definition.isCustom { BuiltinDefaults.applyCreateOnly(to: &object) }
            try allocateOnCreate(&object, ctx: ctx)
        }
        if case .update(let old) = operation, definition.groupResource == Self.servicesResource {
            try allocator.reallocateIfNeeded(&object, old: old)
        }

        // Validation.
        var errors: [FieldError] = []
        let old: JSON? = { if case .update(let o) = operation { return o }; return nil }()
        if definition.isCustom {
            errors += ObjectMetaValidation.validate(object, definition: definition, isCreate: old == nil)
            if let schema { errors += SchemaValidator.validate(object, schema: schema, mode: .customResource).fieldErrors }
        } else {
            errors += BuiltinValidation.validate(object, old: old)
            if definition.groupResource == Self.crdResource { errors += CustomResourceDefinitions.validate(object) }
        }
        if let old, old.isBeingDeleted {
            let added = Set(object.finalizers).subtracting(old.finalizers)
            if !added.isEmpty {
                errors.append(.forbidden("metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{\(added.sorted().map { "\"\($0)\"" }.joined(separator: ", "))}"))
            }
        }
        if !errors.isEmpty { throw APIError.invalid(kind: gk, name: object.name, errors: errors) }

        // Generation, for the kinds whose strategies track it (custom resources always do).
        switch operation {
        case _ where !definition.tracksGeneration:
            object.generation = 0
        case .create:
            object.generation = 1
        case .update(let old):
            let oldGeneration = old.generation == 0 ? 1 : old.generation
            object.generation = oldGeneration
            if specChanged(from: old, to: object, definition: definition) { object.generation = oldGeneration + 1 }
        }
        return Admitted(object: object, warnings: warnings)
    }

    static let servicesResource = GroupResource(group: "", resource: "services")
    static let namespacesResource = GroupResource(group: "", resource: "namespaces")
    static let crdResource = GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions")

    /// Whether anything outside metadata (and outside status, when status is a subresource) changed.
    func specChanged(from old: JSON, to new: JSON, definition: ResourceDefinition) -> Bool {
        var a = old, b = new
        a["metadata"] = nil
        b["metadata"] = nil
        if definition.hasStatus || !definition.isCustom {
            a["status"] = nil
            b["status"] = nil
        }
        return a != b
    }

    func prepareCreateMetadata(_ object: inout JSON, ctx: ResourceContext, now: String) throws {
        var meta = object["metadata"]?.objectValue ?? [:]
        if ctx.definition.namespaced {
            let bodyNamespace = meta["namespace"]?.stringValue ?? ""
            if !bodyNamespace.isEmpty && bodyNamespace != ctx.namespace {
                throw APIError.badRequest("the namespace of the provided object (\(bodyNamespace)) does not match the namespace sent on the request (\(ctx.namespace))")
            }
            meta["namespace"] = .string(ctx.namespace)
        } else {
            meta["namespace"] = nil
        }
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, let generate = meta["generateName"]?.stringValue, !generate.isEmpty {
            name = String(generate.prefix(58)) + Self.randomSuffix()
            meta["name"] = .string(name)
        }
        if name.isEmpty {
            throw APIError.invalid(kind: ctx.definition.groupKind, name: "",
                                   errors: [.required("metadata.name", "name or generateName is required")])
        }
        if let rv = meta["resourceVersion"]?.stringValue, !rv.isEmpty {
            throw APIError.badRequest("resourceVersion should not be set on objects to be created (\(ctx.groupResource) \"\(name)\" has \(rv)); remove metadata.resourceVersion")
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(now)
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["selfLink"] = nil
        object["metadata"] = .object(meta)
    }

    func prepareUpdateMetadata(_ object: inout JSON, old: JSON, ctx: ResourceContext) throws {
        var meta = object["metadata"]?.objectValue ?? [:]
        let oldMeta = old["metadata"]?.objectValue ?? [:]
        let bodyName = meta["name"]?.stringValue ?? ""
        if !bodyName.isEmpty && bodyName != old.name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(old.name))")
        }
        if ctx.definition.namespaced {
            let bodyNamespace = meta["namespace"]?.stringValue ?? ""
            if !bodyNamespace.isEmpty && bodyNamespace != old.namespace {
                throw APIError.badRequest("the namespace of the provided object (\(bodyNamespace)) does not match the namespace sent on the request (\(old.namespace))")
            }
        }
        if let uid = meta["uid"]?.stringValue, !uid.isEmpty, uid != old.uid {
            throw APIError.conflict(ctx.groupResource, old.name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid)")
        }
        for field in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"] {
            meta[field] = oldMeta[field]
        }
        meta["selfLink"] = nil
        object["metadata"] = .object(meta)
    }

    /// What a new object's status starts as: empty for most kinds, as each kind's PrepareForCreate does.
    func initialStatus(for object: JSON, definition: ResourceDefinition) -> JSON? {
        switch definition.groupResource {
        case GroupResource(group: "", resource: "pods"):
            return ["phase": "Pending", "qosClass": .string(PodQOS.classify(object))]
        case GroupResource(group: "", resource: "nodes"):
            return object["status"]
        case GroupResource(group: "", resource: "namespaces"):
            return ["phase": "Active"]
        case GroupResource(group: "", resource: "persistentvolumeclaims"), GroupResource(group: "", resource: "persistentvolumes"):
            return ["phase": "Pending"]
        default:
            return definition.isCustom ? nil : .emptyObject
        }
    }

    /// Create-time work beyond defaulting: cluster IPs and node ports, CRD establishment.
    func allocateOnCreate(_ object: inout JSON, ctx: ResourceContext) throws {
        switch ctx.groupResource {
        case Self.servicesResource:
            try allocator.allocate(&object)
        case Self.crdResource:
            var finalizers = object.finalizers
            if !finalizers.contains("customresourcecleanup.apiextensions.k8s.io") {
                finalizers.append("customresourcecleanup.apiextensions.k8s.io")
                object.finalizers = finalizers
            }
        default:
            break
        }
    }

    static let suffixAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func randomSuffix() -> String {
        String((0..<5).map { _ in suffixAlphabet.randomElement()! })
    }

    /// Rejects creates in namespaces that do not exist or are being deleted.
    func checkNamespace(_ ctx: ResourceContext, name: String) throws {
        guard ctx.definition.namespaced else { return }
        let key = ObjectKey(resource: Self.namespacesResource, namespace: "", name: ctx.namespace)
        guard let ns = store.latest(key) else {
            throw APIError(code: 404, reason: "NotFound", message: "namespaces \"\(ctx.namespace)\" not found",
                           details: ["name": .string(ctx.namespace), "kind": "namespaces"])
        }
        if ns.object.isBeingDeleted {
            throw APIError(code: 403, reason: "Forbidden",
                message: "\(ctx.groupResource) \"\(name)\" is forbidden: unable to create new content in namespace \(ctx.namespace) because it is being terminated",
                details: ["name": .string(name), "kind": .string(ctx.groupResource.resource),
                          "causes": [["reason": "NamespaceTerminating", "message": .string("namespace \(ctx.namespace) is being terminated"), "field": "metadata.namespace"]]])
        }
    }

    /// Rejects objects larger than the store accepts.
    func checkSize(_ object: JSON, ctx: ResourceContext) throws -> [UInt8] {
        let bytes = object.serialized()
        if bytes.count > configuration.maxObjectBytes {
            throw APIError.tooLarge(
                "Request entity too large: \(ctx.groupResource) \"\(object.name)\" is \(bytes.count) bytes; the limit for one object is \(configuration.maxObjectBytes) bytes")
        }
        return bytes
    }
}

/// Pod quality-of-service class, as the API server records it on create.
enum PodQOS {
    static func classify(_ pod: JSON) -> String {
        let containers = (pod["spec"]?["containers"]?.arrayValue ?? []) + (pod["spec"]?["initContainers"]?.arrayValue ?? [])
        var anySet = false
        var guaranteed = !containers.isEmpty
        for c in containers {
            let requests = c["resources"]?["requests"]?.objectValue ?? [:]
            let limits = c["resources"]?["limits"]?.objectValue ?? [:]
            if !requests.isEmpty || !limits.isEmpty { anySet = true }
            for r in ["cpu", "memory"] {
                guard let limit = limits[r] else { guaranteed = false; continue }
                if let request = requests[r], request != limit { guaranteed = false }
            }
        }
        if !anySet { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}
