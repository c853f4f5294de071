import ControllerRuntime
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a ``ServiceProxy`` in line with the cluster's Services and Endpoints: the embedded stand-in
/// for kube-proxy. Every change to either recomputes all rules (``ServiceProxyRules``) and applies
/// them; the proxy only touches listeners whose rules changed, so this stays cheap at local scale.
///
/// Listeners that cannot be opened are retried every ``ServiceProxyConfiguration/retryInterval``
/// and reported once as a Warning Event `FailedToListen` on the Service. On shutdown every listener
/// and proxied connection is closed.
public final class ServiceProxyController: Service, Sendable {
    let proxy: ServiceProxy
    let services: Informer<ServiceObject>
    let endpoints: Informer<Endpoints>
    let configuration: ServiceProxyConfiguration
    let recorder: EventRecorder?
    let logger: Logger
    let controller: Controller
    /// Failures already reported, so that a retry does not repeat the Event.
    let reported = Mutex<Set<String>>([])

    /// The one work-queue key: rules are computed for all Services at once.
    static let key = "service-proxy"

    /// A controller over the factory's Service and Endpoints informers (the factory must be run by the caller).
    public init(informers: SharedInformerFactory, proxy: ServiceProxy, configuration: ServiceProxyConfiguration = ServiceProxyConfiguration(),
                recorder: EventRecorder? = nil, logger: Logger = Logger(label: "tack.service-proxy")) {
        self.proxy = proxy
        self.configuration = configuration
        self.recorder = recorder
        self.logger = logger
        services = informers.informer(ServiceObject.self)
        endpoints = informers.informer(Endpoints.self)
        // One worker: applies must not interleave, and each reconcile covers everything anyway.
        let box = ReconcileBox()
        controller = Controller(name: "service-proxy", workers: 1, logger: logger) { _ in try await box.reconcile() }
        box.owner.withLock { $0.value = self }
        controller.watch(services) { _ in [Self.key] }
        controller.watch(endpoints) { _ in [Self.key] }
    }

    public func run() async throws {
        do {
            try await controller.run()
        } catch {
            await proxy.shutdown()
            throw error
        }
        await proxy.shutdown()
    }

    /// Recomputes and applies every rule.
    func reconcile() async throws -> ReconcileResult {
        guard services.hasSynced, endpoints.hasSynced else { return .after(.milliseconds(100)) }
        let rules = ServiceProxyRules.rules(services: services.store.list().map(\.json), endpoints: endpoints.store.list().map(\.json),
                                            nodePortAddress: configuration.nodePortAddress)
        let failures = await proxy.apply(rules)
        await report(failures)
        return failures.isEmpty ? .done : .after(configuration.retryInterval)
    }

    private func report(_ failures: [ServiceProxyListenerFailure]) async {
        let identities = failures.map { "\($0.rule.service)|\($0.rule.listener)|\($0.message)" }
        let fresh = reported.withLock { reported -> [ServiceProxyListenerFailure] in
            let current = Set(identities)
            let new = zip(failures, identities).filter { !reported.contains($0.1) }.map(\.0)
            reported = current
            return new
        }
        for failure in fresh {
            logger.warning("cannot open service listener", metadata: ["error": "\(failure)"])
            let parts = failure.rule.service.split(separator: "/", maxSplits: 1).map(String.init)
            guard let recorder, parts.count == 2, let service = services.store.get(name: parts[1], namespace: parts[0]) else { continue }
            var message = "cannot listen on \(failure.rule.listener) for port \"\(failure.rule.portName)\": \(failure.message)"
            if failure.message.contains("Permission denied"), failure.rule.listener.port < 1024 {
                message += " (ports below 1024 need root or sysctl net.ipv4.ip_unprivileged_port_start=0)"
            }
            await recorder.record(service.json, type: .warning, reason: "FailedToListen", message: message)
        }
    }
}

/// Lets the controller's reconcile closure reach the controller that owns it (created first), weakly.
private final class ReconcileBox: Sendable {
    struct Owner {
        weak var value: ServiceProxyController?
    }

    let owner = Mutex(Owner())

    func reconcile() async throws -> ReconcileResult {
        guard let controller = owner.withLock({ $0.value }) else { return .done }
        return try await controller.reconcile()
    }
}
