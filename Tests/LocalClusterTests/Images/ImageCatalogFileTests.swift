import Foundation
import LocalCluster
import TestSupport
import Testing

@Suite("Image catalog file")
struct ImageCatalogFileTests {
    @Test("reads entries with every field")
    func readsEntries() throws {
        let entries = try ImageCatalog.parseEntries("""
        # comment
        - image: "nginx:*"
          command: ["/usr/sbin/nginx", "-g", "daemon off;"]
          args: ["-c", "/etc/nginx/local.conf"]
          env: {TZ: UTC}
        - image: busybox:1.36
          shell: true
        """, file: "f.yaml")
        #expect(entries.count == 2)
        #expect(entries[0].pattern.text == "nginx:*")
        #expect(entries[0].command == ["/usr/sbin/nginx", "-g", "daemon off;"])
        #expect(entries[0].args == ["-c", "/etc/nginx/local.conf"])
        #expect(entries[0].environment == ["TZ": "UTC"])
        #expect(entries[0].shell == false)
        #expect(entries[0].origin == .user(file: "f.yaml", index: 0))
        #expect(entries[1].shell == true)
        #expect(entries[1].command == [])
    }

    @Test("an empty file has no entries")
    func empty() throws {
        #expect(try ImageCatalog.parseEntries("", file: "f").isEmpty)
        #expect(try ImageCatalog.parseEntries("# nothing yet\n", file: "f").isEmpty)
        #expect(try ImageCatalog.parseEntries("[]", file: "f").isEmpty)
    }

    @Test("errors name the file, the entry and the problem", arguments: [
        ("image: nginx", "f.yaml: expected a list of entries such as - {image: \"nginx:*\", command: [\"/usr/sbin/nginx\"]}, found object"),
        ("- nginx", "f.yaml: entry 1: expected a mapping with \"image\" and \"command\", found string"),
        ("- {command: [x]}", "f.yaml: entry 1: \"image\" is required and must be a string"),
        ("- {image: \"a:*\", command: [x]}\n- {image: \"nginx:*\", commmand: [x]}",
         "f.yaml: entry 2 (\"nginx:*\"): unknown field \"commmand\" (known: args, command, env, image, shell)"),
        ("- {image: \"nginx:*\", command: \"nginx -g\"}", "f.yaml: entry 1 (\"nginx:*\"): \"command\" must be a list of strings"),
        ("- {image: \"nginx:*\", args: [[1]]}", "f.yaml: entry 1 (\"nginx:*\"): \"args\" must be a list of strings"),
        ("- {image: \"nginx:*\", env: [A]}", "f.yaml: entry 1 (\"nginx:*\"): \"env\" must be a mapping of names to values"),
        ("- {image: \"nginx:*\", shell: maybe}", "f.yaml: entry 1 (\"nginx:*\"): \"shell\" must be true or false"),
        ("- {image: \"Nginx:*\", command: [x]}",
         "f.yaml: entry 1 (\"Nginx:*\"): invalid image pattern: invalid reference format: repository name must be lowercase"),
        ("- {image: a}\n---\n- {image: b}", "f.yaml: expected one YAML document (a list of entries), found 2"),
    ])
    func errors(_ yaml: String, _ message: String) {
        #expect {
            try ImageCatalog.parseEntries(yaml, file: "f.yaml")
        } throws: { error in
            (error as? ImageCatalogError)?.description == message
        }
    }

    @Test("loads DIR/images.yaml, or only the built-ins when there is none")
    func load() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-images-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("images.yaml").path

        let none = try ImageCatalog.load(directory: directory, tackExecutable: "/t")
        #expect(none.userEntries.isEmpty)
        #expect(none.userFile == file)
        #expect(none.resolve(container: ["name": "c", "image": "nginx"]).failure?.message.contains("add one to \(file),") == true)

        try "- {image: \"nginx:*\", command: [\"/usr/sbin/nginx\"]}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let some = try ImageCatalog.load(directory: directory, tackExecutable: "/t")
        #expect(some.resolve(container: ["name": "c", "image": "nginx"]).program?.argv == ["/usr/sbin/nginx"])

        try "- {image: 42}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ImageCatalogError(file: file, entry: 1, image: nil, message: "\"image\" is required and must be a string")) {
            try ImageCatalog.load(directory: directory, tackExecutable: "/t")
        }
    }

    @Test("the loader picks up a changed file and keeps the last good catalog when the file breaks")
    func loader() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tack-images-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("images.yaml").path
        let loader = ImageCatalogLoader(directory: directory, tackExecutable: "/t")
        #expect(loader.current().resolve(container: ["name": "c", "image": "nginx"]).failure != nil)

        try "- {image: \"nginx:*\", command: [\"/a\"]}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loader.current().resolve(container: ["name": "c", "image": "nginx"]).program?.argv == ["/a"])

        try "- {image: \"nginx:*\", command: [\"/b\"], extra: 1}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loader.current().resolve(container: ["name": "c", "image": "nginx"]).program?.argv == ["/a"])
        #expect(loader.lastError?.message == "unknown field \"extra\" (known: args, command, env, image, shell)")

        try "- {image: \"nginx:*\", command: [\"/c\"]}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(loader.current().resolve(container: ["name": "c", "image": "nginx"]).program?.argv == ["/c"])
        #expect(loader.lastError == nil)
    }

    @Test("the examples in docs/images.md parse")
    func documentedExamples() throws {
        let text = try String(contentsOf: Fixtures.repositoryFile("docs/images.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(!blocks.isEmpty)
        for block in blocks {
            #expect(throws: Never.self) { try ImageCatalog.parseEntries(block, file: "docs/images.md") }
        }
    }
}
