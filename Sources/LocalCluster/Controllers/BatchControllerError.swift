/// A failed write of the Job or CronJob controller, naming the object:
/// `Job default/pi: updating status: <cause>`.
public struct BatchControllerError: Error, CustomStringConvertible {
    /// `Job` or `CronJob`.
    public let kind: String
    /// `namespace/name`.
    public let key: String
    /// What was being done.
    public let action: String
    public let cause: any Error

    public init(kind: String, key: String, action: String, cause: any Error) {
        self.kind = kind
        self.key = key
        self.action = action
        self.cause = cause
    }

    public var description: String { "\(kind) \(key): \(action): \(cause)" }
}
