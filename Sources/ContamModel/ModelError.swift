import Foundation

/// What can go wrong talking to a model endpoint. Every case names the request (its label, e.g.
/// "iris: row completion, query 3 of 25") and the URL, and says what the user can do about it.
public enum ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The endpoint URL does not parse or is not http(s).
    case badEndpoint(String)
    /// The server could not be reached (refused, reset, DNS) after all retries.
    case unreachable(label: String, url: String, attempts: Int, reason: String)
    /// No answer within the timeout, after all retries.
    case timedOut(label: String, url: String, attempts: Int, seconds: Double)
    /// A non-retryable HTTP status (4xx other than 429), or 429/5xx after all retries.
    case http(label: String, url: String, status: Int, attempts: Int, message: String)
    /// A 2xx answer whose body is not an OpenAI-compatible response.
    case malformedResponse(label: String, url: String, reason: String, bodyStart: String)
    /// The environment variable named for the API key is set but empty.
    case emptyAPIKey(variable: String)
    /// The answer is not valid HTTP (after all retries): `reason` says what is wrong.
    case invalidResponse(label: String, url: String, attempts: Int, reason: String)
    /// The answer's body is longer than `limit` bytes (`--max-response-bytes`); not retried.
    case responseTooLarge(label: String, url: String, limit: Int)
    /// The server redirected the request (to `location`; `status` when known); redirects are not followed.
    case redirected(label: String, url: String, status: Int?, location: String)
    /// A 429 or 503 whose `Retry-After` asks for a longer wait than is left of the budget
    /// (`RetryPolicy.maxRetryAfter`), reported rather than slept.
    case retryAfterTooLong(label: String, url: String, status: Int, attempts: Int, retryAfter: Double, budgetLeft: Double, message: String)

    public var description: String {
        switch self {
        case let .badEndpoint(text):
            return "'\(text)' is not a usable endpoint; pass the base URL of an OpenAI-compatible API, e.g. --endpoint http://127.0.0.1:8000/v1"
        case let .unreachable(label, url, attempts, reason):
            return "\(label): could not reach POST \(url) (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(reason); is the server running and is --endpoint right?"
        case let .timedOut(label, url, attempts, seconds):
            return "\(label): POST \(url) got no answer within \(Self.seconds(seconds)) (\(attempts) attempt\(attempts == 1 ? "" : "s")); the server hangs or is overloaded, raise --timeout or lower --concurrency"
        case let .http(label, url, status, attempts, message):
            let hint: String
            switch status {
            case 401, 403: hint = "; check the API key (--api-key-env names the environment variable)"
            case 404: hint = "; check --endpoint (it should end in /v1) and --model"
            case 429: hint = "; the server kept rate-limiting, lower --concurrency or try later"
            case 500...599: hint = "; the server kept failing"
            default: hint = ""
            }
            let shown = message.isEmpty ? "" : ": \(message)"
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "\(label): POST \(url) failed with HTTP \(status)\(tries)\(shown)\(hint)"
        case let .malformedResponse(label, url, reason, bodyStart):
            return "\(label): the answer of POST \(url) is not an OpenAI-compatible response: \(reason); it starts with: \(bodyStart)"
        case let .emptyAPIKey(variable):
            return "the environment variable \(variable) (the API key) is set but empty; unset it or set the key"
        case let .invalidResponse(label, url, attempts, reason):
            return "\(label): invalid HTTP response from POST \(url) (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(reason); is --endpoint an OpenAI-compatible HTTP server?"
        case let .responseTooLarge(label, url, limit):
            return "\(label): the answer of POST \(url) is larger than the limit of \(HTTPTransportError.bytes(limit)); raise --max-response-bytes (now \(limit)) if the server is right to send that much"
        case let .redirected(label, url, status, location):
            let shown = status.map { " (HTTP \($0))" } ?? ""
            return "\(label): POST \(url) was redirected\(shown) to \(location.isEmpty ? "an unnamed location (no Location header)" : location); redirects are not followed, pass the final URL as --endpoint"
        case let .retryAfterTooLong(label, url, status, attempts, retryAfter, budgetLeft, message):
            let shown = message.isEmpty ? "" : ": \(message)"
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "\(label): POST \(url) failed with HTTP \(status)\(tries)\(shown); the server asks to retry after \(Self.seconds(retryAfter)), longer than the \(Self.seconds(budgetLeft)) left of the wait for Retry-After, so contam gave up instead of waiting; try again later or lower --concurrency"
        }
    }

    /// The same error with the API key (`secret`) and any `Authorization: …` or `Bearer …` value in the server's
    /// text replaced by `<redacted>`: servers quote what they were sent ("Incorrect API key provided: …").
    public func redacting(_ secret: String?) -> ModelError {
        func clean(_ text: String) -> String { Self.redact(text, secret: secret) }
        switch self {
        case .badEndpoint, .emptyAPIKey, .timedOut, .responseTooLarge:
            return self
        case let .unreachable(label, url, attempts, reason):
            return .unreachable(label: label, url: url, attempts: attempts, reason: clean(reason))
        case let .http(label, url, status, attempts, message):
            return .http(label: label, url: url, status: status, attempts: attempts, message: clean(message))
        case let .malformedResponse(label, url, reason, bodyStart):
            return .malformedResponse(label: label, url: url, reason: clean(reason), bodyStart: clean(bodyStart))
        case let .invalidResponse(label, url, attempts, reason):
            return .invalidResponse(label: label, url: url, attempts: attempts, reason: clean(reason))
        case let .redirected(label, url, status, location):
            return .redirected(label: label, url: url, status: status, location: clean(location))
        case let .retryAfterTooLong(label, url, status, attempts, retryAfter, budgetLeft, message):
            return .retryAfterTooLong(label: label, url: url, status: status, attempts: attempts, retryAfter: retryAfter, budgetLeft: budgetLeft, message: clean(message))
        }
    }

    /// `text` with the key `secret` (also cut short, as a snippet may end inside it) and the credential of any
    /// `Authorization` header or `Bearer` token replaced by `<redacted>`.
    static func redact(_ text: String, secret: String?) -> String {
        var result = text
        if let secret, !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
            if secret.count >= 8, let cut = try? NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: String(secret.prefix(8))) + #"[^\s"'`,;<>…]*"#) {
                result = cut.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "<redacted>")
            }
        }
        for (pattern, template) in redactionPatterns {
            result = pattern.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }

    /// `Bearer <token>` and `Authorization: <scheme> <credentials>` (also as a JSON or query field).
    private static let redactionPatterns: [(NSRegularExpression, String)] = [
        (try! NSRegularExpression(pattern: #"(?i)\b(bearer)(\s+|%20|\+)(?!<redacted>)[^\s"'`,;&<>]+"#), "$1$2<redacted>"),
        (try! NSRegularExpression(pattern: #"(?i)\b(authorization["']?\s*[:=]\s*["']?)(?!bearer\b)(?!<redacted>)(\w+\s+)?[^\s"'`,;&<>]+"#), "$1$2<redacted>"),
    ]

    /// The start of a response body for messages: at most 200 characters, control characters escaped.
    static func snippet(_ data: Data) -> String {
        guard !data.isEmpty else { return "(empty body)" }
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        var escaped = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 { escaped += scalar == "\n" ? "\\n" : "\\u{\(String(scalar.value, radix: 16))}" } else { escaped.unicodeScalars.append(scalar) }
        }
        return "'" + escaped + (data.count > 200 ? "…" : "") + "'"
    }

    /// The server's explanation from an error body: `error.message`, `error` (string), `detail` or `message`.
    static func serverMessage(fromJSON root: [String: Any]) -> String? {
        if let error = root["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let error = root["error"] as? String { return error }
        if let detail = root["detail"] as? String { return detail }
        if let detail = root["detail"] { return "\(detail)" }
        if let message = root["message"] as? String { return message }
        return nil
    }

    /// The server's explanation from any error body: the JSON message when there is one, else the text.
    static func serverMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let message = serverMessage(fromJSON: object) {
            return String(message.prefix(500))
        }
        let text = String(decoding: data.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text
    }

    /// A response body with the key and credentials redacted (see `redact`), before it is cut short for a message.
    static func redactedBody(_ data: Data, secret: String?) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        return Data(redact(text, secret: secret).utf8)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
