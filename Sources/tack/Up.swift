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

        @Option(name: .customLong("ingress-port"), help: "Port of the ingress controller (HTTP) on 127.0.0.1.")
        var ingressPort = 8080

        @Option(name: .customLong("ingress-metrics-port"), help: "Port of the ingress controller's Prometheus metrics.")
        var ingressMetricsPort = 10254

        @Flag(name: .customLong("no-runtime"), help: "Serve the API only: do not run pods, services or ingresses.")
        var apiOnly = false

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel = "notice"

        @Flag(name: .customLong("fast-unsafe-durability"),
              help: "Acknowledge writes before they reach the disk platter (still safe if the process is killed; not on power loss).")
        var processCrashDurability = false

        func validate() throws {
            for (flag, value) in [("--api-port", apiPort), ("--ingress-port", ingressPort), ("--ingress-metrics-port", ingressMetricsPort)] {
                guard (0...65535).contains(value) else { throw ValidationError("\(flag) must be between 0 and 65535, got \(value)") }
            }
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
            let logs = PodLogProviderSlot()
            do {
                controlPlane = try EmbeddedControlPlane(configuration: configuration, logger: logger, logs: logs)
            } catch let error as ControlPlaneError {
                throw CLIError(error.description)
            }
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: controlPlane)]
            if !apiOnly {
                let ingressPort = self.ingressPort, metricsPort = self.ingressMetricsPort
                // Stopped first (services stop in reverse order): pods end before the API server does.
                // When the control plane fails to start, the runtime returns at once; the control plane's error is the one to report.
                services.append(.init(service: LocalRuntimeService(controlPlane: controlPlane, logs: logs, logger: logger) { local in
                    local.ingress.ingressPort = ingressPort
                    local.ingress.metricsPort = metricsPort
                }, successTerminationBehavior: .ignore))
            }
            let group = ServiceGroup(configuration: .init(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let announce = Task {
                if let port = await controlPlane.waitUntilReady() {
                    print("API server ready at https://\(configuration.bindAddress):\(port)")
                    FileHandle.standardError.write(Data("kubeconfig: \(controlPlane.kubeconfigPath.path) (export KUBECONFIG=\(controlPlane.kubeconfigPath.path))\n".utf8))
                    fflush(nil)
                }
            }
            defer { announce.cancel() }
            do {
                try await group.run()
            } catch let error as ControlPlaneError {
                throw CLIError(error.description)
            } catch {
                throw CLIError("tack up stopped: \(error)")
            }
        }
    }
}
