import Foundation

/// What `GET /metrics` reports, in the Prometheus text exposition format (version 0.0.4): requests by
/// endpoint and status, a latency histogram by endpoint, requests in flight, requests waiting for a worker
/// and open connections. One lock; a request takes it once, after its response is written.
final class HTTPMetrics: @unchecked Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let bucketBounds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Histogram {
        var buckets = [UInt64](repeating: 0, count: HTTPMetrics.bucketBounds.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private let lock = NSLock()
    private var requests: [String: [Int: UInt64]] = [:]
    private var latency: [String: Histogram] = [:]
    private var rejectedConnections: UInt64 = 0

    func record(endpoint: String, status: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        requests[endpoint, default: [:]][status, default: 0] += 1
        var histogram = latency[endpoint] ?? Histogram()
        if let bucket = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { histogram.buckets[bucket] += 1 }
        histogram.count += 1
        histogram.sum += seconds
        latency[endpoint] = histogram
    }

    func recordRejectedConnection() {
        lock.lock()
        rejectedConnections += 1
        lock.unlock()
    }

    /// The exposition text, with the gauges read by the caller at the same moment.
    func exposition(inFlight: Int, queued: Int, connections: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        var lines: [String] = []
        lines += ["# HELP contam_http_requests_total Requests answered, by endpoint and status.", "# TYPE contam_http_requests_total counter"]
        for endpoint in requests.keys.sorted() {
            for (status, count) in requests[endpoint]!.sorted(by: { $0.key < $1.key }) {
                lines.append("contam_http_requests_total{endpoint=\(Self.quoted(endpoint)),status=\"\(status)\"} \(count)")
            }
        }
        lines += ["# HELP contam_http_request_duration_seconds Time from a request's complete head to its response written.",
                  "# TYPE contam_http_request_duration_seconds histogram"]
        for endpoint in latency.keys.sorted() {
            let histogram = latency[endpoint]!
            var cumulative: UInt64 = 0
            for (bound, count) in zip(Self.bucketBounds, histogram.buckets) {
                cumulative += count
                lines.append("contam_http_request_duration_seconds_bucket{endpoint=\(Self.quoted(endpoint)),le=\"\(bound)\"} \(cumulative)")
            }
            lines.append("contam_http_request_duration_seconds_bucket{endpoint=\(Self.quoted(endpoint)),le=\"+Inf\"} \(histogram.count)")
            lines.append("contam_http_request_duration_seconds_sum{endpoint=\(Self.quoted(endpoint))} \(histogram.sum)")
            lines.append("contam_http_request_duration_seconds_count{endpoint=\(Self.quoted(endpoint))} \(histogram.count)")
        }
        lines += ["# HELP contam_http_requests_in_flight Requests being answered by a worker.", "# TYPE contam_http_requests_in_flight gauge",
                  "contam_http_requests_in_flight \(inFlight)",
                  "# HELP contam_http_queue_depth Requests waiting for a worker.", "# TYPE contam_http_queue_depth gauge",
                  "contam_http_queue_depth \(queued)",
                  "# HELP contam_http_connections Open client connections.", "# TYPE contam_http_connections gauge",
                  "contam_http_connections \(connections)",
                  "# HELP contam_http_connections_rejected_total Connections refused over the connection limit.",
                  "# TYPE contam_http_connections_rejected_total counter",
                  "contam_http_connections_rejected_total \(rejectedConnections)"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label value in quotes, with `\`, `"` and newlines escaped as the format requires.
    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

/// The bounded worker pool, as admission to run a handler: at most `workers` handlers run at once and at
/// most `queueLimit` requests wait for one; a request beyond both is refused (429). The connection thread
/// that read a request runs its handler once admitted, so an answer needs no hand-off between threads.
final class HTTPAdmission: @unchecked Sendable {
    private let condition = NSCondition()
    private let workers: Int
    private let queueLimit: Int
    private var running = 0
    private var waiting = 0

    init(workers: Int, queueLimit: Int) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
    }

    /// Waits for a worker slot; false (at once) when the queue is full.
    func enter() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if running < workers {
            running += 1
            return true
        }
        guard waiting < queueLimit else { return false }
        waiting += 1
        while running >= workers { condition.wait() }
        waiting -= 1
        running += 1
        return true
    }

    func leave() {
        condition.lock()
        running -= 1
        condition.signal()
        condition.unlock()
    }

    /// (running, waiting) at one moment.
    var load: (running: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (running, waiting)
    }
}
