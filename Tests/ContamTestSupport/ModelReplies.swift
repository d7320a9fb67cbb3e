import Foundation

/// `text` as a JSON string literal, quotes included. Encoding a String cannot fail (JSONEncoder throws only
/// for non-finite floats), so a failure would be a broken toolchain and `try!` says so loudly.
func jsonStringLiteral(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}

/// A completion-API answer with `text`.
public func completionJSON(_ text: String) -> String {
    #"{"id":"x","object":"text_completion","choices":[{"index":0,"text":"# + jsonStringLiteral(text) + #","finish_reason":"stop"}]}"#
}

/// A chat-API answer with `content`.
public func chatJSON(_ content: String) -> String {
    #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"# + jsonStringLiteral(content) + #"},"finish_reason":"stop"}]}"#
}
