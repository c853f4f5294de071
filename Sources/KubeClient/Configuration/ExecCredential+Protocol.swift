import Foundation
import KubeModel

/// The `client.authentication.k8s.io` wire format: the request a plugin finds in `KUBERNETES_EXEC_INFO`
/// and the `ExecCredential` it prints. Pure functions, tested without running anything.
extension ExecCredential {
    /// `{"apiVersion": ..., "kind": "ExecCredential", "spec": {"interactive": false, "cluster": {...}}}`.
    /// Tack never gives a plugin a terminal, so `interactive` is always false.
    static func request(apiVersion: String, cluster: JSON?) -> JSON {
        var spec: [String: JSON] = ["interactive": false]
        if let cluster { spec["cluster"] = cluster }
        return ["apiVersion": .string(apiVersion), "kind": "ExecCredential", "spec": .object(spec)]
    }

    /// `spec.cluster` for a plugin with `provideClusterInfo`: the fields client-go sends, empty ones left
    /// out as Go's `omitempty` does.
    static func clusterInfo(_ configuration: ClientConfiguration) -> JSON {
        var cluster: [String: JSON] = ["server": .string(configuration.server.absoluteString)]
        if let serverName = configuration.tls.serverName { cluster["tls-server-name"] = .string(serverName) }
        if configuration.tls.insecureSkipVerify { cluster["insecure-skip-tls-verify"] = true }
        if let ca = configuration.tls.certificateAuthorityPEM {
            cluster["certificate-authority-data"] = .string(Data(ca.utf8).base64EncodedString())
        }
        if let proxy = configuration.proxyURL { cluster["proxy-url"] = .string(proxy.absoluteString) }
        return .object(cluster)
    }

    /// Reads a plugin's standard output. The `apiVersion` must be the one requested; the status must hold
    /// a token or a certificate and key. `fail` turns a problem phrase into the caller's error; phrases
    /// never quote the output, which holds secrets.
    static func decode(_ output: Data, apiVersion: String, fail: (String) -> KubeconfigError) throws -> ExecCredential {
        let document: JSON
        do {
            document = try JSON.parse(output)
        } catch {
            throw fail("printed something that is not an ExecCredential (\(error))")
        }
        guard let root = document.objectValue else {
            throw fail("printed JSON that is not an ExecCredential object (got \(document.typeName))")
        }
        let returnedVersion = root["apiVersion"]?.stringValue ?? ""
        guard returnedVersion == apiVersion else {
            let shown = returnedVersion.isEmpty ? "no apiVersion" : returnedVersion
            throw fail("is configured for \(apiVersion) but returned \(shown)")
        }
        let kind = root["kind"]?.stringValue ?? ""
        guard kind == "ExecCredential" else {
            throw fail("returned kind \"\(kind)\", expected ExecCredential")
        }
        guard let status = root["status"]?.objectValue else { throw fail("returned no status") }

        func text(_ field: String) throws -> String? {
            switch status[field] {
            case nil, .null?: return nil
            case .string(let value)?: return value.isEmpty ? nil : value
            case let other?: throw fail("returned status.\(field) as \(other.typeName), expected a string")
            }
        }
        var credential = ExecCredential()
        credential.token = try text("token")
        credential.clientCertificatePEM = try text("clientCertificateData")
        credential.clientKeyPEM = try text("clientKeyData")
        if credential.token == nil && credential.clientCertificatePEM == nil && credential.clientKeyPEM == nil {
            throw fail("returned neither a token nor a client certificate and key")
        }
        if (credential.clientCertificatePEM == nil) != (credential.clientKeyPEM == nil) {
            throw fail("returned only one of status.clientCertificateData and status.clientKeyData; both are needed")
        }
        if let certificate = credential.clientCertificatePEM, !PEMText.Kind.certificate.matches(certificate) {
            throw fail("returned status.clientCertificateData that does not contain a PEM certificate")
        }
        if let key = credential.clientKeyPEM, !PEMText.Kind.privateKey.matches(key) {
            throw fail("returned status.clientKeyData that does not contain a PEM private key")
        }
        if let stamp = try text("expirationTimestamp") {
            guard let date = Timestamp.parse(stamp) else {
                throw fail("returned status.expirationTimestamp \"\(stamp)\", which is not an RFC 3339 time")
            }
            credential.expiration = date
        }
        return credential
    }
}
