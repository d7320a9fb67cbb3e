import Foundation

/// One request to an OpenAI-compatible model: a raw prefix for `/v1/completions` or a message list for
/// `/v1/chat/completions`, with the generation settings. `body(model:)` is the exact JSON sent (keys
/// sorted, so the same request always has the same bytes and the same cache key).
public struct ModelRequest: Sendable, Hashable {
    /// Which API the request goes to.
    public enum Kind: String, Codable, Sendable {
        /// `/v1/completions` with a raw `prompt`.
        case completion
        /// `/v1/chat/completions` with `messages`.
        case chat

        /// The path below the endpoint's base URL.
        public var path: String { self == .completion ? "completions" : "chat/completions" }
    }

    public var kind: Kind
    /// The raw prefix (completion requests).
    public var prompt: String
    /// The conversation (chat requests).
    public var messages: [ChatMessage]
    /// Upper bound on generated tokens.
    public var maxTokens: Int
    /// Sampling temperature; 0 (greedy) for every memorization test.
    public var temperature: Double
    /// Names the request in error messages ("iris: row completion, query 3 of 25"); not sent.
    public var label: String
    /// The sampling seed (`seed`), so that n samples of one prompt are n different requests (and n cache entries)
    /// and a rerun draws the same samples from servers that honour it; nil: not sent.
    public var seed: Int? = nil
    /// Completion requests only: return the prompt with its token log-probabilities (`echo` with `logprobs`), the
    /// membership scores' input; `logprobs` is how many alternatives per position (0: only the chosen token).
    public var echo = false
    public var logprobs: Int? = nil

    /// A completion request for a raw prefix.
    public static func completion(_ prompt: String, maxTokens: Int, temperature: Double = 0, label: String) -> ModelRequest {
        ModelRequest(kind: .completion, prompt: prompt, messages: [], maxTokens: maxTokens, temperature: temperature, label: label)
    }

    /// A chat request.
    public static func chat(_ messages: [ChatMessage], maxTokens: Int, temperature: Double = 0, label: String) -> ModelRequest {
        ModelRequest(kind: .chat, prompt: "", messages: messages, maxTokens: maxTokens, temperature: temperature, label: label)
    }

    /// The same request asking for the prompt's token log-probabilities with `alternatives` alternatives per position.
    public func echoingLogprobs(alternatives: Int) -> ModelRequest {
        var request = self
        request.echo = true
        request.logprobs = alternatives
        return request
    }

    /// The same request as sample `sample` (from 0) of a run seeded with `runSeed`: seeds differ per sample and per
    /// run seed, so n samples are n distinct requests (and cache entries), and a rerun asks for the same ones.
    public func sample(_ sample: Int, runSeed: UInt64) -> ModelRequest {
        seeded(Int(truncatingIfNeeded: (runSeed &* 1_000_003 &+ UInt64(sample)) & 0x7FFF_FFFF))
    }

    /// The same request with sampling seed `seed`.
    public func seeded(_ seed: Int) -> ModelRequest {
        var request = self
        request.seed = seed
        return request
    }

    // Optional fields are left out when nil, so requests without them keep the bytes (and cache keys) they always had.
    private struct CompletionBody: Encodable {
        var model: String
        var prompt: String
        var max_tokens: Int
        var temperature: Double
        var seed: Int?
        var echo: Bool?
        var logprobs: Int?
    }

    private struct ChatBody: Encodable {
        var model: String
        var messages: [ChatMessage]
        var max_tokens: Int
        var temperature: Double
        var seed: Int?
    }

    /// The JSON request body for `model`: deterministic bytes (sorted keys), so it can key the cache.
    public func body(model: String) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and doubles cannot fail; an empty body would only make the server answer 400.
        switch kind {
        case .completion:
            return (try? encoder.encode(CompletionBody(model: model, prompt: prompt, max_tokens: maxTokens, temperature: temperature,
                                                          seed: seed, echo: echo ? true : nil, logprobs: logprobs))) ?? Data()
        case .chat:
            return (try? encoder.encode(ChatBody(model: model, messages: messages, max_tokens: maxTokens, temperature: temperature, seed: seed))) ?? Data()
        }
    }

    /// The prompt as one text, for reports: the raw prefix, or the messages as `role: content` blocks.
    public var promptText: String {
        switch kind {
        case .completion: return prompt
        case .chat: return messages.map { "[\($0.role)]\n\($0.content)" }.joined(separator: "\n")
        }
    }
}
