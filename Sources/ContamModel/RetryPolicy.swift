import Foundation

/// When and how long to wait before retrying a failed request: exponential backoff with jitter on timeouts,
/// connection errors and 5xx; the server's `Retry-After` (seconds or an HTTP date) on 429 and 503, within a
/// budget per request: a `Retry-After` longer than what is left of `maxRetryAfter` is reported, not slept.
public struct RetryPolicy: Sendable {
    /// Total attempts per request, the first included (1 = no retry).
    public var maxAttempts: Int
    /// Wait before the second attempt; doubled for each further one.
    public var initialDelay: Double
    /// Upper bound of the exponential wait.
    public var maxDelay: Double
    /// Seconds one request may spend waiting for the server's `Retry-After`s, all retries together.
    public var maxRetryAfter: Double

    /// The default budget for `Retry-After`s: a minute, so contam never sits silently for long.
    public static let defaultMaxRetryAfter: Double = 60

    public init(maxAttempts: Int = 5, initialDelay: Double = 1, maxDelay: Double = 30, maxRetryAfter: Double = RetryPolicy.defaultMaxRetryAfter) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait after failed attempt number `attempt` (1-based). Exponential with jitter in [½, 1] of
    /// the step, or exactly `retryAfter` when the server gave one (capped at `maxRetryAfter` as a safety net;
    /// `ModelClient` gives up before sleeping a `Retry-After` over the budget).
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(0, retryAfter), maxRetryAfter) }
        let step = min(maxDelay, initialDelay * pow(2, Double(max(0, attempt - 1))))
        return step * Double.random(in: 0.5...1)
    }

    /// Parses a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
    public static func retryAfterSeconds(_ header: String?, now: Date = Date()) -> Double? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        // delta-seconds is digits only: `Double` alone would take "inf", "nan", "-5" and "1e999".
        if header.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return min(Double(header) ?? 0, 1e9)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: header) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
