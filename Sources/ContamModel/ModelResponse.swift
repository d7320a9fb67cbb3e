import Foundation

/// A model's answer to one request.
public struct ModelResponse: Sendable, Hashable {
    /// The generated text (`choices[0].text` or `choices[0].message.content`); may be empty.
    public var text: String
    /// `choices[0].finish_reason` when the server gave one ("stop", "length").
    public var finishReason: String?
    /// True when the answer came from the on-disk cache and no request was sent.
    public var fromCache: Bool

    public init(text: String, finishReason: String?, fromCache: Bool) {
        self.text = text
        self.finishReason = finishReason
        self.fromCache = fromCache
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
            return ModelResponse(text: text, finishReason: finishReason, fromCache: false)
        case .chat:
            guard let message = first["message"] as? [String: Any] else { throw malformed("choices[0] has no \"message\" object") }
            let content = message["content"]
            if content == nil || content is NSNull { return ModelResponse(text: "", finishReason: finishReason, fromCache: false) }
            guard let text = content as? String else { throw malformed("choices[0].message.content is not a string") }
            return ModelResponse(text: text, finishReason: finishReason, fromCache: false)
        }
    }
}
