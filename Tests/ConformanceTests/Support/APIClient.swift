import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOSSL
import NIOHTTP1

/// A bare HTTPS client for a `tack up` data directory (its CA and admin token), for tests that talk to the
/// API without kubectl.
final class APIClient: Sendable {
    let http: HTTPClient
    let base: String
    let token: String

    init(dataDirectory: URL, port: Int) throws {
        let pki = dataDirectory.appendingPathComponent("pki")
        let ca = try String(contentsOf: pki.appendingPathComponent("ca.crt"), encoding: .utf8)
        token = try String(contentsOf: pki.appendingPathComponent("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        base = "https://127.0.0.1:\(port)"
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    struct Reply: Sendable {
        var status: Int
        var body: JSON
    }

    func send(_ method: HTTPMethod, _ path: String, body: JSON? = nil, contentType: String = "application/json",
              authorized: Bool = true) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if authorized { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        let response = try await http.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: (try? JSON.parse(Array(buffer: bytes))) ?? .null)
    }
}

/// A TCP port nothing listens on right now.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
