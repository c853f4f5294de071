/// The fields of one protobuf message, looked up by field number while decoding.
struct ProtobufMessageDescriptor: Sendable {
    /// The message name without the `k8s.io.api.` / `k8s.io.apimachinery.pkg.` prefix (`core.v1.PodSpec`).
    let name: String
    let fields: [ProtobufFieldDescriptor]
    /// Slot `n` holds the index in `fields` of field number `n`, or -1. Kubernetes field numbers are small
    /// (under 50), so a dense table beats hashing.
    private let slots: [Int]

    init(_ name: String, _ fields: [ProtobufFieldDescriptor]) {
        self.name = name
        self.fields = fields
        var slots = [Int](repeating: -1, count: (fields.map(\.number).max() ?? 0) + 1)
        for (i, field) in fields.enumerated() { slots[field.number] = i }
        self.slots = slots
    }

    /// The field with this number, or nil for a number this message does not define (skipped on the wire).
    func field(_ number: Int) -> ProtobufFieldDescriptor? {
        guard number >= 0, number < slots.count else { return nil }
        let slot = slots[number]
        return slot < 0 ? nil : fields[slot]
    }
}
