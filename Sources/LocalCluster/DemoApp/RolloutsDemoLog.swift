import Foundation

/// Request and lifecycle lines on stderr, in the format of Go's `log` package that upstream uses
/// (`2024/05/01 12:00:00 200 - blue`), so `kubectl logs` of a demo pod reads as upstream's does.
enum RolloutsDemoLog {
    static func write(_ message: String) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let stamp = String(format: "%04d/%02d/%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                           parts.tm_hour, parts.tm_min, parts.tm_sec)
        FileHandle.standardError.write(Data("\(stamp) \(message)\n".utf8))
    }
}
