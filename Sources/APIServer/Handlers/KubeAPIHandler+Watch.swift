import Foundation
import KubeModel
import ObjectStore

extension KubeAPIHandler {
    /// Streams changes as newline-delimited `{"type":…,"object":…}` events: ADDED for the current state when
    /// no revision (or "0") is given, then every change after; selector transitions become ADDED/DELETED;
    /// bookmarks when asked for; an ERROR event (410 Expired) when the revision is compacted away.
    func watch(_ ctx: ResourceContext) async throws -> APIResponse {
        let format = try negotiate(ctx.request, table: true)
        var objectFilter = try filter(for: ctx)
        // A named object (`.../pods/web`) is watched as the collection with a name selector.
        if !ctx.name.isEmpty {
            objectFilter.fields.requirements.append(.init(field: "metadata.name", value: ctx.name, negated: false))
        }
        let namespace: String? = ctx.definition.namespaced && !ctx.namespace.isEmpty ? ctx.namespace : nil
        let bookmarks = ctx.query.bool("allowWatchBookmarks") ?? false
        let sendInitialEvents = ctx.query.bool("sendInitialEvents") ?? false
        let requested = ctx.query["resourceVersion"] ?? ""
        var watchTimeout = configuration.defaultWatchTimeout
        if let seconds = ctx.query.int("timeoutSeconds"), seconds > 0 { watchTimeout = .seconds(seconds) }

        var initialObjects: [StoredObject] = []
        var start: Int64
        let storeWatch: StoreWatch
        if requested.isEmpty || requested == "0" || sendInitialEvents {
            let (snapshot, w) = store.watchWithSnapshot(ctx.groupResource, namespace: namespace)
            initialObjects = snapshot.ordered(namespace: namespace, after: nil).filter(objectFilter.matches)
            start = snapshot.revision
            storeWatch = w
        } else {
            guard let revision = Int64(requested) else {
                throw APIError.badRequest("resourceVersion: Invalid value: \"\(requested)\": must be a resource version this server returned")
            }
            start = revision
            do {
                storeWatch = try store.watch(ctx.groupResource, namespace: namespace, after: revision)
            } catch let error as StoreError where error.isGone {
                // kube-apiserver answers 200 and then a single ERROR event.
                let status = APIError.gone(error.description).status
                let line = Self.eventLine(type: "ERROR", object: status.serialized())
                return APIResponse(status: 200, headers: [("Content-Type", format.contentType)], body: .bytes(line))
            }
        }
        let handler = self
        let initial = initialObjects
        let startRevision = start
        let filter = objectFilter
        let timeout = watchTimeout
        let isTable = { if case .table = format { return true }; return false }()
        let tableVersion: String = { if case .table(let v) = format { return v }; return "v1" }()
        let kind = ctx.definition.kind
        let apiVersion = ctx.apiVersion
        let bookmarkInterval = configuration.bookmarkInterval
        let initialEventsBookmark = sendInitialEvents && bookmarks

        let body: APIResponse.Body = .stream { writer in
            func encode(_ object: StoredObject) -> [UInt8] {
                if isTable {
                    return handler.table(for: [handler.converted(object, ctx)], ctx,
                                         listMetadata: ["resourceVersion": .string(String(object.revision))],
                                         tableVersion: tableVersion).serialized()
                }
                return handler.encoded(object, ctx)
            }
            func bookmark(_ revision: Int64, initialEnd: Bool = false) -> [UInt8] {
                var meta: JSON = ["resourceVersion": .string(String(revision))]
                if initialEnd { meta["annotations"] = ["k8s.io/initial-events-end": "true"] }
                let object: JSON = ["kind": .string(kind), "apiVersion": .string(apiVersion), "metadata": meta]
                return Self.eventLine(type: "BOOKMARK", object: object.serialized())
            }
            var lastRevision = startRevision
            for object in initial {
                try await writer.write(Self.eventLine(type: "ADDED", object: encode(object)))
            }
            if initialEventsBookmark { try await writer.write(bookmark(startRevision, initialEnd: true)) }

            // Merge store events, bookmark ticks and the timeout into one sequence of actions.
            let (actions, continuation) = AsyncStream<WatchAction>.makeStream(bufferingPolicy: .unbounded)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await event in storeWatch { continuation.yield(.event(event)) }
                        continuation.yield(.end(nil))
                    } catch {
                        continuation.yield(.end(error))
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    continuation.yield(.timeout)
                }
                if bookmarks {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: bookmarkInterval)
                            if Task.isCancelled { return }
                            continuation.yield(.bookmark)
                        }
                    }
                }
                defer {
                    group.cancelAll()
                    continuation.finish()
                }
                loop: for await action in actions {
                    switch action {
                    case .event(let event):
                        lastRevision = event.revision
                        guard let (type, object) = Self.visibleEvent(event, filter: filter) else { continue }
                        try await writer.write(Self.eventLine(type: type, object: encode(object)))
                    case .bookmark:
                        try await writer.write(bookmark(max(lastRevision, handler.store.revision)))
                    case .timeout:
                        if bookmarks { try await writer.write(bookmark(max(lastRevision, handler.store.revision))) }
                        break loop
                    case .end(let error):
                        if let error = error as? StoreError, error.isWatcherTooSlow {
                            let status = APIError.gone("watch closed: the client fell too far behind; re-watch from resourceVersion \(lastRevision)").status
                            try await writer.write(Self.eventLine(type: "ERROR", object: status.serialized()))
                        }
                        break loop
                    }
                }
            }
        }
        return APIResponse(status: 200, headers: [("Content-Type", format.contentType), ("Cache-Control", "no-cache, private")], body: body)
    }

    enum WatchAction: Sendable {
        case event(StoreEvent)
        case bookmark
        case timeout
        case end((any Error)?)
    }

    /// How a change looks through a filter: an update that makes an object match is ADDED; one that makes
    /// it stop matching is DELETED (carrying the new state); changes to objects that never match are hidden.
    static func visibleEvent(_ event: StoreEvent, filter: ObjectFilter) -> (String, StoredObject)? {
        let matchesNow = filter.matches(event.object)
        switch event.kind {
        case .added:
            return matchesNow ? ("ADDED", event.object) : nil
        case .deleted:
            return matchesNow ? ("DELETED", event.object) : nil
        case .modified:
            guard !filter.isEverything else { return ("MODIFIED", event.object) }
            let matchedBefore = event.previous.map(filter.matches)
            switch (matchedBefore, matchesNow) {
            case (true?, true): return ("MODIFIED", event.object)
            case (true?, false): return ("DELETED", event.object)
            case (false?, true): return ("ADDED", event.object)
            case (false?, false): return nil
            case (nil, true): return ("MODIFIED", event.object)
            case (nil, false): return nil
            }
        }
    }

    static func eventLine(type: String, object: [UInt8]) -> [UInt8] {
        var line: [UInt8] = Array("{\"type\":\"\(type)\",\"object\":".utf8)
        line.reserveCapacity(object.count + 32)
        line.append(contentsOf: object)
        line.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        return line
    }
}
