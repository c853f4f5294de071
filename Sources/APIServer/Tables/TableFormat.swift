import Foundation
import KubeModel

/// The small formatting routines the upstream printers share (`translateTimestampSince`,
/// `labels.FormatLabels`, `metav1.FormatLabelSelector`, `layoutContainerCells`, ...), over JSON objects.
///
/// Quantities (`1Gi`, `500m`) are printed as stored; the API server stores them in canonical form, which
/// is what upstream's `Quantity.String()` would print.
enum TableFormat {
    // MARK: - Times

    /// `translateTimestampSince`: the age of an RFC 3339 timestamp, `<unknown>` when absent or unreadable.
    static func since(_ timestamp: String?, now: Date) -> String {
        guard let timestamp, !timestamp.isEmpty, let date = Timestamp.parse(timestamp) else { return "<unknown>" }
        return HumanDuration.format(now.timeIntervalSince(date))
    }

    /// The `Age` cell of an object.
    static func age(_ object: JSON, now: Date) -> JSON {
        .string(since(object.creationTimestamp, now: now))
    }

    static func date(_ value: JSON?) -> Date? {
        guard let s = value?.stringValue, !s.isEmpty else { return nil }
        return Timestamp.parse(s)
    }

    // MARK: - Scalars

    static func string(_ value: JSON?) -> String { value?.stringValue ?? "" }

    static func int(_ value: JSON?) -> Int64 { value?.int64Value ?? 0 }

    static func count(_ value: JSON?) -> Int64 { Int64(value?.count ?? 0) }

    /// A quantity as stored (`1Gi`, `500m`); a bare JSON number prints in decimal; `fallback` when absent.
    static func quantity(_ value: JSON?, or fallback: String = "0") -> String {
        switch value {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .double(let d)?: return JSONPath.text(of: .double(d))
        default: return fallback
        }
    }

    /// `IntOrString.String()`.
    static func intOrString(_ value: JSON) -> String {
        if let i = value.int64Value { return String(i) }
        return value.stringValue ?? ""
    }

    /// `printBoolPtr`: `True`, `False`, or `<unset>`.
    static func boolPointer(_ value: JSON?) -> String {
        guard let b = value?.boolValue else { return "<unset>" }
        return b ? "True" : "False"
    }

    // MARK: - Labels and selectors

    /// `labels.FormatLabels`: `a=1,b=2` sorted by key, `<none>` when empty.
    static func labels(_ map: JSON?) -> String {
        guard case .object(let members)? = map, !members.isEmpty else { return "<none>" }
        return members.keys.sorted().map { "\($0)=\(members[$0]?.stringValue ?? "")" }.joined(separator: ",")
    }

    /// `LabelSelectorAsSelector(selector).String()`: requirements sorted by key; `""` for a null or empty
    /// selector; `nil` when the selector is invalid.
    static func selector(_ json: JSON?) -> String? {
        guard let json, !json.isNull else { return "" }
        do {
            guard let selector = try LabelSelector(json: json) else { return "" }
            let sorted = selector.requirements.enumerated().sorted { a, b in
                a.element.key == b.element.key ? a.offset < b.offset : a.element.key < b.element.key
            }
            return sorted.map { requirementText($0.element) }.joined(separator: ",")
        } catch {
            return nil
        }
    }

    /// `metav1.FormatLabelSelector`: the selector text, `<none>` when empty, `<error>` when invalid.
    static func formatLabelSelector(_ json: JSON?) -> String {
        guard let text = selector(json) else { return "<error>" }
        return text.isEmpty ? "<none>" : text
    }

    private static func requirementText(_ r: LabelSelector.Requirement) -> String {
        let values = r.values.count == 1 ? r.values[0] : r.values.sorted().joined(separator: ",")
        switch r.op {
        case .equals: return "\(r.key)=\(values)"
        case .notEquals: return "\(r.key)!=\(values)"
        case .in: return "\(r.key) in (\(values))"
        case .notIn: return "\(r.key) notin (\(values))"
        case .exists: return r.key
        case .doesNotExist: return "!\(r.key)"
        }
    }

    // MARK: - Pods and templates

    /// `layoutContainerCells`: container names and images, each joined by commas.
    static func containers(_ podSpec: JSON?) -> (names: JSON, images: JSON) {
        let containers = podSpec?["containers"]?.arrayValue ?? []
        let names = containers.map { string($0["name"]) }.joined(separator: ",")
        let images = containers.map { string($0["image"]) }.joined(separator: ",")
        return (.string(names), .string(images))
    }

    /// `helper.GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that order, duplicates removed.
    static func accessModes(_ json: JSON?) -> String {
        let modes = Set((json?.arrayValue ?? []).compactMap(\.stringValue))
        let order: [(String, String)] = [
            ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP"),
        ]
        return order.filter { modes.contains($0.0) }.map(\.1).joined(separator: ",")
    }

    /// Up to `max` items joined by commas, then ` + N more...`; `<unset>` when empty (`listWithMoreString`).
    static func listWithMore(_ items: [String], max: Int = 3) -> String {
        if items.count > max {
            return items.prefix(max).joined(separator: ",") + " + \(items.count - max) more..."
        }
        let text = items.joined(separator: ",")
        return text.isEmpty ? "<unset>" : text
    }
}
