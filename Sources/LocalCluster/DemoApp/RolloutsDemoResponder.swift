import KubeModel

/// The decisions of the demo server, with no I/O: which response a request gets and how long to wait
/// before sending it. Randomness is injected so tests can pin it.
///
/// Upstream behaviour kept: `/color` answers the colour as a JSON string (`"blue"`) with
/// `Content-Type: text/plain; charset=utf-8` and `X-Content-Type-Options: nosniff`, also on a 500;
/// any method works; the request body may carry upstream's per-colour overrides
/// (`[{"color":"blue","delayLength":1.5,"return500":50}]`). Upstream bugs not kept: its `ERROR_RATE`
/// check is inverted (`rand.Intn(100) >= ERROR_RATE`, so `ERROR_RATE=100` never fails) and its
/// latency is truncated to whole seconds; here `ERROR_RATE` is the percentage of 500s and `LATENCY`
/// a fractional number of seconds, as the analysis scenarios expect.
public struct RolloutsDemoResponder: Sendable {
    /// The server's settings.
    public let configuration: RolloutsDemoConfiguration
    /// A uniform random integer in 0..<100.
    let randomPercent: @Sendable () -> Int
    /// A random colour, for a server without one.
    let randomColor: @Sendable () -> String

    public init(configuration: RolloutsDemoConfiguration,
                randomPercent: @escaping @Sendable () -> Int = { Int.random(in: 0..<100) },
                randomColor: @escaping @Sendable () -> String = { RolloutsDemoConfiguration.colors.randomElement() ?? "blue" }) {
        self.configuration = configuration
        self.randomPercent = randomPercent
        self.randomColor = randomColor
    }

    /// The response to `method path` with `body`.
    public func respond(method: String, path: String, body: [UInt8]) -> RolloutsDemoResponse {
        let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        switch route {
        case "/", "/index.html":
            let html = RolloutsDemoPage.html(color: configuration.color)
            return RolloutsDemoResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(html.utf8),
                                        logLine: nil)
        case "/color":
            return color(body: body)
        default:
            // Go's http.NotFound.
            return RolloutsDemoResponse(status: 404, contentType: "text/plain; charset=utf-8", body: Array("404 page not found\n".utf8),
                                        logLine: nil)
        }
    }

    func color(body: [UInt8]) -> RolloutsDemoResponse {
        var overrides: [JSON] = []
        if !body.isEmpty, body != Array("\"[]\"".utf8) {
            switch (try? JSON.parse(body)) ?? .null {
            case .array(let items): overrides = items
            case .null where body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }): break
            default:
                let message = "cannot parse request body as a list of color parameters"
                return RolloutsDemoResponse(status: 500, contentType: "text/plain; charset=utf-8", body: Array(message.utf8),
                                            logLine: "\(String(decoding: body.prefix(200), as: UTF8.self)): \(message)")
            }
        }
        let colour = configuration.color ?? randomColor()
        let parameters = overrides.last { $0["color"]?.stringValue == colour }
        var delay = configuration.latency
        if let requested = parameters?["delayLength"]?.doubleValue, requested > 0 { delay = requested }
        var status = 200
        if let probability = parameters?["return500"]?.intValue, probability > 0, randomPercent() < probability {
            status = 500
        } else if configuration.errorRate > 0, randomPercent() < configuration.errorRate {
            status = 500
        }
        let suffix = delay > 0 ? " (\(delay)s)" : ""
        return RolloutsDemoResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array("\"\(colour)\"".utf8),
                                    delay: delay, logLine: "\(status) - \(colour)\(suffix)")
    }
}

/// One response of the demo server.
public struct RolloutsDemoResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header.
    public var contentType: String
    /// The body bytes.
    public var body: [UInt8]
    /// Seconds to wait before answering.
    public var delay: Double
    /// What to log about the request (upstream logs `/color` answers), or nil.
    public var logLine: String?

    public init(status: Int, contentType: String, body: [UInt8], delay: Double = 0, logLine: String?) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.delay = delay
        self.logLine = logLine
    }
}
