import LocalCluster
import Testing

@Suite("Rollouts demo configuration")
struct RolloutsDemoConfigurationTests {
    @Test("reads the tag, the knobs and the listen address as upstream's images do", arguments: [
        ("blue", [:], RolloutsDemoConfiguration(color: "blue")),
        ("bad-red", [:], RolloutsDemoConfiguration(color: "red", errorRate: 15)),
        ("slow-yellow", [:], RolloutsDemoConfiguration(color: "yellow", latency: 2)),
        ("latest", [:], RolloutsDemoConfiguration(color: nil)),
        ("blue", ["COLOR": "purple"], RolloutsDemoConfiguration(color: "purple")),
        ("bad-red", ["ERROR_RATE": "0"], RolloutsDemoConfiguration(color: "red", errorRate: 0)),
        ("slow-yellow", ["LATENCY": "0.25"], RolloutsDemoConfiguration(color: "yellow", latency: 0.25)),
        ("blue", ["ERROR_RATE": "250"], RolloutsDemoConfiguration(color: "blue", errorRate: 100)),
        ("blue", ["POD_IP": "127.1.2.3", "PORT": "9000"], RolloutsDemoConfiguration(color: "blue", host: "127.1.2.3", port: 9000)),
        ("blue", ["POD_IP": "", "ERROR_RATE": "", "LATENCY": ""], RolloutsDemoConfiguration(color: "blue")),
    ] as [(String, [String: String], RolloutsDemoConfiguration)])
    func reads(_ color: String, _ environment: [String: String], _ expected: RolloutsDemoConfiguration) throws {
        #expect(try RolloutsDemoConfiguration.fromEnvironment(color: color, environment: environment) == expected)
    }

    @Test("upstream's --listen-addr wins over POD_IP and PORT")
    func listenAddress() throws {
        let environment = ["POD_IP": "127.1.2.3", "PORT": "9000"]
        let any = try RolloutsDemoConfiguration.fromEnvironment(color: "blue", listenAddress: ":8081", environment: environment)
        #expect((any.host, any.port) == ("0.0.0.0", 8081))
        let one = try RolloutsDemoConfiguration.fromEnvironment(color: "blue", listenAddress: "127.4.4.4:80", environment: environment)
        #expect((one.host, one.port) == ("127.4.4.4", 80))
    }

    @Test("refuses values upstream refuses", arguments: [
        (["ERROR_RATE": "ten"], nil as String?, "failed to parse ERROR_RATE: ten"),
        (["LATENCY": "2s"], nil, "failed to parse LATENCY: 2s"),
        (["LATENCY": "-1"], nil, "failed to parse LATENCY: -1"),
        (["PORT": "http"], nil, "failed to parse PORT: http"),
        ([:], "8080", "invalid listen address 8080: want host:port or :port"),
    ] as [([String: String], String?, String)])
    func refuses(_ environment: [String: String], _ listenAddress: String?, _ message: String) {
        #expect(throws: RolloutsDemoConfigurationError(message: message)) {
            try RolloutsDemoConfiguration.fromEnvironment(color: "blue", listenAddress: listenAddress, environment: environment)
        }
    }
}

@Suite("Rollouts demo responder")
struct RolloutsDemoResponderTests {
    static func responder(_ configuration: RolloutsDemoConfiguration, percent: Int = 50) -> RolloutsDemoResponder {
        RolloutsDemoResponder(configuration: configuration, randomPercent: { percent }, randomColor: { "orange" })
    }

    @Test("/color answers the colour as a JSON string in text/plain")
    func color() {
        let response = Self.responder(RolloutsDemoConfiguration(color: "blue")).respond(method: "GET", path: "/color", body: [])
        #expect(response == RolloutsDemoResponse(status: 200, contentType: "text/plain; charset=utf-8", body: Array("\"blue\"".utf8),
                                                 logLine: "200 - blue"))
    }

    @Test("ERROR_RATE is the percentage of 500s", arguments: [(30, 29, 500), (30, 30, 200), (100, 99, 500), (0, 0, 200), (1, 0, 500)])
    func errorRate(_ rate: Int, _ roll: Int, _ status: Int) {
        let response = Self.responder(RolloutsDemoConfiguration(color: "blue", errorRate: rate), percent: roll)
            .respond(method: "GET", path: "/color", body: [])
        #expect(response.status == status)
        #expect(response.body == Array("\"blue\"".utf8))
    }

    @Test("LATENCY delays the answer by fractional seconds")
    func latency() {
        let response = Self.responder(RolloutsDemoConfiguration(color: "blue", latency: 0.3)).respond(method: "GET", path: "/color?x=1", body: [])
        #expect(response.delay == 0.3)
        #expect(response.logLine == "200 - blue (0.3s)")
    }

    @Test("the page's per-colour overrides in the body apply to this colour only")
    func bodyOverrides() {
        let body = Array(#"[{"color":"green","return500":100},{"color":"blue","delayLength":1.5,"return500":60}]"#.utf8)
        let blue = Self.responder(RolloutsDemoConfiguration(color: "blue"), percent: 59).respond(method: "POST", path: "/color", body: body)
        #expect(blue.status == 500)
        #expect(blue.delay == 1.5)
        let green = Self.responder(RolloutsDemoConfiguration(color: "green"), percent: 99).respond(method: "POST", path: "/color", body: body)
        #expect(green.status == 500)
        let empty = Self.responder(RolloutsDemoConfiguration(color: "blue")).respond(method: "POST", path: "/color", body: Array("\"[]\"".utf8))
        #expect(empty.status == 200)
        let bad = Self.responder(RolloutsDemoConfiguration(color: "blue")).respond(method: "POST", path: "/color", body: Array("{".utf8))
        #expect(bad.status == 500)
    }

    @Test("without a colour each answer is a random one")
    func randomColor() {
        let response = Self.responder(RolloutsDemoConfiguration(color: nil)).respond(method: "GET", path: "/color", body: [])
        #expect(response.body == Array("\"orange\"".utf8))
    }

    @Test("/ serves the page; other paths are not found")
    func routes() {
        let responder = Self.responder(RolloutsDemoConfiguration(color: "blue"))
        let page = responder.respond(method: "GET", path: "/", body: [])
        #expect(page.status == 200)
        #expect(page.contentType == "text/html; charset=utf-8")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("<title>Rollouts demo: blue</title>"))
        #expect(html.contains("fetch(\"color\""))
        #expect(!html.contains("http://") && !html.contains("https://"))
        let missing = responder.respond(method: "GET", path: "/favicon.ico", body: [])
        #expect(missing == RolloutsDemoResponse(status: 404, contentType: "text/plain; charset=utf-8", body: Array("404 page not found\n".utf8),
                                                logLine: nil))
    }

    @Test("the page escapes a colour that came from the environment")
    func escapes() {
        let page = Self.responder(RolloutsDemoConfiguration(color: "<b>x</b>;}")).respond(method: "GET", path: "/", body: [])
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("Rollouts demo: &lt;b&gt;x&lt;/b&gt;;}"))
        #expect(html.contains("background:bxb;"))
        #expect(!html.contains("<b>x"))
    }
}
