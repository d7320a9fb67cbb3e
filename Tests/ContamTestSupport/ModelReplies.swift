import Foundation

/// A completion-API answer with `text`.
public func completionJSON(_ text: String) -> String {
    let escaped = String(decoding: (try? JSONEncoder().encode(text)) ?? Data(), as: UTF8.self)
    return #"{"id":"x","object":"text_completion","choices":[{"index":0,"text":"# + escaped + #","finish_reason":"stop"}]}"#
}

/// A chat-API answer with `content`.
public func chatJSON(_ content: String) -> String {
    let escaped = String(decoding: (try? JSONEncoder().encode(content)) ?? Data(), as: UTF8.self)
    return #"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"# + escaped + #"},"finish_reason":"stop"}]}"#
}

/// A fresh temporary directory named after `name` (not removed).
public func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "contam-test-\(name)-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
