import ArgumentParser
import Foundation
import LocalCluster

extension Tack {
    /// The built-in demo web server (`argoproj/rollouts-demo:<colour>` in the image catalog). Hidden: pods run it.
    struct RolloutsDemo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "__rollouts-demo", abstract: "Serve the rollouts demo page and /color (run by pods).", shouldDisplay: false)

        @Option(help: "The colour to answer with (the image tag).")
        var color: String?

        @Option(help: "Address to listen on (default: $POD_IP or 0.0.0.0).")
        var listen: String?

        func run() async throws {
            let configuration: RolloutsDemoConfiguration
            do {
                configuration = try RolloutsDemoConfiguration.fromEnvironment(color: color, listenAddress: listen)
            } catch {
                throw CLIError(error.message)
            }
            try await RolloutsDemoServer.run(configuration: configuration)
        }
    }
}
