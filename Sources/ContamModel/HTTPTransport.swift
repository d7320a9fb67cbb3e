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

/// An answer that the transport refuses: bytes that are not HTTP/1.1, a body over the size limit, or (URLSession,
/// which follows redirects itself) a redirect. Network failures are `URLError`s instead.
public enum HTTPTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes received break HTTP/1.1; the text says how, quoting at most a short, escaped piece of them.
    case invalidResponse(String)
    /// The body is (or announces to be) longer than `limit` bytes.
    case responseTooLarge(limit: Int)
    /// The request was redirected to `location` (the status when known); contam does not follow redirects.
    case redirected(status: Int?, location: String)

    public var description: String {
        switch self {
        case let .invalidResponse(what): return "invalid HTTP response: \(what)"
        case let .responseTooLarge(limit): return "the response is larger than \(Self.bytes(limit))"
        case let .redirected(status, location): return "redirected\(status.map { " (HTTP \($0))" } ?? "") to \(location)"
        }
    }

    /// A byte count for people: "16 MiB", "64 KiB" or "1000 bytes".
    public static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 && count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10 && count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }
}

/// Sends one POST and returns the answer. Network failures are thrown as `URLError` (`.timedOut`,
/// `.cannotConnectToHost`, `.networkConnectionLost`, …), answers the transport refuses as `HTTPTransportError`,
/// so callers classify them the same way for every transport. `timeout` bounds the whole request: connecting,
/// sending, waiting and receiving.
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

/// A point in time on the monotonic clock after which a request has timed out.
struct Deadline: Sendable {
    let uptimeNanoseconds: UInt64

    init(secondsFromNow seconds: Double) {
        // Clamped to about 30 years so the conversion cannot overflow.
        let nanoseconds = UInt64(min(max(0, seconds), 1e9) * 1e9)
        uptimeNanoseconds = DispatchTime.now().uptimeNanoseconds &+ nanoseconds
    }

    /// Whole milliseconds left, rounded up (so a poll never spins on a sub-millisecond rest); 0 once passed.
    var millisecondsLeft: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now < uptimeNanoseconds else { return 0 }
        return Int32(min(UInt64(Int32.max), (uptimeNanoseconds - now + 999_999) / 1_000_000))
    }
}

/// URLSession (FoundationNetworking on Linux). Note: on Linux its libcurl loop keeps a core busy while a
/// request waits for its answer (measured with swift-corelibs-foundation 6.3.1), which is why plain-http
/// model servers, usually on the same machine as contam, go through `SocketHTTPTransport` instead.
/// URLSession collects the whole body before the size limit can be checked, so there the limit bounds what is
/// accepted (by `Content-Length` and by the bytes received), not the memory the download takes.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let maxResponseBytes: Int

    /// `maxResponseBytes`: longer bodies fail with `HTTPTransportError.responseTooLarge`.
    public init(timeout: Double, concurrency: Int, maxResponseBytes: Int = ModelClient.Configuration.defaultMaxResponseBytes) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = max(1, concurrency)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
        self.maxResponseBytes = maxResponseBytes
    }

    deinit { session.finishTasksAndInvalidate() }

    public func post(_ url: URL, headers: [(String, String)], body: Data, timeout: Double) async throws -> HTTPExchange {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = session
        let prepared = request
        let limit = maxResponseBytes
        // The resource timeout (set to `timeout`) is meant to bound the whole request, the request timeout alone
        // being reset by every byte received; swift-corelibs-foundation does not enforce it (a trickling server
        // holds a request past it), and cancelling a URLSessionTask from a timer deadlocked in
        // URLSessionTask.cancel. So the request races a timer without being cancelled: at the deadline the caller
        // gets a timeout, and the abandoned task ends by itself at its next per-read timeout.
        // Both racers run on dispatch threads (URLSession's completion handler, a timer), not on the Swift
        // concurrency pool, so a pool busy with other work cannot make an answer that arrived in time lose.
        let (data, response) = try await Self.withDeadline(seconds: timeout) { finish in
            session.dataTask(with: prepared) { data, response, error in
                if let error { finish(.failure(error)) } else if let response { finish(.success((data ?? Data(), response))) } else { finish(.failure(URLError(.badServerResponse))) }
            }.resume()
        }
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields = [String: String]()
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key.lowercased()] = value }
        }
        if let declared = fields["content-length"].flatMap({ Int($0) }), declared > limit { throw HTTPTransportError.responseTooLarge(limit: limit) }
        if data.count > limit { throw HTTPTransportError.responseTooLarge(limit: limit) }
        // URLSession follows redirects (a POST becomes a GET elsewhere); contam does not, so the answer
        // from another URL is refused.
        if let final = http.url, final.absoluteString != url.absoluteString {
            throw HTTPTransportError.redirected(status: nil, location: final.absoluteString)
        }
        return HTTPExchange(status: http.statusCode, headers: fields, body: data)
    }

    /// The result `start` delivers to its callback, or `URLError(.timedOut)` once `seconds` have passed, whichever
    /// comes first. The work is not cancelled at the deadline (see `post`); its late result is dropped. libcurl's
    /// "unsupported protocol" for an http(s) URL means the answer was not HTTP (HTTP/0.9): an invalid response.
    static func withDeadline(seconds: Double, _ start: (@escaping @Sendable (Result<(Data, URLResponse), Error>) -> Void) -> Void) async throws -> (Data, URLResponse) {
        let once = ResumeOnce<(Data, URLResponse)>()
        return try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
            start { result in
                if case let .failure(error as URLError) = result, error.code == .unsupportedURL {
                    once.resume(with: .failure(HTTPTransportError.invalidResponse("not an HTTP response")))
                } else {
                    once.resume(with: result)
                }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                once.resume(with: .failure(URLError(.timedOut)))
            }
        }
    }
}

/// Resumes a continuation with the first result it is given and drops the rest.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Error>?

    func set(_ continuation: CheckedContinuation<T, Error>) {
        lock.lock(); self.continuation = continuation; lock.unlock()
    }

    func resume(with result: Result<T, Error>) {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(with: result)
    }
}
