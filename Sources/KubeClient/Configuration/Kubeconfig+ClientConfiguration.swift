import Foundation
import KubeModel

extension Kubeconfig {
    /// The configuration for one context (`context`, else `current-context`), with files read and
    /// checked as client-go checks the parts it uses: the context's cluster must have a server; CA data and
    /// file, client certificate data and file, a token and a password, insecure and a CA may not be mixed;
    /// a v1 exec plugin must say its `interactiveMode`. Unlike client-go, a context naming an undefined
    /// user is an error rather than a silent anonymous client.
    public func clientConfiguration(context override: String? = nil) throws -> ClientConfiguration {
        let (contextName, context) = try selectContext(override)
        let at = "kubeconfig \(context.origin)"

        guard let clusterName = context.cluster else {
            throw KubeconfigError("\(at): context \"\(contextName)\" names no cluster")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeconfigError("\(at): context \"\(contextName)\" refers to cluster \"\(clusterName)\", which is not defined")
        }
        var user: User?
        if let userName = context.user {
            guard let found = users[userName] else {
                throw KubeconfigError("\(at): context \"\(contextName)\" refers to user \"\(userName)\", which is not defined")
            }
            user = found
        }
        let namespace = context.namespace ?? "default"
        if let problem = Validation.dns1123LabelError(namespace) {
            throw KubeconfigError("\(at): context \"\(contextName)\": namespace \"\(namespace)\" is invalid: \(problem)")
        }

        var tls = try cluster.tlsSettings(name: clusterName)
        var credentials = Credentials.none
        if let user, let userName = context.user {
            let identity = try user.identity(name: userName)
            tls.clientCertificatePEM = identity.certificatePEM
            tls.clientKeyPEM = identity.keyPEM
            credentials = identity.credentials
        }
        let server = try cluster.serverURL(name: clusterName, defaultTLS: tls.certificateAuthorityPEM != nil
            || tls.insecureSkipVerify || tls.clientCertificatePEM != nil)

        var configuration = ClientConfiguration(server: server, tls: tls, credentials: credentials, namespace: namespace)
        configuration.contextName = contextName
        configuration.clusterName = clusterName
        configuration.userName = context.user
        configuration.source = sourceDescription
        configuration.proxyURL = try cluster.proxy(name: clusterName)
        return configuration
    }

    /// The context to use, or why there is none. "Nothing selected" is ``KubeconfigError/isNoConfiguration``
    /// (kubectl then tries in-cluster configuration); a named context that does not exist is not.
    private func selectContext(_ override: String?) throws -> (String, Context) {
        let known = contexts.keys.sorted()
        let knownList = known.isEmpty ? "no contexts are defined" : "known: " + known.joined(separator: ", ")
        guard let name = override ?? currentContext else {
            if isEmpty {
                throw KubeconfigError("\(sourceDescription) is empty", reason: .noConfiguration)
            }
            throw KubeconfigError(
                "\(sourceDescription): no current-context is set; pass --context (\(knownList))", reason: .noConfiguration)
        }
        guard let context = contexts[name] else {
            if override == nil {
                throw KubeconfigError("\(sourceDescription): current-context \"\(name)\" is not defined (\(knownList))")
            }
            throw KubeconfigError("no context \"\(name)\" in \(sourceDescription) (\(knownList))")
        }
        return (name, context)
    }
}

extension Kubeconfig.Cluster {
    /// `kubeconfig <origin>: cluster "<name>": <problem>`.
    func fail(_ name: String, _ problem: String) -> KubeconfigError {
        .file(origin, "cluster \"\(name)\": \(problem)")
    }

    /// CA, insecure flag and server name, with the CA file read.
    func tlsSettings(name: String) throws -> TLSSettings {
        var tls = TLSSettings(insecureSkipVerify: insecureSkipTLSVerify, serverName: tlsServerName)
        switch (certificateAuthorityData, certificateAuthority) {
        case (_?, _?):
            throw fail(name, "certificate-authority-data and certificate-authority are both set; keep one")
        case (let data?, nil):
            tls.certificateAuthorityPEM = try PEMText.decodeBase64(data, kind: .certificate) { fail(name, "certificate-authority-data \($0)") }
        case (nil, let file?):
            tls.certificateAuthorityPEM = try PEMText.read(file, kind: .certificate) { fail(name, "certificate-authority \(file) \($0)") }
        case (nil, nil):
            break
        }
        if insecureSkipTLSVerify && tls.certificateAuthorityPEM != nil {
            let field = certificateAuthorityData != nil ? "certificate-authority-data" : "certificate-authority"
            throw fail(name, "insecure-skip-tls-verify cannot be combined with \(field); remove one")
        }
        return tls
    }

    /// The server URL as client-go's `DefaultServerURL` makes it: a bare `host:port` gets `https://` when
    /// TLS is configured and `http://` otherwise; query and fragment are dropped.
    func serverURL(name: String, defaultTLS: Bool) throws -> URL {
        guard let server else { throw KubeconfigError.file(origin, "no server in cluster \"\(name)\"") }
        var text = server
        if !(text.hasPrefix("https://") || text.hasPrefix("http://")) {
            if let parsed = URL(string: text), parsed.scheme != nil, parsed.host != nil {
                throw fail(name, "server \"\(server)\" must use http or https")
            }
            text = (defaultTLS ? "https://" : "http://") + text
        }
        guard var components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw fail(name, "server \"\(server)\" is not a valid URL")
        }
        components.query = nil
        components.fragment = nil
        guard let url = components.url else { throw fail(name, "server \"\(server)\" is not a valid URL") }
        return url
    }

    /// `proxy-url`, checked for a scheme client-go accepts.
    func proxy(name: String) throws -> URL? {
        guard let proxyURL else { return nil }
        guard let url = URL(string: proxyURL), let scheme = url.scheme?.lowercased(),
              ["http", "https", "socks5"].contains(scheme), url.host != nil
        else {
            throw fail(name, "proxy-url \"\(proxyURL)\" is not a valid http, https or socks5 URL")
        }
        return url
    }
}

extension Kubeconfig.User {
    /// What a user entry resolves to: request credentials and an optional client certificate.
    struct Identity {
        var credentials: Credentials
        var certificatePEM: String?
        var keyPEM: String?
    }

    /// `kubeconfig <origin>: user "<name>": <problem>`.
    func fail(_ name: String, _ problem: String) -> KubeconfigError {
        .file(origin, "user \"\(name)\": \(problem)")
    }

    /// Credentials by client-go's precedence, with files read and every combination client-go rejects
    /// rejected here too. Messages name fields, never values.
    func identity(name: String) throws -> Identity {
        if let authProvider {
            let advice = authProvider == "gcp" ? " (for GKE: gke-gcloud-auth-plugin)"
                : authProvider == "azure" ? " (for AKS: kubelogin)" : ""
            throw fail(name, "auth-provider \"\(authProvider)\" is not supported; use an exec credential plugin\(advice)")
        }
        if impersonate != nil {
            throw fail(name, "impersonation (as) is not supported")
        }
        // client-go checks a configured plugin even when another credential takes precedence.
        if let problem = exec?.problem { throw fail(name, problem) }
        let hasToken = token != nil || tokenFile != nil
        let hasBasic = username != nil || password != nil
        if hasToken && hasBasic {
            throw fail(name, "a token and a username/password are both set; keep one")
        }

        var identity = Identity(credentials: .none)
        if clientCertificate != nil || clientCertificateData != nil || clientKey != nil || clientKeyData != nil {
            (identity.certificatePEM, identity.keyPEM) = try clientCertificatePair(name: name)
        }

        if let token {
            identity.credentials = .bearerToken(token)
        } else if let tokenFile {
            // Read now so a missing file is reported here, naming the user; the client re-reads it on use.
            do {
                _ = try ConfigFile.read(tokenFile)
            } catch {
                throw fail(name, "tokenFile \(tokenFile) cannot be read: \(error.reason)")
            }
            identity.credentials = .tokenFile(tokenFile)
        } else if hasBasic {
            identity.credentials = .basic(username: username ?? "", password: password ?? "")
        } else if let exec {
            // As in client-go, a static client certificate takes precedence over the plugin.
            if identity.certificatePEM == nil { identity.credentials = .exec(exec) }
        }
        return identity
    }

    private func clientCertificatePair(name: String) throws -> (String, String) {
        if clientCertificate != nil && clientCertificateData != nil {
            throw fail(name, "client-certificate-data and client-certificate are both set; keep one")
        }
        if clientKey != nil && clientKeyData != nil {
            throw fail(name, "client-key-data and client-key are both set; keep one")
        }
        let certificate: String
        if let data = clientCertificateData {
            certificate = try PEMText.decodeBase64(data, kind: .certificate) { fail(name, "client-certificate-data \($0)") }
        } else if let file = clientCertificate {
            certificate = try PEMText.read(file, kind: .certificate) { fail(name, "client-certificate \(file) \($0)") }
        } else {
            let field = clientKeyData != nil ? "client-key-data" : "client-key"
            throw fail(name, "\(field) is set but neither client-certificate nor client-certificate-data is")
        }
        let key: String
        if let data = clientKeyData {
            key = try PEMText.decodeBase64(data, kind: .privateKey) { fail(name, "client-key-data \($0)") }
        } else if let file = clientKey {
            key = try PEMText.read(file, kind: .privateKey) { fail(name, "client-key \(file) \($0)") }
        } else {
            let field = clientCertificateData != nil ? "client-certificate-data" : "client-certificate"
            throw fail(name, "\(field) is set but neither client-key nor client-key-data is")
        }
        return (certificate, key)
    }
}
