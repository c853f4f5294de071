import KubeModel
import LocalCluster
import Testing

@Suite("Service proxy rules")
struct ServiceProxyRulesTests {
    static func service(_ name: String, type: String = "ClusterIP", clusterIP: String? = "127.96.0.12", clusterIPs: [String]? = nil,
                        ports: [JSON]) -> JSON {
        var spec: JSON = ["type": .string(type), "ports": .array(ports)]
        if let clusterIP { spec["clusterIP"] = .string(clusterIP) }
        if let clusterIPs { spec["clusterIPs"] = JSON(clusterIPs) }
        return ["apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name), "namespace": "default"], "spec": spec]
    }

    static func endpoints(_ name: String, subsets: [JSON]) -> JSON {
        ["apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": .string(name), "namespace": "default"], "subsets": .array(subsets)]
    }

    static func addresses(_ ips: [String]) -> JSON { .array(ips.map { ["ip": .string($0)] }) }

    static func backends(_ list: [(String, Int)]) -> [ServiceProxyBackend] { list.map { ServiceProxyBackend(host: $0.0, port: $0.1) } }

    @Test("named target ports resolve through the Endpoints port names; not-ready addresses are left out")
    func namedPorts() {
        let web = Self.service("web", ports: [
            ["name": "http", "port": 80, "targetPort": "web"],
            ["name": "metrics", "port": 9090, "targetPort": 9100],
        ])
        let endpoints = Self.endpoints("web", subsets: [
            ["addresses": Self.addresses(["127.1.0.6", "127.1.0.5"]), "notReadyAddresses": Self.addresses(["127.1.0.7"]),
             "ports": [["name": "http", "port": 8080, "protocol": "TCP"], ["name": "metrics", "port": 9100]]],
            // Pods whose container port named "web" has another number form their own subset.
            ["addresses": Self.addresses(["127.1.0.9"]), "ports": [["name": "http", "port": 8081], ["name": "metrics", "port": 9100]]],
        ])
        let rules = ServiceProxyRules.rules(services: [web], endpoints: [endpoints])
        #expect(rules == [
            ServiceProxyRule(service: "default/web", portName: "http", kind: .clusterIP,
                             listener: ServiceProxyListenerKey(address: "127.96.0.12", port: 80),
                             backends: Self.backends([("127.1.0.5", 8080), ("127.1.0.6", 8080), ("127.1.0.9", 8081)])),
            ServiceProxyRule(service: "default/web", portName: "metrics", kind: .clusterIP,
                             listener: ServiceProxyListenerKey(address: "127.96.0.12", port: 9090),
                             backends: Self.backends([("127.1.0.5", 9100), ("127.1.0.6", 9100), ("127.1.0.9", 9100)])),
        ])
        #expect(rules[0].description == "default/web:http ClusterIP 127.96.0.12:80/TCP -> [127.1.0.5:8080, 127.1.0.6:8080, 127.1.0.9:8081]")
    }

    @Test("a single unnamed port matches the unnamed Endpoints port; a named one does not")
    func unnamedPort() {
        let web = Self.service("web", ports: [["port": 80, "targetPort": 8080]])
        let unnamed = Self.endpoints("web", subsets: [["addresses": Self.addresses(["127.1.0.5"]), "ports": [["port": 8080]]]])
        let named = Self.endpoints("web", subsets: [["addresses": Self.addresses(["127.1.0.5"]), "ports": [["name": "http", "port": 8080]]]])
        #expect(ServiceProxyRules.rules(services: [web], endpoints: [unnamed]).map(\.backends) == [Self.backends([("127.1.0.5", 8080)])])
        #expect(ServiceProxyRules.rules(services: [web], endpoints: [named]).map(\.backends) == [[]])
    }

    @Test("a Service without Endpoints gets a rule without backends")
    func noEndpoints() {
        let rules = ServiceProxyRules.rules(services: [Self.service("web", ports: [["name": "http", "port": 80]])], endpoints: [])
        #expect(rules.map(\.backends) == [[]])
        #expect(rules.map(\.listener) == [ServiceProxyListenerKey(address: "127.96.0.12", port: 80)])
    }

    @Test("headless, ExternalName and unallocated Services and non-TCP ports are skipped")
    func skipped() {
        let subsets: [JSON] = [["addresses": Self.addresses(["127.1.0.5"]), "ports": [["name": "dns", "port": 53, "protocol": "UDP"],
                                                                                      ["name": "http", "port": 80]]]]
        let services = [
            Self.service("headless", clusterIP: "None", ports: [["name": "http", "port": 80]]),
            Self.service("alias", type: "ExternalName", clusterIP: nil, ports: [["name": "http", "port": 80]]),
            Self.service("pending", clusterIP: "", ports: [["name": "http", "port": 80]]),
            Self.service("dns", clusterIP: "127.96.0.10", ports: [["name": "dns", "port": 53, "protocol": "UDP"],
                                                                   ["name": "sctp", "port": 99, "protocol": "SCTP"]]),
        ]
        let endpoints = ["headless", "alias", "pending", "dns"].map { Self.endpoints($0, subsets: subsets) }
        #expect(ServiceProxyRules.rules(services: services, endpoints: endpoints) == [])
    }

    @Test("NodePort and LoadBalancer Services also listen on the node port address")
    func nodePorts() {
        let services = [
            Self.service("np", type: "NodePort", clusterIP: "127.96.0.20", ports: [["name": "http", "port": 80, "nodePort": 30080]]),
            Self.service("lb", type: "LoadBalancer", clusterIP: "127.96.0.21", ports: [["name": "http", "port": 80, "nodePort": 30081]]),
            Self.service("ip", clusterIP: "127.96.0.22", ports: [["name": "http", "port": 80, "nodePort": 30082]]),
        ]
        let keys = ServiceProxyRules.rules(services: services, endpoints: []).map { "\($0.kind.rawValue) \($0.listener) \($0.service)" }
        #expect(keys == [
            "NodePort 127.0.0.1:30080/TCP default/np",
            "NodePort 127.0.0.1:30081/TCP default/lb",
            "ClusterIP 127.96.0.20:80/TCP default/np",
            "ClusterIP 127.96.0.21:80/TCP default/lb",
            "ClusterIP 127.96.0.22:80/TCP default/ip",
        ])
        let everywhere = ServiceProxyRules.rules(services: [services[0]], endpoints: [], nodePortAddress: "0.0.0.0")
        #expect(everywhere.map(\.listener.description) == ["0.0.0.0:30080/TCP", "127.96.0.20:80/TCP"])
        #expect(ServiceProxyRules.rules(services: [services[0]], endpoints: [], nodePortAddress: nil).map(\.kind) == [.clusterIP])
    }

    @Test("every cluster IP of a Service gets a listener")
    func clusterIPs() {
        let web = Self.service("web", clusterIP: "127.96.0.12", clusterIPs: ["127.96.0.12", "127.96.1.12"], ports: [["port": 80]])
        #expect(ServiceProxyRules.rules(services: [web], endpoints: []).map(\.listener.address) == ["127.96.0.12", "127.96.1.12"])
    }

    @Test("Endpoints of another namespace do not count")
    func namespaces() {
        let web = Self.service("web", ports: [["port": 80]])
        var other = Self.endpoints("web", subsets: [["addresses": Self.addresses(["127.1.0.5"]), "ports": [["port": 8080]]]])
        other[path: ["metadata", "namespace"]] = "prod"
        #expect(ServiceProxyRules.rules(services: [web], endpoints: [other]).map(\.backends) == [[]])
    }
}
