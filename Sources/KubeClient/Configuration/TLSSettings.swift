import Foundation

/// How to verify the API server and, optionally, which client certificate to present.
///
/// Files named in a kubeconfig are read when the configuration is loaded, so every field holds PEM text;
/// the HTTP client never touches the file system for TLS.
public struct TLSSettings: Sendable, Hashable, CustomStringConvertible {
    /// PEM certificates to trust, from `certificate-authority-data` (base64-decoded) or `certificate-authority`.
    /// Nil means the system trust store.
    public var certificateAuthorityPEM: String?
    /// `insecure-skip-tls-verify`: accept any server certificate. Never combined with a CA (as in client-go).
    public var insecureSkipVerify: Bool
    /// `tls-server-name`: the name to verify the server certificate against (and send as SNI) instead of the
    /// host in the server URL.
    public var serverName: String?
    /// PEM client certificate (chain), from `client-certificate-data` or `client-certificate`.
    public var clientCertificatePEM: String?
    /// PEM private key for ``clientCertificatePEM``. A secret: never printed.
    public var clientKeyPEM: String?

    /// Settings with the given parts; the default verifies against the system trust store and presents no
    /// client certificate.
    public init(
        certificateAuthorityPEM: String? = nil,
        insecureSkipVerify: Bool = false,
        serverName: String? = nil,
        clientCertificatePEM: String? = nil,
        clientKeyPEM: String? = nil
    ) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// True when a client certificate and key are both present.
    public var hasClientCertificate: Bool { clientCertificatePEM != nil && clientKeyPEM != nil }

    /// A summary without key material.
    public var description: String {
        var parts: [String] = []
        parts.append(certificateAuthorityPEM == nil ? "ca: system" : "ca: custom")
        if insecureSkipVerify { parts.append("insecure-skip-tls-verify") }
        if let serverName { parts.append("server-name: \(serverName)") }
        if clientCertificatePEM != nil { parts.append("client-certificate") }
        if clientKeyPEM != nil { parts.append("client-key: <redacted>") }
        return "TLSSettings(" + parts.joined(separator: ", ") + ")"
    }
}
