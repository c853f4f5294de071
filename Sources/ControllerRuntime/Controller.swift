import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// What a reconcile asks for next.
public enum ReconcileResult: Sendable, Equatable {
    /// Done until something changes.
    case done
    /// Look again after this long (a pause expiring, a status to poll).
    case after(Duration)
}

/// N workers taking keys from a work queue and reconciling them. Handlers map informer events to keys
/// (an object's own key, or its controlling owner's). Reconciles are level-based: the key is all a worker
/// gets, and it reads the current state from caches. A key is never reconciled by two workers at once; an
/// error requeues it with per-item exponential backoff.
public final class Controller: Service, Sendable {
    public let name: String
    public let queue: WorkQueue<String>
    let workers: Int
    let reconcile: @Sendable (String) async throws -> ReconcileResult
    let logger: Logger
    let sources = Mutex<[@Sendable (WorkQueue<String>) async -> Void]>([])

    public init(name: String, workers: Int = 2, queue: WorkQueue<String> = WorkQueue(),
                logger: Logger = Logger(label: "tack.controller"),
                reconcile: @escaping @Sendable (String) async throws -> ReconcileResult) {
        self.name = name
        self.workers = max(1, workers)
        self.queue = queue
        self.logger = logger
        self.reconcile = reconcile
    }

    /// Enqueues the keys `keys` maps each event of `informer` to.
    public func watch<Object: KubeObject>(_ informer: Informer<Object>, keys: @escaping @Sendable (InformerEvent<Object>) -> [String]) {
        sources.withLock {
            $0.append { queue in
                for await event in informer.events() {
                    for key in keys(event) { await queue.add(key) }
                }
            }
        }
    }

    /// Enqueues each changed object's own key.
    public func watch<Object: KubeObject>(_ informer: Informer<Object>) {
        watch(informer) { [$0.object.key] }
    }

    /// Enqueues the key of the controlling owner (of kind `ownerKind`) of each changed object.
    public func watchOwned<Object: KubeObject>(_ informer: Informer<Object>, ownerKind: String) {
        watch(informer) { event in
            let object = event.object
            guard let owner = object.json.controllerReference, owner.kind == ownerKind else { return [] }
            return [object.namespace.isEmpty ? owner.name : "\(object.namespace)/\(owner.name)"]
        }
    }

    public func run() async throws {
        let sources = self.sources.withLock { $0 }
        let queue = self.queue
        try await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withTaskGroup(of: Void.self) { group in
                    for source in sources {
                        group.addTask { await source(queue) }
                    }
                    // Workers return once the queue shuts down (drained); then the sources stop too.
                    await withDiscardingTaskGroup { workers in
                        for _ in 0..<self.workers { workers.addTask { await self.work() } }
                    }
                    group.cancelAll()
                }
            } onCancel: {
                Task { await queue.shutDown() }
            }
        } onGracefulShutdown: {
            Task { await queue.shutDownWithDrain() }
        }
    }

    func work() async {
        while let key = await queue.get() {
            do {
                switch try await reconcile(key) {
                case .done:
                    await queue.forget(key)
                case .after(let delay):
                    await queue.forget(key)
                    await queue.addAfter(key, delay: delay)
                }
            } catch is CancellationError {
                await queue.addRateLimited(key)
            } catch let error as KubeError where error.isConflict {
                // A stale cache: normal, and retried at once (upstream logs these at a low verbosity).
                logger.debug("reconcile hit a conflict; retrying", metadata: ["controller": "\(name)", "key": "\(key)"])
                await queue.addRateLimited(key)
            } catch {
                let requeues = await queue.numRequeues(key)
                logger.warning("reconcile failed; retrying with backoff", metadata: [
                    "controller": "\(name)", "key": "\(key)", "error": "\(error)", "requeues": "\(requeues)",
                ])
                await queue.addRateLimited(key)
            }
            await queue.done(key)
        }
    }
}
