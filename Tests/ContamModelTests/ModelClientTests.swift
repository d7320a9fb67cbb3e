import Foundation
import Testing
@testable import ContamModel
import ContamTestSupport

@Suite struct ModelClientTests {
    static let fastRetry = RetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.05, maxRetryAfter: 0.2)

    static let transports: [HTTPTransportChoice] = [.automatic, .urlSession]

    func client(_ server: TestHTTPServer, _ transport: HTTPTransportChoice = .automatic, timeout: Double = 10, retry: RetryPolicy = fastRetry, cache: ResponseCache? = nil, concurrency: Int = 4, apiKey: APIKey? = nil, model: String = "m", maxResponseBytes: Int = ModelClient.Configuration.defaultMaxResponseBytes) -> ModelClient {
        ModelClient(configuration: .init(endpoint: server.baseURL, model: model, apiKey: apiKey, timeout: timeout, concurrency: concurrency, retry: retry, cache: cache, transport: transport, maxResponseBytes: maxResponseBytes))
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

/// Servers that misbehave: broken HTTP, trickling, long Retry-After, huge answers, echoed secrets, redirects, faults.
@Suite struct ModelClientHostileServerTests {
    let base = ModelClientTests()
    static let transports = ModelClientTests.transports

    @Test func malformedHTTPIsARetriedNamedError() async throws {
        let server = try TestHTTPServer { _, _ in .raw(["HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello"]) }
        defer { server.stop() }
        await #expect { _ = try await base.client(server).complete(.completion("p", maxTokens: 3, label: "iris: row completion, query 1 of 25")) } throws: { error in
            guard let error = error as? ModelError, case .invalidResponse = error else { return false }
            return error.description == "iris: row completion, query 1 of 25: invalid HTTP response from POST \(server.baseURL.absoluteString)/completions (3 attempts): the Content-Length '-5' is not a decimal number of bytes; is --endpoint an OpenAI-compatible HTTP server?"
        }
        #expect(server.requestCount == 3)

        let flaky = try TestHTTPServer { _, n in n == 1 ? .raw(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n"]) : .json(completionJSON("ok")) }
        defer { flaky.stop() }
        // A huge chunk size is a size error (not retried) ...
        await #expect { _ = try await base.client(flaky).complete(.completion("p", maxTokens: 3, label: "t")) } throws: { error in
            guard let error = error as? ModelError, case .responseTooLarge = error else { return false }
            return true
        }
        // ... while garbage once, then a good answer, is a success.
        let garbageOnce = try TestHTTPServer { _, n in n == 1 ? .raw(["HTTP/1.1 abc\r\n\r\n"]) : .json(completionJSON("ok")) }
        defer { garbageOnce.stop() }
        #expect(try await base.client(garbageOnce).complete(.completion("p", maxTokens: 3, label: "t")).text == "ok")
        #expect(garbageOnce.requestCount == 2)
    }

    // swift-corelibs-foundation's URLSession ignores timeoutIntervalForResource (a trickle held it past the timeout):
    // the URLSession transport races a timer, the socket transport has its own deadline.
    @Test(arguments: transports) func tricklingServerTimesOutAsAWhole(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in
            .trickle(head: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 48\r\n\r\n", body: String(repeating: " ", count: 48), interval: 0.25)
        }
        defer { server.stop() }
        await #expect { _ = try await base.client(server, transport, timeout: 1, retry: RetryPolicy(maxAttempts: 1)).complete(.completion("p", maxTokens: 3, label: "t")) } throws: { error in
            guard let error = error as? ModelError, case .timedOut = error else { return false }
            return true
        }
        // No wall-clock bound (a loaded machine can delay any test): a byte every 0.25 s never trips a per-read
        // timeout of 1 s, so `.timedOut` (rather than the "invalid response" the 48 spaces would give at the end)
        // is the whole-request deadline at work. The trickle is kept short: the abandoned URLSession request runs on.
    }

    @Test(arguments: transports) func longRetryAfterIsReportedNotSlept(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .json(#"{"error":{"message":"rate limited"}}"#, status: 429, headers: ["Retry-After": "120"]) }
        defer { server.stop() }
        await #expect { _ = try await base.client(server, transport).complete(.completion("p", maxTokens: 3, label: "iris: header test")) } throws: { error in
            guard let error = error as? ModelError, case .retryAfterTooLong = error else { return false }
            return error.description.hasPrefix("iris: header test: POST \(server.baseURL.absoluteString)/completions failed with HTTP 429: rate limited; the server asks to retry after 120 s, longer than the 0.2 s left")
        }
        // One request and this error mean the 120 s were not slept (no wall-clock bound: a loaded machine, or other
        // suites holding the test threads, can delay any test by a minute).
        #expect(server.requestCount == 1)
    }

    @Test func retryAfterBudgetIsSharedByTheRetries() async throws {
        let server = try TestHTTPServer { _, _ in .json("{}", status: 503, headers: ["Retry-After": "1"]) }
        defer { server.stop() }
        let retry = RetryPolicy(maxAttempts: 5, initialDelay: 0.01, maxDelay: 0.01, maxRetryAfter: 1.5)
        await #expect { _ = try await base.client(server, retry: retry).complete(.completion("p", maxTokens: 3, label: "t")) } throws: { error in
            guard let error = error as? ModelError, case let .retryAfterTooLong(_, _, status, attempts, retryAfter, budgetLeft, _) = error else { return false }
            return status == 503 && attempts == 2 && retryAfter == 1 && budgetLeft == 0.5
        }
        #expect(server.requestCount == 2)
    }

    @Test(arguments: transports) func oversizedAnswerFailsNamingTheLimit(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { _, _ in .json(completionJSON(String(repeating: "x", count: 4096))) }
        defer { server.stop() }
        let c = base.client(server, transport, maxResponseBytes: 1024)
        await #expect { _ = try await c.complete(.completion("p", maxTokens: 3, label: "t")) } throws: { error in
            guard let error = error as? ModelError, case .responseTooLarge(_, _, 1024) = error else { return false }
            return error.description == "t: the answer of POST \(server.baseURL.absoluteString)/completions is larger than the limit of 1 KiB; raise --max-response-bytes (now 1024) if the server is right to send that much"
        }
        #expect(server.requestCount == 1, "a size error is not retried")
        #expect(try await base.client(server, transport).complete(.completion("p", maxTokens: 3, label: "t")).text.count == 4096)
    }

    @Test(arguments: transports) func echoedSecretsAreRedacted(transport: HTTPTransportChoice) async throws {
        let key = "sk-live-0123456789abcdef"
        let replies: [TestHTTPServer.Reply] = [
            .json(#"{"error":{"message":"Incorrect API key provided: Bearer \#(key). Authorization: Basic dXNlcjpwYXNz"}}"#, status: 401),
            .respond(status: 500, headers: ["Content-Type": "text/plain"], body: "upstream said: authorization=Bearer\u{20}other-token-42 for \(key)"),
            .json("<html>you sent " + String(repeating: ".", count: 170) + key + "</html>"),
        ]
        for reply in replies {
            let server = try TestHTTPServer { _, _ in reply }
            defer { server.stop() }
            do {
                _ = try await base.client(server, transport, apiKey: APIKey(key)).complete(.completion("p", maxTokens: 3, label: "t"))
                Issue.record("expected an error")
            } catch {
                let text = "\(error)"
                #expect(text.contains("<redacted>"), "\(text)")
                for secret in ["sk-live-0123", "dXNlcjpwYXNz", "other-token-42"] { #expect(!text.contains(secret), "\(text)") }
            }
        }
    }

    @Test func redactionPatterns() {
        let redact = { ModelError.redact($0, secret: "sk-abcdefghijkl") }
        #expect(redact("bad key sk-abcdefghijkl!") == "bad key <redacted>!")
        #expect(redact("'…you sent sk-abcdef…'") == "'…you sent <redacted>…'")
        #expect(redact("Authorization: Bearer abc.def") == "Authorization: Bearer <redacted>")
        #expect(redact(#"{"authorization": "Basic Zm9v"}"#) == #"{"authorization": "Basic <redacted>"}"#)
        #expect(redact("authorization=xyz&q=1") == "authorization=<redacted>&q=1")
        #expect(redact("BEARER   tok_123") == "BEARER   <redacted>")
        #expect(redact("no secrets here, model not found") == "no secrets here, model not found")
        #expect(ModelError.redact("sk-1", secret: "sk-1") == "<redacted>")
    }

    @Test(arguments: transports) func redirectIsNamedNotFollowed(transport: HTTPTransportChoice) async throws {
        let server = try TestHTTPServer { request, _ in
            request.path.hasPrefix("/v1/") ? .respond(status: 302, headers: ["Location": "/moved/v1/completions"], body: "") : .json(completionJSON("elsewhere"))
        }
        defer { server.stop() }
        await #expect { _ = try await base.client(server, transport).complete(.completion("p", maxTokens: 3, label: "t")) } throws: { error in
            guard let error = error as? ModelError, case .redirected = error else { return false }
            let text = error.description
            return text.contains("was redirected") && text.contains("/moved/v1/completions") && text.contains("redirects are not followed")
                && (transport == .urlSession || text.contains("(HTTP 302)"))
        }
    }

    /// A server that resets, fails, sends garbage, dies mid-answer and hangs, then answers: the client gets there
    /// by retrying. Then one that only misbehaves and is stopped while requests are under way: each request ends
    /// with a named error, none traps or hangs past its attempts' timeouts.
    @Test(arguments: transports) func faultyServerRecoversOrFailsWithNamedErrors(transport: HTTPTransportChoice) async throws {
        let faults: [TestHTTPServer.Reply] = [
            .reset,
            .json(#"{"error":"boom"}"#, status: 500),
            .raw(["\u{0}\u{1}garbage\r\n\r\n"]),
            .raw(["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"choi"]),
            .hang(seconds: 2),
            .raw(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n"]),
        ]
        let recovering = try TestHTTPServer { _, n in n <= faults.count ? faults[n - 1] : .json(completionJSON("ok")) }
        defer { recovering.stop() }
        let patient = RetryPolicy(maxAttempts: faults.count + 1, initialDelay: 0.01, maxDelay: 0.02)
        let started = Date()
        #expect(try await base.client(recovering, transport, timeout: 1, retry: patient).complete(.completion("p", maxTokens: 3, label: "t")).text == "ok")
        #expect(recovering.requestCount == faults.count + 1)

        let failing = try TestHTTPServer { _, n in faults[n % faults.count] }
        defer { failing.stop() }
        let c = base.client(failing, transport, timeout: 1, retry: RetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.02), concurrency: 3)
        let batch = Task { await c.completeAll((0..<6).map { .completion("p\($0)", maxTokens: 3, label: "q\($0)") }) }
        try await Task.sleep(nanoseconds: 300_000_000)
        failing.stop()
        for result in await batch.value {
            if case let .failure(error) = result { #expect(error is ModelError, "\(error)") }
        }
        // A hang guard, not a speed test: with a 1 s timeout and at most 3 attempts each, the batch ends in seconds
        // on an idle machine; only a request that never ends could take five minutes.
        #expect(Date().timeIntervalSince(started) < 300)
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
        for bad in ["inf", "nan", "-5", "1e3", "+3", "0x10"] { #expect(RetryPolicy.retryAfterSeconds(bad) == nil, "\(bad)") }
        #expect(RetryPolicy.retryAfterSeconds(String(repeating: "9", count: 400)) == 1e9)
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
