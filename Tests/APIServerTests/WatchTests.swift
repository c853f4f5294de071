import Foundation
import KubeModel
import Testing
@testable import APIServer

@Suite("Watch")
struct WatchTests {
    let cms = "/api/v1/namespaces/default/configmaps"

    @Test("a watch without a revision starts with ADDED for what exists, then streams changes")
    func watchReplaysThenStreams() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("a"))
        let events = try await api.watch(cms, query: "watch=true", count: 4) {
            _ = await api.create(cms, configMap("b"))
            _ = await api.patch("\(cms)/a", ["data": ["k": "changed"]])
            _ = await api.delete("\(cms)/b")
        }
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "ADDED", "MODIFIED", "DELETED"])
        #expect(events.map { $0["object"]?.name ?? "" } == ["a", "b", "a", "b"])
        let deletedRV = Int64(events[3]["object"]?.resourceVersion ?? "") ?? 0
        let modifiedRV = Int64(events[2]["object"]?.resourceVersion ?? "") ?? 0
        #expect(deletedRV > modifiedRV)
    }

    @Test("a watch from a revision sends only later changes")
    func watchFromRevision() async throws {
        let api = try await TestAPI()
        let a = await api.create(cms, configMap("a")).body
        _ = await api.create(cms, configMap("b"))
        let events = try await api.watch(cms, query: "watch=1&resourceVersion=\(a.resourceVersion)", count: 1)
        #expect(events.first?["type"] == "ADDED")
        #expect(events.first?["object"]?.name == "b")
    }

    @Test("a watch from a compacted revision gets one ERROR event with 410 Expired")
    func compactedRevisionIsExpired() async throws {
        let api = try await TestAPI()
        let a = await api.create(cms, configMap("a")).body
        _ = await api.patch("\(cms)/a", ["data": ["k": "2"]])
        try await api.store.compactAll()
        let events = try await api.watch(cms, query: "watch=true&resourceVersion=\(a.resourceVersion)", count: 1)
        #expect(events.first?["type"] == "ERROR")
        #expect(events.first?["object"]?["code"] == 410)
        #expect(events.first?["object"]?["reason"] == "Expired")
        #expect((events.first?["object"]?["message"]?.stringValue ?? "").hasPrefix("too old resource version"))
    }

    @Test("with a label selector, an object that starts matching is ADDED and one that stops is DELETED")
    func selectorTransitions() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("x", labels: ["app": "other"]))
        let events = try await api.watch(cms, query: "watch=true&labelSelector=app%3Dweb", count: 2) {
            _ = await api.patch("\(cms)/x", ["metadata": ["labels": ["app": "web"]]])
            _ = await api.patch("\(cms)/x", ["metadata": ["labels": ["app": "gone"]]])
        }
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "DELETED"])
    }

    @Test("a watch of one named object sees only that object")
    func namedObjectWatch() async throws {
        let api = try await TestAPI()
        let events = try await api.watch(cms, query: "watch=true&fieldSelector=metadata.name%3Dmine", count: 1) {
            _ = await api.create(cms, configMap("other"))
            _ = await api.create(cms, configMap("mine"))
        }
        #expect(events.first?["object"]?.name == "mine")
    }

    @Test("timeoutSeconds ends the stream, with a bookmark first when bookmarks were asked for")
    func timeoutEndsStreamWithBookmark() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("a"))
        let rv = api.store.revision
        let started = ContinuousClock.now
        let events = try await api.watch(cms, query: "watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=\(rv)", count: 5)
        #expect(ContinuousClock.now - started < .seconds(8))
        #expect(events.last?["type"] == "BOOKMARK")
        #expect(events.last?["object"]?["kind"] == "ConfigMap")
        #expect(events.last?["object"]?.resourceVersion == String(rv))
    }

    @Test("sendInitialEvents ends the initial state with an annotated bookmark")
    func initialEventsEndBookmark() async throws {
        let api = try await TestAPI()
        _ = await api.create(cms, configMap("a"))
        let events = try await api.watch(cms, query: "watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan",
                                         count: 2)
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["ADDED", "BOOKMARK"])
        #expect(events[1]["object"]?["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == "true")
    }
}
