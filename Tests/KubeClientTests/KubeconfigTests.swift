import Foundation
import KubeModel
import Testing
@testable import KubeClient

/// Paths into `Fixtures/kubeconfig` (copied into the test bundle).
enum KubeconfigFixture {
    static let directory: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("test bundle has no Fixtures folder")
        }
        return url.appendingPathComponent("kubeconfig").path
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    static func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    /// Loads one fixture as `--kubeconfig`, ignoring the real environment.
    static func load(_ name: String, context: String? = nil) throws -> ClientConfiguration {
        try KubeconfigLoader.load(kubeconfig: path(name), context: context, environment: [:], homeDirectory: "/nonexistent")
    }

    /// The message of the error loading a fixture throws.
    static func error(_ name: String, context: String? = nil) -> String? {
        do {
            _ = try load(name, context: context)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "tack-kubeconfig-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Kubeconfig: one file per auth form")
struct KubeconfigAuthFormTests {
    typealias F = KubeconfigFixture

    @Test("a token user gets a bearer token, the inline CA and the context's namespace")
    func tokenUser() throws {
        let configuration = try F.load("token-user.yaml")
        var expected = ClientConfiguration(
            server: try #require(URL(string: "https://dev.example.com:6443")),
            tls: TLSSettings(certificateAuthorityPEM: try F.text("files/ca.crt")),
            credentials: .bearerToken("alice-secret-token"),
            namespace: "team-a")
        expected.contextName = "dev"
        expected.clusterName = "dev-cluster"
        expected.userName = "alice"
        expected.source = "kubeconfig " + F.path("token-user.yaml")
        #expect(configuration == expected)
    }

    @Test("--context overrides current-context, and a context without namespace means default")
    func contextOverride() throws {
        let configuration = try F.load("token-user.yaml", context: "other")
        #expect(configuration.contextName == "other")
        #expect(configuration.namespace == "default")
    }

    @Test("tokenFile resolves against the kubeconfig's directory and is re-read on use")
    func tokenFileUser() throws {
        let configuration = try F.load("token-file-user.yaml")
        #expect(configuration.credentials == .tokenFile(F.path("files/token")))
        #expect(configuration.tls.certificateAuthorityPEM == (try F.text("files/ca.crt")))
        #expect(configuration.namespace == "default")
        #expect(try Credentials.readTokenFile(F.path("files/token")) == "token-from-file")
    }

    @Test("username and password become basic auth; a plain http server stays http")
    func basicAuthUser() throws {
        let configuration = try F.load("basic-auth-user.yaml")
        #expect(configuration.credentials == .basic(username: "admin", password: "hunter2"))
        #expect(configuration.server.absoluteString == "http://legacy.example.com:8080")
        #expect(configuration.namespace == "ops")
        #expect(configuration.tls == TLSSettings())
    }

    @Test("client certificate and key files are read; server name and proxy are kept; query and fragment dropped")
    func clientCertificateFiles() throws {
        let configuration = try F.load("client-cert-files.yaml")
        #expect(configuration.server.absoluteString == "https://127.0.0.1:40123/prefix")
        #expect(configuration.tls == TLSSettings(
            certificateAuthorityPEM: try F.text("files/ca.crt"),
            insecureSkipVerify: false,
            serverName: "kubernetes.default.svc",
            clientCertificatePEM: try F.text("files/client.crt"),
            clientKeyPEM: try F.text("files/client.key")))
        #expect(configuration.credentials == Credentials.none)
        #expect(configuration.proxyURL?.absoluteString == "socks5://127.0.0.1:1080")
    }

    @Test("client certificate and key data are base64-decoded")
    func clientCertificateData() throws {
        let configuration = try F.load("client-cert-data.yaml")
        #expect(configuration.tls.certificateAuthorityPEM == (try F.text("files/ca.crt")))
        #expect(configuration.tls.clientCertificatePEM == (try F.text("files/client.crt")))
        #expect(configuration.tls.clientKeyPEM == (try F.text("files/client.key")))
        #expect(configuration.tls.hasClientCertificate)
        #expect(configuration.contextName == "admin@prod")
    }

    @Test("an insecure cluster without a user is anonymous, and a bare host:port gets https")
    func insecureCluster() throws {
        let configuration = try F.load("insecure-cluster.yaml")
        #expect(configuration.server.absoluteString == "https://lab.internal:8443")
        #expect(configuration.tls == TLSSettings(insecureSkipVerify: true))
        #expect(configuration.credentials == Credentials.none)
        #expect(configuration.userName == nil)
    }

    @Test("an exec user carries the plugin configuration with its command resolved next to the file")
    func execPlugin() throws {
        let configuration = try F.load("exec-plugin.yaml")
        #expect(configuration.credentials == .exec(ExecConfiguration(
            apiVersion: "client.authentication.k8s.io/v1",
            command: F.path("plugins/credential-plugin.sh"),
            args: ["v1", "token"],
            env: ["GREETING": "hello"],
            installHint: "install the test plugin",
            provideClusterInfo: true,
            interactiveMode: "Never")))
    }

    @Test("a v1beta1 plugin without interactiveMode defaults to IfAvailable")
    func execPluginV1beta1Default() throws {
        guard case .exec(let exec) = try F.load("exec-plugin-v1beta1.yaml").credentials else {
            Issue.record("expected exec credentials")
            return
        }
        #expect(exec.interactiveMode == "IfAvailable")
        #expect(exec.provideClusterInfo == false)
    }

    @Test("a static client certificate takes precedence over an exec plugin")
    func clientCertificateBeatsExec() throws {
        let configuration = try F.load("exec-plugin-with-client-cert.yaml")
        #expect(configuration.credentials == Credentials.none)
        #expect(configuration.tls.clientCertificatePEM == (try F.text("files/client.crt")))
    }

    @Test("the parsed model keeps origins and resolves relative paths lexically")
    func parsedModel() throws {
        let file = try Kubeconfig.read(contentsOf: F.path("client-cert-files.yaml"))
        #expect(file.sources == [F.path("client-cert-files.yaml")])
        #expect(file.currentContext == "kind-tack")
        #expect(file.clusters["kind-tack"]?.certificateAuthority == F.path("files/ca.crt"))
        #expect(file.users["kind-tack"]?.clientKey == F.path("files/client.key"))
        #expect(file.contexts["kind-tack"] == Kubeconfig.Context(
            cluster: "kind-tack", user: "kind-tack", namespace: nil, origin: F.path("client-cert-files.yaml")))
    }

    @Test("an empty file is an empty configuration, which selects nothing")
    func emptyFile() throws {
        #expect(try Kubeconfig.read(contentsOf: F.path("empty.yaml")).isEmpty)
        #expect(throws: KubeconfigError.self) { try F.load("empty.yaml") }
        do {
            _ = try F.load("empty.yaml")
        } catch let error as KubeconfigError {
            #expect(error.isNoConfiguration)
            #expect(error.message == "kubeconfig \(F.path("empty.yaml")) is empty")
        }
    }
}

@Suite("Kubeconfig: errors name the file, context and field")
struct KubeconfigErrorTests {
    typealias F = KubeconfigFixture

    static let cases: [(String, String)] = [
        ("missing-user-in-context.yaml", #"context "dev" refers to user "alice", which is not defined"#),
        ("missing-cluster-in-context.yaml", #"context "dev" refers to cluster "staging", which is not defined"#),
        ("context-without-cluster.yaml", #"context "dev" names no cluster"#),
        ("missing-server.yaml", #"no server in cluster "c""#),
        ("missing-ca-file.yaml", #"cluster "c": certificate-authority /nope/ca.crt cannot be read: no such file or directory"#),
        ("ca-data-and-file.yaml", #"cluster "c": certificate-authority-data and certificate-authority are both set; keep one"#),
        ("insecure-with-ca.yaml", #"cluster "c": insecure-skip-tls-verify cannot be combined with certificate-authority; remove one"#),
        ("invalid-ca-base64.yaml", #"cluster "c": certificate-authority-data is not valid base64"#),
        ("ca-data-not-pem.yaml", #"cluster "c": certificate-authority-data does not contain a PEM certificate"#),
        ("bad-server-url.yaml", #"cluster "c": server "ftp://c.example.com" must use http or https"#),
        ("bad-proxy-url.yaml", #"cluster "c": proxy-url "gopher://proxy" is not a valid http, https or socks5 URL"#),
        ("wrong-field-type.yaml", #"cluster "c": insecure-skip-tls-verify: expected true or false, got string"#),
        ("token-and-basic-auth.yaml", #"user "u": a token and a username/password are both set; keep one"#),
        ("client-cert-without-key.yaml", #"user "u": client-certificate is set but neither client-key nor client-key-data is"#),
        ("client-key-without-cert.yaml", #"user "u": client-key is set but neither client-certificate nor client-certificate-data is"#),
        ("missing-client-key-file.yaml", #"user "u": client-key {dir}/files/missing.key cannot be read: no such file or directory"#),
        ("missing-token-file.yaml", #"user "u": tokenFile {dir}/files/no-such-token cannot be read: no such file or directory"#),
        ("auth-provider-gcp.yaml", #"user "u": auth-provider "gcp" is not supported; use an exec credential plugin (for GKE: gke-gcloud-auth-plugin)"#),
        ("impersonation.yaml", #"user "u": impersonation (as) is not supported"#),
        ("token-is-a-number.yaml", #"user "u": token: expected a string, got integer"#),
        ("invalid-namespace.yaml", #"context "c": namespace "Team_A" is invalid: "# + (Validation.dns1123LabelError("Team_A") ?? "")),
        ("unknown-current-context.yaml", #"current-context "gone" is not defined (known: dev, prod)"#),
        ("no-current-context.yaml", "no current-context is set; pass --context (known: dev, prod)"),
        ("duplicate-cluster-name.yaml", #"clusters: cluster "c" is defined twice"#),
        ("not-a-kubeconfig.yaml", #"kind is "Pod", expected Config"#),
        ("nameless-user.yaml", "users[0]: name is required"),
        ("exec-plugin-v1alpha1.yaml", #"user "cloud-user": exec: apiVersion client.authentication.k8s.io/v1alpha1 is no longer supported; use client.authentication.k8s.io/v1 (or v1beta1)"#),
        ("exec-plugin-missing-interactive-mode.yaml", #"user "cloud-user": exec: interactiveMode must be set for apiVersion client.authentication.k8s.io/v1 (Never, IfAvailable or Always)"#),
    ]

    @Test("each broken fixture fails with its exact message", arguments: cases)
    func brokenFixture(name: String, problem: String) {
        let expected = "kubeconfig \(F.path(name)): " + problem.replacingOccurrences(of: "{dir}", with: F.directory)
        #expect(F.error(name) == expected)
    }

    @Test("an unknown --context lists the known ones")
    func unknownContext() {
        #expect(F.error("token-user.yaml", context: "x")
            == #"no context "x" in kubeconfig "# + F.path("token-user.yaml") + " (known: dev, other)")
    }

    @Test("a missing --kubeconfig file is an error, not an empty configuration")
    func missingExplicitFile() throws {
        do {
            _ = try F.load("no-such-file.yaml")
            Issue.record("expected an error")
        } catch let error as KubeconfigError {
            #expect(error.message == "kubeconfig \(F.path("no-such-file.yaml")): no such file (given with --kubeconfig)")
            #expect(!error.isNoConfiguration)
        }
    }

    @Test("errors and descriptions never show tokens, passwords or keys")
    func secretsStayOut() throws {
        let message = try #require(F.error("token-and-basic-auth.yaml"))
        #expect(!message.contains("very-secret-token"))
        #expect(!message.contains("very-secret-password"))
        let gcp = try #require(F.error("auth-provider-gcp.yaml"))
        #expect(!gcp.contains("ya29"))
        let yaml = try #require(F.error("invalid-yaml.yaml"))
        #expect(yaml.hasPrefix("kubeconfig \(F.path("invalid-yaml.yaml")): not a valid YAML document: "))
        #expect(!yaml.contains("SECRET"))

        let token = try F.load("token-user.yaml")
        #expect(!"\(token)".contains("alice-secret-token"))
        #expect("\(token.credentials)" == "bearer token <redacted>")
        let basic = try F.load("basic-auth-user.yaml")
        #expect(!"\(basic)".contains("hunter2"))
        let certificate = try F.load("client-cert-data.yaml")
        let key = try #require(certificate.tls.clientKeyPEM)
        #expect(!"\(certificate)".contains(key))
        #expect(!String(reflecting: certificate.tls).contains(key))
        let user = try #require(try Kubeconfig.read(contentsOf: F.path("token-user.yaml")).users["alice"])
        #expect(!"\(user)".contains("alice-secret-token"))
    }
}

@Suite("Kubeconfig: loading order and merging")
struct KubeconfigLoadingTests {
    typealias F = KubeconfigFixture
    static let a = F.path("merged-a.yaml")
    static let b = F.path("nested/merged-b.yaml")

    @Test("KUBECONFIG files merge: current-context from the first that sets it, first definition of a name wins")
    func mergeFirstWins() throws {
        let configuration = try KubeconfigLoader.load(
            environment: ["KUBECONFIG": "\(Self.a):\(Self.b)"], homeDirectory: "/nonexistent")
        #expect(configuration.contextName == "from-b")
        #expect(configuration.server.absoluteString == "https://from-a.example.com")
        #expect(configuration.credentials == .bearerToken("token-from-a"))
        #expect(configuration.namespace == "default")
        #expect(configuration.source == "kubeconfig \(Self.a):\(Self.b)")
    }

    @Test("a context defined in both files comes whole from the first")
    func mergeContextFirstWins() throws {
        let configuration = try KubeconfigLoader.load(
            context: "only-a", environment: ["KUBECONFIG": "\(Self.a):\(Self.b)"], homeDirectory: "/nonexistent")
        #expect(configuration.namespace == "a-namespace")
        #expect(configuration.clusterName == "shared")
        #expect(configuration.server.absoluteString == "https://from-a.example.com")
    }

    @Test("relative paths resolve against the directory of the file that wrote them")
    func relativePathsPerFile() throws {
        let configuration = try KubeconfigLoader.load(
            context: "b-context", environment: ["KUBECONFIG": "\(Self.a):\(Self.b)"], homeDirectory: "/nonexistent")
        #expect(configuration.credentials == .tokenFile(F.path("nested/b.token")))
        #expect(configuration.server.absoluteString == "https://b-only.example.com")
    }

    @Test("reversing KUBECONFIG reverses who wins")
    func mergeReversed() throws {
        let configuration = try KubeconfigLoader.load(
            environment: ["KUBECONFIG": "\(Self.b):\(Self.a)"], homeDirectory: "/nonexistent")
        #expect(configuration.contextName == "from-b")
        #expect(configuration.server.absoluteString == "https://from-b.example.com")
        #expect(configuration.credentials == .basic(username: "from-b", password: "from-b-password"))
    }

    @Test("missing KUBECONFIG entries are skipped, empty entries and duplicates dropped")
    func missingAndDuplicateEntries() throws {
        let missing = F.path("does-not-exist.yaml")
        let environment = ["KUBECONFIG": "\(missing)::\(Self.a):\(Self.b):\(Self.a)"]
        #expect(KubeconfigLoader.paths(environment: environment, homeDirectory: "/h") == [missing, Self.a, Self.b])
        let configuration = try KubeconfigLoader.load(environment: environment, homeDirectory: "/nonexistent")
        #expect(configuration.source == "kubeconfig \(Self.a):\(Self.b)")
    }

    @Test("--kubeconfig replaces KUBECONFIG")
    func explicitReplacesList() throws {
        let configuration = try KubeconfigLoader.load(
            kubeconfig: F.path("token-user.yaml"), environment: ["KUBECONFIG": "\(Self.a):\(Self.b)"],
            homeDirectory: "/nonexistent")
        #expect(configuration.contextName == "dev")
        #expect(KubeconfigLoader.paths(kubeconfig: "/x/y", environment: ["KUBECONFIG": Self.a]) == ["/x/y"])
    }

    @Test("~/.kube/config is read when KUBECONFIG is unset or empty")
    func homeFile() throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/.kube", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: F.path("token-user.yaml"), toPath: home + "/.kube/config")
        for environment in [[:], ["KUBECONFIG": ""]] {
            let configuration = try KubeconfigLoader.load(environment: environment, homeDirectory: home)
            #expect(configuration.source == "kubeconfig \(home)/.kube/config")
            #expect(configuration.credentials == .bearerToken("alice-secret-token"))
        }
    }

    @Test("no file anywhere is a no-configuration error that says where it looked")
    func nothingFound() {
        do {
            _ = try KubeconfigLoader.load(environment: [:], homeDirectory: "/nonexistent")
            Issue.record("expected an error")
        } catch let error as KubeconfigError {
            #expect(error.isNoConfiguration)
            #expect(error.message
                == "no kubeconfig found: /nonexistent/.kube/config does not exist; set KUBECONFIG or pass --kubeconfig")
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try KubeconfigLoader.load(environment: ["KUBECONFIG": "/nope/a:/nope/b"], homeDirectory: "/nonexistent")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "no kubeconfig found: none of the files in KUBECONFIG exist (/nope/a:/nope/b)")
        }
    }
}

@Suite("In-cluster configuration and the automatic choice")
struct InClusterConfigurationTests {
    /// A service account directory with a token, CA and namespace file.
    static func serviceAccount(namespace: String? = "payments", ca: Bool = true) throws -> String {
        let root = try makeTemporaryDirectory()
        try "sa-token-value\n".write(toFile: root + "/token", atomically: true, encoding: .utf8)
        if ca { try FileManager.default.copyItem(atPath: KubeconfigFixture.path("files/ca.crt"), toPath: root + "/ca.crt") }
        if let namespace { try "\(namespace)\n".write(toFile: root + "/namespace", atomically: true, encoding: .utf8) }
        return root
    }

    static let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

    @Test("the service account gives server, token file, CA and namespace")
    func serviceAccountConfiguration() throws {
        let root = try Self.serviceAccount()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var expected = ClientConfiguration(
            server: try #require(URL(string: "https://10.96.0.1:443")),
            tls: TLSSettings(certificateAuthorityPEM: try KubeconfigFixture.text("files/ca.crt")),
            credentials: .tokenFile(root + "/token"),
            namespace: "payments")
        expected.source = "in-cluster"
        #expect(try InClusterConfiguration.load(root: root, environment: Self.environment) == expected)
        #expect(try Credentials.readTokenFile(root + "/token") == "sa-token-value")
    }

    @Test("POD_NAMESPACE wins over the file; no file means default; IPv6 hosts get brackets; no ca.crt means system roots")
    func variations() throws {
        let root = try Self.serviceAccount(namespace: nil, ca: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plain = try InClusterConfiguration.load(root: root, environment: Self.environment)
        #expect(plain.namespace == "default")
        #expect(plain.tls.certificateAuthorityPEM == nil)
        var environment = Self.environment
        environment["POD_NAMESPACE"] = "from-env"
        environment["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1"
        let configured = try InClusterConfiguration.load(root: root, environment: environment)
        #expect(configured.namespace == "from-env")
        #expect(configured.server.absoluteString == "https://[fd00:10:96::1]:443")
    }

    @Test("outside a pod, or without a token, in-cluster loading explains itself")
    func failures() throws {
        let root = try Self.serviceAccount()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: KubeconfigError.self) { try InClusterConfiguration.load(root: root, environment: [:]) }
        #expect(!InClusterConfiguration.isAvailable(root: root, environment: [:]))
        #expect(InClusterConfiguration.isAvailable(root: root, environment: Self.environment))
        do {
            _ = try InClusterConfiguration.load(root: root + "/missing", environment: Self.environment)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "in-cluster configuration: service account token \(root)/missing/token cannot be read: no such file or directory")
        }
    }

    @Test("automatic prefers a kubeconfig, falls back to in-cluster when none selects a context, else says both")
    func automatic() throws {
        let root = try Self.serviceAccount()
        let home = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: home)
        }
        func automatic(_ environment: [String: String], kubeconfig: String? = nil) throws -> ClientConfiguration {
            try KubeconfigLoader.automatic(kubeconfig: kubeconfig, context: nil, environment: environment,
                                           homeDirectory: home, inClusterRoot: root)
        }
        #expect(try automatic(Self.environment).source == "in-cluster")
        #expect(try automatic(Self.environment, kubeconfig: KubeconfigFixture.path("no-current-context.yaml")).source == "in-cluster")
        var withFile = Self.environment
        withFile["KUBECONFIG"] = KubeconfigFixture.path("token-user.yaml")
        #expect(try automatic(withFile).contextName == "dev")
        // A kubeconfig with a mistake is reported, not replaced by the service account.
        withFile["KUBECONFIG"] = KubeconfigFixture.path("missing-user-in-context.yaml")
        #expect(throws: KubeconfigError.self) { try automatic(withFile) }
        do {
            _ = try automatic([:])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "no kubeconfig found: \(home)/.kube/config does not exist; set KUBECONFIG or pass --kubeconfig; "
                + "not running in a cluster either (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set or \(root)/token is missing)")
        }
    }
}
