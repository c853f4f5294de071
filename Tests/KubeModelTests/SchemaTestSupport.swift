import Foundation
import KubeModel
import TestSupport

/// Shared fixtures for the schema tests: the real upstream CRDs and the seed manifests.
enum SchemaTestSupport {
    /// A fixture by its path under `shared/fixtures` upstream: seeds and examples are in `Tests/Fixtures`,
    /// the CRDs in `scripts/crds/upstream`.
    static func sharedFixture(_ relative: String) throws -> String {
        if relative.hasPrefix("upstream/"), relative.contains("/crds/") {
            let crdPath = relative.dropFirst("upstream/".count).replacingOccurrences(of: "/crds/", with: "/")
            return try String(contentsOf: Fixtures.repositoryFile("scripts/crds/upstream/" + crdPath), encoding: .utf8)
        }
        return try Fixtures.text(relative)
    }

    /// All YAML documents of a shared fixture.
    static func documents(_ relative: String) throws -> [JSON] {
        try YAML.decodeAll(sharedFixture(relative))
    }

    /// `spec.versions[name].schema.openAPIV3Schema` of a CRD fixture, as the API server wraps it.
    static func crdSchema(_ relative: String, version: String) throws -> Schema {
        let crd = try documents(relative)[0]
        for entry in crd[path: ["spec", "versions"]]?.arrayValue ?? [] where entry["name"]?.stringValue == version {
            if let node = entry[path: ["schema", "openAPIV3Schema"]] { return Schema(node: node) }
        }
        throw FixtureError(message: "\(relative) has no version \(version)")
    }

    struct FixtureError: Error { var message: String }

    /// Parsed once: the CRDs are half a megabyte each.
    static let rollout = Result { try crdSchema("upstream/argo-rollouts/crds/rollout-crd.yaml", version: "v1alpha1") }
    static let taskV1 = Result { try crdSchema("upstream/tekton/pipeline/crds/300-task.yaml", version: "v1") }
    static let taskV1beta1 = Result { try crdSchema("upstream/tekton/pipeline/crds/300-task.yaml", version: "v1beta1") }

    static let deployment = SchemaSet.builtin.schema(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))!

    /// The first document of `kind` in a seed file.
    static func seed(_ relative: String, kind: String) throws -> JSON {
        guard let doc = try documents(relative).first(where: { $0["kind"]?.stringValue == kind }) else {
            throw FixtureError(message: "\(relative) has no \(kind)")
        }
        return doc
    }

    static func json(_ text: String) -> JSON {
        do { return try JSON.parse(text) } catch { fatalError("bad test JSON: \(error)\n\(text)") }
    }
}
