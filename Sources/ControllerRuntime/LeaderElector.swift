import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection: acquire when the
/// lease is free or expired (judged by when *we* last saw it change, so clock skew between processes does
/// not matter), renew every retry period, give up leadership when renewal has failed for the renew
/// deadline, and release the lease on shutdown so another process takes over at once.
public final class LeaderElector: Sendable {
    public struct Configuration: Sendable {
        public var namespace: String
        public var name: String
        /// This process's identity (hostname + random suffix by default).
        public var identity: String
        public var leaseDuration: Duration = .seconds(15)
        public var renewDeadline: Duration = .seconds(10)
        public var retryPeriod: Duration = .seconds(2)
        /// Clear the holder when stopping, so another process need not wait for expiry.
        public var releaseOnCancel = true

        public init(namespace: String, name: String, identity: String = LeaderElector.defaultIdentity()) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
        }
    }

    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    public let configuration: Configuration
    let leases: ResourceClient<Lease>
    let clock: any Clock<Duration>
    let logger: Logger
    /// Wall time written into the lease (`acquireTime`, `renewTime`); tests inject it.
    let wallClock: @Sendable () -> Date

    public init(client: KubeClient, configuration: Configuration, clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tack.leaderelection")) {
        self.configuration = configuration
        self.leases = client.resource(Lease.self, namespace: configuration.namespace)
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Runs `whileLeading` while this process holds the lease: waits to acquire, starts it, renews, and
    /// cancels it when leadership is lost. Returns when `whileLeading` returns or the task is cancelled
    /// (releasing the lease).
    public func run(whileLeading: @escaping @Sendable () async throws -> Void) async throws {
        var observed = ObservedRecord()
        while !Task.isCancelled {
            if try await tryAcquireOrRenew(&observed) { break }
            try await clock.sleep(for: configuration.retryPeriod)
        }
        if Task.isCancelled { return }
        logger.notice("became leader", metadata: ["lease": "\(configuration.namespace)/\(configuration.name)", "identity": "\(configuration.identity)"])
        defer { logger.notice("stopped leading", metadata: ["lease": "\(configuration.namespace)/\(configuration.name)"]) }
        let held = observed
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await whileLeading()
                return true
            }
            group.addTask {
                var observed = held
                var lastRenewal: any InstantProtocol<Duration> = self.clock.now
                while !Task.isCancelled {
                    try await self.clock.sleep(for: self.configuration.retryPeriod)
                    if (try? await self.tryAcquireOrRenew(&observed)) == true {
                        lastRenewal = self.clock.now
                    } else if elapsed(from: lastRenewal, to: self.clock.now) >= self.configuration.renewDeadline {
                        self.logger.error("lost the lease: renewal failed for the renew deadline",
                                          metadata: ["lease": "\(self.configuration.namespace)/\(self.configuration.name)"])
                        return false
                    }
                }
                return false
            }
            _ = try await group.next()
            group.cancelAll()
        }
        if configuration.releaseOnCancel { await release() }
    }

    struct ObservedRecord: Sendable {
        var holder: String?
        var renewTime: String?
        var resourceVersion: String?
        /// When we saw the record last change, on our own clock.
        var observedAt: (any InstantProtocol<Duration>)?
    }

    /// One attempt: create the lease, take it over when expired, or renew it when ours. True when held.
    func tryAcquireOrRenew(_ observed: inout ObservedRecord) async throws -> Bool {
        let now = wallClock()
        let nowMicro = Timestamp.formatMicro(now)
        let durationSeconds = Int(configuration.leaseDuration.components.seconds)
        guard let current = try await leases.getIfPresent(configuration.name) else {
            var lease = Lease(name: configuration.name, namespace: configuration.namespace)
            lease.json["spec"] = ["holderIdentity": .string(configuration.identity), "leaseDurationSeconds": JSON(durationSeconds),
                                  "acquireTime": .string(nowMicro), "renewTime": .string(nowMicro), "leaseTransitions": 0]
            do {
                let created = try await leases.create(lease)
                record(created, into: &observed)
                return true
            } catch let error as KubeError where error.isAlreadyExists {
                return false
            }
        }
        let spec = current.json["spec"] ?? .emptyObject
        let holder = spec["holderIdentity"]?.stringValue ?? ""
        let renewTime = spec["renewTime"]?.stringValue
        if holder != observed.holder || renewTime != observed.renewTime || current.resourceVersion != observed.resourceVersion {
            record(current, into: &observed)
        }
        let isMine = holder == configuration.identity
        if !isMine && !holder.isEmpty {
            // Someone else holds it: only take over once it has not changed for the lease duration.
            let leaseDuration = Duration.seconds(spec["leaseDurationSeconds"]?.intValue ?? durationSeconds)
            if elapsedSinceObserved(observed) < leaseDuration { return false }
        }
        var updated = current
        var newSpec = spec
        newSpec["holderIdentity"] = .string(configuration.identity)
        newSpec["leaseDurationSeconds"] = JSON(durationSeconds)
        newSpec["renewTime"] = .string(nowMicro)
        if !isMine {
            newSpec["acquireTime"] = .string(nowMicro)
            newSpec["leaseTransitions"] = JSON((spec["leaseTransitions"]?.intValue ?? 0) + (holder.isEmpty ? 0 : 1))
        }
        updated.json["spec"] = newSpec
        do {
            // The resourceVersion in `updated` makes this a conditional write: of two contenders, one wins.
            let written = try await leases.update(updated)
            record(written, into: &observed)
            return true
        } catch let error as KubeError where error.isConflict {
            return false
        }
    }

    func record(_ lease: Lease, into observed: inout ObservedRecord) {
        observed.holder = lease.json["spec"]?["holderIdentity"]?.stringValue
        observed.renewTime = lease.json["spec"]?["renewTime"]?.stringValue
        observed.resourceVersion = lease.resourceVersion
        observed.observedAt = clock.now
    }

    func elapsedSinceObserved(_ observed: ObservedRecord) -> Duration {
        guard let at = observed.observedAt else { return .zero }
        return elapsed(from: at, to: clock.now)
    }

    /// Gives the lease up (clears the holder) if we still hold it.
    func release() async {
        guard let current = try? await leases.getIfPresent(configuration.name),
              current.json["spec"]?["holderIdentity"]?.stringValue == configuration.identity else { return }
        var released = current
        released.json[path: ["spec", "holderIdentity"]] = ""
        released.json[path: ["spec", "leaseDurationSeconds"]] = 1
        released.json[path: ["spec", "renewTime"]] = .string(Timestamp.formatMicro(wallClock()))
        _ = try? await leases.update(released)
    }
}

/// Time between two readings of the same (type-erased) clock.
func elapsed(from start: any InstantProtocol<Duration>, to end: any InstantProtocol<Duration>) -> Duration {
    func open<I: InstantProtocol>(_ start: I) -> Duration where I.Duration == Duration {
        guard let end = end as? I else { return .zero }
        return start.duration(to: end)
    }
    return open(start)
}
