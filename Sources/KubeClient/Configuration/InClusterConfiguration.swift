import Foundation

/// The configuration of a process running in a pod, from its service account as client-go's
/// `rest.InClusterConfig` reads it: the API server at `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`,
/// the mounted `token` (re-read on use, as the kubelet rotates it), `ca.crt`, and the namespace from
/// `POD_NAMESPACE` or the mounted `namespace` file.
public enum InClusterConfiguration {
    /// Where the kubelet mounts the service account.
    public static let defaultRoot = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The in-cluster configuration. Requires both environment variables and a readable token; a missing
    /// `ca.crt` leaves the system trust store in place (client-go logs and continues the same way).
    public static func load(
        root: String = "/var/run/secrets/kubernetes.io/serviceaccount",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeconfigError(
                "in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set "
                    + "(is this process running in a pod?)",
                reason: .noConfiguration)
        }
        // An IPv6 service address needs brackets in a URL (net.JoinHostPort).
        let authority = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard let server = URL(string: "https://\(authority)"), server.host != nil, server.port != nil else {
            throw KubeconfigError(
                "in-cluster configuration: KUBERNETES_SERVICE_HOST \"\(host)\" and KUBERNETES_SERVICE_PORT \"\(port)\" "
                    + "do not form a valid URL")
        }

        let tokenPath = ConfigFile.absolute("token", relativeTo: root)
        do {
            _ = try ConfigFile.read(tokenPath)
        } catch {
            throw KubeconfigError("in-cluster configuration: service account token \(tokenPath) cannot be read: \(error.reason)")
        }

        var tls = TLSSettings()
        let caPath = ConfigFile.absolute("ca.crt", relativeTo: root)
        if FileManager.default.fileExists(atPath: caPath) {
            tls.certificateAuthorityPEM = try PEMText.read(caPath, kind: .certificate) {
                KubeconfigError("in-cluster configuration: \(caPath) \($0)")
            }
        }

        var configuration = ClientConfiguration(
            server: server, tls: tls, credentials: .tokenFile(tokenPath), namespace: namespace(root: root, environment: environment))
        configuration.source = "in-cluster"
        return configuration
    }

    /// Whether ``load(root:environment:)`` can work: both variables set and the token file present
    /// (client-go's `inClusterClientConfig.Possible`).
    public static func isAvailable(
        root: String = "/var/run/secrets/kubernetes.io/serviceaccount",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else { return false }
        return ConfigFile.isFile(ConfigFile.absolute("token", relativeTo: root))
    }

    /// `POD_NAMESPACE` (set through the downward API), else the mounted `namespace` file, else `default`.
    static func namespace(root: String, environment: [String: String]) -> String {
        if let namespace = environment["POD_NAMESPACE"], !namespace.isEmpty { return namespace }
        if let text = try? ConfigFile.read(ConfigFile.absolute("namespace", relativeTo: root)) {
            let namespace = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !namespace.isEmpty { return namespace }
        }
        return "default"
    }
}
