import Foundation

extension Kubeconfig {
    /// `users[].user`: credentials as written. Paths are absolute; `-data` fields are base64 as written.
    public struct User: Sendable, Hashable, CustomStringConvertible {
        /// `token`. A secret.
        public var token: String?
        /// `tokenFile`: absolute path.
        public var tokenFile: String?
        /// `username`.
        public var username: String?
        /// `password`. A secret.
        public var password: String?
        /// `client-certificate`: absolute path of a PEM certificate.
        public var clientCertificate: String?
        /// `client-certificate-data`: base64 of a PEM certificate.
        public var clientCertificateData: String?
        /// `client-key`: absolute path of a PEM key.
        public var clientKey: String?
        /// `client-key-data`: base64 of a PEM key. A secret.
        public var clientKeyData: String?
        /// `exec`: a credential plugin (with `interactiveMode` defaulted for `v1beta1`, as client-go does).
        public var exec: ExecConfiguration?
        /// `auth-provider.name` (gcp, azure, oidc): the removed in-tree plugins, which Tack does not run.
        public var authProvider: String?
        /// `as`: a user to impersonate, which Tack does not support.
        public var impersonate: String?
        /// The file this entry came from.
        public var origin: String

        /// A user entry.
        public init(
            token: String? = nil,
            tokenFile: String? = nil,
            username: String? = nil,
            password: String? = nil,
            clientCertificate: String? = nil,
            clientCertificateData: String? = nil,
            clientKey: String? = nil,
            clientKeyData: String? = nil,
            exec: ExecConfiguration? = nil,
            authProvider: String? = nil,
            impersonate: String? = nil,
            origin: String
        ) {
            self.token = token
            self.tokenFile = tokenFile
            self.username = username
            self.password = password
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.exec = exec
            self.authProvider = authProvider
            self.impersonate = impersonate
            self.origin = origin
        }

        /// Which fields are set, with every secret redacted.
        public var description: String {
            var parts: [String] = []
            if token != nil { parts.append("token: <redacted>") }
            if let tokenFile { parts.append("tokenFile: \(tokenFile)") }
            if let username { parts.append("username: \(username)") }
            if password != nil { parts.append("password: <redacted>") }
            if let clientCertificate { parts.append("client-certificate: \(clientCertificate)") }
            if clientCertificateData != nil { parts.append("client-certificate-data") }
            if let clientKey { parts.append("client-key: \(clientKey)") }
            if clientKeyData != nil { parts.append("client-key-data: <redacted>") }
            if let exec { parts.append(exec.description) }
            if let authProvider { parts.append("auth-provider: \(authProvider)") }
            if let impersonate { parts.append("as: \(impersonate)") }
            return "User(" + parts.joined(separator: ", ") + ") from \(origin)"
        }
    }
}
