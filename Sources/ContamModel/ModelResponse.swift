import Foundation

/// A model's answer to one request.
public struct ModelResponse: Sendable, Hashable {
    /// The generated text (`choices[0].text` or `choices[0].message.content`); may be empty.
    public var text: String
    /// `choices[0].finish_reason` when the server gave one ("stop", "length").
    public var finishReason: String?
    /// True when the answer came from the on-disk cache and no request was sent.
    public var fromCache: Bool
    /// The token log-probabilities of `choices[0].logprobs` (completion API), when the server sent them.
    public var logprobs: TokenLogprobs?

    public init(text: String, finishReason: String?, fromCache: Bool, logprobs: TokenLogprobs? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.fromCache = fromCache
        self.logprobs = logprobs
    }

    /// Extracts the answer from an OpenAI-compatible response body. Throws `ModelError.malformedResponse`
    /// (naming the request and quoting the start of the body) when the JSON is invalid, truncated, or has
    /// no `choices[0]` text. A `null` chat content counts as an empty answer.
    public static func parse(_ data: Data, kind: ModelRequest.Kind, url: String, label: String) throws -> ModelResponse {
        func malformed(_ reason: String) -> ModelError {
            .malformedResponse(label: label, url: url, reason: reason, bodyStart: ModelError.snippet(data))
        }
        guard !data.isEmpty else { throw malformed("the body is empty") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw malformed("the body is not valid JSON (truncated?)")
        }
        guard let root = object as? [String: Any] else { throw malformed("the body is not a JSON object") }
        if let error = root["error"], !(error is NSNull) {
            throw malformed("it reports an error: \(ModelError.serverMessage(fromJSON: root) ?? "\(error)")")
        }
        guard let choices = root["choices"] as? [Any] else { throw malformed("it has no \"choices\" array") }
        guard let first = choices.first as? [String: Any] else { throw malformed("\"choices\" is empty") }
        let finishReason = first["finish_reason"] as? String
        switch kind {
        case .completion:
            guard let text = first["text"] as? String else { throw malformed("choices[0] has no \"text\" string") }
            var logprobs: TokenLogprobs?
            if let value = first["logprobs"], !(value is NSNull) {
                do { logprobs = try TokenLogprobs(json: value) } catch let reason as TokenLogprobs.Malformed { throw malformed("choices[0].logprobs: \(reason.reason)") }
            }
            return ModelResponse(text: text, finishReason: finishReason, fromCache: false, logprobs: logprobs)
        case .chat:
            guard let message = first["message"] as? [String: Any] else { throw malformed("choices[0] has no \"message\" object") }
            let content = message["content"]
            if content == nil || content is NSNull { return ModelResponse(text: "", finishReason: finishReason, fromCache: false) }
            guard let text = content as? String else { throw malformed("choices[0].message.content is not a string") }
            return ModelResponse(text: text, finishReason: finishReason, fromCache: false)
        }
    }
}

/// The log-probabilities of a completion answer's tokens in the OpenAI completion format (`tokens`,
/// `token_logprobs`, `text_offset`, `top_logprobs`), as vLLM and llama.cpp servers return them; with `echo`, the
/// prompt's tokens come first. Natural logarithms; the first token of an echoed prompt has none (nil).
public struct TokenLogprobs: Sendable, Hashable, Codable {
    /// One alternative the server listed for a position.
    public struct Alternative: Sendable, Hashable, Codable {
        public var token: String
        public var logprob: Double

        public init(token: String, logprob: Double) {
            self.token = token
            self.logprob = logprob
        }
    }

    /// The model's tokens as text.
    public var tokens: [String]
    /// Each token's log-probability given the ones before it; nil where the server gave none.
    public var tokenLogprobs: [Double?]
    /// Each token's offset in the answer's text, in characters as the server counts them (UTF-8 bytes for
    /// llama.cpp, characters for vLLM).
    public var textOffsets: [Int]
    /// The alternatives per position, most probable first; empty where the server gave none.
    public var topLogprobs: [[Alternative]]

    public init(tokens: [String], tokenLogprobs: [Double?], textOffsets: [Int], topLogprobs: [[Alternative]]) {
        self.tokens = tokens
        self.tokenLogprobs = tokenLogprobs
        self.textOffsets = textOffsets
        self.topLogprobs = topLogprobs
    }

    struct Malformed: Error {
        var reason: String
    }

    /// Parses the JSON object; throws when the arrays are missing, of different lengths, or hold values of the
    /// wrong kind (a non-finite or positive log-probability included), so a damaged answer is an error, never a score.
    init(json: Any) throws {
        guard let object = json as? [String: Any] else { throw Malformed(reason: "not a JSON object") }
        guard let tokens = object["tokens"] as? [Any], let logprobs = object["token_logprobs"] as? [Any] else {
            throw Malformed(reason: "no \"tokens\" and \"token_logprobs\" arrays")
        }
        guard logprobs.count == tokens.count else { throw Malformed(reason: "\(tokens.count) tokens but \(logprobs.count) log-probabilities") }
        self.tokens = try tokens.map { guard let token = $0 as? String else { throw Malformed(reason: "a token is not a string") }; return token }
        tokenLogprobs = try logprobs.map { value in
            if value is NSNull { return nil }
            guard let number = value as? NSNumber else { throw Malformed(reason: "a log-probability is not a number") }
            let logprob = number.doubleValue
            guard logprob.isFinite, logprob <= 1e-9 else { throw Malformed(reason: "log-probability \(logprob) is not a finite number <= 0") }
            return min(logprob, 0)
        }
        if let offsets = object["text_offset"] as? [Any] {
            guard offsets.count == tokens.count else { throw Malformed(reason: "\(tokens.count) tokens but \(offsets.count) text offsets") }
            textOffsets = try offsets.map { guard let number = $0 as? NSNumber, let offset = Int(exactly: number.doubleValue), offset >= 0 else { throw Malformed(reason: "a text offset is not a non-negative integer") }; return offset }
        } else {
            textOffsets = []
        }
        if let top = object["top_logprobs"] as? [Any] {
            guard top.count == tokens.count else { throw Malformed(reason: "\(tokens.count) tokens but \(top.count) top_logprobs entries") }
            topLogprobs = try top.map { entry in
                if entry is NSNull { return [] }
                guard let alternatives = entry as? [String: Any] else { throw Malformed(reason: "a top_logprobs entry is not an object") }
                return try alternatives.map { token, value in
                    guard let number = value as? NSNumber, number.doubleValue.isFinite else { throw Malformed(reason: "an alternative's log-probability is not a finite number") }
                    return Alternative(token: token, logprob: min(number.doubleValue, 0))
                }.sorted { ($0.logprob, $1.token) > ($1.logprob, $0.token) }
            }
        } else {
            topLogprobs = []
        }
    }
}
