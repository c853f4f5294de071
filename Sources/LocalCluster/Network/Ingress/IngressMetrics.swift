import Synchronization

/// The ingress controller's Prometheus metrics under ingress-nginx's names, labels and buckets
/// (internal/ingress/metric/collectors/socket.go and controller.go), so analysis queries written for
/// ingress-nginx (`sum(rate(nginx_ingress_controller_requests{ingress="web",status!~"5.."}[1m]))`, ...) work.
///
/// Per request (labels `canary, controller_*, host, ingress, method, namespace, path, service, status`):
/// `nginx_ingress_controller_requests` (counter); histograms `request_duration_seconds`,
/// `response_duration_seconds`, `header_duration_seconds`, `connect_duration_seconds` (time buckets),
/// `request_size`, `response_size` (length buckets), `bytes_sent` (size buckets); and the summary
/// `nginx_ingress_controller_ingress_upstream_latency_seconds` (labels `canary, controller_*, ingress,
/// namespace, service`; quantiles 0.5, 0.9, 0.99 over the last `summaryWindow` observations, where the Go
/// client uses a 10-minute window). Per configuration: `config_hash`, `config_last_reload_successful`,
/// `config_last_reload_successful_timestamp_seconds` (gauges) and `success` (reload counter).
///
/// As with ingress-nginx, requests routed to a canary carry the main Ingress's `ingress`, `service` and
/// `path` and the canary upstream in `canary`. Unlike ingress-nginx's default (`--metrics-per-undefined-host
/// =false`), requests for hosts no rule names are recorded too, since local Ingresses often have no host.
///
/// Recording takes one lock of one shard (pick the shard by event loop); rendering merges the shards.
public final class IngressMetrics: Sendable {
    /// The constant labels and storage settings.
    public let configuration: IngressMetricsConfiguration

    /// ingress-nginx's `--time-buckets` default (Prometheus DefBuckets).
    public static let timeBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// ingress-nginx's `--length-buckets` default (LinearBuckets(10, 10, 10)).
    public static let lengthBuckets: [Double] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    /// ingress-nginx's `--size-buckets` default (ExponentialBuckets(10, 10, 7)).
    public static let sizeBuckets: [Double] = [10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000]

    private let shards: [ShardBox]
    private let reloads = Mutex(ReloadState())

    /// Empty metrics.
    public init(configuration: IngressMetricsConfiguration = IngressMetricsConfiguration()) {
        self.configuration = configuration
        shards = (0..<max(1, configuration.shards)).map { _ in ShardBox() }
    }

    // MARK: Recording

    /// Records a finished request into a shard (any integer; callers use their event loop's index).
    public func record(_ observation: IngressRequestObservation, shard: Int = 0) {
        let key = RequestKey(labels: observation.labels, host: observation.host, canary: observation.canary, method: observation.method,
                             status: observation.status)
        let window = configuration.summaryWindow
        shards[abs(shard % shards.count)].mutex.withLock { shard in
            shard.requests[key, default: RequestSeries()].observe(observation)
            if let connect = observation.upstreamConnectTime {
                let latencyKey = LatencyKey(namespace: observation.labels.namespace, ingress: observation.labels.ingress,
                                            service: observation.labels.service, canary: observation.canary)
                shard.latency[latencyKey, default: LatencySeries()].observe(connect, window: window)
            }
        }
    }

    /// Records a configuration change (ingress-nginx's reload): the hash of the new configuration and whether
    /// it took effect, at a Unix time in seconds.
    public func recordReload(hash: UInt64, succeeded: Bool, at unixTime: Double) {
        reloads.withLock { state in
            state.reloads += 1
            state.lastSucceeded = succeeded
            if succeeded {
                state.hash = hash
                state.lastSuccessTime = unixTime
            } else {
                state.hash = 0
            }
        }
    }

    // MARK: Rendering

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    public func render() -> String {
        var requests: [RequestKey: RequestSeries] = [:]
        var latency: [LatencyKey: LatencySeries] = [:]
        for shard in shards {
            shard.mutex.withLock { shard in
                requests.merge(shard.requests) { $0.merged(with: $1) }
                latency.merge(shard.latency) { $0.merged(with: $1) }
            }
        }
        let reload = reloads.withLock { $0 }
        let c = configuration
        let constant = [("controller_class", c.controllerClass), ("controller_namespace", c.controllerNamespace),
                        ("controller_pod", c.controllerPod)]
        let requestSeries: [(labels: String, series: RequestSeries)] = requests.map { key, series in
            let pairs = [("canary", key.canary)] + constant + [
                ("host", key.host), ("ingress", key.labels.ingress), ("method", key.method), ("namespace", key.labels.namespace),
                ("path", key.labels.path), ("service", key.labels.service), ("status", String(key.status)),
            ]
            return (Self.labelText(pairs), series)
        }.sorted { $0.labels < $1.labels }

        var out = ""
        out.reserveCapacity(4096 + requestSeries.count * 6000)
        let prefix = "nginx_ingress_controller_"

        func histogram(_ name: String, _ help: String, _ buckets: [Double], _ pick: (RequestSeries) -> Histogram) {
            Self.header(&out, prefix + name, help, "histogram")
            for (labels, series) in requestSeries {
                let h = pick(series)
                guard h.count > 0 else { continue }
                Self.writeHistogram(&out, prefix + name, labels, h, buckets)
            }
        }

        histogram("bytes_sent", "DEPRECATED The number of bytes sent to a client", Self.sizeBuckets) { $0.bytesSent }
        Self.header(&out, prefix + "config_hash", "Running configuration hash actually running", "gauge")
        out += "\(prefix)config_hash\(Self.labelText(constant)) \(Self.number(Double(reload.hash)))\n"
        Self.header(&out, prefix + "config_last_reload_successful", "Whether the last configuration reload attempt was successful", "gauge")
        out += "\(prefix)config_last_reload_successful\(Self.labelText(constant)) \(reload.lastSucceeded ? 1 : 0)\n"
        Self.header(&out, prefix + "config_last_reload_successful_timestamp_seconds", "Timestamp of the last successful configuration reload.",
                    "gauge")
        out += "\(prefix)config_last_reload_successful_timestamp_seconds\(Self.labelText(constant)) \(Self.number(reload.lastSuccessTime))\n"
        histogram("connect_duration_seconds", "The time spent on establishing a connection with the upstream server", Self.timeBuckets) {
            $0.connectTime
        }
        histogram("header_duration_seconds", "The time spent on receiving first header from the upstream server", Self.timeBuckets) {
            $0.headerTime
        }

        Self.header(&out, prefix + "ingress_upstream_latency_seconds", "DEPRECATED Upstream service latency per Ingress", "summary")
        let latencySeries = latency.map { key, series in
            (Self.labelPairs([("canary", key.canary)] + constant + [("ingress", key.ingress), ("namespace", key.namespace),
                                                                     ("service", key.service)]), series)
        }.sorted { $0.0 < $1.0 }
        for (pairs, series) in latencySeries {
            for (quantile, value) in series.quantiles([0.5, 0.9, 0.99]) {
                out += "\(prefix)ingress_upstream_latency_seconds{\(pairs),quantile=\"\(Self.number(quantile))\"} \(Self.number(value))\n"
            }
            out += "\(prefix)ingress_upstream_latency_seconds_sum{\(pairs)} \(Self.number(series.sum))\n"
            out += "\(prefix)ingress_upstream_latency_seconds_count{\(pairs)} \(series.count)\n"
        }

        histogram("request_duration_seconds", "The request processing time in seconds", Self.timeBuckets) { $0.requestTime }
        histogram("request_size", "The request length (including request line, header, and request body)", Self.lengthBuckets) {
            $0.requestSize
        }
        Self.header(&out, prefix + "requests", "The total number of client requests", "counter")
        for (labels, series) in requestSeries {
            out += "\(prefix)requests\(labels) \(series.requests)\n"
        }
        histogram("response_duration_seconds", "The time spent on receiving the response from the upstream server", Self.timeBuckets) {
            $0.responseTime
        }
        histogram("response_size", "The response length (including request line, header, and request body)", Self.lengthBuckets) {
            $0.responseSize
        }
        Self.header(&out, prefix + "success", "Cumulative number of Ingress controller reload operations", "counter")
        if reload.reloads > 0 {
            out += "\(prefix)success\(Self.labelText(constant)) \(reload.reloads)\n"
        }
        return out
    }

    // MARK: Text format

    static func header(_ out: inout String, _ name: String, _ help: String, _ type: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    static func writeHistogram(_ out: inout String, _ name: String, _ labels: String, _ h: Histogram, _ bounds: [Double]) {
        // `labels` is `{...}`; bucket lines add `le` inside the braces.
        let inner = labels.dropFirst().dropLast()
        var cumulative: UInt64 = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += h.buckets[index]
            out += "\(name)_bucket{\(inner),le=\"\(number(bound))\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{\(inner),le=\"+Inf\"} \(h.count)\n"
        out += "\(name)_sum\(labels) \(number(h.sum))\n"
        out += "\(name)_count\(labels) \(h.count)\n"
    }

    static func labelText(_ pairs: [(String, String)]) -> String { "{\(labelPairs(pairs))}" }

    static func labelPairs(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
    }

    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// A number as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it, which is how the Go client writes
    /// values and `le` bounds (`1`, `0.005`, `100000`, `1e+06`), so label matchers like `le="1"` work.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            let integer = Int64(value)
            if abs(integer) < 1_000_000 { return String(integer) }
            var digits = String(integer.magnitude)
            let exponent = digits.count - 1
            while digits.count > 1, digits.last == "0" { digits.removeLast() }
            var text = integer < 0 ? "-" : ""
            text += digits.prefix(1)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            text += exponent < 10 ? "e+0\(exponent)" : "e+\(exponent)"
            return text
        }
        return "\(value)"
    }

    // MARK: Storage

    struct RequestKey: Hashable {
        var labels: IngressRouteLabels
        var host: String
        var canary: String
        var method: String
        var status: Int
    }

    struct LatencyKey: Hashable {
        var namespace: String
        var ingress: String
        var service: String
        var canary: String
    }

    struct Histogram: Sendable {
        var buckets: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0

        init(bounds: Int) { buckets = Array(repeating: 0, count: bounds) }

        mutating func observe(_ value: Double, _ bounds: [Double]) {
            sum += value
            count += 1
            for index in bounds.indices where value <= bounds[index] {
                buckets[index] += 1
                return
            }
        }

        func merged(with other: Histogram) -> Histogram {
            var result = self
            for index in result.buckets.indices { result.buckets[index] += other.buckets[index] }
            result.sum += other.sum
            result.count += other.count
            return result
        }
    }

    struct RequestSeries: Sendable {
        var requests: UInt64 = 0
        var requestTime = Histogram(bounds: IngressMetrics.timeBuckets.count)
        var requestSize = Histogram(bounds: IngressMetrics.lengthBuckets.count)
        var responseSize = Histogram(bounds: IngressMetrics.lengthBuckets.count)
        var bytesSent = Histogram(bounds: IngressMetrics.sizeBuckets.count)
        var responseTime = Histogram(bounds: IngressMetrics.timeBuckets.count)
        var headerTime = Histogram(bounds: IngressMetrics.timeBuckets.count)
        var connectTime = Histogram(bounds: IngressMetrics.timeBuckets.count)

        mutating func observe(_ o: IngressRequestObservation) {
            requests += 1
            requestTime.observe(o.requestTime, IngressMetrics.timeBuckets)
            requestSize.observe(Double(o.requestLength), IngressMetrics.lengthBuckets)
            responseSize.observe(Double(o.bytesSent), IngressMetrics.lengthBuckets)
            bytesSent.observe(Double(o.bytesSent), IngressMetrics.sizeBuckets)
            if let t = o.upstreamResponseTime { responseTime.observe(t, IngressMetrics.timeBuckets) }
            if let t = o.upstreamHeaderTime { headerTime.observe(t, IngressMetrics.timeBuckets) }
            if let t = o.upstreamConnectTime { connectTime.observe(t, IngressMetrics.timeBuckets) }
        }

        func merged(with other: RequestSeries) -> RequestSeries {
            var result = self
            result.requests += other.requests
            result.requestTime = requestTime.merged(with: other.requestTime)
            result.requestSize = requestSize.merged(with: other.requestSize)
            result.responseSize = responseSize.merged(with: other.responseSize)
            result.bytesSent = bytesSent.merged(with: other.bytesSent)
            result.responseTime = responseTime.merged(with: other.responseTime)
            result.headerTime = headerTime.merged(with: other.headerTime)
            result.connectTime = connectTime.merged(with: other.connectTime)
            return result
        }
    }

    struct LatencySeries: Sendable {
        var recent: [Double] = []
        var next = 0
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func observe(_ value: Double, window: Int) {
            sum += value
            count += 1
            if recent.count < max(1, window) {
                recent.append(value)
            } else {
                recent[next] = value
                next = (next + 1) % recent.count
            }
        }

        func merged(with other: LatencySeries) -> LatencySeries {
            var result = self
            result.recent += other.recent
            result.sum += other.sum
            result.count += other.count
            return result
        }

        func quantiles(_ qs: [Double]) -> [(Double, Double)] {
            let sorted = recent.sorted()
            return qs.map { q in
                guard !sorted.isEmpty else { return (q, .nan) }
                let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
                return (q, sorted[min(max(rank, 0), sorted.count - 1)])
            }
        }
    }

    /// Mutex is not copyable; arrays hold it in a box.
    final class ShardBox: Sendable {
        let mutex = Mutex(Shard())
    }

    struct Shard: Sendable {
        var requests: [RequestKey: RequestSeries] = [:]
        var latency: [LatencyKey: LatencySeries] = [:]
    }

    struct ReloadState: Sendable {
        var reloads: UInt64 = 0
        var lastSucceeded = false
        var hash: UInt64 = 0
        var lastSuccessTime: Double = 0
    }
}
