import Foundation
import KubeModel

/// Table output for custom resources, as apiextensions-apiserver's table convertor renders it from a CRD
/// version's `additionalPrinterColumns`.
///
/// Columns are `Name`, then the printer columns in order; a version without printer columns gets a single
/// `Age` column (`.metadata.creationTimestamp`, type `date`). No `Age` is added when printer columns exist:
/// CRDs that want one declare it (Argo Rollouts does). Each column's path is compiled as `{<jsonPath>}`
/// with missing keys allowed and only its first value is used.
public enum CustomResourceTable {
    /// The columns for a CRD version's `additionalPrinterColumns` (the JSON array from the CRD).
    public static func columns(printerColumns: [JSON]) -> [TableColumn] {
        [.name] + effective(printerColumns).map(\.column)
    }

    /// The row cells for one custom resource at time `now`. A value that is missing, of the wrong type, or
    /// whose path does not evaluate is `null` (kubectl prints `<none>`); `date` values print as ages
    /// (`<invalid>` when not RFC 3339); `string` columns print the value as `-o jsonpath` would.
    public static func cells(for object: JSON, printerColumns: [JSON], now: Date) -> [JSON] {
        [.string(object.name)] + effective(printerColumns).map { cell(object, $0, now: now) }
    }

    private struct Column {
        var column: TableColumn
        var path: JSONPath?
    }

    private static func effective(_ printerColumns: [JSON]) -> [Column] {
        guard !printerColumns.isEmpty else {
            return [
                Column(
                    column: TableColumn(name: "Age", type: "date", description: SwaggerDocs.metaObjectMetaCreationTimestamp),
                    path: try? JSONPath(column: ".metadata.creationTimestamp")
                )
            ]
        }
        return printerColumns.map { spec in
            let jsonPath = spec["jsonPath"]?.stringValue ?? ""
            var description = spec["description"]?.stringValue ?? ""
            if description.isEmpty { description = "Custom resource definition column (in JSONPath format): \(jsonPath)" }
            let column = TableColumn(
                name: spec["name"]?.stringValue ?? "",
                type: spec["type"]?.stringValue ?? "",
                format: spec["format"]?.stringValue ?? "",
                description: description,
                priority: spec["priority"]?.intValue ?? 0
            )
            return Column(column: column, path: try? JSONPath(column: jsonPath))
        }
    }

    private static func cell(_ object: JSON, _ column: Column, now: Date) -> JSON {
        guard let path = column.path, let results = try? path.evaluate(object), let value = results.first?.first else {
            return .null
        }
        switch column.column.type {
        case "string":
            // PrintResults of a lone value: a JSON null has no printable value in Go's reflection.
            return .string(value.isNull ? "<no value>" : JSONPath.text(of: value))
        case "integer":
            switch value {
            case .int: return value
            case .double(let d) where d.isFinite && abs(d) < 9.2e18: return .int(Int64(d))
            default: return .null
            }
        case "number":
            switch value {
            case .int(let i): return .double(Double(i))
            case .double: return value
            default: return .null
            }
        case "boolean":
            if case .bool = value { return value }
            return .null
        case "date":
            guard case .string(let text) = value else { return .null }
            if text.isEmpty || text == "null" { return .string("<unknown>") }
            guard let date = Timestamp.parse(text) else { return .string("<invalid>") }
            return .string(HumanDuration.format(now.timeIntervalSince(date)))
        default:
            return .null
        }
    }
}
