import Foundation
import KubeModel
import Logging

/// What a fresh cluster holds before anyone talks to it: the system namespaces, the `kubernetes` Service,
/// and the bundled CRDs (installed or upgraded to the versions this Tack ships). Runs through the API
/// handler, so everything is validated and recorded like any client write; idempotent across restarts.
struct Bootstrap: Sendable {
    let handler: KubeAPIHandler
    let installCRDs: Bool
    let logger: Logger

    static let systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]
    static let headers = ["User-Agent": "tack-bootstrap/v1.32 (linux/amd64) tack", "Content-Type": "application/json"]

    func run() async throws {
        for namespace in Self.systemNamespaces {
            try await ensure(path: "/api/v1/namespaces", name: namespace,
                             object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
        let service: JSON = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "kubernetes", "namespace": "default",
                         "labels": ["component": "apiserver", "provider": "kubernetes"]],
            "spec": ["type": "ClusterIP", "clusterIP": .string(handler.allocator.firstAddress),
                     "ports": [["name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443]]],
        ]
        try await ensure(path: "/api/v1/namespaces/default/services", name: "kubernetes", object: service)
        if installCRDs { try await installBundledCRDs() }
    }

    /// Creates an object unless it exists.
    func ensure(path: String, name: String, object: JSON) async throws {
        let get = await handler.handle(APIRequest(method: "GET", path: "\(path)/\(name)", headers: Self.headers))
        if get.status == 200 { return }
        let created = await handler.handle(APIRequest(method: "POST", path: path, query: "fieldManager=tack-bootstrap",
                                                      headers: Self.headers, body: object.serialized()))
        if created.status >= 300 && created.status != 409 {
            throw BootstrapError(message: "creating \(path)/\(name) failed: \(String(decoding: created.bytes, as: UTF8.self))")
        }
    }

    static func bundledCRDs() throws -> [JSON] {
        guard let url = Bundle.module.url(forResource: "Resources/crds", withExtension: "json") else {
            throw BootstrapError(message: "the CRD bundle (APIServer/Resources/crds.json) is missing from this build")
        }
        return try JSON.parse(Data(contentsOf: url)).arrayValue ?? []
    }

    func installBundledCRDs() async throws {
        let path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
        for crd in try Self.bundledCRDs() {
            let name = crd.name
            let key = ObjectKey(resource: GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions"),
                                namespace: "", name: name)
            if let existing = handler.store.get(key) {
                let current = existing.object
                if current["spec"] == crd["spec"] { continue }
                // Upgrade: this Tack ships a different version of the CRD.
                var updated = current
                updated["spec"] = crd["spec"]
                let response = await handler.handle(APIRequest(method: "PUT", path: "\(path)/\(name)", query: "fieldManager=tack-bootstrap",
                                                               headers: Self.headers, body: updated.serialized()))
                if response.status >= 300 {
                    logger.warning("could not upgrade a bundled CRD", metadata: ["crd": "\(name)",
                        "response": "\(String(decoding: response.bytes.prefix(500), as: UTF8.self))"])
                }
                continue
            }
            let response = await handler.handle(APIRequest(method: "POST", path: path, query: "fieldManager=tack-bootstrap",
                                                           headers: Self.headers, body: crd.serialized()))
            if response.status >= 300 && response.status != 409 {
                throw BootstrapError(message: "installing CRD \(name) failed: \(String(decoding: response.bytes.prefix(1000), as: UTF8.self))")
            }
        }
    }
}

struct BootstrapError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
