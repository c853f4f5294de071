/// A listener the proxy could not open, e.g. `127.96.0.12:80/TCP: Permission denied` when ports below
/// 1024 need privileges (`net.ipv4.ip_unprivileged_port_start`), or an address in use.
public struct ServiceProxyListenerFailure: Sendable, Equatable, CustomStringConvertible {
    /// The rule whose listener failed (the first rule for that listener).
    public var rule: ServiceProxyRule
    /// The error, as the operating system worded it.
    public var message: String

    public init(rule: ServiceProxyRule, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String {
        "Service \(rule.service): cannot listen on \(rule.listener) for port \"\(rule.portName)\": \(message)"
    }
}
