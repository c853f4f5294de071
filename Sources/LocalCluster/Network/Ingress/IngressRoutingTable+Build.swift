import KubeModel

extension IngressRoutingTable {
    /// Builds the table from lists of objects (tests, one-off use).
    public init(ingresses: [JSON], services: [JSON], endpoints: [JSON], options: IngressRoutingOptions = IngressRoutingOptions()) {
        var servicesByKey: [String: JSON] = [:]
        for service in services { servicesByKey["\(service.namespace)/\(service.name)"] = service }
        var endpointsByKey: [String: JSON] = [:]
        for object in endpoints { endpointsByKey["\(object.namespace)/\(object.name)"] = object }
        self.init(ingresses: ingresses, service: { servicesByKey["\($0)/\($1)"] }, endpoints: { endpointsByKey["\($0)/\($1)"] },
                  options: options)
    }

    /// Builds the table as ingress-nginx builds its servers, locations and upstreams.
    ///
    /// - Ingresses the class rule rejects are skipped; the rest are taken oldest first (creation time, then
    ///   `namespace/name`), and the first Ingress to define a host and path (with its path type) keeps it.
    /// - A non-canary Ingress's `spec.defaultBackend` answers requests of its hosts that match no path; the
    ///   oldest Ingress with a default backend and no rules also answers requests for unknown hosts.
    /// - A canary Ingress (`<prefix>/canary: "true"`) creates no locations: each of its paths joins the main
    ///   location with the same host, path and path type as that location's canary; its default backend
    ///   joins the catch-all server's locations. One canary per location: the oldest wins.
    /// - Backends resolve through the Service port (by number or name) and the Endpoints object: ready
    ///   addresses only, ports matched by endpoint port name when the service port is named, else the
    ///   service port's numeric `targetPort` (ingress-nginx's endpoints.go).
    ///
    /// `service` and `endpoints` look objects up by namespace and name.
    public init(ingresses: [JSON], service: @escaping (String, String) -> JSON?, endpoints: @escaping (String, String) -> JSON?,
                options: IngressRoutingOptions = IngressRoutingOptions()) {
        var builder = Builder(lookupService: service, lookupEndpoints: endpoints, options: options)
        builder.build(ingresses)
        self.init(servers: builder.exactServers(), wildcardServers: builder.wildcardServers(), catchAll: builder.catchAll,
                  backends: builder.backends, servedIngresses: builder.served, notes: builder.notes, fingerprint: 0)
        fingerprint = Self.fingerprint(of: self)
    }

    /// FNV-1a over a canonical description of hosts, locations, canaries and endpoints.
    static func fingerprint(of table: IngressRoutingTable) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x100_0000_01b3
        }
        func mix(_ location: IngressLocation?) {
            guard let location else { return mix("-") }
            mix(location.path)
            mix(location.pathType.rawValue)
            mix(table.backends[location.backend].upstreamName)
            if let canary = location.canary {
                let p = canary.policy
                mix(table.backends[canary.backend].upstreamName)
                mix("\(p.header ?? "")|\(p.headerValue ?? "")|\(p.headerPattern?.pattern ?? "")|\(p.cookie ?? "")|\(p.weight)|\(p.weightTotal)")
            }
        }
        let servers = [table.catchAll] + table.wildcardServers + table.servers.keys.sorted().compactMap { table.servers[$0] }
        for server in servers {
            mix(server.hostname)
            for location in server.locations { mix(location) }
            mix(server.fallback)
        }
        for backend in table.backends {
            mix(backend.upstreamName)
            for endpoint in backend.endpoints { mix(endpoint.description) }
        }
        return hash
    }
}

/// The mutable state of one table build.
private struct Builder {
    let lookupService: (String, String) -> JSON?
    let lookupEndpoints: (String, String) -> JSON?
    let options: IngressRoutingOptions

    var backends: [IngressBackend] = []
    var backendIDs: [String: Int] = [:]
    var servers: [String: IngressServer] = [:]
    var catchAll = IngressServer(hostname: "_")
    var served: [String] = []
    var notes: [String] = []

    init(lookupService: @escaping (String, String) -> JSON?, lookupEndpoints: @escaping (String, String) -> JSON?, options: IngressRoutingOptions) {
        self.lookupService = lookupService
        self.lookupEndpoints = lookupEndpoints
        self.options = options
    }

    mutating func build(_ ingresses: [JSON]) {
        let ordered = ingresses.filter(options.serves).sorted { a, b in
            let ta = a.creationTimestamp ?? "", tb = b.creationTimestamp ?? ""
            if ta != tb { return ta < tb }
            return (a.namespace, a.name) < (b.namespace, b.name)
        }
        served = ordered.map { "\($0.namespace)/\($0.name)" }
        var canaries: [(JSON, IngressCanaryPolicy)] = []
        for ingress in ordered {
            if let policy = IngressCanaryPolicy(annotations: ingress.annotations, prefix: options.annotationsPrefix) {
                canaries.append((ingress, policy))
            } else {
                addMain(ingress)
            }
        }
        for (ingress, policy) in canaries { mergeCanary(ingress, policy: policy) }
    }

    // MARK: Main Ingresses

    mutating func addMain(_ ingress: JSON) {
        let namespace = ingress.namespace, name = ingress.name
        let spec = ingress["spec"] ?? .emptyObject
        var defaultLocation: IngressLocation?
        if let backendSpec = spec["defaultBackend"] {
            if case let (id, service)? = backend(namespace: namespace, spec: backendSpec, context: "Ingress \(namespace)/\(name) defaultBackend") {
                defaultLocation = IngressLocation(path: "/", pathType: .prefix, backend: id,
                                                  labels: IngressRouteLabels(namespace: namespace, ingress: name, service: service, path: "/"))
            }
        }
        let rules = spec["rules"]?.arrayValue ?? []
        if rules.isEmpty, let defaultLocation, catchAll.fallback == nil {
            catchAll.fallback = defaultLocation
        }
        for rule in rules {
            let host = (rule["host"]?.stringValue ?? "").lowercased()
            let serverName = host.isEmpty ? "_" : host
            if serverName != "_", servers[serverName] == nil {
                servers[serverName] = IngressServer(hostname: serverName, fallback: defaultLocation)
            }
            for path in rule["http"]?["paths"]?.arrayValue ?? [] {
                let pathText = path["path"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
                let pathType = IngressPathType(field: path["pathType"]?.stringValue)
                let context = "Ingress \(namespace)/\(name) host \(host.isEmpty ? "*" : host) path \(pathText)"
                guard let backendSpec = path["backend"], backendSpec["service"] != nil else {
                    notes.append("\(context): only service backends are supported; path ignored")
                    continue
                }
                guard case let (id, service)? = backend(namespace: namespace, spec: backendSpec, context: context) else { continue }
                let location = IngressLocation(path: pathText, pathType: pathType, backend: id,
                                               labels: IngressRouteLabels(namespace: namespace, ingress: name, service: service, path: pathText))
                let added = withServer(serverName) { server -> Bool in
                    if server.locations.contains(where: { $0.path == pathText && $0.pathType == pathType }) { return false }
                    server.locations.append(location)
                    return true
                }
                if !added { notes.append("\(context): already defined by an older Ingress; ignored") }
            }
        }
    }

    // MARK: Canary Ingresses

    mutating func mergeCanary(_ ingress: JSON, policy: IngressCanaryPolicy) {
        let namespace = ingress.namespace, name = ingress.name
        let key = "\(namespace)/\(name)"
        let spec = ingress["spec"] ?? .emptyObject
        if let backendSpec = spec["defaultBackend"],
           case let (id, _)? = backend(namespace: namespace, spec: backendSpec, context: "canary Ingress \(key) defaultBackend") {
            let route = IngressCanaryRoute(ingress: key, backend: id, policy: policy)
            var merged = false
            for index in catchAll.locations.indices where catchAll.locations[index].canary == nil && catchAll.locations[index].backend != id {
                catchAll.locations[index].canary = route
                merged = true
            }
            if var fallback = catchAll.fallback, fallback.canary == nil, fallback.backend != id {
                fallback.canary = route
                catchAll.fallback = fallback
                merged = true
            }
            if !merged { notes.append("canary Ingress \(key) defaultBackend: no catch-all location to join; ignored") }
        }
        for rule in spec["rules"]?.arrayValue ?? [] {
            let host = (rule["host"]?.stringValue ?? "").lowercased()
            let serverName = host.isEmpty ? "_" : host
            for path in rule["http"]?["paths"]?.arrayValue ?? [] {
                let pathText = path["path"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
                let pathType = IngressPathType(field: path["pathType"]?.stringValue)
                let context = "canary Ingress \(key) host \(host.isEmpty ? "*" : host) path \(pathText)"
                guard let backendSpec = path["backend"], backendSpec["service"] != nil else {
                    notes.append("\(context): only service backends are supported; path ignored")
                    continue
                }
                guard serverName == "_" || servers[serverName] != nil else {
                    notes.append("\(context): no main Ingress defines this host; ignored")
                    continue
                }
                guard case let (id, _)? = backend(namespace: namespace, spec: backendSpec, context: context) else { continue }
                let route = IngressCanaryRoute(ingress: key, backend: id, policy: policy)
                let outcome = withServer(serverName) { server -> String? in
                    guard let index = server.locations.firstIndex(where: { $0.path == pathText && $0.pathType == pathType }) else {
                        return "no main Ingress defines this path; ignored"
                    }
                    if server.locations[index].backend == id { return "the canary service is the main service; ignored" }
                    if let existing = server.locations[index].canary { return "the location already has canary \(existing.ingress); ignored" }
                    server.locations[index].canary = route
                    return nil
                }
                if let outcome { notes.append("\(context): \(outcome)") }
            }
        }
    }

    // MARK: Backends

    /// The backend id and service name for an IngressBackend spec (`{service: {name, port: {number|name}}}`).
    mutating func backend(namespace: String, spec: JSON, context: String) -> (Int, String)? {
        guard let service = spec["service"], let serviceName = service["name"]?.stringValue, !serviceName.isEmpty else {
            notes.append("\(context): only service backends are supported; ignored")
            return nil
        }
        let port: ServicePortReference
        if let number = service["port"]?["number"]?.intValue, number > 0 {
            port = .number(number)
        } else if let portName = service["port"]?["name"]?.stringValue, !portName.isEmpty {
            port = .name(portName)
        } else {
            notes.append("\(context): backend service \(serviceName) names no port; ignored")
            return nil
        }
        let upstream = "\(namespace)-\(serviceName)-\(port.text)"
        if let id = backendIDs[upstream] { return (id, serviceName) }
        let (endpoints, problem) = resolveEndpoints(namespace: namespace, service: serviceName, port: port)
        let id = backends.count
        backends.append(IngressBackend(id: id, namespace: namespace, service: serviceName, port: port.text, endpoints: endpoints, problem: problem))
        backendIDs[upstream] = id
        if let problem { notes.append("\(context): \(problem)") }
        return (id, serviceName)
    }

    func resolveEndpoints(namespace: String, service name: String, port: ServicePortReference) -> ([IngressEndpoint], String?) {
        guard let service = lookupService(namespace, name) else { return ([], "service \(namespace)/\(name) not found") }
        if service["spec"]?["type"]?.stringValue == "ExternalName" {
            return ([], "service \(namespace)/\(name) is of type ExternalName, which the local ingress does not resolve")
        }
        let servicePorts = service["spec"]?["ports"]?.arrayValue ?? []
        let servicePort: JSON? = servicePorts.first { candidate in
            switch port {
            case .number(let number): return candidate["port"]?.intValue == number
            case .name(let portName): return candidate["name"]?.stringValue == portName
            }
        }
        guard let servicePort else { return ([], "service \(namespace)/\(name) has no port \(port.text)") }
        guard let endpointsObject = lookupEndpoints(namespace, name) else {
            return ([], "service \(namespace)/\(name) has no Endpoints object")
        }
        let portName = servicePort["name"]?.stringValue ?? ""
        let serviceProtocol = servicePort["protocol"]?.stringValue ?? "TCP"
        let numericTargetPort = servicePort["targetPort"]?.intValue
        var result: [IngressEndpoint] = []
        var seen: Set<IngressEndpoint> = []
        for subset in endpointsObject["subsets"]?.arrayValue ?? [] {
            let ports = subset["ports"]?.arrayValue ?? []
            var matchedName = false
            for (index, endpointPort) in ports.enumerated() {
                guard (endpointPort["protocol"]?.stringValue ?? "TCP") == serviceProtocol else { continue }
                var target = 0
                if portName.isEmpty || endpointPort["name"]?.stringValue ?? "" == portName {
                    target = endpointPort["port"]?.intValue ?? 0
                    matchedName = true
                }
                if index == ports.count - 1, !matchedName, let numericTargetPort { target = numericTargetPort }
                guard target > 0 else { continue }
                for address in subset["addresses"]?.arrayValue ?? [] {
                    guard let ip = address["ip"]?.stringValue, let endpoint = IngressEndpoint(ip: ip, port: target) else { continue }
                    if seen.insert(endpoint).inserted { result.append(endpoint) }
                }
            }
        }
        if result.isEmpty { return ([], "service \(namespace)/\(name) port \(port.text) has no ready endpoints") }
        return (result, nil)
    }

    // MARK: Servers

    mutating func withServer<T>(_ name: String, _ body: (inout IngressServer) -> T) -> T {
        if name == "_" { return body(&catchAll) }
        return body(&servers[name, default: IngressServer(hostname: name)])
    }

    func exactServers() -> [String: IngressServer] { servers.filter { !$0.key.hasPrefix("*.") } }

    func wildcardServers() -> [IngressServer] {
        servers.values.filter { $0.hostname.hasPrefix("*.") }.sorted {
            $0.hostname.utf8.count != $1.hostname.utf8.count ? $0.hostname.utf8.count > $1.hostname.utf8.count : $0.hostname < $1.hostname
        }
    }

    /// A Service port as an Ingress backend names it.
    enum ServicePortReference {
        case number(Int)
        case name(String)

        var text: String {
            switch self {
            case .number(let number): return String(number)
            case .name(let name): return name
            }
        }
    }
}
