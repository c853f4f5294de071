import ArgumentParser
import Foundation

extension Tack {
    /// `tack kubeconfig`: prints where the admin kubeconfig is.
    struct Kubeconfig: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the path of the kubeconfig written by `tack up`.")

        @OptionGroup var dataDirectory: DataDirectoryOptions

        func run() throws {
            let path = dataDirectory.url.appendingPathComponent("kubeconfig").path
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("no kubeconfig at \(path): run `tack up\(dataDirectory.dataDirectory.map { " --data-dir \($0)" } ?? "")` first")
            }
            print(path)
        }
    }
}
