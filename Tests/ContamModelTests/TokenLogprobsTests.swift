import Foundation
import Testing
@testable import ContamModel
import ContamTestSupport

/// The log-probabilities of echoed prompts (the membership scores' input): parsed strictly, sent and cached whole.
@Suite struct TokenLogprobsTests {
    /// The shape llama-cpp-python's server answers `echo` + `logprobs: 1` with (recorded from SmolLM2-135M).
    static let echoed = #"""
    {"id":"c","object":"text_completion","choices":[{"text":"The quick brown over","index":0,"logprobs":{"text_offset":[0,3,9],"token_logprobs":[null,-9.96,-7.04],"tokens":["The"," quick"," brown"],"top_logprobs":[null,{" way":-2.12," quick":-9.96},{" fox":-1.65," brown":-7.04}]},"finish_reason":"length"}]}
    """#

    @Test func parsesTheCompletionFormat() throws {
        let response = try ModelResponse.parse(Data(Self.echoed.utf8), kind: .completion, url: "u", label: "t")
        let logprobs = try #require(response.logprobs)
        #expect(logprobs.tokens == ["The", " quick", " brown"])
        #expect(logprobs.tokenLogprobs == [nil, -9.96, -7.04])
        #expect(logprobs.textOffsets == [0, 3, 9])
        #expect(logprobs.topLogprobs[0].isEmpty)
        #expect(logprobs.topLogprobs[1] == [.init(token: " way", logprob: -2.12), .init(token: " quick", logprob: -9.96)])
    }

    @Test func anAnswerWithoutLogprobsHasNone() throws {
        let response = try ModelResponse.parse(Data(completionJSON("x").utf8), kind: .completion, url: "u", label: "t")
        #expect(response.logprobs == nil)
    }

    @Test(arguments: [
        (#"{"tokens":["a","b"],"token_logprobs":[-1]}"#, "2 tokens but 1 log-probabilities"),
        (#"{"tokens":["a"],"token_logprobs":[0.5]}"#, "not a finite number <= 0"),
        (#"{"tokens":["a"],"token_logprobs":["x"]}"#, "not a number"),
        (#"{"tokens":["a"],"token_logprobs":[-1],"text_offset":[-4]}"#, "not a non-negative integer"),
        (#"{"tokens":["a"],"token_logprobs":[-1],"top_logprobs":[]}"#, "1 tokens but 0 top_logprobs"),
        (#"{"tokens":[1],"token_logprobs":[-1]}"#, "a token is not a string"),
        (#"[1]"#, "not a JSON object"),
    ])
    func malformedLogprobsAreAnErrorNamingWhatIsWrong(logprobs: String, reason: String) {
        let body = #"{"choices":[{"text":"x","logprobs":"# + logprobs + "}]}"
        do {
            _ = try ModelResponse.parse(Data(body.utf8), kind: .completion, url: "u", label: "t")
            Issue.record("accepted \(logprobs)")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
            #expect("\(error)".contains("choices[0].logprobs"))
        }
    }

    @Test func echoSeedAndLogprobsAreSentOnlyWhenAsked() {
        let plain = ModelRequest.completion("p", maxTokens: 2, label: "t")
        #expect(String(decoding: plain.body(model: "m"), as: UTF8.self) == #"{"max_tokens":2,"model":"m","prompt":"p","temperature":0}"#)
        let scored = plain.echoingLogprobs(alternatives: 5).seeded(7)
        #expect(String(decoding: scored.body(model: "m"), as: UTF8.self) == #"{"echo":true,"logprobs":5,"max_tokens":2,"model":"m","prompt":"p","seed":7,"temperature":0}"#)
        let chat = ModelRequest.chat([.user("u")], maxTokens: 1, temperature: 0.7, label: "t").seeded(3)
        #expect(String(decoding: chat.body(model: "m"), as: UTF8.self).contains(#""seed":3"#))
    }

    @Test func theCacheKeepsLogprobs() async throws {
        let server = try TestHTTPServer { _, _ in .json(Self.echoed) }
        defer { server.stop() }
        let directory = try temporaryDirectory("logprob-cache")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let request = ModelRequest.completion("The quick brown", maxTokens: 1, label: "t").echoingLogprobs(alternatives: 1)
        func client() -> ModelClient {
            ModelClient(configuration: .init(endpoint: server.baseURL, model: "m", timeout: 10, cache: ResponseCache(directory: directory)))
        }
        let first = try await client().complete(request)
        let second = try await client().complete(request)
        #expect(server.requestCount == 1)
        #expect(second.fromCache)
        #expect(second.logprobs == first.logprobs)
        #expect(second.logprobs?.tokens.count == 3)
    }
}
