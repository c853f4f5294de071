import Foundation

/// Finds and reads kubeconfig files the way kubectl does (client-go's `clientcmd` loading rules):
///
/// - `--kubeconfig` names the only file, which must exist;
/// - else `KUBECONFIG` lists files separated by `:`, merged in order (duplicates and missing files skipped);
/// - else `~/.kube/config`.
///
/// Merging: for clusters, users and contexts the first file that defines a name wins; `current-context`
/// comes from the first file that sets it; relative paths resolve against the directory of the file that
/// wrote them. `--context` overrides `current-context`.
public enum KubeconfigLoader {
    /// The client configuration for `context` (else `current-context`) from the `--kubeconfig` file if
    /// given, else the files in `KUBECONFIG` merged, else `~/.kube/config`.
    public static func load(
        kubeconfig: String? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = NSHomeDirectory()
    ) throws -> ClientConfiguration {
        let merged = try loadKubeconfig(kubeconfig: kubeconfig, environment: environment, homeDirectory: homeDirectory)
        return try merged.clientConfiguration(context: context)
    }

    /// As kubectl: the kubeconfig when one selects a context; else, inside a pod, the service account
    /// (``InClusterConfiguration``); else an error saying what was looked for. A kubeconfig with a mistake,
    /// a missing `--kubeconfig` file or an unknown `--context` is reported, never papered over.
    public static func automatic(
        kubeconfig: String? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ClientConfiguration {
        try automatic(kubeconfig: kubeconfig, context: context, environment: environment,
                      homeDirectory: NSHomeDirectory(), inClusterRoot: InClusterConfiguration.defaultRoot)
    }

    /// ``automatic(kubeconfig:context:environment:)`` with the home directory and service account
    /// directory given, for tests.
    static func automatic(
        kubeconfig: String?, context: String?, environment: [String: String],
        homeDirectory: String, inClusterRoot: String
    ) throws -> ClientConfiguration {
        do {
            return try load(kubeconfig: kubeconfig, context: context, environment: environment, homeDirectory: homeDirectory)
        } catch let error as KubeconfigError where error.isNoConfiguration && context == nil {
            if InClusterConfiguration.isAvailable(root: inClusterRoot, environment: environment) {
                return try InClusterConfiguration.load(root: inClusterRoot, environment: environment)
            }
            throw KubeconfigError(
                "\(error.message); not running in a cluster either (KUBERNETES_SERVICE_HOST and "
                    + "KUBERNETES_SERVICE_PORT are not set or \(inClusterRoot)/token is missing)",
                reason: .noConfiguration)
        }
    }

    /// The merged kubeconfig (for listing contexts, as `tack cluster add` does). Throws a
    /// ``KubeconfigError/isNoConfiguration`` error when no file exists.
    public static func loadKubeconfig(
        kubeconfig: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = NSHomeDirectory()
    ) throws -> Kubeconfig {
        if let kubeconfig, !kubeconfig.isEmpty {
            let path = ConfigFile.absolute(kubeconfig)
            guard FileManager.default.fileExists(atPath: path) else {
                throw KubeconfigError.file(path, "no such file (given with --kubeconfig)")
            }
            return try Kubeconfig.read(contentsOf: path)
        }
        let candidates = paths(kubeconfig: nil, environment: environment, homeDirectory: homeDirectory)
        var files: [Kubeconfig] = []
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            files.append(try Kubeconfig.read(contentsOf: path))
        }
        guard !files.isEmpty else {
            if let list = environment["KUBECONFIG"], !list.isEmpty {
                throw KubeconfigError(
                    "no kubeconfig found: none of the files in KUBECONFIG exist (\(candidates.joined(separator: ":")))",
                    reason: .noConfiguration)
            }
            throw KubeconfigError(
                "no kubeconfig found: \(candidates.joined(separator: ":")) does not exist; set KUBECONFIG or pass --kubeconfig",
                reason: .noConfiguration)
        }
        return Kubeconfig.merging(files)
    }

    /// The files the loader reads, in precedence order, as absolute paths: the `--kubeconfig` file, else
    /// the `KUBECONFIG` entries (empty entries and duplicates dropped), else `~/.kube/config`.
    public static func paths(
        kubeconfig: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = NSHomeDirectory()
    ) -> [String] {
        if let kubeconfig, !kubeconfig.isEmpty { return [ConfigFile.absolute(kubeconfig)] }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen: Set<String> = []
            return list.split(separator: ":", omittingEmptySubsequences: true)
                .map { ConfigFile.absolute(String($0)) }
                .filter { seen.insert($0).inserted }
        }
        return [ConfigFile.absolute(".kube/config", relativeTo: ConfigFile.absolute(homeDirectory))]
    }
}
