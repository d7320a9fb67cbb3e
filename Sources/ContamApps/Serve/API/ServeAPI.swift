import Foundation
import ContamIndex
import ContamDetect

/// The API of `contam serve`: pure request → response handlers over indexes opened once (mmap'd) at start.
/// `handle` routes a request to the infini-gram-compatible endpoint (`POST /`) or to contam's own
/// (`/v1/…`), documented in docs/serve.md ("API"). Thread-safe: every stored property is immutable and
/// the indexes are read-only mappings, so any number of workers may call `handle` at once. Long handlers
/// (check, trace, ntd, search) look at `HTTPRequest.isPastDeadline` between units of work and answer 504.
/// No request reads a file other than an opened index's own documents.
public final class ServeAPI: Sendable {
    /// Bounds on what one request may ask for; a request over them gets 413.
    public struct Limits: Sendable {
        /// Tokens of a query (count, locate, longest, has, infini-gram queries).
        public var maxQueryTokens = 1_000
        /// Tokens of a text to trace, and of each item to check.
        public var maxTextTokens = 10_000
        /// Items of one /v1/check request.
        public var maxCheckItems = 1_000

        public init() {}
    }

    /// One served index.
    struct Served: Sendable {
        var name: String
        var path: String
        var opened: OpenedIndex
    }

    let served: [Served]
    public let limits: Limits

    /// Opens each index once. Throws `ServeError` for a duplicate or empty name, or an index that does not open.
    public init(indexes: [(name: String, path: String)], limits: Limits = Limits()) throws {
        guard !indexes.isEmpty else { throw ServeError.noIndex }
        var seen = Set<String>()
        var served: [Served] = []
        for (name, path) in indexes {
            guard !name.isEmpty else { throw ServeError.badName(path: path) }
            guard seen.insert(name).inserted else { throw ServeError.duplicateName(name) }
            do {
                let opened = try OpenedIndex.open(path: path)
                // A server answers many searches: build the search guides once now, not in the first check.
                if case .full(let index) = opened { index.prepareForMatching() }
                served.append(Served(name: name, path: path, opened: opened))
            } catch {
                throw ServeError.cannotOpen(name: name, path: path, reason: "\(error)")
            }
        }
        self.served = served
        self.limits = limits
    }

    /// The names of the served indexes, in the order given.
    public var indexNames: [String] { served.map(\.name) }

    /// Answers one request (never throws, never traps on input): 404 for an unknown path, 405 with `Allow`
    /// for a wrong method, 400 for a bad body or parameter, 413 for a request over `limits`, 504 past the deadline.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch let error as APIError {
            return error.response
        } catch let error as CheckInterrupted {
            return .error(504, "the request ran past the server's time limit: \(error); send fewer items")
        } catch let error as DetectError {
            if case .itemTooLong = error { return .error(413, "\(error)") }
            return .error(400, "\(error)")
        } catch let error as IndexError {
            switch error {
            case .incompatibleOptions, .invalidArgument: return .error(400, "\(error)")
            default: return .error(500, "\(error)")
            }
        } catch {
            return .error(500, "internal error: \(error)")
        }
    }

    func route(_ request: HTTPRequest) throws -> HTTPResponse {
        let path = request.path
        func require(_ method: String) throws {
            guard request.method == method else { throw APIError(405, "\(path) takes \(method), not \(request.method)", allow: method) }
        }
        // The web page (Serve/Web): GET / is the page, POST / the infini-gram endpoint.
        if path != "/", WebPage.paths.contains(path) {
            try require("GET")
            return WebPage.response(for: path) ?? .error(404, "no asset \(path)")
        }
        if path.hasPrefix("/v1/documents/") || path == "/v1/documents" {
            try require("GET")
            return try document(request)
        }
        switch path {
        case "/":
            if request.method == "GET", let page = WebPage.response(for: path) { return page }
            guard request.method == "POST" else {
                throw APIError(405, "/ takes GET (the web page) or POST (infini-gram queries), not \(request.method)", allow: "GET, POST")
            }
            return try infiniGram(request)
        case "/v1/indexes":
            try require("GET")
            return indexList().response()
        case "/v1/count", "/v1/locate", "/v1/longest", "/v1/has", "/v1/check", "/v1/trace", "/v1/part":
            try require("POST")
            let body = try APIRequestBody(request.body)
            switch path {
            case "/v1/count": return try count(body)
            case "/v1/locate": return try locate(body)
            case "/v1/longest": return try longest(body)
            case "/v1/has": return try has(body)
            case "/v1/check": return try check(body, request: request)
            case "/v1/part": return try part(body)
            default: return try trace(body, request: request)
            }
        default:
            throw APIError(404, "no endpoint \(path); see docs/serve.md (GET / for the web page, POST /, GET /v1/indexes, POST /v1/count, /v1/locate, /v1/longest, /v1/has, /v1/check, /v1/trace, GET /v1/documents/SHARD/DOC)")
        }
    }

    /// The index a request names (`name`), or the only one served when it names none.
    func served(named name: String?, field: String = "index") throws -> Served {
        try APIError.pick(name, from: served, field: field) { $0.name }
    }

    /// The full index of `served`, or a 400 saying that `what` needs one.
    func full(_ served: Served, for what: String) throws -> Index {
        switch served.opened {
        case .full(let index): return index
        case .sketchOnly: throw APIError(400, "index '\(served.name)' is sketch-only (built with --sketch-only); \(what) needs a full index")
        }
    }

    /// 413 when `tokens` is over `limit`.
    func checkLength(_ tokens: Int, limit: Int, what: String = "query") throws {
        if tokens > limit { throw APIError(413, "\(what) too long: \(tokens) tokens, the limit is \(limit)") }
    }
}
