import Foundation

/// One HTTP/1.1 request as the server parsed it: what a handler of `contam serve` sees.
public struct HTTPRequest: Sendable {
    /// The method as sent ("GET", "POST", …).
    public var method: String
    /// The raw request target ("/v1/count?limit=3").
    public var target: String
    /// The percent-decoded path, without the query ("/v1/count").
    public var path: String
    /// Decoded query parameters (the last one wins when a name repeats).
    public var query: [String: String]
    /// Header fields in the order sent, names lowercased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// When the server gives up on this request (the per-request time limit); long handlers check
    /// `isPastDeadline` between units of work and stop early.
    public var deadline: ContinuousClock.Instant?

    public init(method: String, target: String, path: String, query: [String: String] = [:], headers: [(name: String, value: String)] = [], body: [UInt8] = [], deadline: ContinuousClock.Instant? = nil) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.deadline = deadline
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// True once the per-request time limit has passed.
    public var isPastDeadline: Bool {
        deadline.map { ContinuousClock.now >= $0 } ?? false
    }
}

/// One response. Errors are JSON objects `{"error": MESSAGE, "status": CODE}` (infini-gram's clients read `error`).
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields besides those the server adds itself (Content-Length, Connection, Date).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body (already encoded).
    public static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(text.utf8))
    }

    /// A text body of `contentType`.
    public static func text(_ text: String, contentType: String = "text/plain; charset=utf-8", status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// The error shape every endpoint uses: `{"error": message, "status": status}`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json("{\"error\":\(ReportText.jsonString(message)),\"status\":\(status)}", status: status)
    }
}

/// Answers one request; runs on one of the server's worker threads (queries are CPU-bound and synchronous).
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse
