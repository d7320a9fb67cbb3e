import Foundation
import ContamModel

/// The client side of `contam serve`, for `contam query --server` and `contam check --server`: one POST of a
/// JSON object, the answer decoded into the same types the local commands print from, so the output is the
/// same. Every failure is a `ServeClientError` naming the server and what it said.
public struct ServeClient: Sendable {
    public let baseURL: URL
    public let token: String?
    public let timeoutSeconds: Double

    /// `url` as given on the command line (`http://HOST:PORT`, a trailing slash or not).
    public init(url text: String, token: String?, timeoutSeconds: Double = 300) throws {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), url.scheme == "http", url.host != nil else {
            throw ServeClientError("--server \(text): not an http://HOST:PORT URL")
        }
        baseURL = url
        self.token = token
        self.timeoutSeconds = timeoutSeconds
    }

    /// POSTs `body` to `path` and decodes a 200 answer as `T`.
    public func post<T: Decodable>(_ path: String, _ body: [String: Any], as type: T.Type) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try decode(try exchange("POST", path, body: data), as: type, path: path)
    }

    /// POSTs `body` to `path` and returns the 200 answer's JSON text.
    public func postText(_ path: String, _ body: [String: Any]) throws -> Data {
        try exchange("POST", path, body: try JSONSerialization.data(withJSONObject: body))
    }

    func exchange(_ method: String, _ path: String, body: Data) throws -> Data {
        guard let url = URL(string: baseURL.absoluteString + path) else { throw ServeClientError("\(baseURL.absoluteString)\(path) is not a URL") }
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let answer: HTTPExchange
        do {
            answer = try SocketHTTPTransport.exchange(method: method, url: url, headers: headers, body: body, timeout: timeoutSeconds, maxResponseBytes: 1 << 30)
        } catch {
            throw ServeClientError("server \(baseURL.absoluteString) did not answer \(method) \(path): \(error)")
        }
        guard answer.status == 200 else {
            let message = ((try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any])?["error"] as? String
                ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
            throw ServeClientError("server \(baseURL.absoluteString) answered \(answer.status) to \(method) \(path): \(message)")
        }
        return answer.body
    }

    func decode<T: Decodable>(_ data: Data, as type: T.Type, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ServeClientError("server \(baseURL.absoluteString) answered \(path) with JSON of another shape (\(error)); is it a contam serve of this version?")
        }
    }
}

/// A failed call to a `contam serve`.
public struct ServeClientError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
