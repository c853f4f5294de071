import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// One event seen by one watcher: the revision it carried and when its bytes reached the watcher.
struct Delivery: Sendable {
    var revision: Int64
    var at: UInt64
}

/// One write: its revision, when it was sent and when its acknowledgement arrived.
struct Write: Sendable {
    var revision: Int64
    var sent: UInt64
    var acknowledged: UInt64
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}

@main
struct WatchLatency {
    static func main() async throws {
        let options: Options
        do {
            options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("WatchLatency: \(error)\n".utf8))
            exit(2)
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = options.caFile {
            tls.trustRoots = .file(ca)
            tls.certificateVerification = .noHostnameVerification
        } else {
            tls.certificateVerification = .none
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(300),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: options.watchers + 16)
        configuration.timeout = .init(connect: .seconds(60), read: nil)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            try await Self(options: options, client: client).run()
        } catch {
            try? await client.shutdown()
            FileHandle.standardError.write(Data("WatchLatency: \(error)\n".utf8))
            exit(1)
        }
        try await client.shutdown()
    }

    let options: Options
    let client: HTTPClient
    /// Unique per run, so that names and keys never collide with an earlier run.
    let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    func run() async throws {
        let ready = Counter()
        let startRevision = options.target == .tack ? try await tackRevision() : 0
        let opening = Scan.now()
        let outcome: (writes: [Write], deliveries: [[Delivery]], openSeconds: Double) =
            try await withThrowingTaskGroup(of: [Delivery]?.self) { group in
                for _ in 0..<options.watchers {
                    group.addTask { try await watch(after: startRevision, ready: ready) }
                }
                while ready.current < options.watchers {
                    if Scan.now() - opening > 180_000_000_000 {
                        throw UsageError("only \(ready.current) of \(options.watchers) watches opened within 180 s")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let openSeconds = Double(Scan.now() - opening) / 1e9
                try await Task.sleep(for: .seconds(1))
                let writes = try await write()
                let drain = options.drainSeconds
                group.addTask {
                    try? await Task.sleep(for: .seconds(drain))
                    return nil
                }
                var deliveries: [[Delivery]] = []
                while let result = try await group.next() {
                    if let result {
                        deliveries.append(result)
                        if deliveries.count == options.watchers { group.cancelAll() }
                    } else {
                        group.cancelAll()  // deadline: watchers return what they have
                    }
                }
                return (writes, deliveries, openSeconds)
            }
        report(writes: outcome.writes, deliveries: outcome.deliveries, openSeconds: outcome.openSeconds)
    }

    /// The current revision of Tack's store: the resourceVersion of a one-item list.
    func tackRevision() async throws -> Int64 {
        var request = HTTPClientRequest(url: "\(options.url)/api/v1/namespaces/default/configmaps?limit=1")
        request.headers.add(name: "Authorization", value: "Bearer \(options.token)")
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 24)
        guard response.status == .ok,
              let list = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let metadata = list["metadata"] as? [String: Any],
              let text = metadata["resourceVersion"] as? String, let revision = Int64(text)
        else { throw UsageError("cannot read the current resourceVersion: \(response.status) \(String(buffer: body))") }
        return revision
    }

    // MARK: Watching

    func watch(after revision: Int64, ready: Counter) async throws -> [Delivery] {
        var request: HTTPClientRequest
        let marker: [UInt8]
        switch options.target {
        case .tack:
            request = HTTPClientRequest(url: "\(options.url)/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(revision)")
            request.headers.add(name: "Authorization", value: "Bearer \(options.token)")
            request.headers.add(name: "Accept", value: "application/json")
            marker = Array(#""resourceVersion":""#.utf8)
        case .etcd:
            let prefix = etcdPrefix
            var end = Array(prefix.utf8)
            end[end.count - 1] += 1
            request = HTTPClientRequest(url: "\(options.url)/v3/watch")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = #"{"create_request":{"key":"\#(base64(prefix))","range_end":"\#(Data(end).base64EncodedString())"}}"#
            request.body = .bytes(ByteBuffer(string: body))
            marker = Array(#""mod_revision":""#.utf8)
        }
        let namePrefix = Array(#""name":"wl-\#(run)-"#.utf8)
        let added = Array(#""type":"ADDED""#.utf8)
        let created = Array(#""created":true"#.utf8)
        var deliveries: [Delivery] = []
        deliveries.reserveCapacity(options.writes)
        do {
            let response = try await client.execute(request, timeout: .hours(1))
            guard response.status == .ok else {
                throw UsageError("watch answered \(response.status)")
            }
            if options.target == .tack { ready.increment() }
            var buffer: [UInt8] = []
            var isCreated = false
            for try await chunk in response.body {
                let at = Scan.now()
                buffer.append(contentsOf: chunk.readableBytesView)
                var start = 0
                while let newline = buffer[start...].firstIndex(of: 0x0A) {
                    let line = buffer[start..<newline]
                    start = newline + 1
                    switch options.target {
                    case .tack:
                        guard Scan.find(added, in: line, from: line.startIndex) != nil,
                              Scan.find(namePrefix, in: line, from: line.startIndex) != nil else { continue }
                        for revision in Scan.numbers(after: marker, in: line) {
                            deliveries.append(Delivery(revision: revision, at: at))
                        }
                    case .etcd:
                        if !isCreated, Scan.find(created, in: line, from: line.startIndex) != nil {
                            isCreated = true
                            ready.increment()
                        }
                        for revision in Scan.numbers(after: marker, in: line) {
                            deliveries.append(Delivery(revision: revision, at: at))
                        }
                    }
                }
                if start > 0 { buffer.removeFirst(start) }
                if deliveries.count >= options.writes { break }
            }
        } catch is CancellationError {
            // The deadline passed: return what arrived.
        } catch let error as HTTPClientError where error == .cancelled {
        }
        return deliveries
    }

    var etcdPrefix: String { "/wl/\(run)/" }

    func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    // MARK: Writing

    func configMap(_ name: String) -> String {
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{"app.kubernetes.io/name":"bench"}},"data":{"LOG_LEVEL":"info","FEATURE_FLAGS":"checkout,search,recommendations","config.yaml":"server:\n  port: 8080\n  timeout: 30s\n"}}"#
    }

    /// Writes at a fixed pace (one every `intervalMilliseconds`), each waiting for its acknowledgement.
    func write() async throws -> [Write] {
        var writes: [Write] = []
        let interval = UInt64(options.intervalMilliseconds) * 1_000_000
        let begin = Scan.now()
        for i in 0..<options.writes {
            let due = begin + UInt64(i) * interval
            let now = Scan.now()
            if due > now { try await Task.sleep(nanoseconds: due - now) }
            var request: HTTPClientRequest
            let marker: [UInt8]
            let name = "wl-\(run)-\(i)"
            switch options.target {
            case .tack:
                request = HTTPClientRequest(url: "\(options.url)/api/v1/namespaces/default/configmaps")
                request.headers.add(name: "Authorization", value: "Bearer \(options.token)")
                request.body = .bytes(ByteBuffer(string: configMap(name)))
                marker = Array(#""resourceVersion":""#.utf8)
            case .etcd:
                request = HTTPClientRequest(url: "\(options.url)/v3/kv/put")
                let body = #"{"key":"\#(base64(etcdPrefix + String(i)))","value":"\#(base64(configMap(name)))"}"#
                request.body = .bytes(ByteBuffer(string: body))
                marker = Array(#""revision":""#.utf8)
            }
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let sent = Scan.now()
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            let acknowledged = Scan.now()
            guard (200..<300).contains(response.status.code) else {
                throw UsageError("write \(i) answered \(response.status): \(String(buffer: body))")
            }
            let bytes = Array(body.readableBytesView)
            guard let revision = Scan.numbers(after: marker, in: bytes[...]).first else {
                throw UsageError("write \(i): no revision in \(String(buffer: body))")
            }
            writes.append(Write(revision: revision, sent: sent, acknowledged: acknowledged))
        }
        return writes
    }

    // MARK: Report

    func report(writes: [Write], deliveries: [[Delivery]], openSeconds: Double) {
        var byRevision: [Int64: Write] = [:]
        for w in writes { byRevision[w.revision] = w }
        var fromSend: [Double] = []
        var fromAck: [Double] = []
        fromSend.reserveCapacity(options.watchers * options.writes)
        fromAck.reserveCapacity(options.watchers * options.writes)
        var unmatched = 0
        for perWatcher in deliveries {
            for d in perWatcher {
                guard let w = byRevision[d.revision] else {
                    unmatched += 1
                    continue
                }
                fromSend.append(Double(Int64(d.at) - Int64(w.sent)) / 1e6)
                fromAck.append(Double(Int64(d.at) - Int64(w.acknowledged)) / 1e6)
            }
        }
        fromSend.sort()
        fromAck.sort()
        let writeLatency = writes.map { Double($0.acknowledged - $0.sent) / 1e6 }.sorted()
        let expected = options.watchers * options.writes
        func p(_ values: [Double], _ q: Double) -> String {
            guard !values.isEmpty else { return "nan" }
            let index = min(values.count - 1, max(0, Int((q * Double(values.count)).rounded(.up)) - 1))
            return String(format: "%.3f", values[index])
        }
        print("""
            \(options.target.rawValue): \(options.watchers) watchers, \(writes.count) writes every \(options.intervalMilliseconds) ms; \
            watches opened in \(String(format: "%.2f", openSeconds)) s
              deliveries: \(fromSend.count) of \(expected) expected (\(unmatched) unmatched)
              delivery latency after the write was sent:         p50 \(p(fromSend, 0.5)) ms  p99 \(p(fromSend, 0.99)) ms  max \(p(fromSend, 1)) ms
              delivery latency after the write was acknowledged: p50 \(p(fromAck, 0.5)) ms  p99 \(p(fromAck, 0.99)) ms  max \(p(fromAck, 1)) ms
              write latency under watch load:                    p50 \(p(writeLatency, 0.5)) ms  p99 \(p(writeLatency, 0.99)) ms
            """)
        print("RESULT target=\(options.target.rawValue) watchers=\(options.watchers) writes=\(writes.count) "
            + "deliveries=\(fromSend.count) expected=\(expected) open_s=\(String(format: "%.2f", openSeconds)) "
            + "send_p50_ms=\(p(fromSend, 0.5)) send_p99_ms=\(p(fromSend, 0.99)) send_max_ms=\(p(fromSend, 1)) "
            + "ack_p50_ms=\(p(fromAck, 0.5)) ack_p99_ms=\(p(fromAck, 0.99)) ack_max_ms=\(p(fromAck, 1)) "
            + "write_p50_ms=\(p(writeLatency, 0.5)) write_p99_ms=\(p(writeLatency, 0.99))")
    }
}
