import Foundation
import ContamIndex
import ContamDetect

/// contam's own endpoints (`/v1/…`): the answers of `contam query … --json` and `contam check --json`,
/// a trace of a model's output, the served indexes and their documents.
extension ServeAPI {
    /// `GET /v1/indexes`.
    func indexList() -> JSONValue {
        .object([("indexes", .array(served.map { served in
            let manifest = served.opened.manifest
            let options = manifest.tokenizer
            return .object([
                ("name", .string(served.name)), ("path", .string(served.path)),
                ("kind", .string(served.opened.kind == .full ? "full" : "sketch-only")),
                ("shards", .int(manifest.shards.count)), ("documents", .int(manifest.corpus.documents)), ("tokens", .int(manifest.corpus.tokens)),
                ("tokenizer", .object([
                    ("normalization", .string(options.normalization.rawValue)), ("keep_case", .bool(options.keepCase)),
                    ("drop_punctuation", .bool(options.dropPunctuation)), ("fold_typography", .bool(options.foldTypography)),
                    ("strip_markup", .bool(options.stripMarkup)), ("summary", .string(options.summary)),
                ])),
                ("sketch_ngram_sizes", .array(served.opened.sketched.sketchNGramSizes.map { .int($0) })),
            ])
        }))])
    }

    /// The full index and phrase query of a `{"index", "query"}` body, the query checked for tokens and length.
    func phraseQuery(_ body: APIRequestBody, for what: String) throws -> (PhraseQuery, String) {
        let served = try self.served(named: try body.string("index"))
        let query = PhraseQuery(index: try full(served, for: what))
        let text = try body.requiredString("query")
        if let problem = QueryAnswer.noTokenProblem(text, query: query) { throw APIError(400, "query: \(problem)") }
        try checkLength(query.tokens(of: text).count, limit: limits.maxQueryTokens)
        return (query, text)
    }

    /// `POST /v1/count`: `query count --json`.
    func count(_ body: APIRequestBody) throws -> HTTPResponse {
        let (query, text) = try phraseQuery(body, for: "count")
        return JSONValue.encoded(QueryAnswer.count(text, query: query)).response()
    }

    /// `POST /v1/locate`: `query locate --json`, with `limit`, `context` and `offset` (occurrences to skip, for paging).
    func locate(_ body: APIRequestBody) throws -> HTTPResponse {
        let (query, text) = try phraseQuery(body, for: "locate")
        let limit = try body.int("limit", default: PhraseQuery.defaultLimit, range: 1...1_000)
        let context = try body.int("context", default: PhraseQuery.defaultContextBytes, range: 0...10_000)
        let offset = try body.int("offset", default: 0, range: 0...Int(Int32.max))
        return JSONValue.encoded(try QueryAnswer.locate(text, query: query, offset: offset, limit: limit, contextBytes: context)).response()
    }

    /// `POST /v1/longest`: `query longest --json`, with `context`.
    func longest(_ body: APIRequestBody) throws -> HTTPResponse {
        let (query, text) = try phraseQuery(body, for: "longest")
        let context = try body.int("context", default: PhraseQuery.defaultContextBytes, range: 0...10_000)
        return JSONValue.encoded(try query.longest(text, contextBytes: context)).response()
    }

    /// `POST /v1/has`: `query has --json` (full and sketch-only indexes).
    func has(_ body: APIRequestBody) throws -> HTTPResponse {
        let served = try self.served(named: try body.string("index"))
        let text = try body.requiredString("query")
        try checkLength(served.opened.sketched.tokens(of: text).count, limit: limits.maxQueryTokens)
        return JSONValue.encoded(try QueryAnswer.has(text, index: served.opened.sketched)).response()
    }

    /// The index, items and options of a `/v1/check` body (alike on every part of a `--remote` union, so
    /// that their partial results combine).
    func checkInput(_ body: APIRequestBody) throws -> (served: Served, items: [CheckItem], options: CheckOptions) {
        let served = try self.served(named: try body.string("index"))
        guard let objects = try body.objects("items"), !objects.isEmpty else { throw APIError(400, "items: missing or empty (a list of {\"id\"?, \"text\"} objects)") }
        if objects.count > limits.maxCheckItems { throw APIError(413, "items: \(objects.count) items, the limit is \(limits.maxCheckItems)") }
        let items = try objects.enumerated().map { k, object -> CheckItem in
            let item = APIRequestBody(fields: object)
            let text: String
            do { text = try item.requiredString("text") } catch let error as APIError { throw APIError(400, "items[\(k)].\(error.message)") }
            let id = try item.string("id") ?? "item-\(k + 1)"
            // A client that read the items from files (`contam check --server`) names where each came from.
            let source = try item.string("source") ?? "request"
            let record = try item.int("record", default: k + 1, range: 1...Int(Int32.max))
            return CheckItem(id: id, sourcePath: source, recordNumber: record, text: Array(text.utf8), rawRecord: [])
        }
        var options = CheckOptions()
        if let names = try body.strings("methods") { options.methods = try ContaminationMethod.parseList(names) }
        if served.opened.kind == .sketchOnly && !body.has("methods") {
            throw APIError(400, "index '\(served.name)' is sketch-only: the default method (near) needs a full index; pass \"methods\": [\"lmeval13\"] or [\"palm\"]")
        }
        options.minMatch = try body.int("min_match", default: options.minMatch, range: 1...100_000)
        options.maxSources = try body.int("max_sources", default: options.maxSources, range: 0...100)
        options.minSpan = try body.int("min_span", default: options.minSpan, range: 1...1_000_000)
        options.similarity = try body.double("similarity", default: options.similarity, range: 0...1)
        options.seedLength = try body.int("seed_length", default: options.seedLength, range: 1...1_000)
        options.firstPass = try body.bool("first_pass", default: options.firstPass)
        // Never above the server's own limit: a longer item is refused (413), not checked.
        options.maxItemTokens = min(try body.int("max_item_tokens", default: limits.maxTextTokens, range: 1...Int(Int32.max)), limits.maxTextTokens)
        options.threads = 1
        return (served, items, options)
    }

    /// `POST /v1/check`: `check --json`'s objects for the items of the body, one per item in order. With
    /// `"partial": true` (what a `--remote` front asks of each part), this part's `PartialCheckResult` instead.
    func check(_ body: APIRequestBody, request: HTTPRequest) throws -> HTTPResponse {
        let (served, items, options) = try checkInput(body)
        if try body.bool("partial", default: false) {
            let index = try full(served, for: "a partial check")
            let checker = ContaminationChecker(membership: .suffixArray(index), options: options)
            let tokenized = try checker.tokenize(items)
            let partial = try PartialCheckRecorder(index: index, options: options, tokenized: tokenized)
                .record(items: items, tokenized: tokenized, indexPath: served.name, notes: [])
            return .json(String(decoding: try partial.encoded(), as: UTF8.self))
        }
        let (report, _) = try CheckPipeline.check(ItemSet(items: items), indexPath: served.name, options: options,
                                                  membership: CheckMembership(served.opened), shouldStop: { request.isPastDeadline })
        return JSONValue.object([
            ("index", .string(served.name)),
            ("items", .array(report.results.map { .raw(JSONReport.line($0)) })),
            ("summary", .object([("items", .int(report.summary.items)), ("flagged", .int(report.summary.flagged))])),
            ("notes", .array(report.notes.map { .string($0) })),
        ]).response()
    }

    /// `POST /v1/trace`: the maximal verbatim spans of a model's output (`OutputTrace`).
    func trace(_ body: APIRequestBody, request: HTTPRequest) throws -> HTTPResponse {
        let served = try self.served(named: try body.string("index"))
        let index = try full(served, for: "trace")
        let text = try body.requiredString("text")
        let minMatch = try body.int("min_match", default: 8, range: 1...10_000)
        let maxSpans = try body.int("max_spans", default: 100, range: 0...10_000)
        let maxSources = try body.int("max_sources", default: 3, range: 0...100)
        let context = try body.int("context", default: PhraseQuery.defaultContextBytes, range: 0...10_000)
        try checkLength(index.tokens(of: text).count, limit: limits.maxTextTokens, what: "text")
        let trace: OutputTrace
        do {
            trace = try OutputTrace.trace(text, index: index, minMatch: minMatch, maxSpans: maxSpans, maxSources: maxSources, contextBytes: context,
                                          shouldStop: { request.isPastDeadline })
        } catch is TraceInterrupted {
            throw APIError.pastDeadline
        }
        return JSONValue.object([
            ("index", .string(served.name)), ("tokens", .int(trace.tokenCount)), ("min_match", .int(minMatch)),
            ("span_count", .int(trace.spanCount)), ("spans", .array(trace.spans.map { JSONValue.encoded($0) })),
        ]).response()
    }

    /// `GET /v1/documents/{shard}/{doc}[?index=NAME]`: one document of a full index.
    func document(_ request: HTTPRequest) throws -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3)
        guard parts.count == 2 else { throw APIError(404, "no endpoint \(request.path); documents are at /v1/documents/SHARD/DOC") }
        func number(_ text: Substring, _ name: String) throws -> Int {
            guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text) else {
                throw APIError(400, "\(name): '\(text)' is not a non-negative integer")
            }
            return value
        }
        let shard = try number(parts[parts.startIndex], "shard")
        let document = try number(parts[parts.startIndex + 1], "doc")
        let served = try self.served(named: request.query["index"])
        let index = try full(served, for: "documents")
        guard shard < index.shards.count else { throw APIError(404, "no shard \(shard) in index '\(served.name)' (it has \(index.shards.count))") }
        let documents = index.shards[shard].documents.count
        guard document < documents else { throw APIError(404, "no document \(document) in shard \(shard) of index '\(served.name)' (it has \(documents))") }
        let ref = CorpusDocumentRef(shard: shard, document: document)
        let info = try index.documentInfo(ref)
        let text = try index.documentText(ref)
        return JSONValue.object([
            ("index", .string(served.name)), ("shard", .int(shard)), ("doc", .int(document)),
            ("doc_ix", .int(NGramStatistics(index: index).globalDocument(shard: shard, document: document))),
            ("id", info.externalID.map { .string($0) } ?? .null), ("source", .string(info.sourcePath)), ("record", .int(info.recordNumber)),
            ("tokens", .int(info.tokenCount)), ("bytes", .int(text.count)), ("text", .string(String(decoding: text, as: UTF8.self))),
        ]).response()
    }
}
