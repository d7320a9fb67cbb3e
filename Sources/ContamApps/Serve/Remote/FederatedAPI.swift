import Foundation
import ContamStorage
import ContamModel
import ContamIndex

/// `contam serve --remote URL…`: answers for indexes whose shards are spread over several `contam serve`
/// processes as if they were one. An index name stands for the union of the local index of that name (if
/// any) and every remote's index of that name, in the order local, then remotes as given; shard numbers run
/// on across the parts in that order (a part's shard s is shard `offset + s` of the union), so the union
/// numbers its shards as the merged index would.
///
/// Merging: count = sum, has = an n-gram present in any part, longest = the longest span (the leftmost on a
/// tie) counted in every part, locate = the parts' occurrences in part order (which is shard order),
/// documents by union shard number, trace from the parts' matching statistics (`FederatedTraceCorpus`), check
/// from the parts' partial results (`FederatedCheck`);
/// infini-gram's `count`, `prob` and `find` likewise. A part that does not
/// answer, or answers with a server error, fails the whole request with 503 naming it: never a lower count.
/// A client error (4xx) of a part is the client's and is passed on as it is.
public final class FederatedAPI: Sendable {
    /// One part of a union index: this process's index, or a remote's.
    struct Part: Sendable {
        /// nil for the local index.
        var remote: URL?
        var shards: Int
        var documents: Int
        var tokens: Int
        var kind: String
        var shardOffset = 0
        var documentOffset = 0

        var label: String { remote.map { "remote \($0.absoluteString)" } ?? "the local index" }
    }

    struct UnionIndex: Sendable {
        var name: String
        var parts: [Part]
        /// The `/v1/indexes` entry of the first part (tokenizer, sketch sizes), as JSON text.
        var description: String
        var tokenizer: String
    }

    let local: ServeAPI?
    let indexes: [UnionIndex]
    let token: String?
    let timeoutSeconds: Double

    /// Asks each remote for its indexes (retrying until `timeout`, so the parts may start in any order) and
    /// builds the unions. Throws `FederationError` for an unreachable remote, or parts of one name that
    /// tokenize differently (their counts could not be added).
    public init(local: ServeAPI?, remotes: [String], token: String?, timeout: Duration) throws {
        self.local = local
        self.token = token
        timeoutSeconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var unions: [UnionIndex] = []
        func add(_ name: String, _ part: Part, entry: [String: Any]) throws {
            let tokenizer = Self.text(entry["tokenizer"] ?? NSNull())
            if let k = unions.firstIndex(where: { $0.name == name }) {
                guard unions[k].tokenizer == tokenizer else {
                    throw FederationError.mismatch(name: name, part: part.label, detail: "it tokenizes with \(tokenizer), \(unions[k].parts[0].label) with \(unions[k].tokenizer)")
                }
                unions[k].parts.append(part)
            } else {
                unions.append(UnionIndex(name: name, parts: [part], description: Self.text(entry), tokenizer: tokenizer))
            }
        }
        if let local {
            for entry in try Self.indexEntries(JSONSerialization.jsonObject(with: Data(local.indexList().text.utf8))) {
                try add(entry.name, Part(remote: nil, shards: entry.shards, documents: entry.documents, tokens: entry.tokens, kind: entry.kind), entry: entry.raw)
            }
        }
        for text in remotes {
            guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), url.scheme == "http", url.host != nil else {
                throw FederationError.badURL(text)
            }
            let answer = try Self.waitForIndexes(url, token: token, timeout: timeoutSeconds)
            for entry in answer {
                try add(entry.name, Part(remote: url, shards: entry.shards, documents: entry.documents, tokens: entry.tokens, kind: entry.kind), entry: entry.raw)
            }
        }
        for k in unions.indices {
            var shardOffset = 0, documentOffset = 0
            for p in unions[k].parts.indices {
                unions[k].parts[p].shardOffset = shardOffset
                unions[k].parts[p].documentOffset = documentOffset
                shardOffset += unions[k].parts[p].shards
                documentOffset += unions[k].parts[p].documents
            }
        }
        guard !unions.isEmpty else { throw FederationError.noIndex }
        indexes = unions
    }

    // MARK: Routing

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            return try route(request)
        } catch let error as APIError {
            return error.response
        } catch let failure as PartFailure {
            return failure.response
        } catch {
            return .error(500, "internal error: \(error)")
        }
    }

    func route(_ request: HTTPRequest) throws -> HTTPResponse {
        let path = request.path
        if path == "/v1/indexes" {
            guard request.method == "GET" else { throw APIError(405, "/v1/indexes takes GET, not \(request.method)", allow: "GET") }
            return indexList()
        }
        if path.hasPrefix("/v1/documents/") && request.method == "GET" {
            return try document(request)
        }
        let federated = ["/", "/v1/count", "/v1/locate", "/v1/longest", "/v1/has", "/v1/check", "/v1/trace"]
        guard federated.contains(path), request.method == "POST" else {
            // The web page and every error of a wrong path or method are the local API's (or its shapes).
            if let local { return local.handle(request) }
            if request.method == "GET", let page = WebPage.response(for: path) { return page }
            if federated.contains(path) { throw APIError(405, "\(path) takes POST, not \(request.method)", allow: "POST") }
            throw APIError(404, "no endpoint \(path); see docs/serve.md")
        }
        let body = try APIRequestBody(request.body)
        let union = try self.union(named: try body.string("index") ?? (path == "/" ? try body.string("corpus") : nil))
        // An index held only here needs no fan-out.
        if union.parts.count == 1, union.parts[0].remote == nil, let local { return local.handle(request) }
        var fields = body.fields
        fields["index"] = union.name
        fields["corpus"] = nil
        switch path {
        case "/v1/count": return try count(union, fields)
        case "/v1/locate": return try locate(union, fields)
        case "/v1/longest": return try longest(union, fields)
        case "/v1/has": return try has(union, fields)
        case "/": return try infiniGram(union, fields)
        case "/v1/trace": return try trace(union, fields, request: request)
        case "/v1/check": return try check(union, fields)
        default:
            throw APIError(404, "no endpoint \(path)")
        }
    }

    func union(named name: String?) throws -> UnionIndex {
        try APIError.pick(name, from: indexes) { $0.name }
    }

    // MARK: Merged answers

    func indexList() -> HTTPResponse {
        let entries = indexes.map { union -> String in
            var entry = (try? JSONSerialization.jsonObject(with: Data(union.description.utf8))) as? [String: Any] ?? [:]
            entry["name"] = union.name
            entry["path"] = nil
            entry["shards"] = union.parts.reduce(0) { $0 + $1.shards }
            entry["documents"] = union.parts.reduce(0) { $0 + $1.documents }
            entry["tokens"] = union.parts.reduce(0) { $0 + $1.tokens }
            entry["kind"] = union.parts.allSatisfy { $0.kind == "full" } ? "full" : "sketch-only"
            entry["parts"] = union.parts.map { part -> [String: Any] in
                ["location": part.remote?.absoluteString ?? "local", "shards": part.shards, "documents": part.documents, "tokens": part.tokens, "kind": part.kind]
            }
            return Self.text(entry)
        }
        return .json("{\"indexes\":[\(entries.joined(separator: ","))]}")
    }

    func count(_ union: UnionIndex, _ fields: [String: Any]) throws -> HTTPResponse {
        let answers = try ask(union.parts, "/v1/count", fields)
        var merged = answers[0]
        merged["count"] = answers.reduce(0) { $0 + Self.int($1["count"]) }
        return Self.response(merged)
    }

    func has(_ union: UnionIndex, _ fields: [String: Any]) throws -> HTTPResponse {
        let answers = try ask(union.parts, "/v1/has", fields)
        var merged = answers[0]
        var ngrams = (merged["ngrams"] as? [[String: Any]]) ?? []
        for answer in answers.dropFirst() {
            let other = (answer["ngrams"] as? [[String: Any]]) ?? []
            guard other.count == ngrams.count else { throw PartFailure.inconsistent("the parts split the query into different n-grams") }
            for k in ngrams.indices where (other[k]["present"] as? Bool) == true { ngrams[k]["present"] = true }
        }
        merged["ngrams"] = ngrams
        merged["present"] = ngrams.allSatisfy { ($0["present"] as? Bool) == true }
        merged["falsePositiveRate"] = answers.reduce(0.0) { $0 + (($1["falsePositiveRate"] as? NSNumber)?.doubleValue ?? 0) }
        return Self.response(merged)
    }

    /// Occurrences `offset ..< offset + limit` of the union: the parts' counts say which part holds which of
    /// them, so each part is asked only for its own stretch (a page never repeats or skips an occurrence).
    func locate(_ union: UnionIndex, _ fields: [String: Any]) throws -> HTTPResponse {
        let body = APIRequestBody(fields: fields)
        let limit = try body.int("limit", default: PhraseQuery.defaultLimit, range: 1...1_000)
        let offset = try body.int("offset", default: 0, range: 0...Int(Int32.max))
        var countFields = fields
        for key in ["limit", "offset", "context"] { countFields[key] = nil }
        let countAnswers = try ask(union.parts, "/v1/count", countFields)
        let counts = countAnswers.map { Self.int($0["count"]) }
        var stretches: [(part: Int, offset: Int, limit: Int)] = []
        var before = 0, wanted = limit
        for (k, count) in counts.enumerated() where wanted > 0 {
            let skip = max(0, offset - before)
            if skip < count {
                let take = min(count - skip, wanted)
                stretches.append((k, skip, take))
                wanted -= take
            }
            before += count
        }
        var merged = countAnswers[0]
        merged["count"] = counts.reduce(0, +)
        var occurrences: [[String: Any]] = []
        let answers = try ask(stretches.map { union.parts[$0.part] }, "/v1/locate", stretches.map { stretch in
            var partFields = fields
            partFields["offset"] = stretch.offset
            partFields["limit"] = stretch.limit
            return partFields
        })
        for (stretch, answer) in zip(stretches, answers) {
            for var occurrence in (answer["occurrences"] as? [[String: Any]]) ?? [] {
                occurrence["shard"] = Self.int(occurrence["shard"]) + union.parts[stretch.part].shardOffset
                occurrences.append(occurrence)
            }
        }
        merged["occurrences"] = occurrences
        return Self.response(merged)
    }

    /// The longest span over the union: the longest of the parts' (the leftmost on a tie, as one index picks),
    /// counted in every part that could hold it, with the first part's first occurrence as the example.
    func longest(_ union: UnionIndex, _ fields: [String: Any]) throws -> HTTPResponse {
        let answers = try ask(union.parts, "/v1/longest", fields)
        let best = answers.map { Self.int($0["matchTokens"]) }.max() ?? 0
        guard best > 0 else { return Self.response(answers[0]) }
        let start = answers.filter { Self.int($0["matchTokens"]) == best }.map { Self.int($0["startToken"]) }.min() ?? 0
        let winner = answers.first { Self.int($0["matchTokens"]) == best && Self.int($0["startToken"]) == start }!
        let span = winner["text"] as? String ?? ""
        // Parts whose own longest is that span know its count and first occurrence; the others are asked.
        var locateFields = fields
        locateFields["query"] = span
        locateFields["limit"] = 1
        var counts = [Int](repeating: 0, count: union.parts.count)
        var examples = [[String: Any]?](repeating: nil, count: union.parts.count)
        var toAsk: [Int] = []
        for (k, answer) in answers.enumerated() where Self.int(answer["matchTokens"]) == best {
            if Self.int(answer["startToken"]) == start {
                counts[k] = Self.int(answer["count"])
                examples[k] = answer["example"] as? [String: Any]
            } else {
                toAsk.append(k)
            }
        }
        let asked = try ask(toAsk.map { union.parts[$0] }, "/v1/locate", locateFields)
        for (k, answer) in zip(toAsk, asked) {
            counts[k] = Self.int(answer["count"])
            examples[k] = (answer["occurrences"] as? [[String: Any]])?.first
        }
        var merged = winner
        merged["count"] = counts.reduce(0, +)
        if let k = examples.indices.first(where: { counts[$0] > 0 && examples[$0] != nil }), var example = examples[k] {
            example["shard"] = Self.int(example["shard"]) + union.parts[k].shardOffset
            merged["example"] = example
        }
        return Self.response(merged)
    }

    /// infini-gram's `count`, `prob` and `find` over the union; other query types are refused (501).
    func infiniGram(_ union: UnionIndex, _ fields: [String: Any]) throws -> HTTPResponse {
        let started = ContinuousClock.now
        let type = fields["query_type"] as? String ?? ""
        guard ["count", "prob", "find"].contains(type) else {
            throw APIError(501, "query_type '\(type)' is not answered across --remote parts yet (count, prob and find are); send it to each part's server")
        }
        let answers = try ask(union.parts, "/", fields)
        var merged = answers[0]
        switch type {
        case "count":
            merged["count"] = answers.reduce(0) { $0 + Self.int($1["count"]) }
            merged["approx"] = answers.contains { ($0["approx"] as? Bool) == true }
        case "prob":
            let prompt = answers.reduce(0) { $0 + Self.int($1["prompt_cnt"]) }
            let continued = answers.reduce(0) { $0 + Self.int($1["cont_cnt"]) }
            merged["prompt_cnt"] = prompt
            merged["cont_cnt"] = continued
            merged["prob"] = prompt > 0 ? Double(continued) / Double(prompt) : -1.0
        default:
            merged["cnt"] = answers.reduce(0) { $0 + Self.int($1["cnt"]) }
            merged["segment_by_shard"] = answers.flatMap { ($0["segment_by_shard"] as? [Any]) ?? [] }
        }
        merged["latency"] = Double((ContinuousClock.now - started) / .microseconds(1)) / 1000
        return Self.response(merged)
    }

    /// `GET /v1/documents/{shard}/{doc}` with the union's shard number, answered by the part holding it.
    func document(_ request: HTTPRequest) throws -> HTTPResponse {
        let union = try self.union(named: request.query["index"])
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3)
        guard segments.count == 2, let shard = Int(segments[segments.startIndex]), shard >= 0, segments[segments.startIndex].count <= 18,
              segments[segments.startIndex].allSatisfy(\.isASCII) else {
            if let local, union.parts.count == 1, union.parts[0].remote == nil { return local.handle(request) }
            throw APIError(400, "shard: '\(segments.first ?? "")' is not a non-negative integer (documents are at /v1/documents/SHARD/DOC)")
        }
        guard let k = union.parts.firstIndex(where: { shard >= $0.shardOffset && shard < $0.shardOffset + $0.shards }) else {
            throw APIError(404, "no shard \(shard) in index '\(union.name)' (it has \(union.parts.reduce(0) { $0 + $1.shards }))")
        }
        let part = union.parts[k]
        let path = "/v1/documents/\(shard - part.shardOffset)/\(segments.last!)?index=\(union.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? union.name)"
        var answer = try call(part, method: "GET", path: path, body: nil)
        answer["shard"] = shard
        answer["doc_ix"] = Self.int(answer["doc_ix"]) + part.documentOffset
        return Self.response(answer)
    }

    // MARK: Calls to the parts

    /// The answers of every part to `fields` at `path`, in part order, asked in parallel.
    func ask(_ parts: [Part], _ path: String, _ fields: [String: Any]) throws -> [[String: Any]] {
        try ask(parts, path, parts.map { _ in fields })
    }

    /// As `ask`, with a body of its own for each part.
    func ask(_ parts: [Part], _ path: String, _ bodies: [[String: Any]]) throws -> [[String: Any]] {
        try fanOut(parts, path, bodies.map { Self.text($0) }).map(\.object)
    }

    /// The answers of every part to `fields` at `path` as bytes (each a JSON object with status 200), in part order.
    func askRaw(_ parts: [Part], _ path: String, _ fields: [String: Any]) throws -> [Data] {
        let body = Self.text(fields)
        return try fanOut(parts, path, parts.map { _ in body }).map(\.bytes)
    }

    /// POSTs `bodies[k]` to part k, all parts in parallel; the answers in part order. A client error is thrown
    /// first (it is the same request everywhere), then the first unavailable part.
    private func fanOut(_ parts: [Part], _ path: String, _ bodies: [String]) throws -> [(bytes: Data, object: [String: Any])] {
        guard !parts.isEmpty else { return [] }
        let results = LockedBox([Result<(bytes: Data, object: [String: Any]), Error>?](repeating: nil, count: parts.count))
        let call = { @Sendable (k: Int) in
            let result = Result { try self.callRaw(parts[k], method: "POST", path: path, body: bodies[k]) }
            results.update { $0[k] = result }
        }
        if parts.count == 1 { call(0) } else { DispatchQueue.concurrentPerform(iterations: parts.count, execute: call) }
        let outcomes = results.value.map { $0! }
        for outcome in outcomes { if case .failure(let failure as PartFailure) = outcome, case .client = failure { throw failure } }
        return try outcomes.map { try $0.get() }
    }

    /// One part's JSON object answer.
    func call(_ part: Part, method: String, path: String, body: String?) throws -> [String: Any] {
        try callRaw(part, method: method, path: path, body: body).object
    }

    /// One part's answer: its bytes, parsed as a JSON object (the status checked).
    func callRaw(_ part: Part, method: String, path: String, body: String?) throws -> (bytes: Data, object: [String: Any]) {
        let status: Int, bytes: Data
        if let remote = part.remote {
            guard let url = URL(string: remote.absoluteString + path) else { throw PartFailure.unavailable(part.label, "bad path \(path)") }
            var headers: [(String, String)] = body == nil ? [] : [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            do {
                let exchange = try SocketHTTPTransport.exchange(method: method, url: url, headers: headers, body: Data((body ?? "").utf8), timeout: timeoutSeconds,
                                                                maxResponseBytes: 256 << 20)
                (status, bytes) = (exchange.status, exchange.body)
            } catch {
                throw PartFailure.unavailable(part.label, ServeClient.reason(error))
            }
        } else if let local {
            let target = path
            let question = target.firstIndex(of: "?")
            var query: [String: String] = [:]
            if let question {
                for pair in target[target.index(after: question)...].split(separator: "&") {
                    let halves = pair.split(separator: "=", maxSplits: 1)
                    if halves.count == 2 { query[String(halves[0])] = String(halves[1]).removingPercentEncoding ?? String(halves[1]) }
                }
            }
            let response = local.handle(HTTPRequest(method: method, target: target, path: String(target[..<(question ?? target.endIndex)]), query: query,
                                                    body: Array((body ?? "").utf8)))
            (status, bytes) = (response.status, Data(response.body))
        } else {
            throw PartFailure.unavailable(part.label, "no local index")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
            throw PartFailure.unavailable(part.label, "answered \(status) with a body that is not a JSON object")
        }
        if (400..<500).contains(status) { throw PartFailure.client(status, object["error"] as? String ?? "error \(status)", part.label) }
        guard status == 200 else { throw PartFailure.unavailable(part.label, "answered \(status): \(object["error"] as? String ?? "")") }
        return (bytes, object)
    }

    /// The remote's `/v1/indexes`, tried until it answers or `timeout` has passed.
    static func waitForIndexes(_ url: URL, token: String?, timeout: Double) throws -> [IndexEntry] {
        let deadline = Date().addingTimeInterval(timeout)
        var lastError = "no answer"
        repeat {
            do {
                let headers = token.map { [("Authorization", "Bearer \($0)")] } ?? []
                let exchange = try SocketHTTPTransport.exchange(method: "GET", url: url.appendingPathComponent("v1/indexes"), headers: headers,
                                                                timeout: max(0.5, deadline.timeIntervalSinceNow), maxResponseBytes: 16 << 20)
                guard exchange.status == 200 else {
                    throw FederationError.unreachable(url.absoluteString, "GET /v1/indexes answered \(exchange.status)")
                }
                return try indexEntries(JSONSerialization.jsonObject(with: exchange.body))
            } catch let error as FederationError {
                throw error
            } catch {
                lastError = ServeClient.reason(error)
            }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        throw FederationError.unreachable(url.absoluteString, lastError)
    }

    struct IndexEntry {
        var name: String
        var shards: Int
        var documents: Int
        var tokens: Int
        var kind: String
        var raw: [String: Any]
    }

    static func indexEntries(_ json: Any) throws -> [IndexEntry] {
        guard let list = (json as? [String: Any])?["indexes"] as? [[String: Any]] else {
            throw FederationError.unreachable("?", "/v1/indexes is not {\"indexes\": [...]}")
        }
        return list.compactMap { entry in
            guard let name = entry["name"] as? String else { return nil }
            return IndexEntry(name: name, shards: int(entry["shards"]), documents: int(entry["documents"]), tokens: int(entry["tokens"]),
                              kind: entry["kind"] as? String ?? "full", raw: entry)
        }
    }

    static func int(_ value: Any?) -> Int { (value as? NSNumber)?.intValue ?? 0 }

    /// Compact JSON with sorted keys (deterministic, so parts' descriptions compare as text).
    static func text(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value) || value is NSNull,
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    static func response(_ object: [String: Any]) -> HTTPResponse { .json(text(object)) }
}

/// Why one part of a federated request failed.
enum PartFailure: Error {
    /// The request itself is wrong (every part would say so): passed on with its status.
    case client(Int, String, String)
    /// The part did not answer, or failed: the whole answer would be wrong, so 503 naming it.
    case unavailable(String, String)
    /// The parts disagree about the request.
    case inconsistent(String)

    var response: HTTPResponse {
        switch self {
        case let .client(status, message, _): return .error(status, message)
        case let .unavailable(part, reason): return .error(503, "\(part) failed, so the answer would be incomplete: \(reason)")
        case let .inconsistent(reason): return .error(502, "the parts disagree: \(reason)")
        }
    }
}

/// Why `contam serve --remote` could not start.
public enum FederationError: Error, CustomStringConvertible, Sendable {
    case badURL(String)
    case unreachable(String, String)
    case mismatch(name: String, part: String, detail: String)
    case noIndex

    public var description: String {
        switch self {
        case let .badURL(text): return "--remote \(text): not an http://HOST:PORT URL"
        case let .unreachable(url, reason): return "remote \(url) did not answer GET /v1/indexes: \(reason)"
        case let .mismatch(name, part, detail): return "index '\(name)': \(part) cannot be a shard of the same index: \(detail)"
        case .noIndex: return "no index to serve: the remotes serve none"
        }
    }
}
