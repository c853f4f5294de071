import Testing
@testable import LocalCluster

/// The Prometheus exposition of the ingress metrics: ingress-nginx's names, labels and buckets.
@Suite("Ingress metrics")
struct IngressMetricsTests {
    typealias F = IngressFixtures

    static let web = IngressRouteLabels(namespace: "default", ingress: "web", service: "web", path: "/")

    static func observation(status: Int = 200, canary: String = "", method: String = "GET", time: Double = 0.02,
                            upstream: Bool = true) -> IngressRequestObservation {
        IngressRequestObservation(labels: web, host: "app.test", canary: canary, method: method, status: status, requestTime: time,
                                  requestLength: 75, bytesSent: 120, upstreamConnectTime: upstream ? 0.001 : nil,
                                  upstreamHeaderTime: upstream ? 0.015 : nil, upstreamResponseTime: upstream ? 0.018 : nil)
    }

    @Test("requests are counted per ingress, service, status, method and canary with ingress-nginx's labels")
    func requestCounter() throws {
        let metrics = IngressMetrics()
        metrics.record(Self.observation(), shard: 0)
        metrics.record(Self.observation(), shard: 1)
        metrics.record(Self.observation(status: 503, upstream: false), shard: 2)
        metrics.record(Self.observation(canary: "default-web-canary-80"), shard: 3)
        let text = metrics.render()
        #expect(text.contains("""
            nginx_ingress_controller_requests{canary="",controller_class="k8s.io/ingress-nginx",controller_namespace="ingress-nginx",\
            controller_pod="tack-ingress-controller",host="app.test",ingress="web",method="GET",namespace="default",path="/",\
            service="web",status="200"} 2
            """))
        let samples = try F.samples(text)
        let requests = "nginx_ingress_controller_requests"
        #expect(F.value(samples, requests, ["status": "503"]) == 1)
        #expect(F.value(samples, requests, ["canary": "default-web-canary-80", "status": "200"]) == 1)
        #expect(F.value(samples, requests, ["ingress": "web"]) == 4)
        #expect(text.contains("# TYPE nginx_ingress_controller_requests counter"))
    }

    @Test("histograms use ingress-nginx's default buckets and count cumulatively")
    func histograms() throws {
        let metrics = IngressMetrics()
        metrics.record(Self.observation(time: 0.02))
        metrics.record(Self.observation(time: 0.3))
        metrics.record(Self.observation(time: 20))
        let samples = try F.samples(metrics.render())
        let name = "nginx_ingress_controller_request_duration_seconds_bucket"
        let les = samples.filter { $0.name == name }.compactMap { $0.labels["le"] }
        #expect(les == ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"])
        #expect(F.value(samples, name, ["le": "0.01"]) == 0)
        #expect(F.value(samples, name, ["le": "0.025"]) == 1)
        #expect(F.value(samples, name, ["le": "0.5"]) == 2)
        #expect(F.value(samples, name, ["le": "10"]) == 2)
        #expect(F.value(samples, name, ["le": "+Inf"]) == 3)
        #expect(F.value(samples, "nginx_ingress_controller_request_duration_seconds_count") == 3)
        #expect(abs((F.value(samples, "nginx_ingress_controller_request_duration_seconds_sum") ?? 0) - 20.32) < 1e-9)
        let sizeBounds = samples.filter { $0.name == "nginx_ingress_controller_bytes_sent_bucket" }.compactMap { $0.labels["le"] }
        #expect(sizeBounds == ["10", "100", "1000", "10000", "100000", "1e+06", "1e+07", "+Inf"])
        let lengthBounds = samples.filter { $0.name == "nginx_ingress_controller_request_size_bucket" }.compactMap { $0.labels["le"] }
        #expect(lengthBounds == ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100", "+Inf"])
        #expect(F.value(samples, "nginx_ingress_controller_response_duration_seconds_count") == 3)
        #expect(F.value(samples, "nginx_ingress_controller_header_duration_seconds_count") == 3)
        #expect(F.value(samples, "nginx_ingress_controller_connect_duration_seconds_count") == 3)
        #expect(F.value(samples, "nginx_ingress_controller_response_size_count") == 3)
    }

    @Test("upstream histograms and the latency summary skip requests that reached no upstream")
    func upstreamOnly() throws {
        let metrics = IngressMetrics()
        metrics.record(Self.observation(status: 404, upstream: false))
        metrics.record(Self.observation(status: 200, upstream: true))
        let samples = try F.samples(metrics.render())
        #expect(F.value(samples, "nginx_ingress_controller_request_duration_seconds_count") == 2)
        #expect(F.value(samples, "nginx_ingress_controller_response_duration_seconds_count") == 1)
        #expect(F.value(samples, "nginx_ingress_controller_ingress_upstream_latency_seconds_count") == 1)
        #expect(F.value(samples, "nginx_ingress_controller_ingress_upstream_latency_seconds", ["quantile": "0.99"]) == 0.001)
        let summaryLabels = samples.first { $0.name == "nginx_ingress_controller_ingress_upstream_latency_seconds_count" }?.labels
        #expect(summaryLabels.map { Set($0.keys) } == ["canary", "controller_class", "controller_namespace", "controller_pod", "ingress",
                                                       "namespace", "service"])
    }

    @Test("reloads set the configuration gauges and count successes")
    func reloads() throws {
        let metrics = IngressMetrics(configuration: IngressMetricsConfiguration(controllerPod: "pod-1"))
        let before = try F.samples(metrics.render())
        #expect(F.value(before, "nginx_ingress_controller_config_last_reload_successful") == 0)
        #expect(F.value(before, "nginx_ingress_controller_success") == nil)
        metrics.recordReload(hash: 12345, succeeded: true, at: 1_700_000_000)
        metrics.recordReload(hash: 67890, succeeded: true, at: 1_700_000_100)
        let after = try F.samples(metrics.render())
        #expect(F.value(after, "nginx_ingress_controller_config_last_reload_successful", ["controller_pod": "pod-1"]) == 1)
        #expect(F.value(after, "nginx_ingress_controller_config_hash") == 67890)
        #expect(F.value(after, "nginx_ingress_controller_config_last_reload_successful_timestamp_seconds") == 1_700_000_100)
        #expect(F.value(after, "nginx_ingress_controller_success") == 2)
    }

    @Test("label values are escaped")
    func escaping() throws {
        let metrics = IngressMetrics()
        var observation = Self.observation()
        observation.labels.path = "/a\"b\\c\nd"
        metrics.record(observation)
        let text = metrics.render()
        #expect(text.contains(#"path="/a\"b\\c\nd""#))
        let samples = try F.samples(text)
        #expect(F.value(samples, "nginx_ingress_controller_requests", ["path": "/a\"b\\cnd"]) == 1)
    }

    @Test("numbers are written as Go writes them", arguments: [
        (1.0, "1"), (0.005, "0.005"), (100_000.0, "100000"), (1_000_000.0, "1e+06"), (12_345_678.0, "1.2345678e+07"), (2.5, "2.5"),
        (Double.infinity, "+Inf"),
    ])
    func numbers(value: Double, text: String) {
        #expect(IngressMetrics.number(value) == text)
    }
}
