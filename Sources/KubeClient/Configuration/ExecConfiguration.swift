import Foundation

/// A client-go credential plugin as configured in a kubeconfig (`users[].user.exec`): a program that prints
/// an `ExecCredential` (`client.authentication.k8s.io/v1` or `v1beta1`) with a token or client certificate.
/// Cloud CLIs use it (`gke-gcloud-auth-plugin`, `aws eks get-token`, `kubelogin`). Run it with
/// ``ExecCredentialProvider``.
public struct ExecConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The `ExecCredential` version to send and expect back, e.g. `client.authentication.k8s.io/v1`.
    public var apiVersion: String
    /// The program: an absolute path, or a name looked up in `PATH`. A relative path with a `/` in a
    /// kubeconfig is resolved against the kubeconfig's directory when the file is read.
    public var command: String
    /// Arguments passed to the program.
    public var args: [String]
    /// Extra environment variables, on top of the current process's environment.
    public var env: [String: String]
    /// Shown when the program is not installed.
    public var installHint: String?
    /// Send the cluster's server and CA to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`. `v1beta1` defaults it to `IfAvailable`; `v1` requires it.
    public var interactiveMode: String?

    /// A plugin configuration.
    public init(
        apiVersion: String,
        command: String,
        args: [String] = [],
        env: [String: String] = [:],
        installHint: String? = nil,
        provideClusterInfo: Bool = false,
        interactiveMode: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
    }

    /// The command and arguments; environment values are left out because plugins are often given secrets
    /// that way.
    public var description: String {
        var text = "exec \(command)"
        if !args.isEmpty { text += " " + args.joined(separator: " ") }
        if !env.isEmpty { text += " (env: " + env.keys.sorted().joined(separator: ", ") + ")" }
        return text
    }
}

extension ExecConfiguration {
    /// The `ExecCredential` versions client-go (and Tack) speak.
    static let supportedAPIVersions: Set<String> = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    /// Interactive modes a kubeconfig may name.
    static let interactiveModes: Set<String> = ["Never", "IfAvailable", "Always"]

    /// Why this configuration cannot be run, as client-go's validation says it, or nil.
    var problem: String? {
        if command.isEmpty { return "exec: command is required" }
        if apiVersion.isEmpty { return "exec: apiVersion is required" }
        if apiVersion == "client.authentication.k8s.io/v1alpha1" {
            return "exec: apiVersion client.authentication.k8s.io/v1alpha1 is no longer supported; "
                + "use client.authentication.k8s.io/v1 (or v1beta1)"
        }
        if !Self.supportedAPIVersions.contains(apiVersion) {
            return "exec: apiVersion \"\(apiVersion)\" is not supported; use client.authentication.k8s.io/v1 (or v1beta1)"
        }
        guard let interactiveMode else {
            return "exec: interactiveMode must be set for apiVersion \(apiVersion) (Never, IfAvailable or Always)"
        }
        if !Self.interactiveModes.contains(interactiveMode) {
            return "exec: invalid interactiveMode \"\(interactiveMode)\" (Never, IfAvailable or Always)"
        }
        return nil
    }
}
