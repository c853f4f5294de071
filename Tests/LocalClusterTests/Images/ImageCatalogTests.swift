import Foundation
import KubeModel
import LocalCluster
import Testing

@Suite("Image catalog")
struct ImageCatalogTests {
    static let tack = "/opt/tack/bin/tack"

    static func catalog(_ yaml: String = "", file: String = "/data/images.yaml") throws -> ImageCatalog {
        ImageCatalog(userEntries: try ImageCatalog.parseEntries(yaml, file: file), userFile: file, tackExecutable: tack)
    }

    static func container(_ image: String, command: [String]? = nil, args: [String]? = nil, script: String? = nil) -> JSON {
        var json: JSON = ["name": "main", "image": .string(image)]
        if let command { json["command"] = JSON(command) }
        if let args { json["args"] = JSON(args) }
        if let script { json["script"] = .string(script) }
        return json
    }

    static func argv(_ resolution: ImageResolution) -> [String]? { resolution.program?.argv }

    @Test("the demo app image runs tack's demo server in its tag's colour")
    func rolloutsDemo() throws {
        let resolution = try Self.catalog().resolve(container: Self.container("argoproj/rollouts-demo:yellow"))
        #expect(resolution == .runnable(ResolvedProgram(argv: [Self.tack, "__rollouts-demo", "--color", "yellow"],
                                                        source: .catalog(pattern: "argoproj/rollouts-demo", builtin: true))))
    }

    @Test("container args are appended to the entry's command, as to an image entrypoint")
    func argsAppended() throws {
        let resolution = try Self.catalog().resolve(container: Self.container("argoproj/rollouts-demo:blue", args: ["--listen-addr", ":9090"]))
        #expect(Self.argv(resolution) == [Self.tack, "__rollouts-demo", "--color", "blue", "--listen-addr", ":9090"])
    }

    @Test("shell images run host programs, with sh run by bash", arguments: [
        // (image, command, args, expected argv)
        ("busybox", ["sh", "-c", "[[ $(expr $RANDOM % 2) -eq 1 ]]"], nil, ["/bin/bash", "-c", "[[ $(expr $RANDOM % 2) -eq 1 ]]"]),
        ("alpine:3.15", ["/bin/sh"], ["-c", "echo Hello World"], ["/bin/bash", "-c", "echo Hello World"]),
        ("alpine:3.16", ["sed"], ["-i", "-e", "s@a@b@g", "f"], ["sed", "-i", "-e", "s@a@b@g", "f"]),
        ("busybox:1.36", nil, ["sh", "-c", "echo hi"], ["/bin/bash", "-c", "echo hi"]),
        ("busybox", nil, ["echo", "hi"], ["echo", "hi"]),
        ("busybox", nil, nil, ["/bin/bash"]),
        ("alpine", nil, nil, ["/bin/bash"]),
        ("bash:5", nil, nil, ["/bin/bash"]),
        ("bash:5", nil, ["-c", "echo $RANDOM"], ["/bin/bash", "-c", "echo $RANDOM"]),
        ("curlimages/curl:8.5.0", nil, ["-s", "http://web/color"], ["curl", "-s", "http://web/color"]),
        ("curlimages/curl", nil, ["sh", "-c", "curl -s http://web"], ["/bin/bash", "-c", "curl -s http://web"]),
        ("alpine/git:v2.36.1", nil, ["clone", "https://example.com/r.git"], ["git", "clone", "https://example.com/r.git"]),
        ("busybox", ["/usr/local/bin/ash", "-c", "true"], nil, ["/bin/bash", "-c", "true"]),
    ] as [(String, [String]?, [String]?, [String])])
    func shellImages(_ image: String, _ command: [String]?, _ args: [String]?, _ expected: [String]) throws {
        let resolution = try Self.catalog().resolve(container: Self.container(image, command: command, args: args))
        #expect(Self.argv(resolution) == expected)
        #expect(resolution.program?.shell == true)
    }

    @Test("a container with a command runs it as given, sh included, when the image is not a shell image")
    func commandAsGiven() throws {
        let resolution = try Self.catalog().resolve(container: Self.container("lachlanevenson/k8s-kubectl", command: ["kubectl"],
                                                                              args: ["apply", "-f", "x.yaml"]))
        #expect(resolution == .runnable(ResolvedProgram(argv: ["kubectl", "apply", "-f", "x.yaml"], source: .containerCommand)))
        let sh = try Self.catalog().resolve(container: Self.container("debian:12", command: ["sh", "-c", "echo"]))
        #expect(Self.argv(sh) == ["sh", "-c", "echo"])
    }

    @Test("an image with no command and no entry is not runnable, with a message saying how to add one")
    func notRunnable() throws {
        let resolution = try Self.catalog().resolve(container: Self.container("nginx:1.25"))
        #expect(resolution == .notRunnable(ImageNotRunnable(
            reason: "ImageNotRunnable",
            message: "image \"nginx:1.25\" has no command and no catalog entry: add one to /data/images.yaml, e.g. "
                + "- {image: \"nginx:*\", command: [\"/path/to/program\", \"--flag\"]} (see docs/images.md), or give the container a command")))
        let hub = try Self.catalog().resolve(container: Self.container("ghcr.io/acme/api:v1"))
        #expect(hub.failure?.message.contains("e.g. - {image: \"ghcr.io/acme/api:*\"") == true)
    }

    @Test("an invalid image name is reported as the kubelet reports it")
    func invalidImageName() throws {
        let resolution = try Self.catalog().resolve(container: Self.container("Nginx:1.25"))
        #expect(resolution.failure == ImageNotRunnable(
            reason: "InvalidImageName",
            message: "Failed to apply default image tag \"Nginx:1.25\": couldn't parse image reference \"Nginx:1.25\": "
                + "invalid reference format: repository name must be lowercase"))
    }

    @Test("a container with neither image nor command is not runnable")
    func noImage() throws {
        let resolution = try Self.catalog().resolve(container: ["name": "x"])
        #expect(resolution.failure == ImageNotRunnable(reason: "ImageNotRunnable", message: "container \"x\" has no image and no command"))
    }

    @Test("user entries come before built-ins")
    func userBeforeBuiltin() throws {
        let catalog = try Self.catalog("""
        - image: "argoproj/rollouts-demo:*"
          command: ["/usr/local/bin/my-demo", "{tag}"]
        """)
        #expect(Self.argv(catalog.resolve(container: Self.container("argoproj/rollouts-demo:red"))) == ["/usr/local/bin/my-demo", "red"])
        #expect(catalog.resolve(container: Self.container("argoproj/rollouts-demo:red")).program?.source
            == .catalog(pattern: "argoproj/rollouts-demo:*", builtin: false))
    }

    @Test("the most specific pattern wins, then file order")
    func specificity() throws {
        let catalog = try Self.catalog("""
        - {image: "*", command: ["catch-all"]}
        - {image: "ghcr.io/acme/*", command: ["acme"]}
        - {image: "ghcr.io/acme/api:*", command: ["api-any"]}
        - {image: "ghcr.io/acme/api:v1*", command: ["api-v1"]}
        - {image: "ghcr.io/acme/api:v1*", command: ["api-v1-second"]}
        """)
        let cases = [("ghcr.io/acme/api:v1.2", "api-v1"), ("ghcr.io/acme/api:v2", "api-any"), ("ghcr.io/acme/web", "acme"),
                     ("quay.io/x/y", "catch-all"), ("argoproj/rollouts-demo:blue", "catch-all")]
        for (image, expected) in cases {
            #expect(Self.argv(catalog.resolve(container: Self.container(image))) == [expected], "\(image)")
        }
    }

    @Test("placeholders and env of an entry are filled in; the container's args are not touched")
    func placeholders() throws {
        let catalog = try Self.catalog("""
        - image: "ghcr.io/acme/*"
          command: ["{tack}", "run", "{name}", "{tag}", "{image}", "{unknown}"]
          env: {IMAGE_TAG: "v-{tag}", PORT: 8080, DEBUG: true}
        """)
        let program = catalog.resolve(container: Self.container("ghcr.io/acme/api:v2", args: ["{tag}"])).program
        #expect(program?.argv == [Self.tack, "run", "ghcr.io/acme/api", "v2", "ghcr.io/acme/api:v2", "{unknown}", "{tag}"])
        #expect(program?.environment == ["IMAGE_TAG": "v-v2", "PORT": "8080", "DEBUG": "true"])
        #expect(program?.shell == false)
    }

    @Test("a user shell entry maps sh to bash")
    func userShellEntry() throws {
        let catalog = try Self.catalog("""
        - {image: "ikubernetes/admin-box:*", shell: true}
        """)
        let program = catalog.resolve(container: Self.container("ikubernetes/admin-box:v1.2", command: ["/bin/sh", "-c", "echo"])).program
        #expect(program?.argv == ["/bin/bash", "-c", "echo"])
        let nothing = catalog.resolve(container: Self.container("ikubernetes/admin-box:v1.2"))
        #expect(nothing.failure?.message == "image \"ikubernetes/admin-box:v1.2\" matches /data/images.yaml entry 1 "
            + "(\"ikubernetes/admin-box:*\"), which has no command or args, and the container has no command: add a command to the entry or to the container")
    }

    @Test("a script runs with its #! interpreter, sh mapped to bash for shell images", arguments: [
        ("alpine:3.15", "#!/bin/sh\nset -xe\necho hi\n", ["/bin/bash"]),
        ("alpine/git:v2.36.1", "git clone -v x y", ["/bin/bash"]),
        ("maven:3.8-openjdk-11-slim", "mvn clean install\n", ["/bin/sh"]),
        ("ikubernetes/admin-box:v1.2", "#!/usr/bin/env bash\ndate\n", ["/usr/bin/env", "bash"]),
        ("alpine:3.15", "#/bin/sh\necho typo\n", ["/bin/bash"]),
    ])
    func scripts(_ image: String, _ script: String, _ interpreter: [String]) throws {
        let program = try Self.catalog().resolve(container: Self.container(image, args: ["a1"], script: script)).program
        #expect(program?.argv == interpreter)
        #expect(program?.script == script)
        #expect(program?.source == .script)
        #expect(program?.commandLine(scriptPath: "/tmp/s") == interpreter + ["/tmp/s", "a1"])
    }
}
