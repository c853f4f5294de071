import KubeModel
import Synchronization

/// All resources the server serves: the built-ins plus one per established CustomResourceDefinition.
/// Readers get consistent snapshots; CRD changes replace definitions atomically and bump `generation`
/// (used to version the discovery and OpenAPI documents).
public final class ResourceRegistry: Sendable {
    struct Contents: Sendable {
        var byGroupResource: [GroupResource: ResourceDefinition] = [:]
        /// CRD name → group-resource, to remove a CRD's resource when the CRD goes.
        var crdResources: [String: GroupResource] = [:]
        var generation = 0
    }

    private let contents: Mutex<Contents>

    public init() {
        var c = Contents()
        for d in BuiltinResources.all { c.byGroupResource[d.groupResource] = d }
        contents = Mutex(c)
    }

    public var generation: Int { contents.withLock { $0.generation } }

    public func definition(for resource: GroupResource) -> ResourceDefinition? {
        contents.withLock { $0.byGroupResource[resource] }
    }

    /// The definition serving `resource` at `group/version`, if that version is served.
    public func definition(group: String, version: String, resource: String) -> ResourceDefinition? {
        guard let d = definition(for: GroupResource(group: group, resource: resource)), d.version(version) != nil else { return nil }
        return d
    }

    /// The definition for a kind in a group (any served version).
    public func definition(forKind kind: GroupKind) -> ResourceDefinition? {
        contents.withLock { c in c.byGroupResource.values.first { $0.group == kind.group && $0.kind == kind.kind } }
    }

    /// Every definition, in discovery order (groups as kube-apiserver orders them, then by resource).
    public var all: [ResourceDefinition] {
        let defs = contents.withLock { Array($0.byGroupResource.values) }
        return defs.sorted { a, b in
            let ga = BuiltinResources.groupOrder.firstIndex(of: a.group) ?? Int.max
            let gb = BuiltinResources.groupOrder.firstIndex(of: b.group) ?? Int.max
            if ga != gb { return ga < gb }
            if a.group != b.group { return a.group < b.group }
            return a.resource < b.resource
        }
    }

    /// Installs or replaces the resource defined by a CRD. Returns the definition, or the validation
    /// errors that keep the CRD from being served.
    @discardableResult
    public func install(crd: JSON) -> ResourceDefinition? {
        guard let definition = try? CustomResourceDefinitions.definition(from: crd) else { return nil }
        let name = crd.name
        contents.withLock { c in
            if let previous = c.crdResources[name], previous != definition.groupResource {
                c.byGroupResource[previous] = nil
            }
            // A CRD may not shadow a built-in resource.
            if let existing = c.byGroupResource[definition.groupResource], !existing.isCustom { return }
            c.byGroupResource[definition.groupResource] = definition
            c.crdResources[name] = definition.groupResource
            c.generation += 1
        }
        return definition
    }

    /// Stops serving the resource of a deleted CRD.
    public func uninstall(crdName: String) {
        contents.withLock { c in
            if let gr = c.crdResources.removeValue(forKey: crdName) {
                c.byGroupResource[gr] = nil
                c.generation += 1
            }
        }
    }

    /// Resolves a name the way kubectl users type it in errors and `kubectl explain` (plural, singular,
    /// short name or kind), for diagnostics only.
    public func resolve(_ name: String) -> ResourceDefinition? {
        let lower = name.lowercased()
        return all.first { $0.resource == lower || $0.singular == lower || $0.shortNames.contains(lower) || $0.kind.lowercased() == lower }
    }
}
