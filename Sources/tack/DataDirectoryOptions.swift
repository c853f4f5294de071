import ArgumentParser
import Foundation

/// `--data-dir`, shared by the commands that work on a local Tack.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory holding Tack's store, credentials and kubeconfig (default: ~/.tack).")
    var dataDirectory: String?

    var url: URL {
        if let dataDirectory {
            return URL(fileURLWithPath: (dataDirectory as NSString).expandingTildeInPath)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".tack")
    }
}
