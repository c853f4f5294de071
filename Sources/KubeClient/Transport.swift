import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOSSL

/// Connections and credentials: the HTTP client (rebuilt when an exec plugin hands out a new client
/// certificate) and the `Authorization` header for each request. Credentials go only over TLS, as
/// client-go sends them.
actor Transport {
    let configuration: ClientConfiguration
    private var http: HTTPClient
    private var certificateIdentity: String?
    private var retired: [HTTPClient] = []
    private let exec: ExecCredentialProvider?
    private var tokenFileCache: (token: String, readAt: Date)?

    init(configuration: ClientConfiguration) throws {
        self.configuration = configuration
        http = try Self.makeClient(configuration, clientCertificate: nil, clientKey: nil)
        certificateIdentity = configuration.tls.clientCertificatePEM
        if case .exec(let exec) = configuration.credentials {
            self.exec = ExecCredentialProvider(configuration: exec, cluster: configuration)
        } else {
            self.exec = nil
        }
    }

    static func makeClient(_ configuration: ClientConfiguration, clientCertificate: String?, clientKey: String?) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = configuration.tls.certificateAuthorityPEM {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
            } catch {
                throw KubeError.configuration("\(configuration.source): the cluster's certificate authority is not a PEM certificate: \(error)")
            }
        }
        if configuration.tls.insecureSkipVerify { tls.certificateVerification = .none }
        if let cert = clientCertificate ?? configuration.tls.clientCertificatePEM, let key = clientKey ?? configuration.tls.clientKeyPEM {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(cert.utf8)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
            } catch {
                throw KubeError.configuration("\(configuration.source): user \"\(configuration.userName ?? "")\": the client certificate or key is not valid PEM")
            }
        }
        var http = HTTPClient.Configuration(tlsConfiguration: tls)
        // Watches hold connections for minutes: allow many, so that they never starve ordinary requests.
        http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)
        http.timeout = .init(connect: .seconds(10))
        if let proxy = configuration.proxyURL, let host = proxy.host {
            http.proxy = .server(host: host, port: proxy.port ?? 80)
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// The client to use and the Authorization header value for the next request.
    func prepare(refresh: Bool) async throws -> (HTTPClient, String?) {
        let secure = configuration.server.scheme == "https"
        switch configuration.credentials {
        case .none:
            return (http, nil)
        case .bearerToken(let token):
            return (http, secure ? "Bearer \(token)" : nil)
        case .tokenFile(let path):
            // Re-read rotating service-account tokens at most once a minute.
            if let cached = tokenFileCache, Date().timeIntervalSince(cached.readAt) < 60, !refresh {
                return (http, secure ? "Bearer \(cached.token)" : nil)
            }
            guard let token = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
                throw KubeError.configuration("\(configuration.source): user \"\(configuration.userName ?? "")\": tokenFile \(path) cannot be read")
            }
            tokenFileCache = (token, Date())
            return (http, secure ? "Bearer \(token)" : nil)
        case .basic(let user, let password):
            let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
            return (http, secure ? "Basic \(encoded)" : nil)
        case .exec:
            let credential = try await self.credential(refresh: refresh)
            if let cert = credential.clientCertificatePEM, let key = credential.clientKeyPEM, cert != certificateIdentity {
                retired.append(http)
                http = try Self.makeClient(configuration, clientCertificate: cert, clientKey: key)
                certificateIdentity = cert
            }
            return (http, credential.token.flatMap { secure ? "Bearer \($0)" : nil })
        }
    }

    func credential(refresh: Bool) async throws -> ExecCredential {
        guard let exec else { return ExecCredential() }
        do {
            return try await exec.credential(refresh: refresh)
        } catch let error as KubeconfigError {
            throw KubeError.configuration(error.message)
        }
    }

    func shutdown() async {
        try? await http.shutdown()
        for client in retired { try? await client.shutdown() }
        retired = []
    }
}

/// Client-side rate limiting: a token bucket of `qps` with `burst`, as client-go's flowcontrol limiter.
/// The defaults are high on purpose (low defaults were the main bottleneck in Argo CD's scale tests).
actor RequestRateLimiter {
    let qps: Double
    let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = Double(max(1, burst))
        tokens = Double(max(1, burst))
        last = .now
    }

    func acquire() async {
        guard qps > 0 else { return }
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        tokens = min(burst, tokens + (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * qps)
        tokens -= 1
        if tokens < 0 {
            let wait = -tokens / qps
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }
}
