/// A listener of the ingress controller could not start: names the address and what to do.
public struct IngressListenError: Error, CustomStringConvertible {
    /// `ingress proxy` or `ingress metrics`.
    public let listener: String
    /// The address it tried to bind.
    public let host: String
    /// The port it tried to bind.
    public let port: Int
    /// The socket error.
    public let cause: any Error

    /// An error for `listener` failing to bind `host:port`.
    public init(listener: String, host: String, port: Int, cause: any Error) {
        self.listener = listener
        self.host = host
        self.port = port
        self.cause = cause
    }

    /// The message people see.
    public var description: String {
        let hint = listener == "ingress metrics" ? "choose another metrics port" : "choose another port with --ingress-port"
        return "\(listener): cannot listen on \(host):\(port) (\(cause)); is another program using the port? \(hint)"
    }
}
