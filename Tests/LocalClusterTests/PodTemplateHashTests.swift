import KubeModel
import LocalCluster
import Testing

@Suite("pod-template-hash")
struct PodTemplateHashTests {
    @Test("FNV-32a matches the reference vectors", arguments: [("", UInt32(0x811c_9dc5)), ("a", 0xe40c_292c), ("foobar", 0xbf9c_f968)])
    func fnv(_ input: String, _ expected: UInt32) {
        #expect(PodTemplateHash.fnv32a(Array(input.utf8)) == expected)
    }

    @Test("SafeEncodeString maps each byte into the rand alphabet")
    func safeEncode() {
        #expect(PodTemplateHash.safeEncode("0123456789") == "456789bcdf")
        #expect(PodTemplateHash.safeEncode("abc") == "vwx")
    }

    @Test("the hash is the encoded decimal FNV-32a of the canonical template")
    func hashValue() {
        let template: JSON = ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "main", "image": "demo:blue"]]]]
        let sum = PodTemplateHash.fnv32a(Array(#"{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"demo:blue","name":"main"}]}}"#.utf8))
        let hash = PodTemplateHash.compute(template: template)
        #expect(hash == PodTemplateHash.safeEncode(String(sum)))
        #expect(hash.count == String(sum).count)
        #expect(hash.allSatisfy { "456789bcdf".contains($0) })
    }

    @Test("templates equal apart from the hash label, nulls and empty values hash alike")
    func canonical() {
        let plain: JSON = ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "main", "image": "demo:blue"]]]]
        let noisy: JSON = ["metadata": ["labels": ["app": "web", "pod-template-hash": "abc"], "creationTimestamp": nil, "annotations": [:]],
                           "spec": ["containers": [["name": "main", "image": "demo:blue", "resources": [:], "env": []]]]]
        #expect(PodTemplateHash.equalIgnoringHash(plain, noisy))
        #expect(PodTemplateHash.compute(template: plain) == PodTemplateHash.compute(template: noisy))
        var other = plain
        other[path: ["spec", "containers"]] = [["name": "main", "image": "demo:green"]]
        #expect(!PodTemplateHash.equalIgnoringHash(plain, other))
        #expect(PodTemplateHash.compute(template: plain) != PodTemplateHash.compute(template: other))
    }

    @Test("a collision count, even 0, changes the hash")
    func collisionCount() {
        let template: JSON = ["spec": ["containers": [["name": "main", "image": "demo:blue"]]]]
        let plain = PodTemplateHash.compute(template: template)
        let zero = PodTemplateHash.compute(template: template, collisionCount: 0)
        let one = PodTemplateHash.compute(template: template, collisionCount: 1)
        #expect(Set([plain, zero, one]).count == 3)
        var bytes = PodTemplateHash.canonicalTemplate(template).serialized()
        bytes += [1, 0, 0, 0, 0, 0, 0, 0]
        #expect(one == PodTemplateHash.safeEncode(String(PodTemplateHash.fnv32a(bytes))))
    }
}
