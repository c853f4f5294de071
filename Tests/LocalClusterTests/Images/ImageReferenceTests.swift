import LocalCluster
import Testing

@Suite("Image references")
struct ImageReferenceTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var registry: String
        var repository: String
        var tag: String?
        var digest: String?
        var familiar: String
        var description: String { text }
    }

    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    static let cases: [Case] = [
        Case(text: "busybox", registry: "docker.io", repository: "library/busybox", familiar: "busybox"),
        Case(text: "busybox:1.36", registry: "docker.io", repository: "library/busybox", tag: "1.36", familiar: "busybox:1.36"),
        Case(text: "docker.io/library/busybox:1.36", registry: "docker.io", repository: "library/busybox", tag: "1.36", familiar: "busybox:1.36"),
        Case(text: "index.docker.io/library/busybox:1.36", registry: "docker.io", repository: "library/busybox", tag: "1.36",
             familiar: "busybox:1.36"),
        Case(text: "argoproj/rollouts-demo:blue", registry: "docker.io", repository: "argoproj/rollouts-demo", tag: "blue",
             familiar: "argoproj/rollouts-demo:blue"),
        Case(text: "ghcr.io/acme/team/api:v1.2.3", registry: "ghcr.io", repository: "acme/team/api", tag: "v1.2.3",
             familiar: "ghcr.io/acme/team/api:v1.2.3"),
        Case(text: "localhost:5000/app", registry: "localhost:5000", repository: "app", familiar: "localhost:5000/app"),
        Case(text: "localhost/app:1", registry: "localhost", repository: "app", tag: "1", familiar: "localhost/app:1"),
        Case(text: "registry.cn-hangzhou.aliyuncs.com/imagehubs/hello-world-flask:latest", registry: "registry.cn-hangzhou.aliyuncs.com",
             repository: "imagehubs/hello-world-flask", tag: "latest", familiar: "registry.cn-hangzhou.aliyuncs.com/imagehubs/hello-world-flask:latest"),
        Case(text: "gcr.io/kaniko-project/executor:debug", registry: "gcr.io", repository: "kaniko-project/executor", tag: "debug",
             familiar: "gcr.io/kaniko-project/executor:debug"),
        Case(text: "alpine@\(digest)", registry: "docker.io", repository: "library/alpine", digest: digest, familiar: "alpine@\(digest)"),
        Case(text: "busybox:1.36@\(digest)", registry: "docker.io", repository: "library/busybox", tag: "1.36", digest: digest,
             familiar: "busybox:1.36@\(digest)"),
        Case(text: "sameersbn/redis:4.0.9-3", registry: "docker.io", repository: "sameersbn/redis", tag: "4.0.9-3", familiar: "sameersbn/redis:4.0.9-3"),
        Case(text: "my_org/my__app-x:1", registry: "docker.io", repository: "my_org/my__app-x", tag: "1", familiar: "my_org/my__app-x:1"),
    ]

    @Test("parses and normalises references", arguments: cases)
    func parses(_ c: Case) throws {
        let reference = try ImageReference(parsing: c.text)
        #expect(reference.registry == c.registry)
        #expect(reference.repository == c.repository)
        #expect(reference.tag == c.tag)
        #expect(reference.digest == c.digest)
        #expect(reference.familiarString == c.familiar)
    }

    @Test("familiar and fully qualified spellings are the same reference")
    func equivalence() throws {
        let short = try ImageReference(parsing: "busybox:1.36")
        #expect(short == (try ImageReference(parsing: "docker.io/library/busybox:1.36")))
        #expect(short == (try ImageReference(parsing: "library/busybox:1.36")))
        #expect(short != (try ImageReference(parsing: "busybox:1.37")))
        #expect(short.canonicalString == "docker.io/library/busybox:1.36")
        #expect(short.fullName == "docker.io/library/busybox")
    }

    @Test("the tag a runtime pulls defaults to latest, except for digest references")
    func effectiveTag() throws {
        #expect(try ImageReference(parsing: "busybox").effectiveTag == "latest")
        #expect(try ImageReference(parsing: "busybox:1.36").effectiveTag == "1.36")
        #expect(try ImageReference(parsing: "busybox@\(Self.digest)").effectiveTag == nil)
    }

    @Test("rejects invalid references with the runtime's reason", arguments: [
        ("", "invalid reference format: empty reference"),
        ("Busybox", "invalid reference format: repository name must be lowercase"),
        ("acme/Busybox:1", "invalid reference format: repository name must be lowercase"),
        ("busybox:", "invalid reference format: invalid tag \"\""),
        ("busybox:-x", "invalid reference format: invalid tag \"-x\""),
        ("busy box", "invalid reference format"),
        ("busybox@sha256:abc", "invalid reference format: invalid digest \"sha256:abc\""),
        ("acme//app", "invalid reference format"),
        ("acme/-app", "invalid reference format"),
        ("acme/app.", "invalid reference format"),
    ])
    func rejects(_ text: String, _ reason: String) {
        #expect(throws: ImageReferenceError(reference: text, reason: reason)) { try ImageReference(parsing: text) }
    }

    @Test("an error reads like the kubelet's")
    func errorDescription() {
        let error = ImageReferenceError(reference: "Busybox", reason: "invalid reference format: repository name must be lowercase")
        #expect(error.description == "couldn't parse image reference \"Busybox\": invalid reference format: repository name must be lowercase")
    }
}
