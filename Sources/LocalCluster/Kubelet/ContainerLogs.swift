import APIServer
import Foundation
import Glibc
import KubeModel
import Synchronization

/// Copies a container's output to its log file, one line at a time, each prefixed with the time it was
/// read (RFC 3339 with nanoseconds, as the kubelet's CRI log files hold it), so that `kubectl logs`
/// can filter by time and show timestamps.
final class ContainerLogWriter: Sendable {
    let path: String
    private let state = Mutex<(finished: Bool, handle: FileHandle?)>((false, nil))

    init(path: String) throws {
        self.path = path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        state.withLock { $0.handle = handle }
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// Starts copying from the read end of the container's output pipe; takes ownership of the descriptor.
    func attach(readEnd: Int32) {
        let thread = Thread { [self] in
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending.append(contentsOf: buffer[0..<n])
                var out: [UInt8] = []
                while let newline = pending.firstIndex(of: 0x0A) {
                    out += Array((Timestamp.formatNano(Date()) + " ").utf8)
                    out += pending[...newline]
                    pending.removeSubrange(...newline)
                }
                // Very long lines without a newline are split, as the kubelet does at 16 KiB.
                if pending.count > 16384 {
                    out += Array((Timestamp.formatNano(Date()) + " ").utf8) + pending + [0x0A]
                    pending = []
                }
                if !out.isEmpty { self.write(out) }
            }
            if !pending.isEmpty { self.write(Array((Timestamp.formatNano(Date()) + " ").utf8) + pending + [0x0A]) }
            close(readEnd)
            self.finish()
        }
        thread.name = "tack-log"
        thread.start()
    }

    private func write(_ bytes: [UInt8]) {
        state.withLock { s in try? s.handle?.write(contentsOf: Data(bytes)) }
    }

    private func finish() {
        state.withLock { s in
            try? s.handle?.close()
            s.handle = nil
            s.finished = true
        }
    }

    /// Writes a line the kubelet itself has to say (used for probe-less failures); rarely needed.
    func note(_ text: String) {
        write(Array((Timestamp.formatNano(Date()) + " " + text + "\n").utf8))
    }
}

/// Where container logs live, and `pods/log` for the API server: current or previous attempt, tail, since,
/// timestamps, byte limit, and follow.
final class ContainerLogStore: PodLogProvider, Sendable {
    let root: URL
    /// Whether a container attempt is still running (so that follow keeps going).
    let isRunning: @Sendable (_ podUID: String, _ container: String, _ attempt: Int) -> Bool

    init(root: URL, isRunning: @escaping @Sendable (String, String, Int) -> Bool) {
        self.root = root
        self.isRunning = isRunning
    }

    func directory(podUID: String, container: String) -> URL {
        root.appendingPathComponent(podUID).appendingPathComponent("logs").appendingPathComponent(container)
    }

    func path(podUID: String, container: String, attempt: Int) -> String {
        directory(podUID: podUID, container: container).appendingPathComponent("\(attempt).log").path
    }

    /// The attempts that have a log, oldest first.
    func attempts(podUID: String, container: String) -> [Int] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory(podUID: podUID, container: container).path)) ?? []
        return files.compactMap { $0.hasSuffix(".log") ? Int($0.dropLast(4)) : nil }.sorted()
    }

    struct Line {
        var time: Date?
        var timestamp: Substring
        var text: Substring
    }

    static func parse(_ line: Substring) -> Line {
        guard let space = line.firstIndex(of: " ") else { return Line(time: nil, timestamp: "", text: line) }
        let ts = line[..<space]
        return Line(time: Timestamp.parse(String(ts)), timestamp: ts, text: line[line.index(after: space)...])
    }

    func log(pod: JSON, options: PodLogOptions) async throws -> APIResponse.Body {
        let uid = pod.uid
        let attempts = attempts(podUID: uid, container: options.container)
        guard let latest = attempts.last else {
            throw APIError.badRequest("container \"\(options.container)\" in pod \"\(pod.name)\" is waiting to start: \(Self.waitingReason(pod, options.container))")
        }
        var attempt = latest
        if options.previous {
            guard attempts.count >= 2 else {
                throw APIError.badRequest("previous terminated container \"\(options.container)\" in pod \"\(pod.name)\" not found")
            }
            attempt = attempts[attempts.count - 2]
        }
        let path = self.path(podUID: uid, container: options.container, attempt: attempt)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map(Self.parse)
        let since: Date? = options.sinceTime ?? options.sinceSeconds.map { Date().addingTimeInterval(-Double($0)) }
        if let since { lines = lines.filter { ($0.time ?? .distantFuture) >= since } }
        if let tail = options.tailLines { lines = Array(lines.suffix(max(0, tail))) }
        let timestamps = options.timestamps
        let render: @Sendable (Line) -> String = { line in
            timestamps ? "\(line.timestamp) \(line.text)\n" : "\(line.text)\n"
        }
        var firstChunk = Array(lines.map(render).joined().utf8)
        if let limit = options.limitBytes, firstChunk.count > limit { firstChunk = Array(firstChunk.prefix(limit)) }
        guard options.follow, options.previous == false else { return .bytes(firstChunk) }
        let initial = firstChunk
        let consumed = text.utf8.count
        let running = isRunning
        let limit = options.limitBytes
        let followed = attempt
        return .stream { writer in
            var sent = initial.count
            if !initial.isEmpty { try await writer.write(initial) }
            var offset = consumed
            var partial = ""
            while !Task.isCancelled {
                let data = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path))).flatMap { handle -> Data? in
                    defer { try? handle.close() }
                    try? handle.seek(toOffset: UInt64(offset))
                    return try? handle.readToEnd()
                } ?? Data()
                if !data.isEmpty {
                    offset += data.count
                    partial += String(decoding: data, as: UTF8.self)
                    var chunk: [UInt8] = []
                    while let newline = partial.firstIndex(of: "\n") {
                        let line = Self.parse(partial[..<newline])
                        chunk += Array(render(line).utf8)
                        partial.removeSubrange(...newline)
                    }
                    if let limit, sent + chunk.count > limit { chunk = Array(chunk.prefix(limit - sent)) }
                    if !chunk.isEmpty {
                        try await writer.write(chunk)
                        sent += chunk.count
                    }
                    if let limit, sent >= limit { return }
                } else if !running(uid, options.container, followed) {
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    static func waitingReason(_ pod: JSON, _ container: String) -> String {
        let statuses = (pod["status"]?["containerStatuses"]?.arrayValue ?? []) + (pod["status"]?["initContainerStatuses"]?.arrayValue ?? [])
        if let waiting = statuses.first(where: { $0["name"]?.stringValue == container })?["state"]?["waiting"] {
            return waiting["reason"]?.stringValue ?? "ContainerCreating"
        }
        return "ContainerCreating"
    }
}
