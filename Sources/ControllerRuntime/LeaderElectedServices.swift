import Logging
import ServiceLifecycle

/// Runs services only while this process holds the leader lease, so that two `tack` processes on one
/// cluster never both act. When leadership is lost the services are cancelled and the process waits to
/// lead again; on graceful shutdown the services stop first and then the lease is released.
public final class LeaderElectedServices: Service, Sendable {
    let elector: LeaderElector
    let services: [any Service]
    let logger: Logger

    public init(elector: LeaderElector, services: [any Service], logger: Logger = Logger(label: "tack.leaderelection")) {
        self.elector = elector
        self.services = services
        self.logger = logger
    }

    public func run() async throws {
        let services = self.services
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try await elector.run {
                try await withThrowingDiscardingTaskGroup { group in
                    for service in services { group.addTask { try await service.run() } }
                }
            }
            if Task.isShuttingDownGracefully { return }
        }
    }
}
