import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOPosix

/// Runs one probe attempt (httpGet, tcpSocket, exec) against a container, with the probe's timeout.
struct ProbeRunner: Sendable {
    let http: HTTPClient

    enum Outcome: Sendable, Equatable {
        case success
        case failure(String)
    }

    func run(_ probe: JSON, podIP: String, container: JSON, environment: [String: String], directory: String) async -> Outcome {
        let timeout = Double(probe["timeoutSeconds"]?.intValue ?? 1)
        if let get = probe["httpGet"] {
            let host = get["host"]?.stringValue ?? podIP
            guard let port = Self.port(get["port"], container: container) else { return .failure("no port \(get["port"] ?? "") in container") }
            let scheme = (get["scheme"]?.stringValue ?? "HTTP").lowercased()
            var path = get["path"]?.stringValue ?? "/"
            if !path.hasPrefix("/") { path = "/" + path }
            var request = HTTPClientRequest(url: "\(scheme)://\(host):\(port)\(path)")
            request.headers.add(name: "User-Agent", value: "kube-probe/1.32")
            for header in get["httpHeaders"]?.arrayValue ?? [] {
                if let name = header["name"]?.stringValue, let value = header["value"]?.stringValue { request.headers.add(name: name, value: value) }
            }
            do {
                let response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                _ = try? await response.body.collect(upTo: 10 * 1024)
                let code = Int(response.status.code)
                return (200..<400).contains(code) ? .success : .failure("HTTP probe failed with statuscode: \(code)")
            } catch {
                return .failure("Get \"\(scheme)://\(host):\(port)\(path)\": \(Self.describe(error))")
            }
        }
        if let tcp = probe["tcpSocket"] {
            let host = tcp["host"]?.stringValue ?? podIP
            guard let port = Self.port(tcp["port"], container: container) else { return .failure("no port \(tcp["port"] ?? "") in container") }
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.milliseconds(Int64(timeout * 1000)))
                    .connect(host: host, port: port).get()
                try? await channel.close()
                return .success
            } catch {
                return .failure("dial tcp \(host):\(port): connect: connection refused")
            }
        }
        if let exec = probe["exec"]?["command"]?.arrayValue?.compactMap(\.stringValue), let first = exec.first {
            guard let executable = resolveExecutable(first, path: environment["PATH"]) else {
                return .failure("exec probe: \(first): not found")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(exec.dropFirst())
            process.environment = environment
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return .failure("exec probe: \(error)") }
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning {
                process.terminate()
                return .failure("command timed out")
            }
            return process.terminationStatus == 0 ? .success : .failure("command exited with \(process.terminationStatus)")
        }
        if probe["grpc"] != nil { return .failure("gRPC probes are not supported by the local runtime") }
        return .failure("the probe has no handler")
    }

    /// A probe port: a number, or the name of one of the container's ports.
    static func port(_ value: JSON?, container: JSON) -> Int? {
        switch value {
        case .int(let n)?: return Int(n)
        case .string(let s)?:
            if let n = Int(s) { return n }
            return (container["ports"]?.arrayValue ?? []).first { $0["name"]?.stringValue == s }?["containerPort"]?.intValue
        default: return nil
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("deadline") || text.contains("timeout") { return "context deadline exceeded" }
        if text.contains("refused") || text.contains("connect") { return "dial tcp: connect: connection refused" }
        return text
    }
}
