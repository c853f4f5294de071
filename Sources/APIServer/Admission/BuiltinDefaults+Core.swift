import Foundation
import KubeModel

/// Core kinds other than pods and workloads: `pkg/apis/core/v1/defaults.go` and the wire form of their
/// always-present fields.
extension BuiltinDefaults {
    static func defaultService(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfEmptyString("sessionAffinity", "None")
            switch spec["sessionAffinity"]?.stringValue {
            case "None":
                spec["sessionAffinityConfig"] = nil
            case "ClientIP":
                if spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"]?.intValue == nil {
                    spec["sessionAffinityConfig"] = ["clientIP": ["timeoutSeconds": 10800]]
                }
            default:
                break
            }
            spec.setIfEmptyString("type", "ClusterIP")
            let type = spec["type"]?.stringValue ?? ""
            spec.mutateEach("ports") { port in
                port.setIfEmptyString("protocol", "TCP")
                let target = port["targetPort"]
                if target == nil || target?.isNull == true || target?.intValue == 0 || target?.stringValue == "" {
                    if let number = port["port"], number.isNumber { port["targetPort"] = number }
                }
            }
            let externalIPs = spec["externalIPs"]?.arrayValue ?? []
            if type == "LoadBalancer" || type == "NodePort" || (type == "ClusterIP" && !externalIPs.isEmpty) {
                spec.setIfEmptyString("externalTrafficPolicy", "Cluster")
            }
            if ["NodePort", "LoadBalancer", "ClusterIP"].contains(type) {
                spec.setIfUnset("internalTrafficPolicy", "Cluster")
            }
            if type == "LoadBalancer" { spec.setIfUnset("allocateLoadBalancerNodePorts", true) }
            defaultServiceIPFields(&spec, type: type)
        }
        object.mutate("status", create: true) { $0.setIfUnset("loadBalancer", .emptyObject) }
    }

    /// What the service REST layer normalises (clusterIP ↔ clusterIPs) and the single-stack IPv4 family
    /// fields it fills. Address allocation itself is the server's.
    static func defaultServiceIPFields(_ spec: inout JSON, type: String) {
        guard type != "ExternalName" else { return }
        let clusterIP = spec["clusterIP"]?.stringValue ?? ""
        let clusterIPs = spec["clusterIPs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !clusterIP.isEmpty && clusterIPs.isEmpty { spec["clusterIPs"] = [.string(clusterIP)] }
        if clusterIP.isEmpty, let first = clusterIPs.first { spec["clusterIP"] = .string(first) }
        let primary = clusterIP.isEmpty ? (clusterIPs.first ?? "") : clusterIP
        let headless = primary == "None"
        let selectorless = spec["selector"]?.objectValue?.isEmpty ?? true
        // Headless services without a selector may point anywhere, so upstream makes them dual-stack even on
        // a single-stack cluster (kubernetes#99555).
        if headless && selectorless {
            spec.setIfUnset("ipFamilyPolicy", "RequireDualStack")
            if spec["ipFamilies"]?.arrayValue?.isEmpty ?? true { spec["ipFamilies"] = ["IPv4", "IPv6"] }
        } else {
            spec.setIfUnset("ipFamilyPolicy", "SingleStack")
            if spec["ipFamilies"]?.arrayValue?.isEmpty ?? true { spec["ipFamilies"] = [primary.contains(":") ? "IPv6" : "IPv4"] }
        }
    }

    /// Type `Opaque`, and `stringData` folded into `data` (base64) as v1 conversion does: a real cluster never
    /// stores `stringData`, and its keys win over `data`'s.
    static func defaultSecret(_ object: inout JSON) {
        object.setIfEmptyString("type", "Opaque")
        if case .object(let strings)? = object["stringData"] {
            var data = object["data"]?.objectValue ?? [:]
            for (key, value) in strings {
                guard let text = value.stringValue else { continue }
                data[key] = .string(Data(text.utf8).base64EncodedString())
            }
            object["data"] = .object(data)
        }
        object["stringData"] = nil
    }

    static func defaultNamespace(_ object: inout JSON) {
        let name = object.name
        if !name.isEmpty {
            var labels = object["metadata"]?["labels"]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(name)
            object[path: ["metadata", "labels"]] = .object(labels)
        }
        object.mutate("spec", create: true) { _ in }
        object.mutate("status", create: true) { $0.setIfEmptyString("phase", "Active") }
    }

    static func defaultEndpoints(_ object: inout JSON) {
        object.mutateEach("subsets") { subset in
            subset.mutateEach("ports") { $0.setIfEmptyString("protocol", "TCP") }
        }
    }

    static func defaultEndpointSlice(_ object: inout JSON) {
        object.mutateEach("ports") { port in
            port.setIfUnset("name", "")
            port.setIfUnset("protocol", "TCP")
        }
    }

    static func defaultPersistentVolumeClaim(_ object: inout JSON) {
        object.mutate("spec", create: true) { defaultPersistentVolumeClaimSpec(&$0) }
        object.mutate("status", create: true) { status in
            status.setIfEmptyString("phase", "Pending")
            status.mutateValues("capacity") { canonicalQuantity(&$0, roundToMilli: true) }
            status.mutateValues("allocatedResources") { canonicalQuantity(&$0, roundToMilli: true) }
        }
    }

    static func defaultPersistentVolume(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfEmptyString("persistentVolumeReclaimPolicy", "Retain")
            spec.setIfUnset("volumeMode", "Filesystem")
            spec.mutateValues("capacity") { canonicalQuantity(&$0, roundToMilli: true) }
            spec.mutate("hostPath") { if $0["type"] == nil || $0["type"]?.isNull == true { $0["type"] = "" } }
        }
        object.mutate("status", create: true) { $0.setIfEmptyString("phase", "Pending") }
    }

    static func defaultNode(_ object: inout JSON) {
        object.mutate("status") { status in
            if status.isUnset("allocatable"), let capacity = status["capacity"], !capacity.isNull {
                status["allocatable"] = capacity
            }
            status.mutateValues("capacity") { canonicalQuantity(&$0, roundToMilli: true) }
            status.mutateValues("allocatable") { canonicalQuantity(&$0, roundToMilli: true) }
        }
    }

    static func defaultLimitRange(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.mutateEach("limits") { item in
                for list in ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] {
                    item.mutateValues(list) { canonicalQuantity(&$0, roundToMilli: true) }
                }
                guard item["type"]?.stringValue == "Container" else { return }
                // Default limit ← max; default request ← default limit, then ← min.
                var defaults = item["default"]?.objectValue ?? [:]
                var requests = item["defaultRequest"]?.objectValue ?? [:]
                for (k, v) in item["max"]?.objectValue ?? [:] where defaults[k] == nil { defaults[k] = v }
                for (k, v) in defaults where requests[k] == nil { requests[k] = v }
                for (k, v) in item["min"]?.objectValue ?? [:] where requests[k] == nil { requests[k] = v }
                item["default"] = .object(defaults)
                item["defaultRequest"] = .object(requests)
            }
        }
    }

    static func defaultResourceQuota(_ object: inout JSON) {
        object.mutate("spec", create: true) { $0.mutateValues("hard") { canonicalQuantity(&$0, roundToMilli: true) } }
        object.mutate("status", create: true) { status in
            status.mutateValues("hard") { canonicalQuantity(&$0, roundToMilli: true) }
            status.mutateValues("used") { canonicalQuantity(&$0, roundToMilli: true) }
        }
    }
}
