/// Decodes the protobuf request bodies that kubectl 1.32's typed clients send
/// (`Content-Type: application/vnd.kubernetes.protobuf`, reference A19) into the JSON object the JSON
/// encoding of the same value would give, so the API server handles both the same way.
///
/// A body is the 4-byte prefix `k8s\0` followed by a `runtime.Unknown` message whose `typeMeta` names the
/// kind and whose `raw` holds the object's message. Field numbers come from Kubernetes' `generated.proto`
/// files (v1.32) through `scripts/generate-protobuf-descriptors.py`.
///
/// How protobuf maps to JSON:
/// - **Zero values.** Go's protobuf marshaller writes every non-pointer scalar, zero or not, and a pointer
///   scalar only when it is non-nil. So a zero scalar is left out (as `omitempty` would), except in fields
///   whose Go type is a pointer (`replicas`, `automountServiceAccountToken`, `terminationGracePeriodSeconds`,
///   `runAsUser`, `defaultMode`, `optional` ...): there, a value present on the wire is kept even when zero.
///   Non-pointer scalars without `omitempty` (`containerPort: 0`) are left out too: the API server treats
///   them as unset either way.
/// - **Nested messages** are written whenever they are on the wire, even empty: Go writes non-pointer structs
///   always (`status: {}`, `resources: {}`) and pointer structs only when set.
/// - **Lists and maps** are written when they have elements; list elements and map values keep zero values.
/// - `Time`/`MicroTime` become RFC 3339 (a zero time is left out, as Go's `null`); `IntOrString` a number or
///   a string (a zero number is kept only in pointer fields such as `maxUnavailable`); `Quantity` its
///   string; `FieldsV1` and `RawExtension` their embedded JSON; `bytes` base64 text; `ExtraValue` a list.
/// - Go embedded structs tagged `json:",inline"` (`Volume.volumeSource`, `Probe.handler`, the
///   `LocalObjectReference` in key selectors) are flattened into the parent object.
/// - Field numbers the table does not know are skipped.
public enum KubernetesProtobuf {
    /// The magic prefix of every Kubernetes protobuf body.
    static let prefix: [UInt8] = [0x6B, 0x38, 0x73, 0x00]  // "k8s\0"

    /// Decodes a `k8s\0` + `runtime.Unknown` envelope. Returns the object as JSON with `apiVersion` and
    /// `kind` set from the envelope's TypeMeta. Throws for a bad magic prefix, malformed wire data (the
    /// message names the field path), or a kind whose message layout Tack does not know (the message names
    /// the apiVersion and kind).
    public static func decode(_ bytes: [UInt8]) throws -> JSON {
        guard bytes.count >= prefix.count, Array(bytes[0..<prefix.count]) == prefix else {
            throw ProtobufDecodingError(
                "not a Kubernetes protobuf body: it must start with the 4-byte prefix \"k8s\\0\"")
        }
        let envelope = try Envelope(ProtobufWireReader(bytes, range: prefix.count..<bytes.count))
        guard !envelope.apiVersion.isEmpty, !envelope.kind.isEmpty,
              let groupVersion = GroupVersion(apiVersion: envelope.apiVersion)
        else {
            throw ProtobufDecodingError(
                "protobuf envelope has no valid apiVersion and kind (apiVersion \"\(envelope.apiVersion)\", kind \"\(envelope.kind)\")")
        }
        guard envelope.contentEncoding.isEmpty else {
            throw ProtobufDecodingError("protobuf envelope content encoding \"\(envelope.contentEncoding)\" is not supported")
        }
        var object: [String: JSON]
        switch envelope.contentType {
        case "", "application/vnd.kubernetes.protobuf":
            let gvk = GroupVersionKind(groupVersion, kind: envelope.kind)
            guard let root = rootMessages[gvk] else {
                throw ProtobufDecodingError(
                    "cannot decode protobuf for apiVersion \(envelope.apiVersion), kind \(envelope.kind): Tack does not know its message layout; send it as JSON instead")
            }
            var decoder = ProtobufJSONDecoder(messages: messages)
            do {
                object = try decoder.decodeMessage(root, from: envelope.raw)
            } catch let error as ProtobufDecodingError {
                let at = decoder.path.isEmpty ? "" : " at " + decoder.path.joined(separator: ".")
                throw ProtobufDecodingError("malformed protobuf \(envelope.kind)\(at): \(error.message)")
            }
        case "application/json":
            guard case .object(let members) = try JSON.parse(envelope.raw.bytes[envelope.raw.position..<envelope.raw.end])
            else { throw ProtobufDecodingError("raw JSON in protobuf envelope is not an object") }
            object = members
        default:
            throw ProtobufDecodingError("protobuf envelope content type \"\(envelope.contentType)\" is not supported")
        }
        object["apiVersion"] = .string(envelope.apiVersion)
        object["kind"] = .string(envelope.kind)
        return .object(object)
    }

    /// Kinds this decoder knows.
    public static var supportedKinds: Set<GroupVersionKind> { Set(rootMessages.keys) }

    /// `runtime.Unknown {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}`.
    private struct Envelope {
        var apiVersion = ""
        var kind = ""
        var raw: ProtobufWireReader
        var contentEncoding = ""
        var contentType = ""

        init(_ message: ProtobufWireReader) throws {
            var reader = message
            raw = reader.subReader(reader.end..<reader.end)
            do {
                while !reader.isAtEnd {
                    let (number, wireType) = try reader.readTag()
                    guard (1...4).contains(number) else {
                        try reader.skip(wireType, number: number)
                        continue
                    }
                    guard wireType == .lengthDelimited else {
                        throw ProtobufDecodingError("field \(number) has wire type \(wireType.name), expected length-delimited")
                    }
                    let range = try reader.readLengthDelimited()
                    switch number {
                    case 1: try readTypeMeta(reader.subReader(range))
                    case 2: raw = reader.subReader(range)
                    case 3: contentEncoding = String(decoding: reader.bytes[range], as: UTF8.self)
                    default: contentType = String(decoding: reader.bytes[range], as: UTF8.self)
                    }
                }
            } catch let error as ProtobufDecodingError {
                throw ProtobufDecodingError("malformed protobuf envelope: \(error.message)")
            }
        }

        private mutating func readTypeMeta(_ message: ProtobufWireReader) throws {
            var reader = message
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                guard number == 1 || number == 2, wireType == .lengthDelimited else {
                    try reader.skip(wireType, number: number)
                    continue
                }
                let text = String(decoding: reader.bytes[try reader.readLengthDelimited()], as: UTF8.self)
                if number == 1 { apiVersion = text } else { kind = text }
            }
        }
    }
}
