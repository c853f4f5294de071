import Foundation
import KubeModel

extension BuiltinTables {
    static let service = TablePrinter(
        columns: [
            .name,
            .string("Type", SwaggerDocs.coreServiceSpecType),
            .string("Cluster-IP", SwaggerDocs.coreServiceSpecClusterIP),
            .string("External-IP", SwaggerDocs.coreServiceSpecExternalIPs),
            .string("Port(s)", SwaggerDocs.coreServiceSpecPorts),
            .age,
            .string("Selector", SwaggerDocs.coreServiceSpecSelector, priority: 1),
        ],
        cells: serviceCells
    )

    /// `printService`: CLUSTER-IP is the first cluster IP (`None` for headless services), EXTERNAL-IP
    /// `<none>`, `<pending>` for a load balancer without ingress, or the external name; PORT(S) as
    /// `80/TCP,443:30001/TCP`.
    @Sendable static func serviceCells(_ obj: JSON, now: Date) -> [JSON] {
        let spec = obj["spec"]
        let type = spec?["type"]?.stringValue ?? "ClusterIP"
        var clusterIP = TableFormat.string(spec?["clusterIP"])
        if clusterIP.isEmpty { clusterIP = TableFormat.string(spec?["clusterIPs"]?[0]) }
        if clusterIP.isEmpty { clusterIP = "<none>" }

        let externalIPs = (spec?["externalIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
        let externalIP: String
        switch type {
        case "ClusterIP", "NodePort":
            externalIP = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case "LoadBalancer":
            let lb = loadBalancerAddresses(obj["status"]?["loadBalancer"])
            if !externalIPs.isEmpty {
                externalIP = (lb + externalIPs).joined(separator: ",")
            } else {
                externalIP = lb.isEmpty ? "<pending>" : lb.joined(separator: ",")
            }
        case "ExternalName":
            externalIP = TableFormat.string(spec?["externalName"])
        default:
            externalIP = "<unknown>"
        }

        let ports = (spec?["ports"]?.arrayValue ?? []).map { port -> String in
            let number = TableFormat.int(port["port"])
            let proto = port["protocol"]?.stringValue ?? "TCP"
            let nodePort = TableFormat.int(port["nodePort"])
            return nodePort > 0 ? "\(number):\(nodePort)/\(proto)" : "\(number)/\(proto)"
        }.joined(separator: ",")

        return [
            .string(obj.name), .string(type), .string(clusterIP), .string(externalIP),
            .string(ports.isEmpty ? "<none>" : ports), TableFormat.age(obj, now: now),
            .string(TableFormat.labels(spec?["selector"])),
        ]
    }

    /// Load balancer ingress points (IP, else hostname), sorted and without duplicates. The server
    /// renders wide output, so the list is never shortened.
    static func loadBalancerAddresses(_ status: JSON?) -> [String] {
        let addresses = (status?["ingress"]?.arrayValue ?? []).compactMap { entry -> String? in
            if let ip = entry["ip"]?.stringValue, !ip.isEmpty { return ip }
            if let host = entry["hostname"]?.stringValue, !host.isEmpty { return host }
            return nil
        }
        return Set(addresses).sorted()
    }

    static let endpoints = TablePrinter(
        columns: [.name, .string("Endpoints", SwaggerDocs.coreEndpointsSubsets), .age],
        cells: { obj, now in [.string(obj.name), .string(formatEndpoints(obj)), TableFormat.age(obj, now: now)] }
    )

    /// `formatEndpoints`: up to three `ip:port` (or bare IPs for port-less subsets), then `+ N more...`.
    static func formatEndpoints(_ obj: JSON) -> String {
        let subsets = obj["subsets"]?.arrayValue ?? []
        if subsets.isEmpty { return "<none>" }
        let max = 3
        var list: [String] = []
        var more = false
        var count = 0
        for subset in subsets {
            let addresses = (subset["addresses"]?.arrayValue ?? []).map { TableFormat.string($0["ip"]) }
            let ports = subset["ports"]?.arrayValue ?? []
            if ports.isEmpty {
                count += addresses.count
                for ip in addresses {
                    if list.count == max { more = true; break }
                    list.append(ip)
                }
                continue
            }
            for port in ports {
                count += addresses.count
                for ip in addresses {
                    if list.count == max { more = true; break }
                    let hostPort = ip.contains(":") ? "[\(ip)]" : ip
                    list.append("\(hostPort):\(TableFormat.int(port["port"]))")
                }
            }
        }
        let text = list.joined(separator: ",")
        return more ? "\(text) + \(count - max) more..." : text
    }

    static let endpointSlice = TablePrinter(
        columns: [
            .name,
            .string("AddressType", SwaggerDocs.discoveryEndpointSliceAddressType),
            .string("Ports", SwaggerDocs.discoveryEndpointSlicePorts),
            .string("Endpoints", SwaggerDocs.discoveryEndpointSliceEndpoints),
            .age,
        ],
        cells: { obj, now in
            let ports = (obj["ports"]?.arrayValue ?? []).map { port -> String in
                if let number = port["port"]?.int64Value { return String(number) }
                if let name = port["name"]?.stringValue { return name }
                return "*"
            }
            let addresses = (obj["endpoints"]?.arrayValue ?? []).flatMap {
                ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue)
            }
            return [
                .string(obj.name), .string(TableFormat.string(obj["addressType"])),
                .string(TableFormat.listWithMore(ports)), .string(TableFormat.listWithMore(addresses)),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    static let ingress = TablePrinter(
        columns: [
            .name,
            .string("Class", "The name of the IngressClass resource that should be used for additional configuration"),
            .string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
            .string("Address", "Address is a list containing ingress points for the load-balancer"),
            .string("Ports", "Ports of TLS configurations that open"),
            .age,
        ],
        cells: { obj, now in
            let spec = obj["spec"]
            let rules = spec?["rules"]?.arrayValue ?? []
            // formatHosts: the first three non-empty hosts; "+ N more..." counts every rule beyond three.
            var hosts: [String] = []
            var more = false
            for rule in rules {
                if hosts.count == 3 { more = true }
                if !more, let host = rule["host"]?.stringValue, !host.isEmpty { hosts.append(host) }
            }
            var hostText = hosts.isEmpty ? "*" : hosts.joined(separator: ",")
            if more && !hosts.isEmpty { hostText += " + \(rules.count - 3) more..." }
            let tls = spec?["tls"]?.arrayValue ?? []
            return [
                .string(obj.name),
                .string(spec?["ingressClassName"]?.stringValue ?? "<none>"),
                .string(hostText),
                .string(loadBalancerAddresses(obj["status"]?["loadBalancer"]).joined(separator: ",")),
                .string(tls.isEmpty ? "80" : "80, 443"),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    static let ingressClass = TablePrinter(
        columns: [
            .name,
            .string("Controller", "Controller that is responsible for handling this class"),
            .string("Parameters", "A reference to a resource with additional parameters"),
            .age,
        ],
        cells: { obj, now in
            var parameters = "<none>"
            if let p = obj["spec"]?["parameters"], p.isObject {
                parameters = TableFormat.string(p["kind"])
                if let group = p["apiGroup"]?.stringValue { parameters += "." + group }
                parameters += "/" + TableFormat.string(p["name"])
            }
            return [
                .string(obj.name), .string(TableFormat.string(obj["spec"]?["controller"])), .string(parameters),
                TableFormat.age(obj, now: now),
            ]
        }
    )

    static let networkPolicy = TablePrinter(
        columns: [.name, .string("Pod-Selector", SwaggerDocs.networkingNetworkPolicySpecPodSelector), .age],
        cells: { obj, now in
            // The internal type holds podSelector by value, so a missing selector formats as an empty one.
            let selector = obj["spec"]?["podSelector"] ?? .emptyObject
            return [.string(obj.name), .string(TableFormat.formatLabelSelector(selector)), TableFormat.age(obj, now: now)]
        }
    )
}
