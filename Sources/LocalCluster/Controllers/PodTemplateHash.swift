import KubeModel

/// The `pod-template-hash` of a pod template, as the Deployment controller (and Argo Rollouts) names
/// ReplicaSets and labels their pods.
///
/// Upstream (`controller.ComputeHash`) feeds FNV-32a with a `spew` dump of the Go struct, which no other
/// language can reproduce byte for byte; Tack feeds it the template's canonical JSON instead (see
/// `canonicalTemplate`). Everything around it is as upstream: the collision count is appended as 8 bytes
/// (little-endian uint32 then four zero bytes), and the decimal form of the sum is rendered with
/// `rand.SafeEncodeString`, one character of `bcdfghjklmnpqrstvwxz2456789` per decimal digit. That is why
/// hashes look like `6d4b75cb6d`: up to 10 characters, all from `456789bcdf`.
public enum PodTemplateHash {
    /// The label (and ReplicaSet selector key) that carries the hash: `apps/v1.DefaultDeploymentUniqueLabelKey`.
    public static let labelKey = "pod-template-hash"

    /// The alphabet of `k8s.io/apimachinery/pkg/util/rand`: no vowels, no 0/1/3, to avoid words.
    public static let alphabet: [UInt8] = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    /// The hash of `template` (a PodTemplateSpec), salted with `collisionCount` when there is one.
    public static func compute(template: JSON, collisionCount: Int? = nil) -> String {
        var hash = fnv32a(canonicalTemplate(template).serialized())
        if let collisionCount {
            let value = UInt32(truncatingIfNeeded: collisionCount)
            var salt: [UInt8] = [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
            salt += [0, 0, 0, 0]
            hash = fnv32a(salt, seed: hash)
        }
        return safeEncode(String(hash))
    }

    /// FNV-1a, 32 bits. `seed` continues an earlier sum (the offset basis by default).
    public static func fnv32a<Bytes: Sequence>(_ bytes: Bytes, seed: UInt32 = 2_166_136_261) -> UInt32 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    /// `rand.SafeEncodeString`: each byte of `text` picks `alphabet[byte % 27]`.
    public static func safeEncode(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            out.unicodeScalars.append(Unicode.Scalar(alphabet[Int(byte) % alphabet.count]))
        }
        return out
    }

    /// The form of a template that hashing and comparison see: the `pod-template-hash` label removed, and
    /// nulls, empty lists and empty objects dropped at every level. Go's semantic equality treats nil and
    /// empty maps and slices alike, and clients re-encoding a template from Go structs add
    /// `creationTimestamp: null` or `resources: {}`; without this, `kubectl rollout undo` (which patches a
    /// ReplicaSet's template back into the Deployment) would not find the old ReplicaSet again.
    public static func canonicalTemplate(_ template: JSON) -> JSON {
        var copy = template
        if var labels = copy["metadata"]?["labels"]?.objectValue {
            labels[labelKey] = nil
            copy[path: ["metadata", "labels"]] = .object(labels)
        }
        return pruned(copy) ?? .emptyObject
    }

    /// True when two pod templates are equal apart from their `pod-template-hash` labels
    /// (`deploymentutil.EqualIgnoreHash`).
    public static func equalIgnoringHash(_ a: JSON, _ b: JSON) -> Bool {
        canonicalTemplate(a) == canonicalTemplate(b)
    }

    static func pruned(_ value: JSON) -> JSON? {
        switch value {
        case .null:
            return nil
        case .array(let items):
            let kept = items.map { pruned($0) ?? .null }
            return kept.isEmpty ? JSON?.none : .array(kept)
        case .object(let members):
            var kept: [String: JSON] = [:]
            kept.reserveCapacity(members.count)
            for (key, member) in members {
                if let p = pruned(member) { kept[key] = p }
            }
            return kept.isEmpty ? JSON?.none : .object(kept)
        default:
            return value
        }
    }
}
