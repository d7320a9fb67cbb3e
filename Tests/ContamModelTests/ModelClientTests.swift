import Foundation
import Testing
@testable import ContamModel
import ContamTestSupport

@Suite struct ModelClientTests {
    static let fastRetry = RetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.05, maxRetryAfter: 0.2)

    static let transports: [HTTPTransportChoice] = [.automatic, .urlSession]

    func client(_ server: TestHTTPServer, _ transport: HTTPTransportChoice = .automatic, timeout: Double = 10, retry: RetryPolicy = fastRetry, cache: ResponseCache? = nil, concurrency: Int = 4, apiKey: APIKey? = nil, model: String = "m") -> ModelClient {
        ModelClient(configuration: .init(endpoint: server.baseURL, model: model, apiKey: apiKey, timeout: timeout, concurrency: concurrency, retry: retry, cache: cache, transport: transport))
    }

    @Test(arguments: transports) func completionRequestBodyAndAnswer(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { request, _ in
            request.path == "/v1/completions" ? .json(completionJSON("4.9,3.0")) : .json("{}", status: 404)
        }
        defer { server.stop() }
        let answer = try await client(server, transport, apiKey: APIKey("sk-secret")).complete(.completion("5.1,3.5\n", maxTokens: 12, label: "t"))
        #expect(answer.text == "4.9,3.0")
        #expect(answer.finishReason == "stop")
        #expect(!answer.fromCache)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.headers["authorization"] == "Bearer sk-secret")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"max_tokens":12,"model":"m","prompt":"5.1,3.5\n","temperature":0}"#)
    }

    @Test(arguments: transports) func chatRequestBodyAndAnswer(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { request, _ in
            request.path == "/v1/chat/completions" ? .json(chatJSON("Iris-setosa")) : .json("{}", status: 404)
        }
        defer { server.stop() }
        let request = ModelRequest.chat([.system("You are a bot."), .user("a"), .assistant("b"), .user("c")], maxTokens: 5, label: "t")
        let answer = try await client(server, transport).complete(request)
        #expect(answer.text == "Iris-setosa")
        let body = try #require(server.requests.first).body
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect((object["messages"] as? [[String: String]])?.map { $0["role"] ?? "" } == ["system", "user", "assistant", "user"])
        #expect(object["temperature"] as? Double == 0)
        #expect(server.requests.first?.headers["authorization"] == nil)
    }

    @Test(arguments: transports) func retriesServerErrorsThenSucceeds(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, n in
            n < 3 ? .json(#"{"error":{"message":"overloaded"}}"#, status: n == 1 ? 500 : 503) : .json(completionJSON("ok"))
        }
        defer { server.stop() }
        let c = client(server, transport)
        let answer = try await c.complete(.completion("p", maxTokens: 3, label: "t"))
        #expect(answer.text == "ok")
        #expect(server.requestCount == 3)
        #expect(c.statistics.retries == 2)
        #expect(c.statistics.requestsSent == 3)
    }

    @Test(arguments: transports) func rateLimitHonoursRetryAfter(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, n in
            n == 1 ? .json(#"{"error":{"message":"slow down"}}"#, status: 429, headers: ["Retry-After": "0"]) : .json(completionJSON("ok"))
        }
        defer { server.stop() }
        let answer = try await client(server, transport).complete(.completion("p", maxTokens: 3, label: "t"))
        #expect(answer.text == "ok")
        #expect(server.requestCount == 2)
    }

    @Test(arguments: transports) func rateLimitGivesUpAfterMaxAttemptsWithMessage(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .json(#"{"error":{"message":"quota exceeded"}}"#, status: 429, headers: ["Retry-After": "0"]) }
        defer { server.stop() }
        let error = await #expect(throws: ModelError.self) {
            _ = try await client(server, transport).complete(.completion("p", maxTokens: 3, label: "iris: row completion, query 2 of 25"))
        }
        #expect(server.requestCount == 3)
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("iris: row completion, query 2 of 25"))
        #expect(text.contains("HTTP 429"))
        #expect(text.contains("quota exceeded"))
        #expect(text.contains("after 3 attempts"))
    }

    @Test(arguments: transports) func clientErrorIsNotRetriedAndShowsServerMessage(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .json(#"{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error"}}"#, status: 404) }
        defer { server.stop() }
        do {
            _ = try await client(server, transport).complete(.completion("p", maxTokens: 3, label: "iris: header test, cut in row 2"))
            Issue.record("expected an error")
        } catch let error as ModelError {
            let text = error.description
            #expect(text.contains("iris: header test, cut in row 2"))
            #expect(text.contains("http://127.0.0.1:\(server.port)/v1/completions"))
            #expect(text.contains("HTTP 404"))
            #expect(text.contains("The model `gpt-9` does not exist"))
            #expect(text.contains("--model"))
        }
        #expect(server.requestCount == 1)
    }

    @Test(arguments: transports) func plainTextErrorBodyIsShown(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .respond(status: 400, headers: ["Content-Type": "text/plain"], body: "prompt too long") }
        defer { server.stop() }
        await #expect { _ = try await client(server, transport).complete(.completion("p", maxTokens: 3, label: "t")) } throws: { error in
            "\(error)".contains("HTTP 400: prompt too long")
        }
        #expect(server.requestCount == 1)
    }

    @Test(arguments: transports) func hangingServerTimesOut(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .hang(seconds: 3) }
        defer { server.stop() }
        let retry = RetryPolicy(maxAttempts: 1)
        await #expect { _ = try await client(server, transport, timeout: 1, retry: retry).complete(.completion("p", maxTokens: 3, label: "wine: row completion, query 1 of 25")) } throws: { error in
            guard let error = error as? ModelError, case .timedOut = error else { return false }
            return error.description == "wine: row completion, query 1 of 25: POST \(server.baseURL.absoluteString)/completions got no answer within 1 s (1 attempt); the server hangs or is overloaded, raise --timeout or lower --concurrency"
        }
        #expect(server.requestCount == 1)
    }

    @Test(arguments: transports) func timeoutIsRetried(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, n in n == 1 ? .hang(seconds: 3) : .json(completionJSON("late but fine")) }
        defer { server.stop() }
        let c = client(server, transport, timeout: 1, retry: RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.01))
        #expect(try await c.complete(.completion("p", maxTokens: 3, label: "t")).text == "late but fine")
        #expect(server.requestCount == 2)
        #expect(c.statistics.retries == 1)
    }

    @Test(arguments: transports) func unreachableServerIsRetriedThenReported(transport: HTTPTransportChoice) async throws {
        let port = TestHTTPServer.closedPort()
        let c = ModelClient(configuration: .init(endpoint: URL(string: "http://127.0.0.1:\(port)/v1")!, model: "m", timeout: 5, retry: Self.fastRetry, transport: transport))
        await #expect { _ = try await c.complete(.completion("p", maxTokens: 3, label: "iris: feature names")) } throws: { error in
            guard let error = error as? ModelError, case .unreachable = error else { return false }
            return error.description.contains("iris: feature names") && error.description.contains("3 attempts")
        }
        #expect(c.statistics.requestsSent == 3)
    }

    @Test(arguments: transports) func connectionClosedWithoutAnswerIsRetried(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, n in n == 1 ? .close : .json(completionJSON("ok")) }
        defer { server.stop() }
        let answer = try await client(server, transport).complete(.completion("p", maxTokens: 3, label: "t"))
        #expect(answer.text == "ok")
        #expect(server.requestCount == 2)
    }

    @Test(arguments: transports) func malformedAndTruncatedJSONAreClearErrors(transport: HTTPTransportChoice) async throws {
        for body in [#"{"choices":[{"text":"4.9,3"#, "<html>Bad Gateway</html>", #"{"choices":[]}"#, #"{"object":"list"}"#, ""] {
            let server = try TestHTTPServer { _, _ in .json(body) }
            defer { server.stop() }
            await #expect { _ = try await client(server, transport).complete(.completion("p", maxTokens: 3, label: "iris: first-token test, query 4 of 25")) } throws: { error in
                guard let error = error as? ModelError, case .malformedResponse = error else { return false }
                return error.description.contains("iris: first-token test, query 4 of 25") && error.description.contains("not an OpenAI-compatible response")
            }
            #expect(server.requestCount == 1, "malformed answers are not retried: \(body)")
        }
    }

    @Test(arguments: transports) func emptyAnswersAreAnswers(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { request, _ in
            request.path.hasSuffix("chat/completions")
                ? .json(#"{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}"#)
                : .json(completionJSON(""))
        }
        defer { server.stop() }
        let c = client(server, transport)
        #expect(try await c.complete(.completion("p", maxTokens: 3, label: "t")).text == "")
        #expect(try await c.complete(.chat([.user("p")], maxTokens: 3, label: "t")).text == "")
    }

    @Test(arguments: transports) func cacheServesSecondRunWithoutRequests(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { request, _ in
            .json(completionJSON("answer to " + String(decoding: request.body, as: UTF8.self).suffix(20)))
        }
        defer { server.stop() }
        let directory = try temporaryDirectory("cache")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let requests = (0..<6).map { ModelRequest.completion("prompt \($0)", maxTokens: 8, label: "q\($0)") }
        let first = client(server, transport, cache: ResponseCache(directory: directory), apiKey: APIKey("sk-do-not-store"))
        let firstAnswers = try await first.completeAll(requests).map { try $0.get().text }
        #expect(server.requestCount == 6)
        #expect(first.statistics.cacheHits == 0)

        let second = client(server, transport, cache: ResponseCache(directory: directory))
        let secondResults = await second.completeAll(requests)
        #expect(server.requestCount == 6, "a rerun must be served from the cache")
        #expect(second.statistics == ModelClientStatistics(requestsSent: 0, cacheHits: 6, retries: 0, failures: 0))
        #expect(try secondResults.map { try $0.get().text } == firstAnswers)
        #expect(secondResults.allSatisfy { (try? $0.get().fromCache) == true })

        // Another model or another body is another key.
        let other = client(server, transport, cache: ResponseCache(directory: directory), model: "other")
        _ = try await other.complete(requests[0])
        #expect(server.requestCount == 7)
        #expect(ResponseCache(directory: directory).entryCount() == 7)

        // The API key is never written to the cache.
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
        while let name = enumerator.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) {
                #expect(!String(decoding: data, as: UTF8.self).contains("sk-do-not-store"))
            }
        }
    }

    @Test(arguments: transports) func failedRequestsAreNotCached(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, n in n == 1 ? .json("{}", status: 400) : .json(completionJSON("ok")) }
        defer { server.stop() }
        let directory = try temporaryDirectory("cache-fail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let c = client(server, transport, cache: ResponseCache(directory: directory))
        await #expect(throws: ModelError.self) { _ = try await c.complete(.completion("p", maxTokens: 3, label: "t")) }
        #expect(try await c.complete(.completion("p", maxTokens: 3, label: "t")).text == "ok")
        #expect(server.requestCount == 2)
    }

    @Test func corruptCacheEntryIsAMiss() async throws {
        let directory = try temporaryDirectory("cache-corrupt")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = ResponseCache(directory: directory)
        let body = ModelRequest.completion("p", maxTokens: 3, label: "t").body(model: "m")
        try cache.store(ModelResponse(text: "x", finishReason: nil, fromCache: false), url: "u", model: "m", body: body)
        #expect(cache.lookup(url: "u", model: "m", body: body)?.text == "x")
        #expect(cache.lookup(url: "u2", model: "m", body: body) == nil)
        let key = ResponseCache.key(url: "u", model: "m", body: body)
        let file = "\(directory)/responses/\(key.prefix(2))/\(key).json"
        try writeTestFile(atPath: file, text: "{\"url\":")
        #expect(cache.lookup(url: "u", model: "m", body: body) == nil)
    }

    @Test(arguments: transports) func concurrencyIsBounded(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .delayed(seconds: 0.05, body: completionJSON("ok")) }
        defer { server.stop() }
        let c = client(server, transport, concurrency: 2)
        let results = await c.completeAll((0..<10).map { .completion("p\($0)", maxTokens: 3, label: "q\($0)") })
        #expect(results.allSatisfy { (try? $0.get().text) == "ok" })
        #expect(server.requestCount == 10)
        #expect(server.maxInFlight <= 2)
    }
}

@Suite struct ModelPiecesTests {
    @Test func endpointParsing() throws {
        #expect(try ModelClient.endpointURL("http://127.0.0.1:8000").absoluteString == "http://127.0.0.1:8000/v1")
        #expect(try ModelClient.endpointURL("http://127.0.0.1:8000/v1/").absoluteString == "http://127.0.0.1:8000/v1")
        #expect(try ModelClient.endpointURL("https://api.openai.com/v1").absoluteString == "https://api.openai.com/v1")
        for bad in ["", "localhost:8000", "ftp://x/v1", "not a url"] {
            #expect(throws: ModelError.self) { try ModelClient.endpointURL(bad) }
        }
    }

    @Test func retryAfterParsing() {
        #expect(RetryPolicy.retryAfterSeconds("7") == 7)
        #expect(RetryPolicy.retryAfterSeconds(nil) == nil)
        #expect(RetryPolicy.retryAfterSeconds("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480) // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        let policy = RetryPolicy(maxAttempts: 5, initialDelay: 1, maxDelay: 4, maxRetryAfter: 10)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 99) == 10)
        for attempt in 1...6 {
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            let step = min(4, pow(2, Double(attempt - 1)))
            #expect(delay >= step / 2 && delay <= step)
        }
    }

    @Test func apiKeyIsRedactedAndEmptyIsAnError() throws {
        let key = try #require(try APIKey.fromEnvironment("K", environment: ["K": " sk-123 \n"]))
        #expect("\(key)" == "<redacted>")
        #expect(String(reflecting: key) == "<redacted>")
        #expect(try APIKey.fromEnvironment("K", environment: [:]) == nil)
        #expect(throws: ModelError.emptyAPIKey(variable: "K")) { try APIKey.fromEnvironment("K", environment: ["K": ""]) }
    }

    @Test func parseVariants() throws {
        func parse(_ json: String, _ kind: ModelRequest.Kind) throws -> String {
            try ModelResponse.parse(Data(json.utf8), kind: kind, url: "u", label: "l").text
        }
        #expect(try parse(completionJSON("a\nb"), .completion) == "a\nb")
        #expect(try parse(chatJSON("x"), .chat) == "x")
        #expect(throws: ModelError.self) { try parse(chatJSON("x"), .completion) }
        #expect(throws: ModelError.self) { try parse(#"{"error":{"message":"bad"}}"#, .chat) }
        #expect(throws: ModelError.self) { try parse(#"[1,2]"#, .chat) }
        #expect(throws: ModelError.self) { try parse(#"{"choices":[{"message":{"content":5}}]}"#, .chat) }
    }

    @Test func defaultCacheDirectory() {
        #expect(ResponseCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/contam")
        #expect(ResponseCache.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.cache/contam")
    }

    @Test func limiterNeverExceedsLimit() async {
        let limiter = AsyncLimiter(limit: 3)
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    await limiter.withSlot {
                        await gauge.enter()
                        await Task.yield()
                        await gauge.leave()
                    }
                }
            }
        }
        #expect(await gauge.maximum <= 3)
        #expect(await gauge.maximum >= 1)
    }
}

actor Gauge {
    var current = 0
    var maximum = 0
    func enter() { current += 1; maximum = max(maximum, current) }
    func leave() { current -= 1 }
}
