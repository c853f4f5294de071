import Foundation
import KubeModel
import Logging
import ObjectStore
import ServiceLifecycle

/// Runs `LifecyclePlanner` whenever objects change (coalesced) and on a timer, executing its actions as
/// ordinary API requests so that finalizers, preconditions and propagation behave exactly as for clients.
public final class ControlPlaneLoops: Service, Sendable {
    let handler: KubeAPIHandler
    let store: ObjectStore
    let logger: Logger
    let interval: Duration
    let coalesce: Duration

    public init(handler: KubeAPIHandler, logger: Logger = Logger(label: "tack.controlplane"),
                interval: Duration = .seconds(5), coalesce: Duration = .milliseconds(20)) {
        self.handler = handler
        self.store = handler.store
        self.logger = logger
        self.interval = interval
        self.coalesce = coalesce
    }

    public func run() async throws {
        let (ticks, tick) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Changes that need attention wake the loop.
                    var revision = self.store.revision
                    while !Task.isCancelled {
                        do {
                            for try await event in try self.store.watch(nil, namespace: nil, after: revision) {
                                revision = event.revision
                                if event.object.needsLifecycleAttention || event.kind == .deleted || event.previous?.needsLifecycleAttention == true {
                                    tick.yield()
                                }
                            }
                            return
                        } catch let error as StoreError where error.isGone || error.isWatcherTooSlow {
                            revision = self.store.revision
                            tick.yield()
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: self.interval)
                        tick.yield()
                    }
                }
                group.addTask {
                    for await _ in ticks {
                        try? await Task.sleep(for: self.coalesce)
                        await self.sweep()
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            tick.finish()
        }
    }

    /// One pass: plan over every stored object, execute the actions. Returns how many actions ran.
    @discardableResult
    public func sweep() async -> Int {
        var summaries: [LifecyclePlanner.Summary] = []
        for resource in store.resources {
            for object in store.snapshot(of: resource).ordered(namespace: nil, after: nil) {
                summaries.append(LifecyclePlanner.summarize(object))
            }
        }
        let actions = LifecyclePlanner.plan(summaries, now: handler.now())
        for action in actions {
            await execute(action)
        }
        return actions.count
    }

    func path(for key: ObjectKey) -> String? {
        guard let definition = handler.registry.definition(for: key.resource) else { return nil }
        let version = definition.storageVersion
        let prefix = definition.group.isEmpty ? "/api/\(version)" : "/apis/\(definition.group)/\(version)"
        let ns = definition.namespaced ? "/namespaces/\(key.namespace)" : ""
        return "\(prefix)\(ns)/\(definition.resource)/\(key.name)"
    }

    static let headers = ["User-Agent": "tack-controller-manager/v1.32 (linux/amd64) tack", "Content-Type": "application/json"]

    func execute(_ action: LifecyclePlanner.Action) async {
        let response: APIResponse
        switch action {
        case .delete(let key, let uid, let propagation):
            guard let path = path(for: key) else { return }
            let body: JSON = ["propagationPolicy": .string(propagation.rawValue), "preconditions": ["uid": .string(uid)]]
            response = await handler.handle(APIRequest(method: "DELETE", path: path, headers: Self.headers, body: body.serialized()))
        case .forceDelete(let key, let uid):
            guard let path = path(for: key) else { return }
            let body: JSON = ["gracePeriodSeconds": 0, "preconditions": ["uid": .string(uid)]]
            response = await handler.handle(APIRequest(method: "DELETE", path: path, headers: Self.headers, body: body.serialized()))
        case .removeOwnerReferences(let key, let uids):
            guard let path = path(for: key), let current = store.latest(key) else { return }
            let object = current.object
            let kept = object.ownerReferences.filter { !uids.contains($0.uid) }
            let patch: JSON = ["metadata": ["ownerReferences": kept.isEmpty ? .null : .array(kept.map(\.json)),
                                            "resourceVersion": .string(object.resourceVersion)]]
            response = await handler.handle(APIRequest(method: "PATCH", path: path, query: "fieldManager=tack-garbage-collector",
                headers: ["Content-Type": "application/merge-patch+json"], body: patch.serialized()))
        case .removeFinalizer(let key, let finalizer):
            guard let path = path(for: key), let current = store.latest(key) else { return }
            let object = current.object
            let kept = object.finalizers.filter { $0 != finalizer }
            let patch: JSON = ["metadata": ["finalizers": kept.isEmpty ? .null : JSON(kept),
                                            "resourceVersion": .string(object.resourceVersion)]]
            response = await handler.handle(APIRequest(method: "PATCH", path: path, query: "fieldManager=tack-garbage-collector",
                headers: ["Content-Type": "application/merge-patch+json"], body: patch.serialized()))
        case .finalizeNamespace(let name):
            guard let current = store.latest(ObjectKey(resource: LifecyclePlanner.namespaces, namespace: "", name: name)) else { return }
            var object = current.object
            let kept = (object["spec"]?["finalizers"]?.arrayValue ?? []).filter { $0.stringValue != "kubernetes" }
            object[path: ["spec", "finalizers"]] = .array(kept)
            response = await handler.handle(APIRequest(method: "PUT", path: "/api/v1/namespaces/\(name)/finalize",
                headers: Self.headers, body: object.serialized()))
        }
        if response.status >= 400 && response.status != 404 && response.status != 409 {
            logger.warning("control-plane action failed", metadata: [
                "action": "\(action)", "status": "\(response.status)",
                "message": "\(String(decoding: response.bytes.prefix(300), as: UTF8.self))",
            ])
        }
    }
}
