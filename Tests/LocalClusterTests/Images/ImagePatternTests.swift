import LocalCluster
import Testing

@Suite("Image patterns")
struct ImagePatternTests {
    static let digest = "sha256:" + String(repeating: "cd", count: 32)

    @Test("matches names and tags with * globs", arguments: [
        ("busybox", "busybox:1.36", true),
        ("busybox", "docker.io/library/busybox", true),
        ("busybox", "ghcr.io/acme/busybox:1", false),
        ("busybox*", "busyboxplus:curl", true),
        ("alpine", "alpine/git:v2.36.1", false),
        ("alpine*", "alpine/git:v2.36.1", false),
        ("alpine/*", "alpine/git:v2.36.1", true),
        ("argoproj/rollouts-demo:*", "argoproj/rollouts-demo:blue", true),
        ("argoproj/rollouts-demo:*", "docker.io/argoproj/rollouts-demo", true),
        ("argoproj/rollouts-demo:bad-*", "argoproj/rollouts-demo:blue", false),
        ("argoproj/rollouts-demo:bad-*", "argoproj/rollouts-demo:bad-red", true),
        ("ghcr.io/acme/*", "ghcr.io/acme/team/api:1", true),
        ("ghcr.io/acme/*", "ghcr.io/other/api:1", false),
        ("*.example.com/*", "registry.example.com/app:2", true),
        ("*", "quay.io/x/y:z", true),
        ("*:debug", "gcr.io/kaniko-project/executor:debug", true),
        ("*:debug", "busybox", false),
        ("nginx:1.25", "nginx", false),
        ("nginx:latest", "nginx", true),
        ("nginx:1.*", "nginx:1.25.3", true),
        ("busybox:*", "busybox@\(digest)", true),
        ("busybox:1.*", "busybox@\(digest)", false),
        ("busybox@\(digest)", "busybox@\(digest)", true),
        ("busybox@\(digest)", "busybox:1.36", false),
    ])
    func matches(_ pattern: String, _ image: String, _ expected: Bool) throws {
        #expect(try ImagePattern(pattern).matches(ImageReference(parsing: image)) == expected)
    }

    @Test("rejects patterns that are not references")
    func rejects() {
        #expect(throws: ImageReferenceError(reference: "Nginx:*", reason: "invalid reference format: repository name must be lowercase")) {
            try ImagePattern("Nginx:*")
        }
        #expect(throws: ImageReferenceError.self) { try ImagePattern("nginx:") }
    }
}
