import Foundation
import KubeModel

/// What a credential plugin returned: a bearer token, or a client certificate and key, and until when it
/// may be used. Printing it never shows the token or the key.
public struct ExecCredential: Sendable, Hashable, CustomStringConvertible {
    /// `status.token`. A secret.
    public var token: String?
    /// `status.clientCertificateData`: PEM.
    public var clientCertificatePEM: String?
    /// `status.clientKeyData`: PEM. A secret.
    public var clientKeyPEM: String?
    /// `status.expirationTimestamp`; nil means valid until the server rejects it.
    public var expiration: Date?

    /// A credential.
    public init(token: String? = nil, clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil, expiration: Date? = nil) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.expiration = expiration
    }

    /// What kind of credential it is and when it expires, without secrets.
    public var description: String {
        var parts: [String] = []
        if token != nil { parts.append("token: <redacted>") }
        if clientCertificatePEM != nil { parts.append("client certificate") }
        if clientKeyPEM != nil { parts.append("client key: <redacted>") }
        parts.append("expires: " + (expiration.map(Timestamp.format) ?? "never"))
        return "ExecCredential(" + parts.joined(separator: ", ") + ")"
    }
}
