import KubeModel
import ObjectStore
import Synchronization

/// Hands out Service cluster IPs from the service CIDR and node ports from the node-port range, as
/// kube-apiserver's allocators do. The truth is the set of stored Services; addresses handed out but not
/// yet committed are remembered briefly so that concurrent creates do not collide.
final class ServiceAllocator: Sendable {
    private let base: UInt32
    private let size: UInt32
    private let store: ObjectStore
    private let recent = Mutex<(ips: Set<UInt32>, ports: Set<Int>)>(([], []))
    let nodePorts: ClosedRange<Int> = 30000...32767

    init(serviceCIDR: String, store: ObjectStore) {
        self.store = store
        let parts = serviceCIDR.split(separator: "/")
        let address = parts.first.flatMap { Self.parse(String($0)) } ?? Self.parse("127.96.0.0")!
        let bits = parts.count > 1 ? UInt32(parts[1]) ?? 16 : 16
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        base = address & mask
        size = bits >= 32 ? 1 : UInt32(1) << (32 - bits)
    }

    static func parse(_ ip: String) -> UInt32? {
        let octets = ip.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
        return octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3]
    }

    static func format(_ ip: UInt32) -> String {
        "\(ip >> 24).\(ip >> 16 & 0xFF).\(ip >> 8 & 0xFF).\(ip & 0xFF)"
    }

    /// The first usable address (`kubernetes` Service's cluster IP).
    var firstAddress: String { Self.format(base + 1) }

    private func used() -> (ips: Set<UInt32>, ports: Set<Int>) {
        var ips: Set<UInt32> = []
        var ports: Set<Int> = []
        for service in store.snapshot(of: GroupResource(group: "", resource: "services")).ordered(namespace: nil, after: nil) {
            let spec = service.object["spec"]
            for ip in spec?["clusterIPs"]?.arrayValue?.compactMap(\.stringValue) ?? [spec?["clusterIP"]?.stringValue].compactMap({ $0 }) {
                if let v = Self.parse(ip) { ips.insert(v) }
            }
            for port in spec?["ports"]?.arrayValue ?? [] {
                if let p = port["nodePort"]?.intValue { ports.insert(p) }
            }
        }
        return recent.withLock { r in (ips.union(r.ips), ports.union(r.ports)) }
    }

    func allocate(_ service: inout JSON) throws {
        var spec = service["spec"] ?? .emptyObject
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        let (usedIPs, usedPorts) = used()
        if type != "ExternalName" {
            let requested = spec["clusterIP"]?.stringValue ?? ""
            if requested.isEmpty {
                guard let ip = nextFreeIP(usedIPs) else {
                    throw APIError.internal("no free cluster IP in the service range; delete unused Services")
                }
                spec["clusterIP"] = .string(Self.format(ip))
                spec["clusterIPs"] = [.string(Self.format(ip))]
            } else if requested != "None" {
                guard let ip = Self.parse(requested), ip >= base, ip < base + size else {
                    throw APIError.invalid(kind: GroupKind(group: "", kind: "Service"), name: service.name, errors: [
                        .invalid("spec.clusterIPs", .string(requested),
                                 "failed to allocate IP \(requested): provided IP is not in the valid range. The range of valid IPs is \(Self.format(base))/\(32 - size.trailingZeroBitCount)"),
                    ])
                }
                if usedIPs.contains(ip) {
                    throw APIError.invalid(kind: GroupKind(group: "", kind: "Service"), name: service.name, errors: [
                        .invalid("spec.clusterIPs", .string(requested), "failed to allocate IP \(requested): provided IP is already allocated"),
                    ])
                }
                recent.withLock { _ = $0.ips.insert(ip) }
                spec["clusterIPs"] = [.string(requested)]
            } else {
                spec["clusterIPs"] = ["None"]
            }
        }
        if type == "NodePort" || type == "LoadBalancer", case .array(var ports)? = spec["ports"] {
            var taken = usedPorts
            for i in ports.indices where ports[i]["nodePort"] == nil {
                guard let port = nodePorts.first(where: { !taken.contains($0) }) else {
                    throw APIError.internal("no free node port; delete unused NodePort Services")
                }
                taken.insert(port)
                ports[i]["nodePort"] = .int(Int64(port))
                recent.withLock { _ = $0.ports.insert(port) }
            }
            spec["ports"] = .array(ports)
        }
        service["spec"] = spec
    }

    /// On update: allocate what a type change newly needs (ExternalName → ClusterIP, ClusterIP → NodePort),
    /// and keep the addresses already assigned.
    func reallocateIfNeeded(_ service: inout JSON, old: JSON) throws {
        let oldIP = old["spec"]?["clusterIP"]?.stringValue ?? ""
        if (service["spec"]?["clusterIP"]?.stringValue ?? "").isEmpty, !oldIP.isEmpty {
            service[path: ["spec", "clusterIP"]] = .string(oldIP)
            service[path: ["spec", "clusterIPs"]] = old["spec"]?["clusterIPs"]
        }
        let type = service["spec"]?["type"]?.stringValue ?? "ClusterIP"
        let needsIP = type != "ExternalName" && (service["spec"]?["clusterIP"]?.stringValue ?? "").isEmpty
        let needsPorts = (type == "NodePort" || type == "LoadBalancer")
            && (service["spec"]?["ports"]?.arrayValue ?? []).contains { $0["nodePort"] == nil }
        if needsIP || needsPorts { try allocate(&service) }
    }

    private func nextFreeIP(_ used: Set<UInt32>) -> UInt32? {
        // Skip the network address and the first address (reserved for the `kubernetes` Service).
        var candidate = base + 2
        while candidate < base + size - 1 {
            if !used.contains(candidate) {
                recent.withLock { _ = $0.ips.insert(candidate) }
                return candidate
            }
            candidate += 1
        }
        return nil
    }
}
