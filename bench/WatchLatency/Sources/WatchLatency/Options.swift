import Foundation

/// Command line of WatchLatency.
///
///     WatchLatency --target tack --url https://127.0.0.1:16443 --token-file DIR/pki/admin.token \
///                  [--ca-file DIR/pki/ca.crt] [--watchers 1000] [--writes 200] [--interval-ms 20]
///     WatchLatency --target etcd --url http://127.0.0.1:22379 [...]
struct Options: Sendable {
    enum Target: String, Sendable { case tack, etcd }

    var target: Target = .tack
    var url = ""
    var token = ""
    var caFile: String?
    var watchers = 1000
    var writes = 200
    var intervalMilliseconds = 20
    /// How long to wait for the last deliveries after the last write.
    var drainSeconds = 20

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let v = iterator.next() else { throw UsageError("\(flag) needs a value") }
            return v
        }
        func number(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n > 0 else { throw UsageError("\(flag) must be a positive integer, got \(text)") }
            return n
        }
        while let flag = iterator.next() {
            switch flag {
            case "--target":
                let text = try value(flag)
                guard let target = Target(rawValue: text) else { throw UsageError("--target must be tack or etcd, got \(text)") }
                options.target = target
            case "--url": options.url = try value(flag)
            case "--token-file":
                let path = try value(flag)
                options.token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            case "--ca-file": options.caFile = try value(flag)
            case "--watchers": options.watchers = try number(flag)
            case "--writes": options.writes = try number(flag)
            case "--interval-ms": options.intervalMilliseconds = try number(flag)
            case "--drain-seconds": options.drainSeconds = try number(flag)
            default: throw UsageError("unknown argument \(flag)")
            }
        }
        if options.url.isEmpty { throw UsageError("--url is required") }
        if options.url.hasSuffix("/") { options.url.removeLast() }
        return options
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
