import Foundation
import KubeModel

extension BuiltinTables {
    static let namespace = TablePrinter(
        columns: [.name, .string("Status", "The status of the namespace"), .age],
        cells: { obj, now in
            [.string(obj.name), .string(TableFormat.string(obj["status"]?["phase"])), TableFormat.age(obj, now: now)]
        }
    )

    static let configMap = TablePrinter(
        columns: [.name, .string("Data", SwaggerDocs.coreConfigMapData), .age],
        cells: { obj, now in
            [.string(obj.name), .int(TableFormat.count(obj["data"]) + TableFormat.count(obj["binaryData"])), TableFormat.age(obj, now: now)]
        }
    )

    static let secret = TablePrinter(
        columns: [.name, .string("Type", SwaggerDocs.coreSecretType), .string("Data", SwaggerDocs.coreSecretData), .age],
        cells: { obj, now in
            [
                .string(obj.name), .string(obj["type"]?.stringValue ?? "Opaque"), .int(TableFormat.count(obj["data"])),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    static let serviceAccount = TablePrinter(
        columns: [.name, .string("Secrets", SwaggerDocs.coreServiceAccountSecrets), .age],
        cells: { obj, now in [.string(obj.name), .int(TableFormat.count(obj["secrets"])), TableFormat.age(obj, now: now)] }
    )

    static let lease = TablePrinter(
        columns: [.name, .string("Holder", SwaggerDocs.coordinationLeaseSpecHolderIdentity), .age],
        cells: { obj, now in
            [.string(obj.name), .string(TableFormat.string(obj["spec"]?["holderIdentity"])), TableFormat.age(obj, now: now)]
        }
    )

    static let eventColumns: [TableColumn] = [
        .string("Last Seen", SwaggerDocs.coreEventLastTimestamp),
        .string("Type", SwaggerDocs.coreEventType),
        .string("Reason", SwaggerDocs.coreEventReason),
        .string("Object", SwaggerDocs.coreEventInvolvedObject),
        .string("Subobject", SwaggerDocs.coreObjectReferenceFieldPath, priority: 1),
        .string("Source", SwaggerDocs.coreEventSource, priority: 1),
        .string("Message", SwaggerDocs.coreEventMessage),
        .string("First Seen", SwaggerDocs.coreEventFirstTimestamp, priority: 1),
        .string("Count", SwaggerDocs.coreEventCount, priority: 1),
        TableColumn(name: "Name", type: "string", format: "name", description: SwaggerDocs.metaObjectMetaName, priority: 1),
    ]

    static let event = TablePrinter(columns: eventColumns, cells: eventCells)

    /// `events.k8s.io/v1` events print with the same printer after conversion to the core shape.
    static let eventsV1Event = TablePrinter(columns: eventColumns) { obj, now in
        var core = obj
        let renames = [
            ("regarding", "involvedObject"), ("note", "message"), ("deprecatedSource", "source"),
            ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"),
            ("deprecatedCount", "count"), ("reportingController", "reportingComponent"),
        ]
        for (from, to) in renames {
            core[to] = obj[from]
            core[from] = nil
        }
        return eventCells(core, now: now)
    }

    /// `printEvent`: LAST SEEN from `lastTimestamp`, the series, or the first time; OBJECT as
    /// `kind/name` in lower case; COUNT 1 for singleton events of the new API.
    @Sendable static func eventCells(_ obj: JSON, now: Date) -> [JSON] {
        var firstSeen = TableFormat.since(obj["firstTimestamp"]?.stringValue, now: now)
        if TableFormat.date(obj["firstTimestamp"]) == nil {
            firstSeen = TableFormat.since(obj["eventTime"]?.stringValue, now: now)
        }
        var lastSeen = TableFormat.since(obj["lastTimestamp"]?.stringValue, now: now)
        if TableFormat.date(obj["lastTimestamp"]) == nil { lastSeen = firstSeen }
        var count = TableFormat.int(obj["count"])
        if let series = obj["series"], series.isObject {
            lastSeen = TableFormat.since(series["lastObservedTime"]?.stringValue, now: now)
            count = TableFormat.int(series["count"])
        } else if count == 0 {
            count = 1
        }

        let involved = obj["involvedObject"]
        let kind = TableFormat.string(involved?["kind"]).lowercased()
        let name = TableFormat.string(involved?["name"])
        let target = name.isEmpty ? kind : "\(kind)/\(name)"

        func firstNonEmpty(_ values: String...) -> String { values.first { !$0.isEmpty } ?? "" }
        let component = firstNonEmpty(TableFormat.string(obj["source"]?["component"]), TableFormat.string(obj["reportingComponent"]))
        let instance = firstNonEmpty(TableFormat.string(obj["source"]?["host"]), TableFormat.string(obj["reportingInstance"]))
        let source = instance.isEmpty ? component : "\(component), \(instance)"

        return [
            .string(lastSeen), .string(TableFormat.string(obj["type"])), .string(TableFormat.string(obj["reason"])),
            .string(target), .string(TableFormat.string(involved?["fieldPath"])), .string(source),
            .string(TableFormat.string(obj["message"]).trimmingCharacters(in: .whitespacesAndNewlines)),
            .string(firstSeen), .int(count), .string(obj.name),
        ]
    }

    static let node = TablePrinter(
        columns: [
            .name,
            .string("Status", "The status of the node"),
            .string("Roles", "The roles of the node"),
            .age,
            .string("Version", SwaggerDocs.coreNodeSystemInfoKubeletVersion),
            .string("Internal-IP", SwaggerDocs.coreNodeStatusAddresses, priority: 1),
            .string("External-IP", SwaggerDocs.coreNodeStatusAddresses, priority: 1),
            .string("OS-Image", SwaggerDocs.coreNodeSystemInfoOsImage, priority: 1),
            .string("Kernel-Version", SwaggerDocs.coreNodeSystemInfoKernelVersion, priority: 1),
            .string("Container-Runtime", SwaggerDocs.coreNodeSystemInfoContainerRuntimeVersion, priority: 1),
        ],
        cells: nodeCells
    )

    /// `printNode`: STATUS `Ready`/`NotReady`/`Unknown` plus `SchedulingDisabled`; ROLES from
    /// `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels.
    @Sendable static func nodeCells(_ obj: JSON, now: Date) -> [JSON] {
        let status = obj["status"]
        var ready: JSON?
        for condition in status?["conditions"]?.arrayValue ?? [] where condition["type"]?.stringValue == "Ready" {
            ready = condition
        }
        var states: [String] = []
        if let ready { states.append(ready["status"]?.stringValue == "True" ? "Ready" : "NotReady") }
        if states.isEmpty { states.append("Unknown") }
        if obj["spec"]?["unschedulable"]?.boolValue == true { states.append("SchedulingDisabled") }

        var roles: Set<String> = []
        for (key, value) in obj.labels {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role" && !value.isEmpty {
                roles.insert(value)
            }
        }

        func address(_ type: String) -> String {
            let match = (status?["addresses"]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
            return match.map { TableFormat.string($0["address"]) } ?? "<none>"
        }
        let info = status?["nodeInfo"]
        func known(_ key: String) -> JSON {
            let value = TableFormat.string(info?[key])
            return .string(value.isEmpty ? "<unknown>" : value)
        }
        return [
            .string(obj.name), .string(states.joined(separator: ",")),
            .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")),
            TableFormat.age(obj, now: now), .string(TableFormat.string(info?["kubeletVersion"])),
            .string(address("InternalIP")), .string(address("ExternalIP")),
            known("osImage"), known("kernelVersion"), known("containerRuntimeVersion"),
        ]
    }
}
