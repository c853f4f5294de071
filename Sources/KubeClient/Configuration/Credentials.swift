import Foundation

/// How requests prove who is calling, besides a TLS client certificate (which lives in ``TLSSettings``).
///
/// Chosen from a kubeconfig user with client-go's precedence: a `token` (or `tokenFile`), else
/// `username`/`password`, else an `exec` plugin when no client certificate is configured either. A token
/// together with a username/password is refused, as client-go refuses it.
public enum Credentials: Sendable, Hashable, CustomStringConvertible {
    /// Anonymous, or identified by the client certificate alone.
    case none
    /// `Authorization: Bearer <token>`.
    case bearerToken(String)
    /// A bearer token read from this file on use (service account tokens rotate); see
    /// ``Credentials/readTokenFile(_:)``.
    case tokenFile(String)
    /// HTTP basic authentication.
    case basic(username: String, password: String)
    /// A credential plugin; run it through ``ExecCredentialProvider``.
    case exec(ExecConfiguration)

    /// The kind of credential, without the secret.
    public var description: String {
        switch self {
        case .none: return "none"
        case .bearerToken: return "bearer token <redacted>"
        case .tokenFile(let path): return "token file \(path)"
        case .basic(let username, _): return "basic auth as \(username) <password redacted>"
        case .exec(let configuration): return configuration.description
        }
    }

    /// The token in a token file, without surrounding whitespace (files usually end in a newline), as
    /// client-go's cached file token source reads it.
    public static func readTokenFile(_ path: String) throws -> String {
        let text: String
        do {
            text = try ConfigFile.read(path)
        } catch {
            throw KubeconfigError("token file \(path) cannot be read: \(error.reason)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw KubeconfigError("token file \(path) is empty") }
        return token
    }
}
