import Foundation
import KubeClient
import KubeModel
import Logging

/// Records core/v1 Events about objects, as the kube-controller-manager and kubelet do, so that
/// `kubectl describe` and `kubectl get events` tell what happened. Repeats of the same event within a
/// short time bump `count` on the existing Event instead of creating a new one. Failures to record are
/// logged, never thrown: events are advisory.
public actor EventRecorder {
    let client: KubeClient
    let component: String
    let host: String
    let logger: Logger
    let now: @Sendable () -> Date
    private var recent: [String: (name: String, count: Int, last: Date)] = [:]

    public init(client: KubeClient, component: String, host: String = "tack", logger: Logger = Logger(label: "tack.events"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.component = component
        self.host = host
        self.logger = logger
        self.now = now
    }

    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Records an event about `object` (any object with apiVersion, kind and metadata).
    public func record(_ object: JSON, type: EventType = .normal, reason: String, message: String, fieldPath: String? = nil) async {
        let namespace = object.namespace.isEmpty ? "default" : object.namespace
        let identity = "\(namespace)/\(object.kind)/\(object.name)/\(object.uid)/\(reason)/\(message)"
        let timestamp = Timestamp.format(now())
        let events = client.resource(Event.self, namespace: namespace)
        if let previous = recent[identity], now().timeIntervalSince(previous.last) < 600 {
            let count = previous.count + 1
            recent[identity] = (previous.name, count, now())
            do {
                _ = try await events.patch(previous.name, type: .merge, body: ["count": JSON(count), "lastTimestamp": .string(timestamp)])
                return
            } catch {
                // Fall through and create a new Event (the old one may have been deleted).
            }
        }
        var involved: JSON = ["apiVersion": .string(object.apiVersion), "kind": .string(object.kind), "name": .string(object.name),
                              "namespace": .string(object.namespace), "uid": .string(object.uid),
                              "resourceVersion": .string(object.resourceVersion)]
        if object.namespace.isEmpty { involved["namespace"] = nil }
        if let fieldPath { involved["fieldPath"] = .string(fieldPath) }
        let name = "\(object.name).\(String(format: "%016llx", UInt64.random(in: 0...UInt64.max)).prefix(16))"
        let event: JSON = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": involved, "reason": .string(reason), "message": .string(message),
            "type": .string(type.rawValue), "count": 1, "firstTimestamp": .string(timestamp), "lastTimestamp": .string(timestamp),
            "source": ["component": .string(component), "host": .string(host)],
            "reportingComponent": .string(component), "reportingInstance": .string(host),
        ]
        do {
            _ = try await events.create(Event(json: event))
            recent[identity] = (name, 1, now())
            if recent.count > 5000 { recent = recent.filter { now().timeIntervalSince($0.value.last) < 600 } }
        } catch {
            logger.debug("could not record an event", metadata: ["reason": "\(reason)", "object": "\(object.name)", "error": "\(error)"])
        }
    }
}
