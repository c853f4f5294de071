import Foundation
import KubeModel
import Synchronization

/// How one kind is served: its resource, scope and subresources, as discovery tells.
public struct RESTMapping: Sendable, Hashable {
    public var groupVersionKind: GroupVersionKind
    public var resource: GroupVersionResource
    public var namespaced: Bool
    public var singular: String
    public var shortNames: [String]
    public var verbs: [String]
    public var subresources: [String]
    public var categories: [String]
}

/// Kind ↔ resource mappings from discovery. Filled by `KubeClient.refreshDiscovery()`; a lookup that
/// misses triggers one refresh (a CRD created a moment ago).
public final class RESTMapper: Sendable {
    struct Contents: Sendable {
        var byKind: [GroupVersionKind: RESTMapping] = [:]
        /// Preferred version per group.
        var preferred: [String: String] = [:]
        var loaded = false
        var loadedAt: Date?
    }

    let contents = Mutex(Contents())

    public init() {}

    /// The mapping for a kind, from what discovery said last time.
    public func cached(_ gvk: GroupVersionKind) -> RESTMapping? { contents.withLock { $0.byKind[gvk] } }

    public var all: [RESTMapping] { contents.withLock { Array($0.byKind.values) } }

    /// Resolves what a user typed (`deploy`, `deployments`, `deployment.apps`, `rollouts.argoproj.io`,
    /// `Deployment`) to the preferred version's mapping.
    public func resolve(_ text: String) -> RESTMapping? {
        let lower = text.lowercased()
        var name = lower
        var group: String?
        if let dot = lower.firstIndex(of: ".") {
            name = String(lower[..<dot])
            group = String(lower[lower.index(after: dot)...])
        }
        return contents.withLock { c in
            let candidates = c.byKind.values.filter { m in
                (group == nil || m.groupVersionKind.group == group || "\(m.resource.version).\(m.groupVersionKind.group)" == group)
                    && (m.resource.resource == name || m.singular == name || m.shortNames.contains(name) || m.groupVersionKind.kind.lowercased() == name)
            }
            return candidates.sorted { a, b in
                let pa = c.preferred[a.groupVersionKind.group] == a.resource.version
                let pb = c.preferred[b.groupVersionKind.group] == b.resource.version
                if pa != pb { return pa }
                // Core and well-known groups first, as kubectl prefers them for bare names.
                return a.groupVersionKind.group.count < b.groupVersionKind.group.count
            }.first
        }
    }

    func replace(_ mappings: [RESTMapping], preferred: [String: String]) {
        contents.withLock { c in
            c.byKind = Dictionary(mappings.map { ($0.groupVersionKind, $0) }, uniquingKeysWith: { a, _ in a })
            c.preferred = preferred
            c.loaded = true
            c.loadedAt = Date()
        }
    }
}

extension KubeClient {
    static let aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

    /// The mapping for a kind, refreshing discovery once when it is unknown.
    public func mapping(for gvk: GroupVersionKind) async throws -> RESTMapping {
        if let m = mapper.cached(gvk) { return m }
        try await refreshDiscovery()
        if let m = mapper.cached(gvk) { return m }
        throw KubeError.configuration("no matches for kind \"\(gvk.kind)\" in version \"\(gvk.apiVersion)\" on \(configuration.server.absoluteString): ensure its CRD is installed")
    }

    /// Re-reads discovery: aggregated when the server offers it, else legacy (one request per group version).
    public func refreshDiscovery() async throws {
        var mappings: [RESTMapping] = []
        var preferred: [String: String] = [:]
        for root in ["/api", "/apis"] {
            let response = try await send(KubeRequest(method: .GET, path: root, accept: Self.aggregatedAccept))
            let contentType = response.headers.first { $0.0.lowercased() == "content-type" }?.1 ?? ""
            let doc = try response.json()
            if contentType.contains("APIGroupDiscoveryList") {
                for group in doc["items"]?.arrayValue ?? [] {
                    let name = group["metadata"]?["name"]?.stringValue ?? ""
                    let versions = group["versions"]?.arrayValue ?? []
                    if let first = versions.first?["version"]?.stringValue { preferred[name] = first }
                    for version in versions {
                        let v = version["version"]?.stringValue ?? ""
                        for r in version["resources"]?.arrayValue ?? [] {
                            let kind = r["responseKind"]?["kind"]?.stringValue ?? ""
                            guard !kind.isEmpty, let plural = r["resource"]?.stringValue else { continue }
                            mappings.append(RESTMapping(
                                groupVersionKind: GroupVersionKind(group: name, version: v, kind: kind),
                                resource: GroupVersionResource(group: name, version: v, resource: plural),
                                namespaced: r["scope"]?.stringValue == "Namespaced",
                                singular: r["singularResource"]?.stringValue ?? kind.lowercased(),
                                shortNames: r["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                verbs: r["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                subresources: r["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue } ?? [],
                                categories: r["categories"]?.arrayValue?.compactMap(\.stringValue) ?? []))
                        }
                    }
                }
                continue
            }
            // Legacy discovery.
            var groupVersions: [GroupVersion] = []
            if root == "/api" {
                for v in doc["versions"]?.arrayValue?.compactMap(\.stringValue) ?? [] { groupVersions.append(GroupVersion(group: "", version: v)) }
                preferred[""] = groupVersions.first?.version
            } else {
                for group in doc["groups"]?.arrayValue ?? [] {
                    let name = group["name"]?.stringValue ?? ""
                    preferred[name] = group["preferredVersion"]?["version"]?.stringValue
                    for v in group["versions"]?.arrayValue ?? [] {
                        if let version = v["version"]?.stringValue { groupVersions.append(GroupVersion(group: name, version: version)) }
                    }
                }
            }
            for gv in groupVersions {
                let path = gv.group.isEmpty ? "/api/\(gv.version)" : "/apis/\(gv.group)/\(gv.version)"
                guard let list = try? await send(KubeRequest(method: .GET, path: path)).json() else { continue }
                let resources = list["resources"]?.arrayValue ?? []
                var subresources: [String: [String]] = [:]
                for r in resources {
                    let name = r["name"]?.stringValue ?? ""
                    if let slash = name.firstIndex(of: "/") {
                        subresources[String(name[..<slash]), default: []].append(String(name[name.index(after: slash)...]))
                    }
                }
                for r in resources {
                    guard let name = r["name"]?.stringValue, !name.contains("/"), let kind = r["kind"]?.stringValue else { continue }
                    mappings.append(RESTMapping(
                        groupVersionKind: GroupVersionKind(group: gv.group, version: gv.version, kind: kind),
                        resource: GroupVersionResource(group: gv.group, version: gv.version, resource: name),
                        namespaced: r["namespaced"]?.boolValue ?? false,
                        singular: (r["singularName"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? kind.lowercased(),
                        shortNames: r["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        verbs: r["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        subresources: subresources[name] ?? [],
                        categories: r["categories"]?.arrayValue?.compactMap(\.stringValue) ?? []))
                }
            }
        }
        mapper.replace(mappings, preferred: preferred)
    }
}
