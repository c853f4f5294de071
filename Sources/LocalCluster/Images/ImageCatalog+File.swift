import Foundation
import KubeModel

extension ImageCatalog {
    /// The name of the user's catalog file inside tack's data directory.
    public static let fileName = "images.yaml"

    /// The built-ins plus the entries of `directory/images.yaml` (none when the file does not exist).
    ///
    /// - Throws: ``ImageCatalogError`` when the file exists but cannot be read or is not a valid catalog.
    public static func load(directory: URL, tackExecutable: String = ImageCatalog.currentExecutablePath) throws(ImageCatalogError) -> ImageCatalog {
        let file = directory.appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: file) else {
            return ImageCatalog(userFile: file, tackExecutable: tackExecutable)
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ImageCatalogError(file: file, message: "cannot read: \(error.localizedDescription)")
        }
        return ImageCatalog(userEntries: try parseEntries(text, file: file), userFile: file, tackExecutable: tackExecutable)
    }

    /// Parses the text of an `images.yaml`: a YAML list of entries
    /// `{image: pattern, command: [..], args: [..], env: {NAME: value}, shell: bool}` where `image` is
    /// required and everything else optional. Unknown keys are errors, so that a typo such as
    /// `commmand` does not silently yield an entry that runs nothing.
    public static func parseEntries(_ text: String, file: String) throws(ImageCatalogError) -> [ImageCatalogEntry] {
        let documents: [JSON]
        do {
            documents = try YAML.decodeAll(text).filter { !$0.isNull }
        } catch {
            throw ImageCatalogError(file: file, message: "invalid YAML: \(error)")
        }
        guard documents.count <= 1 else {
            throw ImageCatalogError(file: file, message: "expected one YAML document (a list of entries), found \(documents.count)")
        }
        guard let document = documents.first else { return [] }
        guard let items = document.arrayValue else {
            throw ImageCatalogError(file: file, message: "expected a list of entries such as - {image: \"nginx:*\", command: [\"/usr/sbin/nginx\"]}, found \(document.typeName)")
        }
        var entries: [ImageCatalogEntry] = []
        for (index, item) in items.enumerated() {
            entries.append(try parseEntry(item, index: index, file: file))
        }
        return entries
    }

    static let entryKeys: Set<String> = ["image", "command", "args", "env", "shell"]

    static func parseEntry(_ item: JSON, index: Int, file: String) throws(ImageCatalogError) -> ImageCatalogEntry {
        let image = item["image"]?.stringValue
        func fail(_ message: String) -> ImageCatalogError {
            ImageCatalogError(file: file, entry: index + 1, image: image, message: message)
        }
        guard let fields = item.objectValue else { throw fail("expected a mapping with \"image\" and \"command\", found \(item.typeName)") }
        if let unknown = fields.keys.sorted().first(where: { !entryKeys.contains($0) }) {
            throw fail("unknown field \"\(unknown)\" (known: args, command, env, image, shell)")
        }
        guard let image, !image.isEmpty else { throw fail("\"image\" is required and must be a string") }
        func stringList(_ key: String) throws(ImageCatalogError) -> [String] {
            guard let value = fields[key], !value.isNull else { return [] }
            guard let array = value.arrayValue else { throw fail("\"\(key)\" must be a list of strings") }
            var result: [String] = []
            for element in array {
                guard let text = scalarText(element) else { throw fail("\"\(key)\" must be a list of strings") }
                result.append(text)
            }
            return result
        }
        let command = try stringList("command")
        let args = try stringList("args")
        var environment: [String: String] = [:]
        if let env = fields["env"], !env.isNull {
            guard let object = env.objectValue else { throw fail("\"env\" must be a mapping of names to values") }
            for (name, value) in object {
                guard let text = scalarText(value) else { throw fail("env \"\(name)\" must be a string") }
                environment[name] = text
            }
        }
        var shell = false
        if let value = fields["shell"], !value.isNull {
            guard let flag = value.boolValue else { throw fail("\"shell\" must be true or false") }
            shell = flag
        }
        do {
            return try ImageCatalogEntry(image: image, command: command, args: args, environment: environment, shell: shell,
                                         origin: .user(file: file, index: index))
        } catch {
            throw fail("invalid image pattern: \(error.reason)")
        }
    }

    /// Strings as they are; numbers and booleans as YAML wrote them (`PORT: 8080`).
    static func scalarText(_ value: JSON) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
