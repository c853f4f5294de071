import Crypto
import Foundation
import SwiftASN1
import X509

/// The credentials of an embedded cluster: a CA, a server certificate for 127.0.0.1 and localhost signed by
/// it, and an admin bearer token. Generated once into the data directory and reused, so that a kubeconfig
/// written by an earlier `tack up` keeps working.
public struct ClusterCredentials: Sendable {
    public var caCertificatePEM: String
    public var caKeyPEM: String
    public var serverCertificatePEM: String
    public var serverKeyPEM: String
    public var adminToken: String

    /// Loads the credentials from `directory`, creating whatever is missing.
    public static func loadOrCreate(in directory: URL) throws -> ClusterCredentials {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        func read(_ name: String) -> String? { try? String(contentsOf: path(name), encoding: .utf8) }
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: path(name), options: .atomic)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path(name).path)
        }
        var caCert = read("ca.crt"), caKey = read("ca.key")
        if caCert == nil || caKey == nil {
            let generated = try generateCA()
            caCert = generated.cert
            caKey = generated.key
            try write("ca.crt", generated.cert)
            try write("ca.key", generated.key)
        }
        var serverCert = read("apiserver.crt"), serverKey = read("apiserver.key")
        if serverCert == nil || serverKey == nil || !isSignedBy(serverCert!, ca: caCert!) {
            let generated = try generateServerCertificate(caCertPEM: caCert!, caKeyPEM: caKey!)
            serverCert = generated.cert
            serverKey = generated.key
            try write("apiserver.crt", generated.cert)
            try write("apiserver.key", generated.key)
        }
        var token = read("admin.token")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if token == nil || token!.isEmpty {
            token = randomToken()
            try write("admin.token", token! + "\n")
        }
        return ClusterCredentials(caCertificatePEM: caCert!, caKeyPEM: caKey!, serverCertificatePEM: serverCert!,
                                  serverKeyPEM: serverKey!, adminToken: token!)
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func generateCA() throws -> (cert: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Tack")
            CommonName("tack-ca")
        }
        let now = Date()
        let cert = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try cert.serializeAsPEM().pemString, key.pemRepresentation)
    }

    static func generateServerCertificate(caCertPEM: String, caKeyPEM: String) throws -> (cert: String, key: String) {
        let caCert = try Certificate(pemEncoded: caCertPEM)
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: caKeyPEM)
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let cert = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(5 * 365 * 86400),
            issuer: caCert.subject,
            subject: try DistinguishedName { CommonName("tack-apiserver") },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .dnsName("kubernetes"), .dnsName("kubernetes.default"),
                    .dnsName("kubernetes.default.svc"), .dnsName("kubernetes.default.svc.cluster.local"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 96, 0, 1])),
                ])
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        return (try cert.serializeAsPEM().pemString, key.pemRepresentation)
    }

    static func isSignedBy(_ certPEM: String, ca caPEM: String) -> Bool {
        guard let cert = try? Certificate(pemEncoded: certPEM), let ca = try? Certificate(pemEncoded: caPEM) else { return false }
        return ca.publicKey.isValidSignature(cert.signature, for: cert) && cert.notValidAfter > Date().addingTimeInterval(86400)
    }

    /// A kubeconfig for the admin user against `server`.
    public func kubeconfig(server: String, clusterName: String = "tack", user: String = "tack-admin") -> String {
        let ca = Data(caCertificatePEM.utf8).base64EncodedString()
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            certificate-authority-data: \(ca)
            server: \(server)
          name: \(clusterName)
        contexts:
        - context:
            cluster: \(clusterName)
            user: \(user)
            namespace: default
          name: \(clusterName)
        current-context: \(clusterName)
        preferences: {}
        users:
        - name: \(user)
          user:
            token: \(adminToken)

        """
    }
}
