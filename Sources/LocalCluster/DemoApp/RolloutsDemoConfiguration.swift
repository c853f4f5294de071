import Foundation

/// Settings of the rollouts demo server, read as upstream's `argoproj/rollouts-demo` reads them.
///
/// Upstream bakes the colour and the `ERROR_RATE`/`LATENCY` knobs into each image (`blue`,
/// `bad-blue` = 15 % errors, `slow-blue` = 2 s latency); here the image tag arrives as `--color` and
/// the knobs as environment variables, which win over the tag's defaults just as a pod's `env`
/// overrides an image's `ENV`.
public struct RolloutsDemoConfiguration: Sendable, Equatable {
    /// The colour `/color` answers; nil answers a random colour per request (upstream's `latest`).
    public var color: String?
    /// The address to listen on (`$POD_IP`, else `0.0.0.0`).
    public var host: String
    /// The port to listen on (`$PORT`, else 8080); 0 picks a free port.
    public var port: Int
    /// Percentage (0–100) of `/color` requests answered with status 500.
    public var errorRate: Int
    /// Seconds to wait before answering `/color`.
    public var latency: Double
    /// Seconds to keep serving after SIGTERM before draining. Upstream waits 10 s for endpoint
    /// removal to reach ingress controllers; tack's proxies drop a terminating pod at once, so 0.
    public var terminationDelay: Double
    /// Whether each request is logged to stderr (`200 - blue`), as upstream does.
    public var logRequests: Bool

    /// The colours of upstream's images.
    public static let colors = ["red", "orange", "yellow", "green", "blue", "purple"]
    /// Upstream's `bad-<colour>` images set `ERROR_RATE=15`.
    public static let badImageErrorRate = 15
    /// Upstream's `slow-<colour>` images set `LATENCY=2`.
    public static let slowImageLatency = 2.0

    public init(color: String?, host: String = "0.0.0.0", port: Int = 8080, errorRate: Int = 0, latency: Double = 0,
                terminationDelay: Double = 0, logRequests: Bool = true) {
        self.color = color.flatMap { $0.isEmpty ? nil : $0 }
        self.host = host
        self.port = port
        self.errorRate = min(100, max(0, errorRate))
        self.latency = max(0, latency)
        self.terminationDelay = max(0, terminationDelay)
        self.logRequests = logRequests
    }

    /// The configuration for `tack __rollouts-demo --color <tag>` in a pod's environment.
    ///
    /// - `color`: the image tag. `bad-X` and `slow-X` mean colour X with 15 % errors or 2 s latency;
    ///   `latest` (or nil) means a random colour per request. `$COLOR`, when set, wins.
    /// - `$ERROR_RATE` (integer percent, clamped to 0–100) and `$LATENCY` (seconds, fractional) win over
    ///   the tag's defaults.
    /// - `$POD_IP` and `$PORT` give the listen address (defaults `0.0.0.0:8080`); `listenAddress`
    ///   (upstream's `--listen-addr`, `host:port` or `:port`) wins over both.
    ///
    /// - Throws: ``RolloutsDemoConfigurationError`` for values upstream would refuse to start with.
    public static func fromEnvironment(color: String?, listenAddress: String? = nil,
                                       environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(RolloutsDemoConfigurationError) -> RolloutsDemoConfiguration {
        var colour = color
        var errorRate = 0
        var latency = 0.0
        if let tag = color {
            if tag.hasPrefix("bad-") {
                colour = String(tag.dropFirst(4))
                errorRate = badImageErrorRate
            } else if tag.hasPrefix("slow-") {
                colour = String(tag.dropFirst(5))
                latency = slowImageLatency
            } else if tag == "latest" {
                colour = nil
            }
        }
        if let value = environment["COLOR"], !value.isEmpty { colour = value }
        if let text = environment["ERROR_RATE"], !text.isEmpty {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw RolloutsDemoConfigurationError(message: "failed to parse ERROR_RATE: \(text)")
            }
            errorRate = value
        }
        if let text = environment["LATENCY"], !text.isEmpty {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
                throw RolloutsDemoConfigurationError(message: "failed to parse LATENCY: \(text)")
            }
            latency = value
        }
        var host = environment["POD_IP"].flatMap { $0.isEmpty ? nil : $0 } ?? "0.0.0.0"
        var port = 8080
        if let text = environment["PORT"], !text.isEmpty {
            guard let value = Int(text), (0...65535).contains(value) else {
                throw RolloutsDemoConfigurationError(message: "failed to parse PORT: \(text)")
            }
            port = value
        }
        if let listenAddress {
            guard let colon = listenAddress.lastIndex(of: ":"), let value = Int(listenAddress[listenAddress.index(after: colon)...]),
                  (0...65535).contains(value) else {
                throw RolloutsDemoConfigurationError(message: "invalid listen address \(listenAddress): want host:port or :port")
            }
            let name = listenAddress[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            host = name.isEmpty ? "0.0.0.0" : name
            port = value
        }
        return RolloutsDemoConfiguration(color: colour, host: host, port: port, errorRate: errorRate, latency: latency)
    }
}

/// A demo server setting that cannot be used, e.g. `failed to parse ERROR_RATE: ten`.
public struct RolloutsDemoConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
