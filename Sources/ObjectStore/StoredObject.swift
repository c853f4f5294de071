import KubeModel

/// One object as stored: its key, the revision of its last write (its `resourceVersion`), and its
/// serialised JSON, which already carries that `resourceVersion`. Reads hand the bytes out unchanged.
/// A few metadata facts are extracted once at write time so that selectors and the control-plane loops
/// need not parse every object.
public struct StoredObject: Sendable {
    public let key: ObjectKey
    public let revision: Int64
    public let data: [UInt8]
    public let labels: [String: String]
    public let uid: String
    /// The object has owner references, finalizers, or a deletion timestamp: the garbage collector's cue.
    public let needsLifecycleAttention: Bool

    public init(key: ObjectKey, revision: Int64, data: [UInt8], object: JSON) {
        self.key = key
        self.revision = revision
        self.data = data
        self.labels = object.labels
        self.uid = object.uid
        let meta = object["metadata"]
        self.needsLifecycleAttention = meta?["ownerReferences"] != nil || meta?["finalizers"] != nil
            || meta?["deletionTimestamp"] != nil || object["spec"]?["finalizers"] != nil
    }

    /// The object parsed. Stored bytes were produced by `JSON.serialized()`, so parsing cannot fail
    /// unless the database was edited by hand; such an object reads as an empty object.
    public var object: JSON {
        (try? JSON.parse(data)) ?? .emptyObject
    }
}
