import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ContamStorage

/// An API key read from the environment. Its `description` is redacted, so it cannot leak into a log,
/// an error message, a report or the cache by accident; only the `Authorization` header sees the value.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    fileprivate let value: String

    public init(_ value: String) { self.value = value }

    /// The key in environment variable `variable`, nil when unset; throws when set but empty.
    public static func fromEnvironment(_ variable: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> APIKey? {
        guard let value = environment[variable] else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ModelError.emptyAPIKey(variable: variable) }
        return APIKey(trimmed)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Counters of what a client did, for progress lines, reports and the "second run is free" test.
public struct ModelClientStatistics: Sendable, Equatable {
    /// HTTP requests actually sent (retries included).
    public var requestsSent = 0
    /// Answers served from the cache.
    public var cacheHits = 0
    /// Retries after timeouts, connection errors, 429 and 5xx.
    public var retries = 0
    /// Requests that failed for good.
    public var failures = 0
}

/// A client for OpenAI-compatible HTTP APIs (`/v1/completions`, `/v1/chat/completions`: OpenAI, vLLM,
/// llama.cpp server, Ollama). At most `concurrency` requests are in flight; timeouts, connection errors,
/// 429 (honouring `Retry-After`) and 5xx are retried with exponential backoff; other 4xx fail at once with
/// the server's message. Answers are cached on disk by URL, model and exact body (see `ResponseCache`).
public final class ModelClient: Sendable {
    /// Everything that defines the client.
    public struct Configuration: Sendable {
        /// The API base URL, e.g. `http://127.0.0.1:8000/v1` (a bare host gets `/v1`).
        public var endpoint: URL
        /// The model name sent in every request.
        public var model: String
        /// Sent as `Authorization: Bearer …` when present.
        public var apiKey: APIKey?
        /// Seconds an attempt may take in all (connect, send, wait, receive) before it counts as timed out;
        /// whole seconds, at least 1 (FoundationNetworking truncates fractions, and a timeout under one second
        /// would fire at once).
        public var timeout: Double
        /// Requests in flight at most.
        public var concurrency: Int
        public var retry: RetryPolicy
        /// nil: no cache (`--no-cache`).
        public var cache: ResponseCache?
        /// How requests travel (sockets for plain http, URLSession for https, by default).
        public var transport: HTTPTransportChoice
        /// Bytes of an answer's body at most (`--max-response-bytes`); a longer answer fails, not retried.
        public var maxResponseBytes: Int

        /// Seconds a request may take (`--timeout`).
        public static let defaultTimeout: Double = 300
        /// Requests in flight at most (`--concurrency`).
        public static let defaultConcurrency = 4
        /// Bytes of an answer's body at most (`--max-response-bytes`): 16 MiB, far above any completion.
        public static let defaultMaxResponseBytes = 16 << 20

        public init(endpoint: URL, model: String, apiKey: APIKey? = nil, timeout: Double = Configuration.defaultTimeout, concurrency: Int = Configuration.defaultConcurrency, retry: RetryPolicy = RetryPolicy(), cache: ResponseCache? = nil, transport: HTTPTransportChoice = .automatic, maxResponseBytes: Int = Configuration.defaultMaxResponseBytes) {
            self.endpoint = endpoint
            self.model = model
            self.apiKey = apiKey
            self.timeout = max(1, timeout.rounded(.up))
            self.concurrency = concurrency
            self.retry = retry
            self.cache = cache
            self.transport = transport
            self.maxResponseBytes = max(1, maxResponseBytes)
        }
    }

    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let limiter: AsyncLimiter
    private let counters = LockedBox(ModelClientStatistics())

    /// Creates a client; no request is sent until `complete`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        if configuration.transport == .automatic && configuration.endpoint.scheme?.lowercased() == "http" {
            transport = SocketHTTPTransport(maxResponseBytes: configuration.maxResponseBytes)
        } else {
            transport = URLSessionTransport(timeout: configuration.timeout, concurrency: configuration.concurrency, maxResponseBytes: configuration.maxResponseBytes)
        }
        limiter = AsyncLimiter(limit: configuration.concurrency)
    }

    /// Parses `--endpoint`: an http(s) URL; a URL without a path gets `/v1`; a trailing slash is dropped.
    public static func endpointURL(_ text: String) throws -> URL {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw ModelError.badEndpoint(text)
        }
        if url.path.isEmpty || url.path == "/" { return url.appendingPathComponent("v1") }
        return url
    }

    /// The full URL a request of `kind` goes to.
    public func url(for kind: ModelRequest.Kind) -> URL {
        configuration.endpoint.appendingPathComponent(kind.path)
    }

    /// What the client has done so far.
    public var statistics: ModelClientStatistics { counters.value }

    /// The answer to one request: from the cache when present, else from the server (with retries), then cached.
    public func complete(_ request: ModelRequest) async throws -> ModelResponse {
        let url = url(for: request.kind)
        let body = request.body(model: configuration.model)
        if let cache = configuration.cache, let cached = cache.lookup(url: url.absoluteString, model: configuration.model, body: body) {
            counters.update { $0.cacheHits += 1 }
            return cached
        }
        do {
            let response = try await limiter.withSlot { try await self.send(body: body, to: url, request: request) }
            if let cache = configuration.cache {
                try cache.store(response, url: url.absoluteString, model: configuration.model, body: body)
            }
            return response
        } catch {
            if !(error is CancellationError) { counters.update { $0.failures += 1 } }
            throw error
        }
    }

    /// Answers many requests with bounded concurrency; results in input order, each a success or its error.
    /// `progress` is called after each answer with the number done.
    public func completeAll(_ requests: [ModelRequest], progress: (@Sendable (Int) -> Void)? = nil) async -> [Result<ModelResponse, Error>] {
        var results = [Result<ModelResponse, Error>?](repeating: nil, count: requests.count)
        await withTaskGroup(of: (Int, Result<ModelResponse, Error>).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    do { return (index, .success(try await self.complete(request))) } catch { return (index, .failure(error)) }
                }
            }
            var done = 0
            for await (index, result) in group {
                results[index] = result
                done += 1
                progress?(done)
            }
        }
        return results.map { $0 ?? .failure(InternalError("a request of the batch produced no result")) }
    }

    /// Answers many requests with bounded concurrency, in input order; the first request that fails for good
    /// (after its retries) cancels the others and is thrown (its message names the request). Answers received
    /// before are cached, so a rerun resumes. `progress(done, total)` after each answer.
    public func completeAllOrThrow(_ requests: [ModelRequest], progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [ModelResponse] {
        let total = requests.count
        let answers = try await withThrowingTaskGroup(of: (Int, ModelResponse).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, try await self.complete(request)) }
            }
            var results = [ModelResponse?](repeating: nil, count: total)
            var done = 0
            do {
                for try await (index, response) in group {
                    results[index] = response
                    done += 1
                    progress?(done, total)
                }
            } catch {
                group.cancelAll()
                throw error
            }
            return results.compactMap { $0 }
        }
        guard answers.count == total else { throw InternalError("\(total - answers.count) of \(total) requests produced no answer") }
        return answers
    }

    /// One request with retries. Called holding a concurrency slot. Every error it throws has the API key and
    /// any credential the server echoed redacted.
    private func send(body: Data, to url: URL, request: ModelRequest) async throws -> ModelResponse {
        do {
            return try await attempts(body: body, to: url, request: request)
        } catch let error as ModelError {
            throw error.redacting(configuration.apiKey?.value)
        }
    }

    private func attempts(body: Data, to url: URL, request: ModelRequest) async throws -> ModelResponse {
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let key = configuration.apiKey { headers.append(("Authorization", "Bearer \(key.value)")) }
        let policy = configuration.retry
        let urlText = url.absoluteString
        var retryAfterBudget = policy.maxRetryAfter
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            counters.update { $0.requestsSent += 1 }
            let exchange: HTTPExchange
            do {
                exchange = try await transport.post(url, headers: headers, body: body, timeout: configuration.timeout)
            } catch let error as URLError {
                let failure: ModelError
                switch error.code {
                case .timedOut:
                    failure = .timedOut(label: request.label, url: urlText, attempts: attempt, seconds: configuration.timeout)
                case .cannotConnectToHost, .networkConnectionLost, .notConnectedToInternet, .cannotFindHost, .dnsLookupFailed,
                     .badServerResponse, .zeroByteResource, .cannotParseResponse, .secureConnectionFailed, .resourceUnavailable:
                    failure = .unreachable(label: request.label, url: urlText, attempts: attempt, reason: Self.reason(error))
                case .cancelled:
                    throw CancellationError()
                case .unsupportedURL, .badURL, .userAuthenticationRequired, .clientCertificateRequired, .clientCertificateRejected,
                     .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                    // Retrying cannot fix these.
                    throw ModelError.unreachable(label: request.label, url: urlText, attempts: attempt, reason: Self.reason(error))
                default:
                    // Anything else (libcurl's "transfer closed with n bytes remaining", …) may pass.
                    failure = .unreachable(label: request.label, url: urlText, attempts: attempt, reason: Self.reason(error))
                }
                guard attempt < policy.maxAttempts else { throw failure }
                try await pause(policy.delay(afterAttempt: attempt, retryAfter: nil))
                continue
            } catch let error as HTTPTransportError {
                switch error {
                case let .invalidResponse(reason):
                    // Garbage may be a passing fault (a proxy restarting), so it is retried like a lost connection.
                    guard attempt < policy.maxAttempts else { throw ModelError.invalidResponse(label: request.label, url: urlText, attempts: attempt, reason: reason) }
                    try await pause(policy.delay(afterAttempt: attempt, retryAfter: nil))
                    continue
                case let .responseTooLarge(limit):
                    throw ModelError.responseTooLarge(label: request.label, url: urlText, limit: limit)
                case let .redirected(status, location):
                    throw ModelError.redirected(label: request.label, url: urlText, status: status, location: location)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let failure = ModelError.unreachable(label: request.label, url: urlText, attempts: attempt, reason: "\(error.localizedDescription)")
                guard attempt < policy.maxAttempts else { throw failure }
                try await pause(policy.delay(afterAttempt: attempt, retryAfter: nil))
                continue
            }
            let status = exchange.status
            // Server text is redacted before it is cut short for a message, so no piece of a key survives the cut.
            let secret = configuration.apiKey?.value
            if (200..<300).contains(status) {
                do {
                    return try ModelResponse.parse(exchange.body, kind: request.kind, url: urlText, label: request.label)
                } catch ModelError.malformedResponse(let label, let url, let reason, _) {
                    throw ModelError.malformedResponse(label: label, url: url, reason: reason, bodyStart: ModelError.snippet(ModelError.redactedBody(exchange.body, secret: secret)))
                }
            }
            if (300..<400).contains(status) && status != 304 {
                throw ModelError.redirected(label: request.label, url: urlText, status: status, location: exchange.headers["location"] ?? "")
            }
            let message = ModelError.serverMessage(ModelError.redactedBody(exchange.body, secret: secret))
            let retryable = status == 429 || status == 408 || (500...599).contains(status)
            guard retryable, attempt < policy.maxAttempts else {
                throw ModelError.http(label: request.label, url: urlText, status: status, attempts: attempt, message: message)
            }
            let retryAfter = status == 429 || status == 503 ? RetryPolicy.retryAfterSeconds(exchange.headers["retry-after"]) : nil
            if let retryAfter {
                // Sleeping longer than the budget would look like a hang; say what the server asked instead.
                guard retryAfter <= retryAfterBudget else {
                    throw ModelError.retryAfterTooLong(label: request.label, url: urlText, status: status, attempts: attempt, retryAfter: retryAfter, budgetLeft: max(0, retryAfterBudget), message: message)
                }
                retryAfterBudget -= retryAfter
            }
            try await pause(policy.delay(afterAttempt: attempt, retryAfter: retryAfter))
        }
    }

    private func pause(_ seconds: Double) async throws {
        counters.update { $0.retries += 1 }
        if seconds.isFinite && seconds > 0 { try await Task.sleep(nanoseconds: UInt64(min(seconds, 1e6) * 1e9)) }
    }

    private static func reason(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: return "connection refused"
        case .networkConnectionLost: return "the connection was closed before the answer was complete"
        case .cannotFindHost, .dnsLookupFailed: return "unknown host"
        case .badServerResponse, .cannotParseResponse: return "the server sent an invalid HTTP response"
        case .zeroByteResource: return "the server sent an empty response"
        case .unsupportedURL: return "unsupported URL"
        default: return error.localizedDescription
        }
    }
}
