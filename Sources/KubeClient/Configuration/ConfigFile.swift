import Foundation

/// Reads the small text files a client configuration names (kubeconfigs, CA bundles, keys, tokens) and
/// explains failures in the words `ls` would use, without echoing any content.
enum ConfigFile {
    /// Why a file could not be read.
    struct Failure: Error, Sendable {
        /// `no such file or directory`, `permission denied`, `is a directory`, `not UTF-8 text`, ...
        let reason: String
        /// True when nothing exists at the path.
        let isMissing: Bool
    }

    /// The file's text.
    static func read(_ path: String) throws(Failure) -> String {
        let data = try readData(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(reason: "not UTF-8 text", isMissing: false)
        }
        return text
    }

    /// The file's bytes.
    static func readData(_ path: String) throws(Failure) -> Data {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(reason: "no such file or directory", isMissing: true)
        }
        if isDirectory.boolValue { throw Failure(reason: "is a directory", isMissing: false) }
        guard manager.isReadableFile(atPath: path) else { throw Failure(reason: "permission denied", isMissing: false) }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(reason: (error as NSError).localizedDescription, isMissing: false)
        }
    }

    /// Whether a regular file exists at the path.
    static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// `path` made absolute against `base` (a directory), with `.` and `..` removed. Empty stays empty.
    static func absolute(_ path: String, relativeTo base: String) -> String {
        guard !path.isEmpty else { return path }
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
        return normalize(joined)
    }

    /// `path` made absolute against the current directory.
    static func absolute(_ path: String) -> String {
        absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
    }

    /// The directory holding a file (`/a/b/c.yaml` → `/a/b`).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Lexical clean-up like Go's `filepath.Clean` for absolute paths (no symlink resolution, which would
    /// change the names shown in messages).
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
