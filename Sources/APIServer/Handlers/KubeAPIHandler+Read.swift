import Foundation
import KubeModel
import ObjectStore

extension KubeAPIHandler {
    // MARK: get

    func get(_ ctx: ResourceContext) throws -> APIResponse {
        let format = try negotiate(ctx.request, table: true)
        guard let stored = store.get(ctx.key) else { throw APIError.notFound(ctx.groupResource, ctx.name) }
        return try respond(stored, ctx, status: 200, format: format)
    }

    /// Renders one stored object in the requested version and format.
    func respond(_ stored: StoredObject, _ ctx: ResourceContext, status: Int, format: ResponseFormat,
                 warnings: [String] = []) throws -> APIResponse {
        let allWarnings = ctx.versionWarnings + warnings
        switch format {
        case .json:
            return .json(status, encoded(stored, ctx), warnings: allWarnings)
        case .yaml:
            return APIResponse(status: status, headers: [("Content-Type", "application/yaml")],
                               body: .bytes(Array(YAML.encode(converted(stored, ctx)).utf8)))
        case .table(let v):
            let table = self.table(for: [converted(stored, ctx)], ctx, listMetadata: ["resourceVersion": .string(String(stored.revision))],
                                   tableVersion: v)
            return .json(status, table, contentType: format.contentType, warnings: allWarnings)
        case .partialMetadata(let v, _):
            return .json(status, partialMetadata(converted(stored, ctx), version: v), contentType: format.contentType,
                         warnings: allWarnings)
        case .aggregatedDiscovery:
            throw APIError.notAcceptable()
        }
    }

    /// The object's bytes at the request's version (stored bytes as they are when versions agree).
    func encoded(_ stored: StoredObject, _ ctx: ResourceContext) -> [UInt8] {
        if ctx.version == ctx.definition.storageVersion { return stored.data }
        return converted(stored, ctx).serialized()
    }

    func converted(_ stored: StoredObject, _ ctx: ResourceContext) -> JSON {
        Conversion.convert(stored.object, to: ctx.version, definition: ctx.definition)
    }

    func negotiate(_ request: APIRequest, table: Bool) throws -> ResponseFormat {
        guard let format = ResponseFormat.negotiate(accept: request.header("accept"), allowTable: table, allowDiscovery: false)
        else { throw APIError.notAcceptable() }
        return format
    }

    func partialMetadata(_ object: JSON, version: String) -> JSON {
        ["kind": "PartialObjectMetadata", "apiVersion": .string("meta.k8s.io/\(version)"), "metadata": object.metadata]
    }

    // MARK: list

    struct ContinueToken: Sendable {
        var revision: Int64
        var startAfter: String

        var encoded: String {
            let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(revision), "start": .string(startAfter)]
            return Data(json.serialized()).base64EncodedString()
        }

        init(revision: Int64, startAfter: String) {
            self.revision = revision
            self.startAfter = startAfter
        }

        init(parsing text: String) throws {
            guard let data = Data(base64Encoded: text) ?? Data(base64Encoded: text + String(repeating: "=", count: (4 - text.count % 4) % 4)),
                  let json = try? JSON.parse(data), let rv = json["rv"]?.int64Value, let start = json["start"]?.stringValue
            else { throw APIError.badRequest("continue key is not valid: the token was not produced by this server; start the list again without it") }
            revision = rv
            startAfter = start
        }
    }

    /// The filter a list or watch applies: label and field selectors.
    struct ObjectFilter: Sendable {
        var labels: LabelSelector
        var fields: FieldSelector
        var fieldResolver: @Sendable (StoredObject, String) -> String?

        var isEverything: Bool { labels.isEverything && fields.isEverything }

        func matches(_ object: StoredObject) -> Bool {
            if !labels.isEverything, !labels.matches(object.labels) { return false }
            if !fields.isEverything, !fields.matches({ fieldResolver(object, $0) }) { return false }
            return true
        }
    }

    func filter(for ctx: ResourceContext) throws -> ObjectFilter {
        var labels = LabelSelector.everything
        if let text = ctx.query["labelSelector"], !text.isEmpty {
            do { labels = try LabelSelector(parsing: text) } catch let e as SelectorError {
                throw APIError.badRequest("unable to parse labelSelector \"\(text)\": \(e.message)")
            }
        }
        var fields = FieldSelector.everything
        if let text = ctx.query["fieldSelector"], !text.isEmpty {
            do { fields = try FieldSelector(parsing: text) } catch let e as SelectorError {
                throw APIError.badRequest(e.message)
            }
            let supported = FieldSelectors.supported(for: ctx.definition, version: ctx.versionInfo)
            for r in fields.requirements where !supported.contains(r.field) {
                throw APIError.badRequest("field label not supported: \(r.field)")
            }
        }
        return ObjectFilter(labels: labels, fields: fields, fieldResolver: FieldSelectors.value)
    }

    func list(_ ctx: ResourceContext) throws -> APIResponse {
        let format = try negotiate(ctx.request, table: true)
        let filter = try filter(for: ctx)
        var limit = ctx.query.int("limit").flatMap { $0 > 0 ? $0 : nil }
        var afterKey: String?
        var listRevision: Int64?
        if let token = ctx.query["continue"], !token.isEmpty {
            let parsed = try ContinueToken(parsing: token)
            afterKey = parsed.startAfter
            listRevision = parsed.revision
        }
        if ctx.query["resourceVersion"] == "0" && afterKey == nil {
            // "Any" semantics: kube-apiserver serves these from its watch cache in one piece, ignoring limit.
            limit = nil
        }
        if ctx.query["resourceVersionMatch"] == "Exact", let rv = ctx.query["resourceVersion"].flatMap(Int64.init),
           rv < store.revision {
            throw APIError.gone("too old resource version: \(rv) (\(store.revision))")
        }
        let page = store.list(ctx.groupResource, namespace: ctx.definition.namespaced && !ctx.namespace.isEmpty ? ctx.namespace : nil,
                              after: afterKey, limit: limit, where: filter.isEverything ? { _ in true } : filter.matches)
        let revision = listRevision ?? page.revision
        var listMeta: JSON = ["resourceVersion": .string(String(revision))]
        if let next = page.continueAfter {
            listMeta["continue"] = .string(ContinueToken(revision: revision, startAfter: next).encoded)
        }
        switch format {
        case .json, .yaml:
            var out: [UInt8] = []
            out.reserveCapacity(page.items.reduce(64) { $0 + $1.data.count + 1 })
            out.append(contentsOf: Array("{\"apiVersion\":".utf8))
            JSON.string(ctx.apiVersion).serialize(into: &out)
            out.append(contentsOf: Array(",\"items\":[".utf8))
            for (i, item) in page.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: encoded(item, ctx))
            }
            out.append(contentsOf: Array("],\"kind\":".utf8))
            JSON.string(ctx.definition.listKind).serialize(into: &out)
            out.append(contentsOf: Array(",\"metadata\":".utf8))
            listMeta.serialize(into: &out)
            out.append(UInt8(ascii: "}"))
            if format == .yaml {
                let value = (try? JSON.parse(out)) ?? .emptyObject
                return APIResponse(status: 200, headers: [("Content-Type", "application/yaml")], body: .bytes(Array(YAML.encode(value).utf8)))
            }
            return .json(200, out, warnings: ctx.versionWarnings)
        case .table(let v):
            let table = self.table(for: page.items.map { converted($0, ctx) }, ctx, listMetadata: listMeta, tableVersion: v)
            return .json(200, table, contentType: format.contentType, warnings: ctx.versionWarnings)
        case .partialMetadata(let v, _):
            let list: JSON = ["kind": "PartialObjectMetadataList", "apiVersion": .string("meta.k8s.io/\(v)"), "metadata": listMeta,
                              "items": .array(page.items.map { partialMetadata($0.object, version: v) })]
            return .json(200, list, contentType: ResponseFormat.partialMetadata(version: v, list: true).contentType)
        case .aggregatedDiscovery:
            throw APIError.notAcceptable()
        }
    }

    // MARK: tables

    func table(for objects: [JSON], _ ctx: ResourceContext, listMetadata: JSON, tableVersion: String) -> JSON {
        let nowDate = now()
        let columns: [TableColumn]
        let cells: (JSON) -> [JSON]
        if ctx.definition.isCustom {
            let printer = ctx.versionInfo?.printerColumns ?? []
            columns = CustomResourceTable.columns(printerColumns: printer)
            cells = { CustomResourceTable.cells(for: $0, printerColumns: printer, now: nowDate) }
        } else if let builtin = BuiltinTables.columns(for: ctx.groupResource) {
            columns = builtin
            cells = { BuiltinTables.cells(for: $0, resource: ctx.groupResource, now: nowDate) }
        } else {
            columns = BuiltinTables.defaultColumns
            cells = { BuiltinTables.defaultCells(for: $0, now: nowDate) }
        }
        let include = ctx.query["includeObject"] ?? "Metadata"
        let rows: [JSON] = objects.map { object in
            var row: JSON = ["cells": .array(cells(object))]
            switch include {
            case "None": break
            case "Object": row["object"] = object
            default: row["object"] = partialMetadata(object, version: tableVersion)
            }
            return row
        }
        return ["kind": "Table", "apiVersion": .string("meta.k8s.io/\(tableVersion)"), "metadata": listMetadata,
                "columnDefinitions": .array(columns.map(\.json)), "rows": .array(rows)]
    }
}
