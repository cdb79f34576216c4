import Prometheus

/// The node's Prometheus registry and the metrics Writ records into it.
///
/// One registry per application (not the global MetricsSystem), so tests can build many apps.
public final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let poolOpen: Gauge
    private let poolInUse: Gauge
    private let poolWaiting: Gauge
    private let longPolls: Gauge
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    private static var requestsTotal: MetricNameDescriptor { name("http_requests", "total", "HTTP requests answered") }
    private static var requestDuration: MetricNameDescriptor { name("http_request_duration", "seconds", "HTTP request latency") }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "writ", metricName: metric, unitName: unit, helpText: help)
    }

    public init() {
        poolOpen = registry.makeGauge(descriptor: Self.name("db_pool_connections", "open", "Database sessions open on this node"))
        poolInUse = registry.makeGauge(descriptor: Self.name("db_pool_connections", "in_use", "Database sessions lent to requests"))
        poolWaiting = registry.makeGauge(descriptor: Self.name("db_pool", "waiting", "Requests waiting for a database session"))
        longPolls = registry.makeGauge(descriptor: Self.name("long_polls", "waiting", "Long-polls (?wait=) waiting for a change"))
    }

    /// Counts one finished request and its latency.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requestsTotal, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: labels, buckets: Self.latencyBuckets)
            .record(duration)
    }

    /// The Prometheus text exposition, with the pool and long-poll gauges read at scrape time.
    func exposition(pool: (open: Int, inUse: Int, waiting: Int), longPolls waiting: Int) -> [UInt8] {
        longPolls.set(Double(waiting))
        poolOpen.set(Double(pool.open))
        poolInUse.set(Double(pool.inUse))
        poolWaiting.set(Double(pool.waiting))
        return registry.emitToBuffer()
    }
}
