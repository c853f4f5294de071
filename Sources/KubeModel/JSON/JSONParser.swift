/// A failure to parse JSON text, worded as Go's encoding/json words it, since kubectl users know those
/// messages (`invalid character 'x' looking for beginning of value`).
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the offending character.
    public let offset: Int
    public let message: String
    public var description: String { message }
}

/// Options for parsing.
public struct JSONParseOptions: Sendable {
    /// Record keys that appear twice in one object (the API server's strict decoding rejects them).
    public var recordDuplicateKeys = false
    /// Maximum nesting depth, as a guard against stack exhaustion on hostile input.
    public var maxDepth = 1000
    public init(recordDuplicateKeys: Bool = false, maxDepth: Int = 1000) {
        self.recordDuplicateKeys = recordDuplicateKeys
        self.maxDepth = maxDepth
    }
}

extension JSON {
    /// Parses JSON text.
    public static func parse(_ bytes: some Collection<UInt8>, options: JSONParseOptions = .init()) throws -> JSON {
        try parseReportingDuplicates(bytes, options: options).value
    }

    /// Parses JSON text from a string.
    public static func parse(_ text: String) throws -> JSON {
        var text = text
        return try text.withUTF8 { try parse($0) }
    }

    /// Parses JSON text and returns the dotted paths of duplicate keys when asked to record them.
    public static func parseReportingDuplicates(
        _ bytes: some Collection<UInt8>, options: JSONParseOptions = .init()
    ) throws -> (value: JSON, duplicateKeys: [String]) {
        if let result = try bytes.withContiguousStorageIfAvailable({ buffer in
            try parseBuffer(buffer, options: options)
        }) {
            return result
        }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { try parseBuffer($0, options: options) }
    }

    private static func parseBuffer(
        _ buffer: UnsafeBufferPointer<UInt8>, options: JSONParseOptions
    ) throws -> (value: JSON, duplicateKeys: [String]) {
        var parser = JSONParser(buffer: buffer, options: options)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index < buffer.count {
            throw parser.error("invalid character \(parser.describe(buffer[parser.index])) after top-level value")
        }
        return (value, parser.duplicates)
    }
}

struct JSONParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let options: JSONParseOptions
    var index = 0
    var duplicates: [String] = []
    var path: [String] = []

    init(buffer: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) {
        self.buffer = buffer
        self.options = options
    }

    func error(_ message: String) -> JSONParseError {
        JSONParseError(offset: index, message: message)
    }

    func describe(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "'\\x\(String(byte, radix: 16))'"
        }
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    var endError: JSONParseError { JSONParseError(offset: index, message: "unexpected end of JSON input") }

    mutating func parseValue(depth: Int) throws -> JSON {
        guard index < buffer.count else { throw endError }
        if depth > options.maxDepth { throw error("exceeded max depth of \(options.maxDepth)") }
        switch buffer[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw error("invalid character \(describe(buffer[index])) looking for beginning of value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for i in 0..<count {
            guard index + i < buffer.count else { index = buffer.count; throw endError }
            if buffer[index + i] != start[i] {
                index += i
                throw error("invalid character \(describe(buffer[index])) in literal \(literal) (expecting '\(Character(Unicode.Scalar(start[i])))')")
            }
        }
        index += count
    }

    mutating func parseObject(depth: Int) throws -> JSON {
        index += 1  // {
        var object: [String: JSON] = [:]
        skipWhitespace()
        guard index < buffer.count else { throw endError }
        if buffer[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < buffer.count else { throw endError }
            guard buffer[index] == UInt8(ascii: "\"") else {
                throw error("invalid character \(describe(buffer[index])) looking for beginning of object key string")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < buffer.count else { throw endError }
            guard buffer[index] == UInt8(ascii: ":") else {
                throw error("invalid character \(describe(buffer[index])) after object key")
            }
            index += 1
            skipWhitespace()
            if options.recordDuplicateKeys { path.append(key) }
            let value = try parseValue(depth: depth + 1)
            if options.recordDuplicateKeys {
                if object[key] != nil { duplicates.append(path.joined(separator: ".")) }
                path.removeLast()
            }
            object[key] = value
            skipWhitespace()
            guard index < buffer.count else { throw endError }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(object)
            default: throw error("invalid character \(describe(buffer[index])) after object key:value pair")
            }
        }
    }

    mutating func parseArray(depth: Int) throws -> JSON {
        index += 1  // [
        var array: [JSON] = []
        skipWhitespace()
        guard index < buffer.count else { throw endError }
        if buffer[index] == UInt8(ascii: "]") {
            index += 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < buffer.count else { throw endError }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(array)
            default: throw error("invalid character \(describe(buffer[index])) after array element")
            }
        }
    }

    mutating func parseString() throws -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<index])
                index += 1
                return try makeString(slice, offset: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("invalid character \(describe(byte)) in string literal") }
            index += 1
        }
        guard index < buffer.count else { throw endError }
        // Slow path with escapes.
        var bytes = [UInt8](UnsafeBufferPointer(rebasing: buffer[start..<index]))
        while index < buffer.count {
            let byte = buffer[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try bytes.withUnsafeBufferPointer { try makeString($0, offset: start) }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < buffer.count else { throw endError }
                let escape = buffer[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // High surrogate: expect a low surrogate next; otherwise emit U+FFFD as Go does.
                        if index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u") {
                            let save = index
                            index += 2
                            let low = try parseHex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    appendUTF8(scalar, to: &bytes)
                default:
                    index -= 1
                    throw error("invalid character \(describe(escape)) in string escape code")
                }
            default:
                if byte < 0x20 { throw error("invalid character \(describe(byte)) in string literal") }
                bytes.append(byte)
                index += 1
            }
        }
        throw endError
    }

    mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < buffer.count else { throw endError }
            let c = buffer[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid character \(describe(c)) in \\u hexadecimal character escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        let s = Unicode.Scalar(scalar) ?? Unicode.Scalar(0xFFFD)!
        bytes.append(contentsOf: String(Character(s)).utf8)
    }

    func makeString(_ slice: UnsafeBufferPointer<UInt8>, offset: Int) throws -> String {
        // Invalid UTF-8 is replaced by U+FFFD, as Go does.
        String(decoding: slice, as: UTF8.self)
    }

    mutating func parseNumber() throws -> JSON {
        let start = index
        var isInteger = true
        if buffer[index] == UInt8(ascii: "-") {
            index += 1
            guard index < buffer.count else { throw endError }
        }
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) else {
            throw error("invalid character \(describe(buffer[index])) in numeric literal")
        }
        if buffer[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < buffer.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) { index += 1 }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < buffer.count else { throw endError }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) else {
                throw error("invalid character \(describe(buffer[index])) after decimal point in numeric literal")
            }
            while index < buffer.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) { index += 1 }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            guard index < buffer.count else { throw endError }
            if buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") { index += 1 }
            guard index < buffer.count else { throw endError }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) else {
                throw error("invalid character \(describe(buffer[index])) in exponent of numeric literal")
            }
            while index < buffer.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[index]) { index += 1 }
        }
        let slice = UnsafeBufferPointer(rebasing: buffer[start..<index])
        if isInteger && slice.count <= 18 {
            var value: Int64 = 0
            var negative = false
            for byte in slice {
                if byte == UInt8(ascii: "-") { negative = true; continue }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return .int(negative ? -value : value)
        }
        let text = String(decoding: slice, as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text) else { throw error("invalid number \(text)") }
        return .double(value)
    }
}
