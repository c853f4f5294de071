/// Turns protobuf messages into the JSON objects Go's `encoding/json` would write for the same Kubernetes
/// value, walking the generated descriptor table (`KubernetesProtobuf.messages`).
///
/// The zero-value rule (see `KubernetesProtobuf` for why): a single scalar that is zero is left out unless
/// the Go field is a pointer; a nested message is always written when present, even when empty (Go writes
/// non-pointer structs always); empty lists and maps are left out; list elements and map values keep zeros.
struct ProtobufJSONDecoder {
    let messages: [ProtobufMessageDescriptor]
    /// Where the decoder is, for error messages (`spec`, `template`, `containers[0]` ...).
    private(set) var path: [String] = []

    init(messages: [ProtobufMessageDescriptor]) {
        self.messages = messages
    }

    /// Decodes the message at `index` from the reader's whole range.
    mutating func decodeMessage(_ index: Int, from reader: ProtobufWireReader) throws -> [String: JSON] {
        guard index >= 0, index < messages.count else {
            throw ProtobufDecodingError("descriptor table has no message \(index)")
        }
        let descriptor = messages[index]
        var reader = reader
        var object: [String: JSON] = [:]
        var lists: [String: [JSON]] = [:]
        var maps: [String: [String: JSON]] = [:]
        var inlined: [[String: JSON]] = []

        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard let field = descriptor.field(number) else {
                try reader.skip(wireType, number: number)
                continue
            }
            switch field.cardinality {
            case .single:
                if field.isInline, case .message(let inner) = field.type {
                    path.append(field.jsonName)
                    let range = try expect(.lengthDelimited, wireType, field, &reader)
                    inlined.append(try decodeMessage(inner, from: reader.subReader(range)))
                    path.removeLast()
                } else {
                    path.append(field.jsonName)
                    // The last occurrence wins, as in Go; a zero that is left out also clears an earlier value.
                    object[field.jsonName] = try decodeValue(field, wireType, &reader, keepZero: field.isPointer)
                    path.removeLast()
                }
            case .repeated:
                // Appended in place (`default:` subscript) so long lists stay linear.
                if wireType == .lengthDelimited, field.type.isPackable {
                    path.append(field.jsonName)
                    let range = try reader.readLengthDelimited()
                    var packed = reader.subReader(range)
                    while !packed.isAtEnd {
                        lists[field.jsonName, default: []].append(scalar(field.type, try packed.readVarint()))
                    }
                    path.removeLast()
                } else {
                    path.append("\(field.jsonName)[\(lists[field.jsonName]?.count ?? 0)]")
                    let element = try decodeValue(field, wireType, &reader, keepZero: true) ?? .null
                    lists[field.jsonName, default: []].append(element)
                    path.removeLast()
                }
            case .map:
                path.append(field.jsonName)
                let range = try expect(.lengthDelimited, wireType, field, &reader)
                let (key, value) = try decodeMapEntry(field, reader.subReader(range))
                maps[field.jsonName, default: [:]][key] = value
                path.removeLast()
            }
        }

        for (name, list) in lists where !list.isEmpty { object[name] = .array(list) }
        for (name, map) in maps where !map.isEmpty { object[name] = .object(map) }
        for members in inlined {
            for (key, value) in members where object[key] == nil { object[key] = value }
        }
        return object
    }

    // MARK: - Values
    //
    // `JSON` is ExpressibleByNilLiteral, so `cond ? value : nil` would produce `.some(.null)`, not `nil`:
    // functions returning `JSON?` use `guard ... else { return nil }` instead.

    private mutating func decodeValue(_ field: ProtobufFieldDescriptor, _ wireType: ProtobufWireReader.WireType,
                                      _ reader: inout ProtobufWireReader, keepZero: Bool) throws -> JSON? {
        switch field.type {
        case .bool, .int32, .int64:
            _ = try expect(.varint, wireType, field, &reader, consume: false)
            let value = scalar(field.type, try reader.readVarint())
            guard keepZero || !value.isEmptyValue else { return nil }
            return value
        case .string:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            let text = String(decoding: reader.bytes[range], as: UTF8.self)
            guard keepZero || !text.isEmpty else { return nil }
            return .string(text)
        case .bytes:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            guard keepZero || !range.isEmpty else { return nil }
            return .string(Self.base64(reader.bytes[range]))
        case .message(let index):
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            return .object(try decodeMessage(index, from: reader.subReader(range)))
        case .time, .microTime:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            return try decodeTimestamp(reader.subReader(range), micro: field.type == .microTime)
        case .intOrString:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            return try decodeIntOrString(reader.subReader(range), keepZero: keepZero)
        case .quantity:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            let text = try decodeStringField1(reader.subReader(range))
            guard !text.isEmpty else { return nil }
            return .string(text)
        case .rawJSON:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            return try decodeRawJSON(reader.subReader(range))
        case .stringList:
            let range = try expect(.lengthDelimited, wireType, field, &reader)
            return try decodeStringList(reader.subReader(range))
        }
    }

    /// The JSON value of a varint for a bool or integer field.
    private func scalar(_ type: ProtobufFieldDescriptor.ValueType, _ raw: UInt64) -> JSON {
        switch type {
        case .bool: return .bool(raw != 0)
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: raw)))
        default: return .int(Int64(bitPattern: raw))
        }
    }

    /// A map entry `{1: key, 2: value}`; a missing part takes the zero value of its type.
    private mutating func decodeMapEntry(_ field: ProtobufFieldDescriptor,
                                         _ entry: ProtobufWireReader) throws -> (String, JSON) {
        var reader = entry
        var key = ""
        var value: JSON?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch number {
            case 1:
                let range = try expect(.lengthDelimited, wireType, field, &reader)
                key = String(decoding: reader.bytes[range], as: UTF8.self)
            case 2:
                path.append(key)
                value = try decodeValue(field, wireType, &reader, keepZero: true) ?? .null
                path.removeLast()
            default:
                try reader.skip(wireType, number: number)
            }
        }
        return (key, value ?? zeroValue(field.type))
    }

    /// What Go writes for a map value that is absent from its entry.
    private func zeroValue(_ type: ProtobufFieldDescriptor.ValueType) -> JSON {
        switch type {
        case .string, .bytes: return .string("")
        case .bool: return .bool(false)
        case .int32, .int64, .intOrString: return .int(0)
        case .quantity: return .string("0")
        case .message: return .emptyObject
        case .stringList: return .array([])
        case .time, .microTime, .rawJSON: return .null
        }
    }

    // MARK: - Well-known messages

    /// `metav1.Time`/`MicroTime`. Go writes a zero time as an empty message and its JSON is `null`, so an
    /// empty message (or Go's zero instant, 0001-01-01) is left out.
    private func decodeTimestamp(_ message: ProtobufWireReader, micro: Bool) throws -> JSON? {
        var reader = message
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        var sawField = false
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .varint): seconds = Int64(bitPattern: try reader.readVarint()); sawField = true
            case (2, .varint): nanos = Int32(truncatingIfNeeded: try reader.readVarint()); sawField = true
            default: try reader.skip(wireType, number: number)
            }
        }
        guard sawField, !(seconds == -62_135_596_800 && nanos == 0) else { return nil }
        guard nanos >= 0, nanos < 1_000_000_000 else {
            throw ProtobufDecodingError("timestamp nanos \(nanos) out of range")
        }
        let civil = Timestamp.civil(seconds)
        guard micro else { return .string(civil + "Z") }
        let fraction = String(nanos / 1000)
        return .string(civil + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z")
    }

    /// `intstr.IntOrString`: type 0 is `intVal`, type 1 is `strVal`. A zero int in a non-pointer field is
    /// left out, as the API server defaults it (a Service `targetPort` of 0 means "same as port").
    private func decodeIntOrString(_ message: ProtobufWireReader, keepZero: Bool) throws -> JSON? {
        var reader = message
        var kind: UInt64 = 0
        var intValue: Int32 = 0
        var stringValue = ""
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .varint): kind = try reader.readVarint()
            case (2, .varint): intValue = Int32(truncatingIfNeeded: try reader.readVarint())
            case (3, .lengthDelimited):
                let range = try reader.readLengthDelimited()
                stringValue = String(decoding: reader.bytes[range], as: UTF8.self)
            default: try reader.skip(wireType, number: number)
            }
        }
        switch kind {
        case 0:
            guard keepZero || intValue != 0 else { return nil }
            return .int(Int64(intValue))
        case 1:
            guard keepZero || !stringValue.isEmpty else { return nil }
            return .string(stringValue)
        default: throw ProtobufDecodingError("IntOrString has unknown type \(kind)")
        }
    }

    /// The string in field 1 (`Quantity.string`).
    private func decodeStringField1(_ message: ProtobufWireReader) throws -> String {
        var reader = message
        var text = ""
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            if number == 1, wireType == .lengthDelimited {
                let range = try reader.readLengthDelimited()
                text = String(decoding: reader.bytes[range], as: UTF8.self)
            } else {
                try reader.skip(wireType, number: number)
            }
        }
        return text
    }

    /// `FieldsV1.Raw` / `RawExtension.raw`: JSON bytes in field 1, embedded as JSON.
    private func decodeRawJSON(_ message: ProtobufWireReader) throws -> JSON? {
        var reader = message
        var raw: Range<Int>?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            if number == 1, wireType == .lengthDelimited {
                raw = try reader.readLengthDelimited()
            } else {
                try reader.skip(wireType, number: number)
            }
        }
        guard let raw, !raw.isEmpty else { return nil }
        do {
            return try JSON.parse(Array(reader.bytes[raw]))
        } catch {
            throw ProtobufDecodingError("raw bytes are not JSON (\(error))")
        }
    }

    /// `ExtraValue`: the repeated string in field 1, as a JSON array.
    private func decodeStringList(_ message: ProtobufWireReader) throws -> JSON {
        var reader = message
        var items: [JSON] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            if number == 1, wireType == .lengthDelimited {
                let range = try reader.readLengthDelimited()
                items.append(.string(String(decoding: reader.bytes[range], as: UTF8.self)))
            } else {
                try reader.skip(wireType, number: number)
            }
        }
        return .array(items)
    }

    // MARK: - Helpers

    /// Checks the wire type of a field; for length-delimited values also reads the record and returns its
    /// range (with `consume: false` nothing is read and the range is empty).
    @discardableResult
    private func expect(_ expected: ProtobufWireReader.WireType, _ actual: ProtobufWireReader.WireType,
                        _ field: ProtobufFieldDescriptor, _ reader: inout ProtobufWireReader,
                        consume: Bool = true) throws -> Range<Int> {
        guard expected == actual else {
            throw ProtobufDecodingError(
                "field \(field.number) (\(field.jsonName)) has wire type \(actual.name), expected \(expected.name)")
        }
        guard consume, expected == .lengthDelimited else { return reader.position..<reader.position }
        return try reader.readLengthDelimited()
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding, as Go's `encoding/json` writes `[]byte`.
    static func base64(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let remaining = bytes.endIndex - index
            let b0 = bytes[index]
            let b1 = remaining > 1 ? bytes[index + 1] : 0
            let b2 = remaining > 2 ? bytes[index + 2] : 0
            out.append(base64Alphabet[Int(b0 >> 2)])
            out.append(base64Alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(remaining > 1 ? base64Alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? base64Alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += min(3, remaining)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
