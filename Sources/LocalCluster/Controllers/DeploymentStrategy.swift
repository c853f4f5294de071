import Foundation
import KubeModel

/// `spec.strategy` of a Deployment, parsed once, with the arithmetic of `deploymentutil.MaxSurge`,
/// `MaxUnavailable` and `ResolveFenceposts`. Missing fields take the apps/v1 defaults (RollingUpdate,
/// 25%/25%), as the API server would have filled them in.
public enum DeploymentStrategy: Equatable, Sendable {
    case recreate
    case rollingUpdate(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent)
    /// A type the controller does not know; it refuses to roll such a Deployment, as upstream.
    case unsupported(String)

    /// An `intstr.IntOrString` that is either a count or a percentage of the desired replicas.
    public enum IntOrPercent: Equatable, Sendable {
        case count(Int)
        case percent(Int)
        /// A string that is not `N%` (validation rejects these; they resolve to 0 as upstream ignores the error).
        case invalid(String)

        /// Reads an `IntOrString` value; `fallback` when it is missing.
        public init(_ json: JSON?, default fallback: IntOrPercent) {
            switch json {
            case .some(.string(let text)):
                if text.hasSuffix("%"), let value = Int(text.dropLast()) { self = .percent(value) } else { self = .invalid(text) }
            case .some(let value) where value.intValue != nil:
                self = .count(value.intValue ?? 0)
            default:
                self = fallback
            }
        }

        /// `intstr.GetScaledValueFromIntOrPercent`: percentages of `total`, rounded up or down.
        public func scaled(total: Int, roundUp: Bool) -> Int {
            switch self {
            case .count(let value): return value
            case .invalid: return 0
            case .percent(let value):
                let exact = Double(value) * Double(total) / 100
                return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
            }
        }
    }

    /// Reads `spec.strategy` of a Deployment spec.
    public init(spec: JSON) {
        let strategy = spec["strategy"]
        switch strategy?["type"]?.stringValue ?? "" {
        case "Recreate":
            self = .recreate
        case "RollingUpdate", "":
            let rolling = strategy?["rollingUpdate"]
            self = .rollingUpdate(maxSurge: IntOrPercent(rolling?["maxSurge"], default: .percent(25)),
                                  maxUnavailable: IntOrPercent(rolling?["maxUnavailable"], default: .percent(25)))
        case let other:
            self = .unsupported(other)
        }
    }

    /// True for `RollingUpdate`.
    public var isRollingUpdate: Bool {
        if case .rollingUpdate = self { return true }
        return false
    }

    /// Surge (rounded up) and unavailability (rounded down) for `replicas`; when both come out 0,
    /// unavailability becomes 1 so that the rollout can move (`ResolveFenceposts`).
    public func fenceposts(replicas: Int) -> (surge: Int, unavailable: Int) {
        guard case .rollingUpdate(let maxSurge, let maxUnavailable) = self else { return (0, 0) }
        if case .invalid = maxSurge { return (0, 0) }
        if case .invalid = maxUnavailable { return (0, 0) }
        let surge = maxSurge.scaled(total: replicas, roundUp: true)
        var unavailable = maxUnavailable.scaled(total: replicas, roundUp: false)
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        return (surge, unavailable)
    }

    /// `MaxSurge`: 0 unless rolling.
    public func maxSurge(replicas: Int) -> Int {
        fenceposts(replicas: replicas).surge
    }

    /// `MaxUnavailable`: 0 unless rolling or with 0 replicas; never more than `replicas`.
    public func maxUnavailable(replicas: Int) -> Int {
        guard isRollingUpdate, replicas != 0 else { return 0 }
        return min(fenceposts(replicas: replicas).unavailable, replicas)
    }
}
