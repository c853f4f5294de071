import Foundation
import KubeModel
import Synchronization
import Testing
@testable import KubeClient

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let date: Mutex<Date>
    init(_ start: Date) { date = Mutex(start) }
    func now() -> Date { date.withLock { $0 } }
    func set(_ value: Date) { date.withLock { $0 = value } }
}

/// The real test plugin (`plugins/credential-plugin.sh`), run through the kubeconfig that names it.
struct PluginHarness {
    let configuration: ClientConfiguration
    let exec: ExecConfiguration
    let workspace: String
    var counter: String { workspace + "/counter" }

    init(_ fixture: String) throws {
        // Resources may lose the executable bit when copied into the bundle.
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: KubeconfigFixture.path("plugins/credential-plugin.sh"))
        configuration = try KubeconfigFixture.load(fixture)
        guard case .exec(let exec) = configuration.credentials else {
            throw KubeconfigError("\(fixture) has no exec user")
        }
        self.exec = exec
        workspace = try makeTemporaryDirectory()
    }

    func provider(clock: ManualClock, expiry: String? = nil, timeout: Duration = .seconds(20)) -> ExecCredentialProvider {
        var environment = ProcessInfo.processInfo.environment
        environment["TACK_TEST_COUNTER"] = counter
        environment["TACK_TEST_EXPIRY"] = expiry
        return ExecCredentialProvider(configuration: exec, cluster: configuration, now: { clock.now() },
                                      environment: environment, timeout: timeout)
    }

    /// How many times the plugin ran.
    func runs() -> Int {
        let text = (try? String(contentsOfFile: counter, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    /// The KUBERNETES_EXEC_INFO the plugin last saw.
    func execInfo() throws -> JSON { try JSON.parse(String(contentsOfFile: counter + ".info", encoding: .utf8)) }

    func cleanUp() { try? FileManager.default.removeItem(atPath: workspace) }

    /// The message of the error a call throws.
    static func message(_ body: () async throws -> ExecCredential) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch {
            return "\(error)"
        }
    }
}

@Suite("Exec credential plugins, run for real")
struct ExecCredentialProviderTests {
    static let start = Date(timeIntervalSince1970: 1_893_452_400) // 2029-12-31T23:00:00Z
    static let expiry = "2030-01-01T00:00:00Z"

    @Test("a v1 plugin's token is cached until its expirationTimestamp, and refresh runs it again")
    func cachingUntilExpiry() async throws {
        let harness = try PluginHarness("exec-plugin.yaml")
        defer { harness.cleanUp() }
        let clock = ManualClock(Self.start)
        let provider = harness.provider(clock: clock, expiry: Self.expiry)

        let first = try await provider.credential()
        #expect(first == ExecCredential(token: "plugin-token-hello-1", expiration: Timestamp.parse(Self.expiry)))
        let second = try await provider.credential()
        #expect(second == first)
        #expect(harness.runs() == 1)

        let refreshed = try await provider.credential(refresh: true)
        #expect(refreshed.token == "plugin-token-hello-2")
        #expect(harness.runs() == 2)

        clock.set(Self.start.addingTimeInterval(3600))
        #expect(try await provider.credential().token == "plugin-token-hello-3")
        #expect(harness.runs() == 3)
    }

    @Test("the plugin receives KUBERNETES_EXEC_INFO with the cluster when provideClusterInfo is set")
    func execInfoWithCluster() async throws {
        let harness = try PluginHarness("exec-plugin.yaml")
        defer { harness.cleanUp() }
        _ = try await harness.provider(clock: ManualClock(Self.start)).credential()
        let ca = try KubeconfigFixture.text("files/ca.crt")
        let expected: JSON = [
            "apiVersion": "client.authentication.k8s.io/v1",
            "kind": "ExecCredential",
            "spec": [
                "interactive": false,
                "cluster": [
                    "server": "https://cloud.example.com:443",
                    "tls-server-name": "api.cloud.internal",
                    "certificate-authority-data": .string(Data(ca.utf8).base64EncodedString()),
                ],
            ],
        ]
        #expect(try harness.execInfo() == expected)
    }

    @Test("a v1beta1 plugin without expiration is cached until refresh and gets no cluster info")
    func v1beta1WithoutExpiry() async throws {
        let harness = try PluginHarness("exec-plugin-v1beta1.yaml")
        defer { harness.cleanUp() }
        let provider = harness.provider(clock: ManualClock(Self.start))
        #expect(try await provider.credential() == ExecCredential(token: "plugin-token-beta-1"))
        #expect(try await provider.credential().token == "plugin-token-beta-1")
        #expect(harness.runs() == 1)
        #expect(try await provider.credential(refresh: true).token == "plugin-token-beta-2")
        let info: JSON = [
            "apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "spec": ["interactive": false],
        ]
        #expect(try harness.execInfo() == info)
    }

    @Test("concurrent callers share one plugin run")
    func concurrentCallersShareARun() async throws {
        let harness = try PluginHarness("exec-plugin.yaml")
        defer { harness.cleanUp() }
        let provider = harness.provider(clock: ManualClock(Self.start), expiry: Self.expiry)
        async let a = provider.credential()
        async let b = provider.credential()
        async let c = provider.credential()
        let tokens = try await [a, b, c].map(\.token)
        #expect(tokens == Array(repeating: "plugin-token-hello-1", count: 3))
        #expect(harness.runs() == 1)
    }

    @Test("a failing plugin's error carries its exit code and trimmed stderr")
    func failingPlugin() async throws {
        let harness = try PluginHarness("exec-plugin-failing.yaml")
        defer { harness.cleanUp() }
        let provider = harness.provider(clock: ManualClock(Self.start))
        let message = await PluginHarness.message { try await provider.credential() }
        #expect(message == "exec credential plugin \(KubeconfigFixture.path("plugins/credential-plugin.sh")) failed with exit code 3: "
            + "error: the refresh token for alice has expired; run 'cloud login'")
    }

    @Test("a plugin answering in another version is refused without echoing its token")
    func wrongVersionKeepsTokenOut() async throws {
        let harness = try PluginHarness("exec-plugin-wrong-version.yaml")
        defer { harness.cleanUp() }
        let provider = harness.provider(clock: ManualClock(Self.start))
        let message = try #require(await PluginHarness.message { try await provider.credential() })
        #expect(message == "exec credential plugin \(KubeconfigFixture.path("plugins/credential-plugin.sh")) is configured for "
            + "client.authentication.k8s.io/v1 but returned client.authentication.k8s.io/v1beta1")
        #expect(!message.contains("plugin-token"))
    }

    @Test("a plugin that is not installed shows the install hint")
    func notInstalled() async throws {
        let configuration = try KubeconfigFixture.load("exec-plugin-not-installed.yaml")
        guard case .exec(let exec) = configuration.credentials else {
            Issue.record("expected exec credentials")
            return
        }
        let provider = ExecCredentialProvider(configuration: exec, cluster: configuration)
        let message = await PluginHarness.message { try await provider.credential() }
        #expect(message == "exec credential plugin tack-test-no-such-auth-plugin not found in PATH; is it installed?\n\n"
            + "Install gke-gcloud-auth-plugin for use with kubectl by following "
            + "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin")
    }

    @Test("a plugin that hangs is stopped at the time limit")
    func hangingPlugin() async throws {
        let harness = try PluginHarness("exec-plugin-hanging.yaml")
        defer { harness.cleanUp() }
        let provider = harness.provider(clock: ManualClock(Self.start), timeout: .milliseconds(500))
        let started = ContinuousClock.now
        let message = await PluginHarness.message { try await provider.credential() }
        #expect(message == "exec credential plugin \(KubeconfigFixture.path("plugins/credential-plugin.sh")) "
            + "did not finish within 0.5 seconds and was stopped")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("interactiveMode Always is refused before anything runs")
    func interactiveAlways() async throws {
        let exec = ExecConfiguration(apiVersion: "client.authentication.k8s.io/v1", command: "/bin/true", interactiveMode: "Always")
        let provider = ExecCredentialProvider(configuration: exec, cluster: nil)
        let message = await PluginHarness.message { try await provider.credential() }
        #expect(message == "exec credential plugin /bin/true needs a terminal (interactiveMode: Always), which Tack cannot give it; "
            + "use IfAvailable or Never")
    }
}

@Suite("ExecCredential wire format")
struct ExecCredentialDecodingTests {
    static let v1 = "client.authentication.k8s.io/v1"

    static func decode(_ text: String) throws -> ExecCredential {
        try ExecCredential.decode(Data(text.utf8), apiVersion: v1) { KubeconfigError("plugin \($0)") }
    }

    static func problem(_ text: String) -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a certificate and key pair is read, with its expiry")
    func certificatePair() throws {
        let certificate = try KubeconfigFixture.text("files/client.crt")
        let key = try KubeconfigFixture.text("files/client.key")
        let output: JSON = [
            "apiVersion": .string(Self.v1), "kind": "ExecCredential",
            "status": ["clientCertificateData": .string(certificate), "clientKeyData": .string(key),
                       "expirationTimestamp": "2030-01-01T00:00:00Z"],
        ]
        #expect(try Self.decode(output.serializedString()) == ExecCredential(
            clientCertificatePEM: certificate, clientKeyPEM: key, expiration: Timestamp.parse("2030-01-01T00:00:00Z")))
    }

    static let broken: [(String, String)] = [
        ("not json SECRET", "plugin printed something that is not an ExecCredential"),
        (#"["SECRET"]"#, "plugin printed JSON that is not an ExecCredential object (got array)"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1alpha1","kind":"ExecCredential","status":{"token":"SECRET"}}"#,
         "plugin is configured for client.authentication.k8s.io/v1 but returned client.authentication.k8s.io/v1alpha1"),
        (#"{"kind":"ExecCredential","status":{"token":"SECRET"}}"#,
         "plugin is configured for client.authentication.k8s.io/v1 but returned no apiVersion"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"SECRET"}}"#,
         #"plugin returned kind "Secret", expected ExecCredential"#),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#, "plugin returned no status"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#,
         "plugin returned neither a token nor a client certificate and key"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientKeyData":"SECRET"}}"#,
         "plugin returned only one of status.clientCertificateData and status.clientKeyData; both are needed"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":42}}"#,
         "plugin returned status.token as integer, expected a string"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"SECRET","expirationTimestamp":"tomorrow"}}"#,
         #"plugin returned status.expirationTimestamp "tomorrow", which is not an RFC 3339 time"#),
    ]

    @Test("bad output is refused with a message that never quotes the credential", arguments: broken)
    func brokenOutput(output: String, expected: String) throws {
        let message = try #require(Self.problem(output))
        #expect(message.hasPrefix(expected))
        #expect(!message.contains("SECRET"))
    }

    @Test("descriptions redact the token and key")
    func redactedDescription() {
        let credential = ExecCredential(token: "SECRET", clientCertificatePEM: nil, clientKeyPEM: "KEYSECRET",
                                        expiration: Timestamp.parse("2030-01-01T00:00:00Z"))
        #expect("\(credential)" == "ExecCredential(token: <redacted>, client key: <redacted>, expires: 2030-01-01T00:00:00Z)")
    }
}
