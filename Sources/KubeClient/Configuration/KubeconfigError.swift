import Foundation

/// A client configuration that cannot be used: a kubeconfig file, context, cluster or user at fault, missing
/// in-cluster files, or a credential plugin that failed.
///
/// The message names the file, the context and the field (`kubeconfig /tmp/x.yaml: context "dev" refers to
/// user "alice", which is not defined`) and never contains a secret: tokens, passwords, keys and plugin
/// output are left out, so the message is safe to log and to show.
public struct KubeconfigError: Error, Sendable, CustomStringConvertible {
    /// The human-readable explanation.
    public let message: String

    /// Why, for callers that choose a fallback (``KubeconfigLoader/automatic(kubeconfig:context:environment:)``
    /// tries in-cluster configuration only when no kubeconfig selects a context).
    enum Reason: Sendable, Equatable {
        /// No kubeconfig file was found, or none selects a context: nothing was configured.
        case noConfiguration
        /// A plugin run that ended without a usable credential.
        case plugin
        /// Anything else: the configuration is there and wrong.
        case invalid
    }

    let reason: Reason

    init(_ message: String, reason: Reason = .invalid) {
        self.message = message
        self.reason = reason
    }

    public var description: String { message }

    /// True when nothing was configured at all (no file, or no context selected), as opposed to a
    /// configuration with a mistake in it.
    public var isNoConfiguration: Bool { reason == .noConfiguration }

    /// `kubeconfig <file>: <problem>`.
    static func file(_ path: String, _ problem: String) -> KubeconfigError {
        KubeconfigError("kubeconfig \(path): \(problem)")
    }
}
