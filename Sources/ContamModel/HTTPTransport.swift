import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The answer to one HTTP request.
public struct HTTPExchange: Sendable {
    public var status: Int
    /// Header fields, names lowercased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends one POST and returns the answer. Failures are thrown as `URLError` (`.timedOut`,
/// `.cannotConnectToHost`, `.networkConnectionLost`, …), so callers classify them the same way for every
/// transport.
public protocol HTTPTransport: Sendable {
    func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) async throws -> HTTPExchange
}

/// Which transport a `ModelClient` uses.
public enum HTTPTransportChoice: Sendable {
    /// `SocketHTTPTransport` for `http://` (local model servers), URLSession for `https://`.
    case automatic
    /// URLSession for everything.
    case urlSession
}

/// URLSession (FoundationNetworking on Linux). Note: on Linux its libcurl loop keeps a core busy while a
/// request waits for its answer (measured with swift-corelibs-foundation 6.3.1), which is why plain-http
/// model servers, usually on the same machine as contam, go through `SocketHTTPTransport` instead.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    public init(timeout: Double, concurrency: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        configuration.httpMaximumConnectionsPerHost = max(1, concurrency)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) async throws -> HTTPExchange {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields = [String: String]()
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key.lowercased()] = value }
        }
        return HTTPExchange(status: http.statusCode, headers: fields, body: data)
    }
}
