import Foundation

/// Locates the repository's test fixtures (`Tests/Fixtures`) and other files by walking up from this source
/// file to the package root, so tests work from any working directory and in a fresh clone.
public enum Fixtures {
    /// The package root (the directory holding Package.swift).
    public static let repositoryRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("cannot find the package root above \(#filePath)")
    }()

    /// `Tests/Fixtures/<relative>`.
    public static func url(_ relative: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }

    /// A file from the repository, relative to its root.
    public static func repositoryFile(_ relative: String) -> URL {
        repositoryRoot.appendingPathComponent(relative)
    }

    public static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// Every file below a fixture folder with one of the given extensions, sorted.
    public static func files(under relative: String, extensions: Set<String> = ["yaml", "yml"]) -> [URL] {
        let root = url(relative)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var result: [URL] = []
        for case let file as URL in enumerator where extensions.contains(file.pathExtension) { result.append(file) }
        return result.sorted { $0.path < $1.path }
    }
}
