/// Reads the protobuf wire format (varints, fixed-width values, length-delimited records) from a range of
/// a byte array. Nested messages are read with a sub-reader over the same storage, without copying.
///
/// Every read checks its bounds: malformed input throws `ProtobufDecodingError`, it never traps.
struct ProtobufWireReader {
    /// The wire types of protobuf encoding.
    enum WireType: UInt8, Sendable {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5

        var name: String {
            switch self {
            case .varint: return "varint"
            case .fixed64: return "fixed64"
            case .lengthDelimited: return "length-delimited"
            case .startGroup: return "start-group"
            case .endGroup: return "end-group"
            case .fixed32: return "fixed32"
            }
        }
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// A reader over `bytes[range]` (the whole array by default).
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    /// A reader over a part of the same bytes, as returned by `readLengthDelimited()`.
    func subReader(_ range: Range<Int>) -> ProtobufWireReader {
        ProtobufWireReader(bytes, range: range)
    }

    /// A base-128 varint of at most ten bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<10 {
            guard position < end else { throw ProtobufDecodingError("truncated varint") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtobufDecodingError("varint longer than 10 bytes")
    }

    /// A field key: the field number and the wire type of the value that follows.
    mutating func readTag() throws -> (number: Int, wireType: WireType) {
        let key = try readVarint()
        let number = key >> 3
        guard number > 0, number <= 536_870_911 else {
            throw ProtobufDecodingError("invalid field number \(number)")
        }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw ProtobufDecodingError("field \(number) has unknown wire type \(key & 7)")
        }
        return (Int(number), wireType)
    }

    /// The range of a length-delimited record (string, bytes, nested message, packed list), skipped over.
    mutating func readLengthDelimited() throws -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw ProtobufDecodingError("length \(length) runs past the end of the data (\(end - position) bytes left)")
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Skips the value of a field this reader's caller does not know.
    mutating func skip(_ wireType: WireType, number: Int) throws {
        switch wireType {
        case .varint:
            _ = try readVarint()
        case .fixed64:
            try advance(8)
        case .fixed32:
            try advance(4)
        case .lengthDelimited:
            _ = try readLengthDelimited()
        case .startGroup:
            while true {
                guard !isAtEnd else { throw ProtobufDecodingError("group \(number) is not closed") }
                let (inner, innerType) = try readTag()
                if innerType == .endGroup {
                    guard inner == number else {
                        throw ProtobufDecodingError("group \(number) closed by end-group \(inner)")
                    }
                    return
                }
                try skip(innerType, number: inner)
            }
        case .endGroup:
            throw ProtobufDecodingError("unexpected end-group \(number)")
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard count <= end - position else { throw ProtobufDecodingError("truncated fixed-width value") }
        position += count
    }
}
