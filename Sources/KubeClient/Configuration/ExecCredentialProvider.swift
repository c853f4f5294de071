import Foundation
import KubeModel

/// Runs a client-go credential plugin (``ExecConfiguration``) and caches what it returns, as client-go's
/// exec authenticator does: a credential with an `expirationTimestamp` is reused until then, one without
/// until the caller asks for a refresh (after a 401). Concurrent callers share one plugin run.
///
/// The plugin gets this process's environment plus the configured `env` and `KUBERNETES_EXEC_INFO`; it
/// has 60 seconds to finish. Errors name the plugin and include its trimmed standard error (plugins
/// explain themselves there), the install hint when it is not installed, and never the credential.
public actor ExecCredentialProvider {
    private let configuration: ExecConfiguration
    private let clusterInfo: JSON?
    private let now: @Sendable () -> Date
    private let environment: [String: String]
    private let timeout: Duration

    private var cached: ExecCredential?
    private var running: Task<ExecCredential, any Error>?

    /// A provider for `configuration`; `cluster` is described to the plugin when it asks for cluster info.
    public init(configuration: ExecConfiguration, cluster: ClientConfiguration?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(configuration: configuration, cluster: cluster, now: now,
                  environment: ProcessInfo.processInfo.environment, timeout: .seconds(60))
    }

    /// With the parent environment and time limit given, for tests.
    init(
        configuration: ExecConfiguration, cluster: ClientConfiguration?, now: @escaping @Sendable () -> Date,
        environment: [String: String], timeout: Duration
    ) {
        self.configuration = configuration
        self.clusterInfo = configuration.provideClusterInfo ? cluster.map(ExecCredential.clusterInfo) : nil
        self.now = now
        self.environment = environment
        self.timeout = timeout
    }

    /// Runs the plugin unless a cached credential is still valid (or `refresh` is true, e.g. after a 401).
    public func credential(refresh: Bool = false) async throws -> ExecCredential {
        if !refresh, let cached, !isExpired(cached) { return cached }
        // A run already under way is as fresh as a new one would be.
        if let running { return try await running.value }
        let invocation = Invocation(
            configuration: configuration, clusterInfo: clusterInfo, environment: environment, timeout: timeout)
        let task = Task { try await invocation.run() }
        running = task
        defer { running = nil }
        do {
            let credential = try await task.value
            cached = credential
            return credential
        } catch {
            cached = nil
            throw error
        }
    }

    private func isExpired(_ credential: ExecCredential) -> Bool {
        guard let expiration = credential.expiration else { return false }
        return now() >= expiration
    }
}

extension ExecCredentialProvider {
    /// One run of the plugin: find it, start it, read its answer.
    struct Invocation: Sendable {
        let configuration: ExecConfiguration
        let clusterInfo: JSON?
        let environment: [String: String]
        let timeout: Duration

        var name: String { "exec credential plugin \(configuration.command)" }

        func fail(_ problem: String) -> KubeconfigError {
            KubeconfigError("\(name) \(problem)", reason: .plugin)
        }

        func run() async throws -> ExecCredential {
            if let problem = configuration.problem { throw KubeconfigError("\(name): \(problem)", reason: .invalid) }
            if configuration.interactiveMode == "Always" {
                throw fail("needs a terminal (interactiveMode: Always), which Tack cannot give it; use IfAvailable or Never")
            }
            let executable = try locate()
            var childEnvironment = environment
            childEnvironment.merge(configuration.env) { _, configured in configured }
            let request = ExecCredential.request(apiVersion: configuration.apiVersion, cluster: clusterInfo)
            childEnvironment["KUBERNETES_EXEC_INFO"] = request.serializedString()

            let completion: PluginProcess.Completion
            do {
                completion = try await PluginProcess(
                    executable: executable, arguments: configuration.args, environment: childEnvironment, timeout: timeout
                ).run()
            } catch .cannotLaunch(let reason) {
                throw fail("could not be started: \(reason)")
            } catch .timedOut {
                throw fail("did not finish within \(Self.describe(timeout)) and was stopped")
            }
            guard !completion.killedBySignal, completion.status == 0 else {
                let how = completion.killedBySignal
                    ? "was killed by signal \(completion.status)" : "failed with exit code \(completion.status)"
                let stderr = Self.excerpt(completion.standardError)
                throw fail(stderr.isEmpty ? how : "\(how): \(stderr)")
            }
            return try ExecCredential.decode(completion.standardOutput, apiVersion: configuration.apiVersion, fail: fail)
        }

        /// The executable: the configured path, or the first match in `PATH` for a bare name (as Go's
        /// `exec.LookPath`).
        func locate() throws -> String {
            let command = configuration.command
            var hint = ""
            if let installHint = configuration.installHint?.trimmingCharacters(in: .whitespacesAndNewlines), !installHint.isEmpty {
                hint = "\n\n" + installHint
            }
            if command.contains("/") {
                guard FileManager.default.fileExists(atPath: command) else { throw fail("not found: no such file\(hint)") }
                guard FileManager.default.isExecutableFile(atPath: command) else {
                    throw fail("cannot be run: the file is not executable")
                }
                return command
            }
            let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
                let base = directory.isEmpty ? FileManager.default.currentDirectoryPath : String(directory)
                let candidate = ConfigFile.absolute(command, relativeTo: base)
                if ConfigFile.isFile(candidate) && FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            throw fail("not found in PATH; is it installed?\(hint)")
        }

        /// Standard error trimmed, at most 2,000 characters (the end, where the reason usually is).
        static func excerpt(_ data: Data) -> String {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count > 2000 else { return text }
            return "…" + String(text.suffix(2000))
        }

        static func describe(_ duration: Duration) -> String {
            let seconds = PluginProcess.seconds(duration)
            return seconds == seconds.rounded() ? "\(Int(seconds)) seconds" : "\(seconds) seconds"
        }
    }
}
