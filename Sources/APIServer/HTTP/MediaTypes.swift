/// Content negotiation for responses, following kube-apiserver's Accept handling.
enum ResponseFormat: Equatable, Sendable {
    case json
    case yaml
    /// `meta.k8s.io/v1 Table` (or v1beta1), with the requested `includeObject` policy.
    case table(version: String)
    case partialMetadata(version: String, list: Bool)
    case aggregatedDiscovery(version: String)

    static let aggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    static let aggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

    var contentType: String {
        switch self {
        case .json: return "application/json"
        case .yaml: return "application/yaml"
        case .table(let v): return "application/json;as=Table;v=\(v);g=meta.k8s.io"
        case .partialMetadata(let v, let list):
            return "application/json;as=\(list ? "PartialObjectMetadataList" : "PartialObjectMetadata");v=\(v);g=meta.k8s.io"
        case .aggregatedDiscovery(let v): return v == "v2" ? Self.aggregatedV2 : Self.aggregatedV2Beta1
        }
    }

    struct MediaRange {
        var type: String
        var params: [String: String]
    }

    static func parseAccept(_ header: String?) -> [MediaRange] {
        guard let header, !header.isEmpty else { return [MediaRange(type: "*/*", params: [:])] }
        return header.split(separator: ",").map { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            var params: [String: String] = [:]
            for p in pieces.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { params[kv[0].lowercased()] = String(kv[1]) }
            }
            return MediaRange(type: pieces.first?.lowercased() ?? "", params: params)
        }
    }

    /// The first acceptable format, or nil (406). `allowTable` is false for endpoints that cannot render
    /// tables (discovery, OpenAPI, subresources other than status).
    static func negotiate(accept: String?, allowTable: Bool, allowDiscovery: Bool) -> ResponseFormat? {
        for range in parseAccept(accept) {
            let t = range.type
            if t == "application/json" || t == "application/*" || t == "*/*" {
                if let `as` = range.params["as"] {
                    let g = range.params["g"] ?? ""
                    let v = range.params["v"] ?? ""
                    if `as` == "Table", g == "meta.k8s.io", v == "v1" || v == "v1beta1" {
                        if allowTable { return .table(version: v) }
                        continue
                    }
                    if `as` == "PartialObjectMetadata" || `as` == "PartialObjectMetadataList", g == "meta.k8s.io",
                       v == "v1" || v == "v1beta1" {
                        if allowTable { return .partialMetadata(version: v, list: `as` == "PartialObjectMetadataList") }
                        continue
                    }
                    if `as` == "APIGroupDiscoveryList", g == "apidiscovery.k8s.io", v == "v2" || v == "v2beta1" {
                        if allowDiscovery { return .aggregatedDiscovery(version: v) }
                        continue
                    }
                    continue
                }
                return .json
            }
            // Protobuf is accepted by every client that asks for it alongside JSON; answer JSON.
            if t == "application/vnd.kubernetes.protobuf" || t == "application/vnd.kubernetes.protobuf;stream=watch" {
                continue
            }
            if t == "application/yaml" { return .yaml }
        }
        // Clients that list only protobuf still understand JSON (kubectl, client-go).
        if parseAccept(accept).contains(where: { $0.type.hasPrefix("application/vnd.kubernetes.protobuf") }) { return .json }
        return nil
    }
}
