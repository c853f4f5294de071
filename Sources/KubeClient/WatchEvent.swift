import KubeModel

/// One event of a watch stream.
public struct WatchEvent<Object: KubeObject>: Sendable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var type: EventType
    /// The object (for BOOKMARK only its resourceVersion is meaningful; for ERROR, a `Status`).
    public var object: Object
    /// `metadata.resourceVersion` of the object.
    public var resourceVersion: String { object.json.resourceVersion }
    /// For ERROR events: the status as an error.
    public var error: KubeError? {
        guard type == .error else { return nil }
        let s = object.json
        return KubeError(kind: .status, code: s["code"]?.intValue ?? 500, reason: s["reason"]?.stringValue ?? "",
                         message: s["message"]?.stringValue ?? "", status: s, request: "watch")
    }
}

/// Splits a byte stream into complete top-level JSON values, whether or not they are newline-separated
/// (kube-apiserver ends each event with a newline; the protocol does not require it).
struct JSONStreamFramer {
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var start: Int?

    mutating func append(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var values: [[UInt8]] = []
        var i = scanned
        while i < buffer.count {
            let b = buffer[i]
            if inString {
                if escaped { escaped = false }
                else if b == UInt8(ascii: "\\") { escaped = true }
                else if b == UInt8(ascii: "\"") { inString = false }
            } else {
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    if depth == 0 { start = i }
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0, let s = start {
                        values.append(Array(buffer[s...i]))
                        start = nil
                    }
                default: break
                }
            }
            i += 1
        }
        // Drop consumed bytes to keep the buffer small.
        let keepFrom = start ?? buffer.count
        if keepFrom > 0 {
            buffer.removeFirst(keepFrom)
            if start != nil { start = 0 }
        }
        scanned = buffer.count
        return values
    }
}
