import Foundation

/// Offline model access through files: requests written as JSONL in the OpenAI Batch API input format
/// (`custom_id`, `method`, `url`, `body`), and answers read back from JSONL, so models behind batch APIs (or
/// run anywhere else) can be tested without contam calling them.
public enum OpenAIBatch {
    /// One answer read from a responses file.
    public enum Answer: Sendable, Equatable {
        case text(String)
        /// The batch reported an error for this request.
        case failed(String)
    }

    /// One input line: `{"custom_id":…,"method":"POST","url":"/v1/…","body":{…}}`.
    public static func requestLine(customID: String, request: ModelRequest, model: String) -> String {
        let id = String(decoding: (try? JSONEncoder().encode(customID)) ?? Data("\"\"".utf8), as: UTF8.self)
        let body = String(decoding: request.body(model: model), as: UTF8.self)
        return #"{"custom_id":"# + id + #","method":"POST","url":"/v1/"# + request.kind.path + #"","body":"# + body + "}"
    }

    /// Reads answers keyed by `custom_id`. Accepted lines: the OpenAI Batch output format
    /// (`{"custom_id":…,"response":{"status_code":200,"body":{…}},"error":null}`), a bare API response with a
    /// `custom_id` added, or `{"custom_id":…,"text":"…"}` (also `"answer"`, `"output"`, or `"response"` as a
    /// string). Blank lines are skipped; a malformed line is an error naming the file and line.
    public static func readAnswers(path: String) throws -> [String: Answer] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelBatchError(path: path, line: 0, reason: "cannot read the responses file")
        }
        var answers = [String: Answer]()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = Data(line)
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
                throw ModelBatchError(path: path, line: lineNumber, reason: "not a JSON object")
            }
            guard let id = object["custom_id"] as? String ?? object["id"] as? String else {
                throw ModelBatchError(path: path, line: lineNumber, reason: "no \"custom_id\" (fields: \(object.keys.sorted().joined(separator: ", ")))")
            }
            answers[id] = try answer(from: object, path: path, line: lineNumber)
        }
        return answers
    }

    static func answer(from object: [String: Any], path: String, line: Int) throws -> Answer {
        for key in ["text", "answer", "output", "response", "content"] {
            if let text = object[key] as? String { return .text(text) }
        }
        if let error = object["error"], !(error is NSNull) {
            return .failed(ModelError.serverMessage(fromJSON: object) ?? "\(error)")
        }
        var body = object
        if let response = object["response"] as? [String: Any] {
            if let status = response["status_code"] as? Int, !(200..<300).contains(status) {
                let message = (response["body"] as? [String: Any]).flatMap { ModelError.serverMessage(fromJSON: $0) } ?? ""
                return .failed("HTTP \(status)\(message.isEmpty ? "" : ": \(message)")")
            }
            guard let inner = response["body"] as? [String: Any] else {
                throw ModelBatchError(path: path, line: line, reason: "\"response\" has no \"body\" object")
            }
            body = inner
        }
        guard let choices = body["choices"] as? [Any], let first = choices.first as? [String: Any] else {
            throw ModelBatchError(path: path, line: line, reason: "no answer: expected \"text\", or a response body with \"choices\"")
        }
        if let text = first["text"] as? String { return .text(text) }
        if let message = first["message"] as? [String: Any] {
            if let content = message["content"] as? String { return .text(content) }
            if message["content"] == nil || message["content"] is NSNull { return .text("") }
        }
        throw ModelBatchError(path: path, line: line, reason: "choices[0] has neither \"text\" nor \"message.content\"")
    }
}

/// A responses file could not be read.
public struct ModelBatchError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var line: Int
    public var reason: String

    public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
}
