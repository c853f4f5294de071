import KubeModel

/// Builders of the Ingress, Service and Endpoints objects the ingress tests route by.
enum IngressFixtures {
    /// One path of an Ingress rule.
    struct Path {
        var path: String
        var type: String = "Prefix"
        var service: String
        var port: JSON = ["number": 80]
    }

    static func ingress(_ name: String, namespace: String = "default", host: String? = nil, paths: [Path] = [],
                        annotations: [String: String] = [:], className: String? = nil, defaultBackend: String? = nil,
                        created: String = "2024-01-01T00:00:00Z", extraRules: [(host: String?, paths: [Path])] = []) -> JSON {
        var metadata: JSON = ["name": .string(name), "namespace": .string(namespace), "creationTimestamp": .string(created)]
        if !annotations.isEmpty { metadata["annotations"] = JSON(annotations) }
        var spec: JSON = .emptyObject
        var rules: [JSON] = []
        for (ruleHost, rulePaths) in (paths.isEmpty ? [] : [(host, paths)]) + extraRules {
            var rule: JSON = ["http": ["paths": .array(rulePaths.map(path))]]
            if let ruleHost { rule["host"] = .string(ruleHost) }
            rules.append(rule)
        }
        if !rules.isEmpty { spec["rules"] = .array(rules) }
        if let className { spec["ingressClassName"] = .string(className) }
        if let defaultBackend { spec["defaultBackend"] = ["service": ["name": .string(defaultBackend), "port": ["number": 80]]] }
        return ["apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata, "spec": spec]
    }

    static func path(_ p: Path) -> JSON {
        ["path": .string(p.path), "pathType": .string(p.type), "backend": ["service": ["name": .string(p.service), "port": p.port]]]
    }

    /// A Service with one port 80 → targetPort (a number or a name).
    static func service(_ name: String, namespace: String = "default", portName: String? = nil, targetPort: JSON = 8080,
                        type: String? = nil) -> JSON {
        var port: JSON = ["port": 80, "targetPort": targetPort, "protocol": "TCP"]
        if let portName { port["name"] = .string(portName) }
        var spec: JSON = ["ports": [port]]
        if let type { spec["type"] = .string(type) }
        return ["apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec]
    }

    /// Endpoints with ready `ips` (and `notReady` ones) on one port.
    static func endpoints(_ name: String, namespace: String = "default", ips: [String], port: Int = 8080, portName: String? = nil,
                          notReady: [String] = []) -> JSON {
        var endpointPort: JSON = ["port": JSON(port), "protocol": "TCP"]
        if let portName { endpointPort["name"] = .string(portName) }
        var subset: JSON = ["ports": [endpointPort]]
        if !ips.isEmpty { subset["addresses"] = .array(ips.map { ["ip": .string($0)] }) }
        if !notReady.isEmpty { subset["notReadyAddresses"] = .array(notReady.map { ["ip": .string($0)] }) }
        return ["apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": .string(name), "namespace": .string(namespace)],
                "subsets": ips.isEmpty && notReady.isEmpty ? [] : [subset]]
    }

    /// Endpoints with one ready `ip:port` per subset (backends of tests listen on different ports).
    static func endpoints(_ name: String, namespace: String = "default", targets: [(ip: String, port: Int)]) -> JSON {
        let subsets: [JSON] = targets.map { target in
            ["addresses": [["ip": .string(target.ip)]], "ports": [["port": JSON(target.port), "protocol": "TCP"]]]
        }
        return ["apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": .string(name), "namespace": .string(namespace)],
                "subsets": .array(subsets)]
    }

    /// One sample of a Prometheus text exposition.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses the Prometheus text format (0.0.4) strictly enough to fail on malformed lines: each is a
    /// comment, or `name{label="value",...} number`.
    static func samples(_ text: String) throws -> [Sample] {
        struct Malformed: Error, CustomStringConvertible {
            var line: String
            var description: String { "malformed metrics line: \(line)" }
        }
        var result: [Sample] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty || line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) ?? (line.hasSuffix("NaN") ? .nan : nil)
            else { throw Malformed(line: String(line)) }
            let series = line[..<space]
            var labels: [String: String] = [:]
            let name: Substring
            if let brace = series.firstIndex(of: "{") {
                guard series.last == "}" else { throw Malformed(line: String(line)) }
                name = series[..<brace]
                var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
                while !rest.isEmpty {
                    guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\"" else {
                        throw Malformed(line: String(line))
                    }
                    let key = String(rest[..<equals])
                    var index = rest.index(equals, offsetBy: 2)
                    var value = ""
                    while index < rest.endIndex, rest[index] != "\"" {
                        if rest[index] == "\\" { index = rest.index(after: index) }
                        guard index < rest.endIndex else { throw Malformed(line: String(line)) }
                        value.append(rest[index])
                        index = rest.index(after: index)
                    }
                    guard index < rest.endIndex else { throw Malformed(line: String(line)) }
                    labels[key] = value
                    rest = rest[rest.index(after: index)...]
                    if rest.first == "," { rest = rest.dropFirst() }
                }
            } else {
                name = series
            }
            guard let first = name.first, first.isLetter || first == "_" || first == ":",
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else { throw Malformed(line: String(line)) }
            result.append(Sample(name: String(name), labels: labels, value: value))
        }
        return result
    }

    /// The value of the one sample with `name` whose labels include `labels`, nil if none; the sum when several.
    static func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    static let canary = "nginx.ingress.kubernetes.io/canary"
    static let weight = "nginx.ingress.kubernetes.io/canary-weight"
    static let weightTotal = "nginx.ingress.kubernetes.io/canary-weight-total"
    static let byHeader = "nginx.ingress.kubernetes.io/canary-by-header"
    static let byHeaderValue = "nginx.ingress.kubernetes.io/canary-by-header-value"
    static let byHeaderPattern = "nginx.ingress.kubernetes.io/canary-by-header-pattern"
    static let byCookie = "nginx.ingress.kubernetes.io/canary-by-cookie"
}
