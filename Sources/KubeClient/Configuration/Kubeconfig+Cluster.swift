import Foundation

extension Kubeconfig {
    /// `clusters[].cluster`: where an API server is and how to trust it.
    public struct Cluster: Sendable, Hashable {
        /// `server`, e.g. `https://10.0.0.1:6443`.
        public var server: String?
        /// `certificate-authority`: absolute path of a PEM bundle.
        public var certificateAuthority: String?
        /// `certificate-authority-data`: base64 of a PEM bundle, as written.
        public var certificateAuthorityData: String?
        /// `insecure-skip-tls-verify`.
        public var insecureSkipTLSVerify: Bool
        /// `tls-server-name`.
        public var tlsServerName: String?
        /// `proxy-url`.
        public var proxyURL: String?
        /// The file this entry came from.
        public var origin: String

        /// A cluster entry.
        public init(
            server: String? = nil,
            certificateAuthority: String? = nil,
            certificateAuthorityData: String? = nil,
            insecureSkipTLSVerify: Bool = false,
            tlsServerName: String? = nil,
            proxyURL: String? = nil,
            origin: String
        ) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.proxyURL = proxyURL
            self.origin = origin
        }
    }
}
