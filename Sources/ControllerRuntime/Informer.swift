import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// What an informer tells its handlers.
public enum InformerEvent<Object: KubeObject>: Sendable {
    case added(Object)
    case updated(old: Object, new: Object)
    /// The last known state of a deleted object (possibly stale when the deletion happened while no watch
    /// was open: client-go's DeletedFinalStateUnknown).
    case deleted(Object)

    /// The object the event is about (the new state for updates).
    public var object: Object {
        switch self {
        case .added(let o), .deleted(let o): return o
        case .updated(_, let new): return new
        }
    }
}

/// Settings of an informer.
public struct InformerConfiguration: Sendable {
    /// Label and field selectors of the list and watch.
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Replays every cached object to handlers as an update this often (nil: never), as client-go's resync.
    public var resyncPeriod: Duration?
    /// Page size of the initial list when the server pages it.
    public var pageSize = 500
    /// Error backoff: starts here, doubles to the maximum, with up to 50% jitter.
    public var initialBackoff: Duration = .milliseconds(800)
    public var maximumBackoff: Duration = .seconds(30)
    /// Extra indexes of the cache.
    public var indexers: [String: InformerStore<Unstructured>.IndexFunction] = [:]

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resyncPeriod: Duration? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resyncPeriod = resyncPeriod
    }
}

/// Lists then watches one resource, keeps an indexed cache, and fans changes out to handlers, each with its
/// own buffer so that a slow handler delays no one. Reconnects from the last revision when a watch ends,
/// relists on 410 Gone, and backs off with jitter on errors (client-go's Reflector and SharedIndexInformer).
public final class Informer<Object: KubeObject>: Service, Sendable {
    public let store: InformerStore<Object>
    public let resource: ResourceClient<Object>
    public let configuration: InformerConfiguration
    let clock: any Clock<Duration>
    let logger: Logger

    struct State: Sendable {
        var handlers: [Int: AsyncStream<InformerEvent<Object>>.Continuation] = [:]
        var nextHandler = 0
        var synced = false
        var syncWaiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextSyncWaiter = 0
        var stopped = false
        var lastResourceVersion = ""
        var relists = 0
        var watchesStarted = 0
    }

    let state = Mutex(State())

    public init(resource: ResourceClient<Object>, configuration: InformerConfiguration = InformerConfiguration(),
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "tack.informer")) {
        self.resource = resource
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        store = InformerStore(indexers: configuration.indexers)
    }

    // MARK: Handlers

    /// A stream of every change from now on. Objects already cached arrive first as `.added`, as client-go's
    /// AddEventHandler replays them, so a handler registered late misses nothing.
    public func events() -> AsyncStream<InformerEvent<Object>> {
        let (stream, continuation) = AsyncStream.makeStream(of: InformerEvent<Object>.self, bufferingPolicy: .unbounded)
        let id: Int = state.withLock { s in
            let id = s.nextHandler
            s.nextHandler += 1
            s.handlers[id] = continuation
            if s.synced {
                for object in store.list() { continuation.yield(.added(object)) }
            }
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.handlers.removeValue(forKey: id) }
        }
        return stream
    }

    func emit(_ event: InformerEvent<Object>) {
        state.withLock { s in
            for continuation in s.handlers.values { continuation.yield(event) }
        }
    }

    func emit(_ delta: InformerStore<Object>.Delta) {
        switch delta.kind {
        case .added: emit(.added(Object(json: delta.new)))
        case .updated: emit(.updated(old: Object(json: delta.old ?? delta.new), new: Object(json: delta.new)))
        case .deleted: emit(.deleted(Object(json: delta.new)))
        }
    }

    // MARK: Sync

    /// True once the first full list is in the cache.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// Waits until the first full list is in the cache. Returns false instead when the waiting task is
    /// cancelled or the informer stops before it synced, so that a part shutting down never hangs here.
    @discardableResult
    public func waitForSync() async -> Bool {
        let id = state.withLock { s -> Int in
            s.nextSyncWaiter += 1
            return s.nextSyncWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer = state.withLock { s -> Bool? in
                    if s.synced { return true }
                    if s.stopped || Task.isCancelled { return false }
                    s.syncWaiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            state.withLock { $0.syncWaiters.removeValue(forKey: id) }?.resume(returning: false)
        }
    }

    /// The revision of the last event or list seen.
    public var lastResourceVersion: String { state.withLock { $0.lastResourceVersion } }
    /// How many full lists ran (1 + relists after 410 Gone), for tests and diagnostics.
    public var listCount: Int { state.withLock { $0.relists } }

    func markSynced() {
        resumeSyncWaiters { $0.synced = true }
    }

    private func resumeSyncWaiters(_ change: (inout State) -> Void) {
        let (waiters, synced) = state.withLock { s -> ([CheckedContinuation<Bool, Never>], Bool) in
            change(&s)
            let w = Array(s.syncWaiters.values)
            s.syncWaiters = [:]
            return (w, s.synced)
        }
        for w in waiters { w.resume(returning: synced) }
    }

    // MARK: Running

    public func run() async throws {
        defer {
            finishHandlers()
            resumeSyncWaiters { $0.stopped = true }
        }
        state.withLock { $0.stopped = false }
        // Graceful shutdown cancels the list-watch loop; handlers' streams end.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.reflect() }
                if let period = self.configuration.resyncPeriod {
                    group.addTask {
                        while !Task.isCancelled {
                            try await self.clock.sleep(for: period)
                            for object in self.store.list() { self.emit(.updated(old: object, new: object)) }
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    func finishHandlers() {
        let handlers = state.withLock { s -> [AsyncStream<InformerEvent<Object>>.Continuation] in
            let h = Array(s.handlers.values)
            s.handlers = [:]
            return h
        }
        for h in handlers { h.finish() }
    }

    /// The reflector: list, then watch from the list's revision; re-watch on stream end, relist on 410,
    /// back off on errors.
    func reflect() async throws {
        var needsList = true
        var backoff = configuration.initialBackoff
        var resourceVersion = ""
        while !Task.isCancelled {
            do {
                if needsList {
                    resourceVersion = try await listIntoStore()
                    needsList = false
                }
                let timeout = Int.random(in: 300...600)
                state.withLock { $0.watchesStarted += 1 }
                let options = ListOptions(labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector,
                                          resourceVersion: resourceVersion, timeoutSeconds: timeout, allowWatchBookmarks: true)
                watchLoop: for try await event in resource.watch(options) {
                    switch event.type {
                    case .added, .modified:
                        let previous = store.upsert(event.object.json)
                        if let previous {
                            emit(.updated(old: Object(json: previous), new: event.object))
                        } else {
                            emit(.added(event.object))
                        }
                    case .deleted:
                        let previous = store.remove(event.object.json)
                        emit(.deleted(previous.map { Object(json: $0) } ?? event.object))
                    case .bookmark:
                        break
                    case .error:
                        if event.error?.isGone == true {
                            needsList = true
                            break watchLoop
                        }
                        throw event.error ?? KubeError.decoding("watch ERROR event", request: "watch \(resource.resource)")
                    }
                    if !event.resourceVersion.isEmpty {
                        resourceVersion = event.resourceVersion
                        state.withLock { $0.lastResourceVersion = resourceVersion }
                    }
                }
                backoff = configuration.initialBackoff
            } catch is CancellationError {
                return
            } catch let error as KubeError where error.isGone {
                needsList = true
            } catch {
                if Task.isCancelled { return }
                logger.warning("list/watch failed; retrying", metadata: [
                    "resource": "\(resource.resource)", "error": "\(error)", "backoff": "\(backoff)",
                ])
                let jitter = Double.random(in: 1.0...1.5)
                try await clock.sleep(for: backoff * jitter)
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
    }

    /// A full list (paged), swapped into the cache at once; handlers hear what changed.
    func listIntoStore() async throws -> String {
        let options = ListOptions(labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector)
        let list = try await resource.listAll(options, pageSize: configuration.pageSize)
        let deltas = store.replace(with: list.items.map(\.json))
        state.withLock { s in
            s.relists += 1
            s.lastResourceVersion = list.resourceVersion
        }
        for delta in deltas { emit(delta) }
        markSynced()
        return list.resourceVersion
    }
}
