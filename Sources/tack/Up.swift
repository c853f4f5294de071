import APIServer
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

extension Tack {
    /// `tack up`: runs the embedded platform until interrupted.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the embedded control plane (Kubernetes API on SQLite) and Tack's controllers.")

        @OptionGroup var dataDirectory: DataDirectoryOptions

        @Option(name: .customLong("api-port"), help: "Port of the Kubernetes API (HTTPS).")
        var apiPort = 6443

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel = "notice"

        @Flag(name: .customLong("fast-unsafe-durability"),
              help: "Acknowledge writes before they reach the disk platter (still safe if the process is killed; not on power loss).")
        var processCrashDurability = false

        func validate() throws {
            guard (0...65535).contains(apiPort) else { throw ValidationError("--api-port must be between 0 and 65535, got \(apiPort)") }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got \(logLevel)")
            }
        }

        func run() async throws {
            var logger = Logger(label: "tack")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
            var configuration = EmbeddedControlPlaneConfiguration(dataDirectory: dataDirectory.url)
            configuration.apiPort = apiPort
            if processCrashDurability { configuration.store.durability = .processCrash }
            let controlPlane: EmbeddedControlPlane
            do {
                controlPlane = try EmbeddedControlPlane(configuration: configuration, logger: logger)
            } catch let error as ControlPlaneError {
                throw CLIError(error.description)
            }
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: controlPlane)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let announce = Task {
                for await port in controlPlane.ready {
                    print("API server ready at https://\(configuration.bindAddress):\(port)")
                    FileHandle.standardError.write(Data("kubeconfig: \(controlPlane.kubeconfigPath.path) (export KUBECONFIG=\(controlPlane.kubeconfigPath.path))\n".utf8))
                    fflush(nil)
                }
            }
            defer { announce.cancel() }
            do {
                try await group.run()
            } catch {
                throw CLIError("tack up stopped: \(error)")
            }
        }
    }
}
