import KubeModel

/// The pure part of the service proxy: Services and Endpoints in, listener rules out, as kube-proxy
/// computes its service and endpoint maps.
///
/// - Every TCP port of a Service with a cluster IP gets a rule on `clusterIP:port` (one per entry of
///   `spec.clusterIPs`).
/// - Backends are the ready addresses (`subsets[].addresses`, never `notReadyAddresses`) of the
///   Endpoints object of the same name, with the port that subset lists under the Service port's
///   name and protocol. That is how kube-proxy resolves `targetPort` (a number or a container port
///   name) without reading pods: the endpoints controller already resolved it per pod.
/// - `NodePort` and `LoadBalancer` Services also get a rule on `nodePortAddress:nodePort`. The
///   default bind address is `127.0.0.1`: kube-proxy opens node ports on every node address, but on a
///   workstation that would expose them to the network and collide with pods' own ports; pass
///   `0.0.0.0` to reach node ports from other machines, nil for none.
/// - Skipped: headless Services (`clusterIP: None`; clients use the pod addresses the Endpoints list),
///   `ExternalName` Services (a DNS alias, nothing to proxy), Services whose cluster IP is not yet
///   allocated, and UDP and SCTP ports (out of scope: only TCP is proxied). External IPs and load
///   balancer ingress addresses are not bound.
public enum ServiceProxyRules {
    /// The rules for `services` and `endpoints` (any order, any namespaces), sorted by listener.
    public static func rules(services: [JSON], endpoints: [JSON], nodePortAddress: String? = "127.0.0.1") -> [ServiceProxyRule] {
        var endpointsByKey: [String: JSON] = [:]
        for object in endpoints { endpointsByKey["\(object.namespace)/\(object.name)"] = object }
        var rules: [ServiceProxyRule] = []
        for service in services {
            let key = "\(service.namespace)/\(service.name)"
            let spec = service["spec"] ?? .emptyObject
            let type = spec["type"]?.stringValue ?? "ClusterIP"
            if type == "ExternalName" { continue }
            if spec["clusterIP"]?.stringValue == "None" { continue }
            var clusterIPs = spec["clusterIPs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if clusterIPs.isEmpty, let ip = spec["clusterIP"]?.stringValue { clusterIPs = [ip] }
            clusterIPs = clusterIPs.filter { !$0.isEmpty && $0 != "None" }
            let exposesNodePorts = type == "NodePort" || type == "LoadBalancer"
            for port in spec["ports"]?.arrayValue ?? [] {
                let transport = port["protocol"]?.stringValue ?? "TCP"
                guard transport == "TCP", let number = port["port"]?.intValue else { continue }
                let name = port["name"]?.stringValue ?? ""
                let backends = self.backends(endpointsByKey[key], portName: name, transport: transport)
                for ip in clusterIPs {
                    rules.append(ServiceProxyRule(service: key, portName: name, kind: .clusterIP,
                                                  listener: ServiceProxyListenerKey(address: ip, port: number, transport: transport),
                                                  backends: backends))
                }
                if exposesNodePorts, let nodePortAddress, let nodePort = port["nodePort"]?.intValue, nodePort > 0 {
                    rules.append(ServiceProxyRule(service: key, portName: name, kind: .nodePort,
                                                  listener: ServiceProxyListenerKey(address: nodePortAddress, port: nodePort, transport: transport),
                                                  backends: backends))
                }
            }
        }
        return rules.sorted { ($0.listener, $0.service) < ($1.listener, $1.service) }
    }

    /// Ready addresses with the port named `portName` (and of protocol `transport`), deduplicated and sorted.
    static func backends(_ endpoints: JSON?, portName: String, transport: String) -> [ServiceProxyBackend] {
        var result = Set<ServiceProxyBackend>()
        for subset in endpoints?["subsets"]?.arrayValue ?? [] {
            let ports = (subset["ports"]?.arrayValue ?? []).filter {
                ($0["name"]?.stringValue ?? "") == portName && ($0["protocol"]?.stringValue ?? "TCP") == transport
            }
            for port in ports {
                guard let number = port["port"]?.intValue, number > 0 else { continue }
                for address in subset["addresses"]?.arrayValue ?? [] {
                    guard let ip = address["ip"]?.stringValue, !ip.isEmpty else { continue }
                    result.insert(ServiceProxyBackend(host: ip, port: number))
                }
            }
        }
        return result.sorted()
    }
}
