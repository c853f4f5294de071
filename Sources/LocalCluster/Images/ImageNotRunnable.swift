/// Why a container cannot run: the kubelet keeps it waiting with this reason and message (as it does
/// for `ErrImagePull` or `InvalidImageName`), and retries when the catalog changes. Never a hang,
/// never a crash.
public struct ImageNotRunnable: Error, Sendable, Equatable, CustomStringConvertible {
    /// The waiting reason: ``imageNotRunnable`` or ``invalidImageName``.
    public let reason: String
    /// A message saying what is wrong and how to fix it.
    public let message: String

    /// The image has no command and no catalog entry (or its entry runs nothing).
    public static let imageNotRunnable = "ImageNotRunnable"
    /// The image reference does not parse (the kubelet's reason for the same case).
    public static let invalidImageName = "InvalidImageName"

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason): \(message)" }
}
