/// An Event a planner asks its reconciler to record once the write it belongs to has succeeded.
public struct ControllerEvent: Equatable, Sendable, CustomStringConvertible {
    /// `Normal` or `Warning`.
    public var type: EventRecorder.EventType
    /// The machine-readable reason (`ScalingReplicaSet`, `SuccessfulCreate`, …).
    public var reason: String
    /// The human-readable message, worded as upstream.
    public var message: String

    /// An event of `type` (Normal by default).
    public init(_ type: EventRecorder.EventType = .normal, reason: String, message: String) {
        self.type = type
        self.reason = reason
        self.message = message
    }

    /// `Normal ScalingReplicaSet: Scaled up replica set web-6d4b75cb6d to 5`.
    public var description: String { "\(type.rawValue) \(reason): \(message)" }
}
