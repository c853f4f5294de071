import Foundation

/// One `metadata.managedFields` entry: the fields one manager owns through one kind of write.
///
/// ```json
/// {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2026-11-22T01:48:20Z",
///  "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}
/// ```
public struct ManagedFieldsEntry: Hashable, Sendable {
    /// The kind of write that gave the manager its fields.
    public enum Operation: String, Hashable, Sendable, Comparable {
        /// Server-side apply (`PATCH` with `application/apply-patch+yaml`).
        case apply = "Apply"
        /// Any other write: create, update, patch.
        case update = "Update"

        public static func < (lhs: Operation, rhs: Operation) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The field manager (`kubectl`, `kubectl-client-side-apply`, `kube-controller-manager`).
    public var manager: String
    /// Apply or Update.
    public var operation: Operation
    /// The API version the field paths are expressed in (`apps/v1`).
    public var apiVersion: String
    /// When the manager last changed the object (RFC 3339, second precision).
    public var time: String?
    /// `status`, `scale`, … for writes through a subresource; nil for the main resource.
    public var subresource: String?
    /// The fields owned (`fieldsV1`).
    public var fields: FieldSet

    /// An entry; an empty `subresource` reads as none.
    public init(manager: String, operation: Operation, apiVersion: String, time: String?, subresource: String? = nil,
                fields: FieldSet) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource.flatMap { $0.isEmpty ? nil : $0 }
        self.fields = fields
    }

    /// Reads one entry. A missing `operation` reads as `Update` and a missing `fieldsV1` as the empty set
    /// (so that the documented reset, `managedFields: [{}]`, works); any other `fieldsType` than
    /// `FieldsV1` is an error.
    public init(json: JSON) throws {
        guard json.isObject else { throw FieldSetError("a managedFields entry must be an object, not \(json.typeName)") }
        let operation: Operation
        switch json["operation"]?.stringValue ?? "" {
        case "Apply": operation = .apply
        case "Update", "": operation = .update
        case let other: throw FieldSetError("managedFields entry for \"\(json["manager"]?.stringValue ?? "")\" has an unknown operation \"\(other)\"")
        }
        let fieldsType = json["fieldsType"]?.stringValue ?? ""
        let fields: FieldSet
        if let fieldsV1 = json["fieldsV1"], !fieldsV1.isNull {
            guard fieldsType == "FieldsV1" || fieldsType.isEmpty else {
                throw FieldSetError("can't decode managed fields with type \(fieldsType)")
            }
            fields = try FieldSet(fieldsV1: fieldsV1)
        } else {
            fields = FieldSet()
        }
        self.init(manager: json["manager"]?.stringValue ?? "", operation: operation,
                  apiVersion: json["apiVersion"]?.stringValue ?? "", time: json["time"]?.stringValue,
                  subresource: json["subresource"]?.stringValue, fields: fields)
    }

    /// Reads `metadata.managedFields` (nil or null reads as no entries).
    public static func list(from json: JSON?) throws -> [ManagedFieldsEntry] {
        guard let json, !json.isNull else { return [] }
        guard case .array(let items) = json else {
            throw FieldSetError("metadata.managedFields must be a list, not \(json.typeName)")
        }
        return try items.map(ManagedFieldsEntry.init(json:))
    }

    /// The entry as the API server writes it.
    public var json: JSON {
        var out: JSON = [
            "manager": .string(manager),
            "operation": .string(operation.rawValue),
            "apiVersion": .string(apiVersion),
            "fieldsType": "FieldsV1",
            "fieldsV1": fields.fieldsV1,
        ]
        if let time { out["time"] = .string(time) }
        if let subresource { out["subresource"] = .string(subresource) }
        return out
    }

    /// What makes two entries the same manager: name, operation and subresource, plus the API version
    /// for `Update` entries (upstream `BuildManagerIdentifier`: appliers keep one entry across versions).
    public var identity: Identity {
        Identity(manager: manager, operation: operation, apiVersion: operation == .update ? apiVersion : "",
                 subresource: subresource ?? "")
    }

    /// The parts of an entry that tell managers apart; ordered by manager name first.
    public struct Identity: Hashable, Sendable, Comparable {
        public var manager: String
        public var operation: Operation
        public var apiVersion: String
        public var subresource: String

        public static func < (lhs: Identity, rhs: Identity) -> Bool {
            (lhs.manager, lhs.operation.rawValue, lhs.apiVersion, lhs.subresource)
                < (rhs.manager, rhs.operation.rawValue, rhs.apiVersion, rhs.subresource)
        }
    }

    /// How conflict messages name the manager: `"kubectl"`, `"kubectl-client-side-apply" using apps/v1`,
    /// `"kube-controller-manager" with subresource "status" using apps/v1`.
    public var conflictDescription: String {
        var text = quoted(manager)
        if let subresource { text += " with subresource " + quoted(subresource) }
        if operation == .update { text += " using " + apiVersion }
        return text
    }

    private func quoted(_ text: String) -> String { JSON.string(text).serializedString() }

    /// The order the API server stores entries in: `Apply` before `Update`, then by time, manager, API
    /// version and subresource.
    static func storageOrder(_ a: ManagedFieldsEntry, _ b: ManagedFieldsEntry) -> Bool {
        if a.operation != b.operation { return a.operation < b.operation }
        let ta = a.time.flatMap(Timestamp.parse)?.timeIntervalSince1970.rounded(.down) ?? 0
        let tb = b.time.flatMap(Timestamp.parse)?.timeIntervalSince1970.rounded(.down) ?? 0
        if ta != tb { return ta < tb }
        if a.manager != b.manager { return a.manager < b.manager }
        if a.apiVersion != b.apiVersion { return a.apiVersion < b.apiVersion }
        return (a.subresource ?? "") < (b.subresource ?? "")
    }
}
