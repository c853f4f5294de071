import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KubeModel
import Logging
import NIOCore
import NIOSSL
import ObjectStore
import ServiceLifecycle
import Synchronization

/// Settings of an embedded control plane (`tack up`).
public struct EmbeddedControlPlaneConfiguration: Sendable {
    /// Where the store, credentials and kubeconfig live.
    public var dataDirectory: URL
    public var bindAddress = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var apiPort = 6443
    public var store: StoreConfiguration
    public var api = APIServerConfiguration()
    /// Install the CRDs Tack reads (Argo CD, Argo Rollouts, Tekton, Sealed Secrets, Istio, SMI) at start.
    public var installBundledCRDs = true
    /// Serve plain HTTP without authentication instead of TLS (tests of the HTTP layer only).
    public var insecureHTTP = false

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
        var store = StoreConfiguration(path: dataDirectory.appendingPathComponent("store.db").path)
        store.durability = .powerLoss
        self.store = store
    }
}

/// The embedded Kubernetes-compatible control plane: the object store, the API server over HTTPS, and the
/// control-plane loops. A `Service`: run it in a ServiceGroup; it stops gracefully.
public final class EmbeddedControlPlane: Service, Sendable {
    public let configuration: EmbeddedControlPlaneConfiguration
    public let store: ObjectStore
    public let handler: KubeAPIHandler
    public let credentials: ClusterCredentials
    let loops: ControlPlaneLoops
    let lock: DataDirectoryLock
    let logger: Logger
    let readiness = Mutex<(port: Int?, ended: Bool, waiters: [CheckedContinuation<Int?, Never>])>((nil, false, []))

    public init(configuration: EmbeddedControlPlaneConfiguration, logger: Logger = Logger(label: "tack"),
                logs: (any PodLogProvider)? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        credentials = try ClusterCredentials.loadOrCreate(in: configuration.dataDirectory.appendingPathComponent("pki"))
        store = try ObjectStore(configuration: configuration.store, logger: logger)
        var api = configuration.api
        api.advertiseAddress = "\(configuration.bindAddress):\(configuration.apiPort)"
        handler = KubeAPIHandler(store: store, registry: ResourceRegistry(), configuration: api, logs: logs, logger: logger)
        loops = ControlPlaneLoops(handler: handler, logger: logger)
    }

    /// Waits until the API server is serving and returns its port; nil if it stopped first. Any number of
    /// callers may wait.
    public func waitUntilReady() async -> Int? {
        await withCheckedContinuation { continuation in
            let answer = readiness.withLock { r -> Int?? in
                if let port = r.port { return .some(port) }
                if r.ended { return .some(nil) }
                r.waiters.append(continuation)
                return .none
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    func announceReady(_ port: Int?) {
        let waiters = readiness.withLock { r -> [CheckedContinuation<Int?, Never>] in
            if let port { r.port = port } else { r.ended = true }
            let w = r.waiters
            r.waiters = []
            return w
        }
        for w in waiters { w.resume(returning: port) }
    }

    /// Path of the kubeconfig written for the admin user.
    public var kubeconfigPath: URL { configuration.dataDirectory.appendingPathComponent("kubeconfig") }

    public func run() async throws {
        let scheme = configuration.insecureHTTP ? "http" : "https"
        let responder = KubeAPIResponder(handler: handler,
                                         authenticator: configuration.insecureHTTP ? nil : TokenAuthenticator(tokens: [credentials.adminToken: "admin"]),
                                         maxBodyBytes: configuration.api.maxRequestBytes)
        let server: HTTPServerBuilder
        if configuration.insecureHTTP {
            server = .http1()
        } else {
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(credentials.serverCertificatePEM.utf8), format: .pem))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(credentials.serverKeyPEM.utf8), format: .pem)))
            server = try .tls(.http1(), tlsConfiguration: tls)
        }
        let kubeconfigPath = self.kubeconfigPath
        let credentials = self.credentials
        let bindAddress = configuration.bindAddress
        let logger = self.logger
        var app = Application(
            responder: responder, server: server,
            configuration: .init(address: .hostname(bindAddress, port: configuration.apiPort), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let url = "\(scheme)://\(bindAddress):\(port)"
                do {
                    try Data(credentials.kubeconfig(server: url).utf8).write(to: kubeconfigPath, options: .atomic)
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: kubeconfigPath.path)
                } catch {
                    logger.error("could not write the kubeconfig", metadata: ["path": "\(kubeconfigPath.path)", "error": "\(error)"])
                }
                self.announceReady(port)
            },
            logger: logger)
        let bootstrap = Bootstrap(handler: handler, installCRDs: configuration.installBundledCRDs, logger: logger)
        app.beforeServerStarts { try await bootstrap.run() }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: store), .init(service: loops), .init(service: app)],
            gracefulShutdownSignals: [], logger: logger))
        defer {
            announceReady(nil)
            lock.release()
        }
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ControlPlaneError.portInUse(address: bindAddress, port: configuration.apiPort)
        }
    }
}

/// An exclusive lock on a data directory, held for the life of the process (released by the kernel even
/// on SIGKILL), so that two `tack up` never share one store.
final class DataDirectoryLock: Sendable {
    private let fd: Mutex<Int32>

    init(directory: URL) throws {
        let path = directory.appendingPathComponent("tack.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ControlPlaneError.lockFailed(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw ControlPlaneError.alreadyRunning(directory: directory.path, pid: holder)
        }
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        self.fd = Mutex(fd)
    }

    /// Gives the directory up (when the control plane stops); the kernel does the same if the process dies.
    func release() {
        fd.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    deinit { release() }
}

/// Failures starting the control plane, worded for the person who typed `tack up`.
public enum ControlPlaneError: Error, CustomStringConvertible {
    case alreadyRunning(directory: String, pid: String)
    case lockFailed(path: String, reason: String)
    case portInUse(address: String, port: Int)

    public var description: String {
        switch self {
        case .alreadyRunning(let directory, let pid):
            let who = pid.isEmpty ? "another tack process" : "another tack process (pid \(pid))"
            return "\(who) is already running with data directory \(directory); stop it first, or pass --data-dir to use another directory"
        case .lockFailed(let path, let reason):
            return "cannot lock \(path): \(reason)"
        case .portInUse(let address, let port):
            return "the API server cannot listen on \(address):\(port): the port is in use by another program; stop it, or choose another port with --api-port"
        }
    }
}
