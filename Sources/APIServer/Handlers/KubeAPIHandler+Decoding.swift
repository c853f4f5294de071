import KubeModel

extension KubeAPIHandler {
    struct DecodedBody {
        var object: JSON
        var duplicateFields: [String]
    }

    /// Decodes a create/update body by its content type (JSON, YAML or protobuf).
    func decodeObjectBody(_ ctx: ResourceContext) throws -> DecodedBody {
        let request = ctx.request
        if request.body.count > configuration.maxRequestBytes {
            throw APIError.tooLarge("Request entity too large: limit is \(configuration.maxRequestBytes)")
        }
        let recordDuplicates = (try? ctx.fieldValidation()) != .ignore
        switch request.contentType {
        case nil, "application/json", "*/*":
            return try parseJSONBody(request.body, recordDuplicates: recordDuplicates)
        case "application/yaml":
            return DecodedBody(object: try parseYAMLBody(request.body), duplicateFields: [])
        case "application/vnd.kubernetes.protobuf":
            do {
                return DecodedBody(object: try KubernetesProtobuf.decode(request.body), duplicateFields: [])
            } catch let error as ProtobufDecodingError {
                throw APIError.badRequest("the protobuf body could not be decoded: \(error.message); send the object as application/json instead")
            }
        default:
            throw APIError.unsupportedMediaType(["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"])
        }
    }

    func parseJSONBody(_ body: [UInt8], recordDuplicates: Bool) throws -> DecodedBody {
        guard !body.isEmpty else { throw APIError.badRequest("the request body is empty: send the object as JSON") }
        do {
            let (value, duplicates) = try JSON.parseReportingDuplicates(body, options: .init(recordDuplicateKeys: recordDuplicates))
            guard value.isObject else {
                throw APIError.badRequest("the request body must be a JSON object, not \(value.typeName)")
            }
            return DecodedBody(object: value, duplicateFields: duplicates)
        } catch let error as JSONParseError {
            throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.message) (at byte \(error.offset))")
        }
    }

    func parseYAMLBody(_ body: [UInt8]) throws -> JSON {
        do {
            let value = try YAML.decode(String(decoding: body, as: UTF8.self))
            guard value.isObject else { throw APIError.badRequest("the request body must be a YAML mapping") }
            return value
        } catch let error as YAMLError {
            throw APIError.badRequest(error.message)
        }
    }

    /// Checks `apiVersion`/`kind` against the endpoint, filling them in when the client left them out.
    func checkTypeMeta(_ object: inout JSON, _ ctx: ResourceContext) throws {
        let kind = object["kind"]?.stringValue ?? ""
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        if kind.isEmpty { object["kind"] = .string(ctx.definition.kind) }
        if apiVersion.isEmpty { object["apiVersion"] = .string(ctx.apiVersion) }
        let gotKind = object.kind
        let gotVersion = object.apiVersion
        if gotKind != ctx.definition.kind || gotVersion != ctx.apiVersion {
            let target = registry.definition(forKind: GroupKind(group: GroupVersion(apiVersion: gotVersion)?.group ?? "", kind: gotKind))
            var hint = ""
            if let target {
                let ns = target.namespaced ? "/namespaces/\(ctx.namespace.isEmpty ? "default" : ctx.namespace)" : ""
                let prefix = target.group.isEmpty ? "/api/\(GroupVersion(apiVersion: gotVersion)?.version ?? "v1")" : "/apis/\(gotVersion)"
                hint = "; send it to \(prefix)\(ns)/\(target.resource)"
            }
            if gotKind == ctx.definition.kind {
                throw APIError.badRequest("the API version in the data (\(gotVersion)) does not match the expected API version (\(ctx.apiVersion))")
            }
            throw APIError.badRequest(
                "the object in the request is a \(gotKind) (\(gotVersion)), but this endpoint serves \(ctx.definition.kind) (\(ctx.apiVersion))\(hint)")
        }
        if !object["metadata"].map({ $0.isObject || $0.isNull }).map({ $0 }).orTrue {
            throw APIError.badRequest("metadata must be an object")
        }
    }
}

extension Optional where Wrapped == Bool {
    var orTrue: Bool { self ?? true }
}
