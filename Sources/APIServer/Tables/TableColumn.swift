import KubeModel

/// One column of a `meta.k8s.io/v1 Table` (`TableColumnDefinition`).
///
/// `type` is an OpenAPI type (`string`, `integer`, `number`, `boolean`, `date`); `format` is `name` for
/// the primary name column; `priority` above 0 hides the column unless `kubectl get -o wide`.
public struct TableColumn: Sendable, Hashable {
    public var name: String
    public var type: String
    public var format: String
    public var description: String
    public var priority: Int

    public init(name: String, type: String, format: String = "", description: String = "", priority: Int = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
    }

    /// The wire form; every member is always present, as Go writes the struct.
    public var json: JSON {
        [
            "name": .string(name),
            "type": .string(type),
            "format": .string(format),
            "description": .string(description),
            "priority": .int(Int64(priority)),
        ]
    }
}

extension TableColumn {
    /// The `Name` column every printer starts with.
    static let name = TableColumn(name: "Name", type: "string", format: "name", description: SwaggerDocs.metaObjectMetaName)

    /// The `Age` column: a string cell rendered from `creationTimestamp` by the server.
    static let age = TableColumn(name: "Age", type: "string", description: SwaggerDocs.metaObjectMetaCreationTimestamp)

    static let containers = TableColumn(name: "Containers", type: "string", description: "Names of each container in the template.", priority: 1)
    static let images = TableColumn(name: "Images", type: "string", description: "Images referenced by each container in the template.", priority: 1)

    static func string(_ name: String, _ description: String, priority: Int = 0) -> TableColumn {
        TableColumn(name: name, type: "string", description: description, priority: priority)
    }

    static func integer(_ name: String, _ description: String, priority: Int = 0) -> TableColumn {
        TableColumn(name: name, type: "integer", description: description, priority: priority)
    }

    static func boolean(_ name: String, _ description: String, priority: Int = 0) -> TableColumn {
        TableColumn(name: name, type: "boolean", description: description, priority: priority)
    }
}
