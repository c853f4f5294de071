/// One field of a protobuf message as the Kubernetes JSON encoding sees it: its number on the wire, its
/// JSON name, what it holds and how an absent or zero value is written.
struct ProtobufFieldDescriptor: Sendable {
    /// What a field holds on the wire and which JSON shape it becomes.
    enum ValueType: Sendable, Equatable {
        /// UTF-8 text.
        case string
        /// A varint, `true` when non-zero.
        case bool
        /// A varint holding a two's complement 32-bit integer.
        case int32
        /// A varint holding a two's complement 64-bit integer.
        case int64
        /// Bytes, written as a base64 string (Go's `[]byte` JSON form).
        case bytes
        /// A nested message, by index into `KubernetesProtobuf.messages`.
        case message(Int)
        /// `metav1.Time` `{seconds, nanos}`, written as RFC 3339 at second precision.
        case time
        /// `metav1.MicroTime` `{seconds, nanos}`, written as RFC 3339 at microsecond precision.
        case microTime
        /// `intstr.IntOrString` `{type, intVal, strVal}`, written as a number or a string.
        case intOrString
        /// `resource.Quantity` `{string}`, written as its string.
        case quantity
        /// `FieldsV1` and `RawExtension`: raw JSON bytes in field 1, embedded as JSON.
        case rawJSON
        /// A named `[]string` (`ExtraValue`) wrapped in a message with the items in field 1.
        case stringList

        /// Whether repeated values of this type may be packed into one length-delimited record.
        var isPackable: Bool {
            switch self {
            case .bool, .int32, .int64: return true
            default: return false
            }
        }
    }

    /// How many values a field holds.
    enum Cardinality: Sendable, Equatable {
        /// One value; written only when present (and, unless `isPointer`, non-zero).
        case single
        /// A list, written as a JSON array when it has elements.
        case repeated
        /// A `map<string, V>`: repeated entries `{1: key, 2: value}`, written as a JSON object.
        case map
    }

    let number: Int
    let jsonName: String
    let type: ValueType
    let cardinality: Cardinality
    /// The Go field is a pointer: a value present on the wire is kept even when it is zero
    /// (`replicas: 0`, `automountServiceAccountToken: false`). See `KubernetesProtobuf` for the rule.
    let isPointer: Bool
    /// The Go field is an embedded struct tagged `json:",inline"`: its fields belong to the parent object.
    let isInline: Bool

    init(_ number: Int, _ jsonName: String, _ type: ValueType, _ cardinality: Cardinality,
         pointer: Bool = false, inline: Bool = false) {
        self.number = number
        self.jsonName = jsonName
        self.type = type
        self.cardinality = cardinality
        self.isPointer = pointer
        self.isInline = inline
    }
}
