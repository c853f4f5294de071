import Foundation
import KubeModel

/// A kubeconfig (`apiVersion: v1`, `kind: Config`) as read from one file or merged from several, with
/// the lists keyed by name and every relative path already resolved against the directory of the file
/// that wrote it.
///
/// Each cluster, user and context remembers the file it came from, so messages name the right file after
/// a merge. Nothing is checked beyond the shape of the file: a context may name a user that does not exist
/// until ``clientConfiguration(context:)`` is asked to use it, as client-go only validates what it uses.
public struct Kubeconfig: Sendable, Hashable {
    /// The files read, in precedence order (first wins).
    public var sources: [String]
    /// `current-context`, nil when unset or empty.
    public var currentContext: String?
    /// `clusters[]` by name.
    public var clusters: [String: Cluster]
    /// `users[]` by name.
    public var users: [String: User]
    /// `contexts[]` by name.
    public var contexts: [String: Context]

    /// A configuration with the given parts.
    public init(
        sources: [String] = [],
        currentContext: String? = nil,
        clusters: [String: Cluster] = [:],
        users: [String: User] = [:],
        contexts: [String: Context] = [:]
    ) {
        self.sources = sources
        self.currentContext = currentContext
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
    }

    /// `kubeconfig /a:/b`, as messages and ``ClientConfiguration/source`` name it.
    public var sourceDescription: String {
        "kubeconfig " + (sources.isEmpty ? "(none)" : sources.joined(separator: ":"))
    }

    /// True when no file contributed anything.
    public var isEmpty: Bool {
        currentContext == nil && clusters.isEmpty && users.isEmpty && contexts.isEmpty
    }

    /// Reads one file. A path that is not absolute is taken from the current directory.
    public static func read(contentsOf path: String) throws -> Kubeconfig {
        let absolute = ConfigFile.absolute(path)
        let text: String
        do {
            text = try ConfigFile.read(absolute)
        } catch {
            throw KubeconfigError.file(absolute, "cannot be read: \(error.reason)")
        }
        return try parse(text, path: absolute)
    }

    /// Parses kubeconfig text that was read from `path` (an absolute path: relative paths inside resolve
    /// against its directory). Empty text is an empty configuration, as in client-go.
    public static func parse(_ text: String, path: String) throws -> Kubeconfig {
        let document: JSON
        do {
            document = try YAML.decode(text)
        } catch {
            throw KubeconfigError.file(path, "not a valid YAML document: \(error)")
        }
        return try KubeconfigDecoder(path: path).decode(document)
    }

    /// Several files merged with client-go's rules: for clusters, users and contexts the first file that
    /// defines a name wins, whole entry; `current-context` comes from the first file that sets it.
    public static func merging(_ files: [Kubeconfig]) -> Kubeconfig {
        var merged = Kubeconfig()
        for file in files {
            merged.sources.append(contentsOf: file.sources)
            if merged.currentContext == nil { merged.currentContext = file.currentContext }
            merged.clusters.merge(file.clusters) { first, _ in first }
            merged.users.merge(file.users) { first, _ in first }
            merged.contexts.merge(file.contexts) { first, _ in first }
        }
        return merged
    }
}
