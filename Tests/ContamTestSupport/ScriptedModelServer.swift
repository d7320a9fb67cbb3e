import Foundation
import ContamStorage

/// A loopback OpenAI-compatible "model" whose answers a test scripts from the decoded request: the positive and
/// negative controls of the probe tests (a server that memorized chosen texts, one that memorized nothing, one that
/// reproduces with probability p, one with scripted log-probabilities). Built on `TestHTTPServer`.
public final class ScriptedModelServer: @unchecked Sendable {
    /// One decoded request.
    public struct Request: Sendable {
        /// "completions" or "chat/completions".
        public var path: String
        /// The raw prefix (completion requests); "" for chat.
        public var prompt: String
        /// (role, content) of each chat message; empty for completions.
        public var messages: [(role: String, content: String)]
        public var maxTokens: Int
        public var temperature: Double
        public var seed: Int?
        public var echo: Bool
        public var logprobs: Int?

        /// The text a continuation is asked for: the prompt, or the last user message.
        public var lastText: String { messages.last { $0.role == "user" }?.content ?? prompt }
    }

    /// One answer: generated text, and log-probabilities of the echoed prompt's tokens when asked.
    public struct Answer: Sendable {
        public var text: String
        /// (token, logprob, alternatives) per prompt token, sent as the completion format's `logprobs` when
        /// the request echoes; nil: the server sends no log-probabilities.
        public var promptLogprobs: [(token: String, logprob: Double?, top: [(String, Double)])]?

        public init(text: String, promptLogprobs: [(token: String, logprob: Double?, top: [(String, Double)])]? = nil) {
            self.text = text
            self.promptLogprobs = promptLogprobs
        }
    }

    public let http: TestHTTPServer
    public var baseURL: URL { http.baseURL }
    public var requestCount: Int { http.requestCount }
    public var maxInFlight: Int { http.maxInFlight }

    /// `answer(request)` decides every answer; `delay` seconds pass before each (to observe concurrency).
    public init(delay: Double = 0, answer: @escaping @Sendable (Request) -> Answer) throws {
        http = try TestHTTPServer { raw, _ in
            guard let request = Self.decode(raw) else { return .json(#"{"error":{"message":"bad request"}}"#, status: 400) }
            let body = Self.encode(answer(request), request: request)
            return delay > 0 ? .delayed(seconds: delay, body: body) : .json(body)
        }
    }

    public func stop() { http.stop() }

    static func decode(_ raw: TestHTTPServer.Request) -> Request? {
        guard let object = (try? JSONSerialization.jsonObject(with: raw.body)) as? [String: Any] else { return nil }
        let path = raw.path.hasSuffix("/chat/completions") ? "chat/completions" : "completions"
        let messages = (object["messages"] as? [[String: Any]] ?? []).map { (role: $0["role"] as? String ?? "", content: $0["content"] as? String ?? "") }
        return Request(path: path, prompt: object["prompt"] as? String ?? "", messages: messages,
                       maxTokens: object["max_tokens"] as? Int ?? 16, temperature: object["temperature"] as? Double ?? 1,
                       seed: object["seed"] as? Int, echo: object["echo"] as? Bool ?? false, logprobs: object["logprobs"] as? Int)
    }

    static func encode(_ answer: Answer, request: Request) -> String {
        if request.path == "chat/completions" { return chatJSON(answer.text) }
        guard request.echo, let logprobs = answer.promptLogprobs else { return completionJSON(answer.text) }
        var offsets = [Int]()
        var offset = 0
        for entry in logprobs {
            offsets.append(offset)
            offset += entry.token.utf8.count
        }
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "null" }
        let tokens = logprobs.map { jsonStringLiteral($0.token) }.joined(separator: ",")
        let values = logprobs.map { number($0.logprob) }.joined(separator: ",")
        let top = logprobs.map { entry in
            entry.top.isEmpty ? "null" : "{" + entry.top.map { "\(jsonStringLiteral($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }.joined(separator: ",")
        let text = jsonStringLiteral(request.prompt + answer.text)
        return #"{"object":"text_completion","choices":[{"index":0,"text":"# + text + #","logprobs":{"tokens":["# + tokens + #"],"token_logprobs":["# + values + #"],"text_offset":["# + offsets.map(String.init).joined(separator: ",") + #"],"top_logprobs":["# + top + #"]},"finish_reason":"length"}]}"#
    }
}

extension ScriptedModelServer {
    /// A "model" that memorized `memorized` (texts of a corpus): asked to continue a prompt that occurs in one of them,
    /// it answers with what follows the prompt there; otherwise with filler that occurs nowhere (the same greedy
    /// answer each time, samples shuffled by their seed). With
    /// `sampleProbability`, sampled requests (temperature > 0) reproduce with that probability (decided by a hash
    /// of the prompt and the seed, so reruns agree) and the greedy answer is filler: probabilistic extraction's control.
    public static func memorizer(_ memorized: [String], sampleProbability: Double? = nil, delay: Double = 0) throws -> ScriptedModelServer {
        try ScriptedModelServer(delay: delay) { request in
            let prompt = request.lastText
            let filler = "and so the committee went on to discuss other matters at some length before anyone noticed the time"
            guard let text = memorized.first(where: { $0.contains(prompt) }), let range = text.range(of: prompt) else {
                // Text it never saw: greedy answers are fixed, samples vary with their seed (a flat distribution).
                guard request.temperature > 0 else { return Answer(text: " " + filler) }
                var mixer = SplitMix64(state: UInt64(bitPattern: Int64(request.seed ?? 0)) ^ 0x5EED)
                let words = filler.split(separator: " ").shuffled(using: &mixer)
                return Answer(text: " " + words.joined(separator: " "))
            }
            let continuation = String(text[range.upperBound...].prefix(4 * request.maxTokens))
            guard let p = sampleProbability else { return Answer(text: continuation) }
            guard request.temperature > 0 else { return Answer(text: " " + filler) }
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in (prompt + "#\(request.seed ?? -1)").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            var mixer = SplitMix64(state: hash)
            return Answer(text: Double(mixer.next() >> 11) / Double(1 << 53) < p ? continuation : " " + filler)
        }
    }
}
