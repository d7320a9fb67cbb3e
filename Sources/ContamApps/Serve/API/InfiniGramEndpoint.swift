import Foundation
import ContamIndex
import ContamText

/// `POST /`: infini-gram's API (https://infini-gram.readthedocs.io/en/latest/api.html) over contam's word
/// tokens: `count`, `prob`, `ntd`, `infgram_prob`, `infgram_ntd`, `find`, `search_docs`, `get_doc_by_rank`,
/// `get_doc_by_ix`. The differences (no model token ids, no CNF, string keys in `result_by_token_id`) are
/// listed in docs/serve.md.
extension ServeAPI {
    static let infiniGramQueryTypes = ["count", "prob", "ntd", "infgram_prob", "infgram_ntd", "find", "search_docs", "get_doc_by_rank", "get_doc_by_ix"]
    static let infiniGramUnsupported = ["find_cnf", "count_cnf", "search_docs_cnf", "get_doc_by_ptr", "get_docs_by_ptrs", "creativity", "attribute"]
    /// infini-gram's own caps on the web API.
    static let maxSupportLimit = 1_000
    static let maxNumLimit = 10
    static let maxDisplayLimit = 10_000

    func infiniGram(_ request: HTTPRequest) throws -> HTTPResponse {
        let started = ContinuousClock.now
        let body = try APIRequestBody(request.body)
        let queryType = try body.requiredString("query_type")
        // infini-gram renamed `corpus` to `index` and still reads both.
        let served = try self.served(named: try body.string("index") ?? body.string("corpus"))
        if body.has("query_ids") {
            throw APIError(400, "query_ids is not supported: contam indexes words of its own tokenizer (\(served.opened.manifest.tokenizer.summary)), not a model's token ids; send the text as \"query\"")
        }
        guard Self.infiniGramQueryTypes.contains(queryType) else {
            let why = Self.infiniGramUnsupported.contains(queryType) ? "is not supported by contam serve" : "is not a query type"
            throw APIError(400, "query_type '\(queryType)' \(why) (supported: \(Self.infiniGramQueryTypes.joined(separator: ", ")))")
        }
        let index = try full(served, for: "query_type \(queryType)")
        let needsQuery = !["get_doc_by_rank", "get_doc_by_ix"].contains(queryType)
        let query = needsQuery ? try body.requiredString("query") : (try body.string("query") ?? "")
        if query.contains(" AND ") || query.contains(" OR ") {
            throw APIError(400, "CNF queries (AND / OR) are not supported by contam serve; send one phrase")
        }
        let queryTokens = index.tokens(of: query)
        try checkLength(queryTokens.count, limit: limits.maxQueryTokens)
        let tokens = queryTokens.map(\.text)
        let statistics = NGramStatistics(index: index)
        var fields: [(String, JSONValue)]
        switch queryType {
        case "count":
            fields = [("count", .int(statistics.count(of: tokens))), ("approx", .bool(false))]
        case "prob":
            guard let last = tokens.last else { throw APIError(400, "query: prob needs a non-empty query (it has no token after \(index.tokenizerOptions.summary) normalization)") }
            fields = probability(statistics, prompt: Array(tokens.dropLast()), next: last)
        case "infgram_prob":
            guard let last = tokens.last else { throw APIError(400, "query: infgram_prob needs a non-empty query (it has no token after \(index.tokenizerOptions.summary) normalization)") }
            let prompt = Array(tokens.dropLast())
            let length = statistics.longestOccurringSuffix(of: prompt)
            fields = probability(statistics, prompt: Array(prompt.suffix(length)), next: last)
            fields += [("suffix_len", .int(length)), ("longest_suffix", .string(text(of: query, tokens: queryTokens, range: (prompt.count - length)..<prompt.count)))]
        case "ntd", "infgram_ntd":
            let maxSupport = try body.int("max_support", default: Self.maxSupportLimit, range: 1...Self.maxSupportLimit)
            var prompt = tokens
            var suffixFields: [(String, JSONValue)] = []
            if queryType == "infgram_ntd" {
                let length = statistics.longestOccurringSuffix(of: tokens)
                prompt = Array(tokens.suffix(length))
                suffixFields = [("suffix_len", .int(length)), ("longest_suffix", .string(text(of: query, tokens: queryTokens, range: (tokens.count - length)..<tokens.count)))]
            }
            let next = try statistics.nextTokens(after: prompt, maxSupport: maxSupport) { request.isPastDeadline }
            let continued = next.examined - next.documentEnds
            let distribution = next.counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { token, count in
                (token, JSONValue.object([("token", .string(token)), ("cont_cnt", .int(count)), ("prob", .double(Double(count) / Double(continued)))]))
            }
            fields = [("prompt_cnt", .int(next.promptCount)), ("result_by_token_id", .object(distribution)), ("approx", .bool(next.approximate)),
                      ("examined", .int(next.examined)), ("document_ends", .int(next.documentEnds))] + suffixFields
        case "find":
            let ranges = statistics.ranges(of: tokens)
            fields = [("cnt", .int(ranges.reduce(0) { $0 + $1.count })),
                      ("segment_by_shard", .array(ranges.map { .array([.int($0.lowerBound), .int($0.upperBound)]) }))]
        case "search_docs":
            let maxNumber = try body.int("maxnum", default: 1, range: 1...Self.maxNumLimit)
            let maxDisplay = try body.int("max_disp_len", default: 1_000, range: 1...Self.maxDisplayLimit)
            let ranges = statistics.ranges(of: tokens)
            let total = ranges.reduce(0) { $0 + $1.count }
            let shown = min(total, maxNumber)
            // Evenly spaced occurrences over all shards' rows (infini-gram picks random ones).
            let picks = (0..<shown).map { $0 * total / shown }
            var documents: [JSONValue] = []
            for pick in picks {
                if request.isPastDeadline { throw APIError.pastDeadline }
                var rest = pick, shard = 0
                while rest >= ranges[shard].count { rest -= ranges[shard].count; shard += 1 }
                documents.append(try documentResult(statistics, shard: shard, rank: ranges[shard].lowerBound + rest, needle: tokens, maxDisplay: maxDisplay))
            }
            let message = total == 0 ? "0 occurrences found" : "\(total) occurrences found. Displaying the documents of occurrences #\(picks)"
            fields = [("cnt", .int(total)), ("approx", .bool(false)), ("idxs", .array(picks.map { .int($0) })), ("documents", .array(documents)), ("message", .string(message))]
        case "get_doc_by_rank":
            let shardCount = index.shards.count
            let shard = try body.requiredInt("s")
            guard (0..<shardCount).contains(shard) else { throw APIError(400, "s must be an integer in range [0, \(shardCount))") }
            let rows = index.shards[shard].suffixArray.count
            let rank = try body.requiredInt("rank")
            guard (0..<rows).contains(rank) else { throw APIError(400, "rank must be an integer in range [0, \(rows))") }
            let maxDisplay = try body.int("max_disp_len", default: 1_000, range: 1...Self.maxDisplayLimit)
            guard case .object(let document) = try documentResult(statistics, shard: shard, rank: rank, needle: tokens, maxDisplay: maxDisplay) else { fields = []; break }
            fields = document
        default:  // get_doc_by_ix
            let number = try body.requiredInt("doc_ix")
            guard let (shard, document) = statistics.document(number: number) else {
                throw APIError(400, "doc_ix must be an integer in range [0, \(statistics.documentCount))")
            }
            let maxDisplay = try body.int("max_disp_len", default: 1_000, range: 1...Self.maxDisplayLimit)
            guard case .object(let result) = try documentResult(statistics, shard: shard, document: document, needleOffset: nil, needle: tokens, maxDisplay: maxDisplay) else { fields = []; break }
            fields = result
        }
        let latency = Double((ContinuousClock.now - started) / .microseconds(1)) / 1000
        fields += [("latency", .double(latency)), ("tokens", .array(tokens.map { .string($0) }))]
        return JSONValue.object(fields).response()
    }

    /// prob's fields: P(next | prompt) = count(prompt + next) / count(prompt), -1 when the prompt never occurs.
    func probability(_ statistics: NGramStatistics, prompt: [String], next: String) -> [(String, JSONValue)] {
        let promptCount = statistics.count(of: prompt)
        let continued = statistics.count(of: prompt + [next])
        return [("prompt_cnt", .int(promptCount)), ("cont_cnt", .int(continued)), ("prob", .double(promptCount > 0 ? Double(continued) / Double(promptCount) : -1))]
    }

    /// The original text of query tokens `range` (empty for an empty range).
    func text(of query: String, tokens: [Token], range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        let utf8 = Array(query.utf8)
        return String(decoding: utf8[tokens[range.lowerBound].byteRange.lowerBound..<tokens[range.upperBound - 1].byteRange.upperBound], as: UTF8.self)
    }

    /// The document at suffix-array row `rank` of `shard`, displayed around the occurrence.
    func documentResult(_ statistics: NGramStatistics, shard: Int, rank: Int, needle: [String], maxDisplay: Int) throws -> JSONValue {
        let indexShard = statistics.index.shards[shard]
        guard let (document, offset) = indexShard.document(at: Int(indexShard.suffixArray.suffixes[rank])) else {
            throw APIError(400, "rank \(rank) of shard \(shard) is a document separator, not a token; take a rank of a find segment")
        }
        return try documentResult(statistics, shard: shard, document: document, needleOffset: offset, needle: needle, maxDisplay: maxDisplay)
    }

    /// infini-gram's document result: `doc_ix`, `doc_len` and `disp_len` in tokens, `needle_offset` (the match's
    /// first token in the displayed window, null without one), `metadata` (a JSON string: path, linenum, and
    /// contam's id, shard and doc), `blocked`, and `spans`: the window's original text cut into
    /// `[text, null]` and `[text, "0"]` pieces, "0" marking each occurrence of the query's tokens.
    func documentResult(_ statistics: NGramStatistics, shard: Int, document: Int, needleOffset: Int?, needle: [String], maxDisplay: Int) throws -> JSONValue {
        let index = statistics.index
        let ref = CorpusDocumentRef(shard: shard, document: document)
        let info = try index.documentInfo(ref)
        let (text, tokens) = try index.documentTokens(ref)
        let length = tokens.count
        var start = 0
        if let needleOffset {
            start = max(0, min(needleOffset - max(0, maxDisplay - needle.count) / 2, length - maxDisplay))
        }
        let end = min(length, start + maxDisplay)
        let firstByte = start == 0 ? 0 : tokens[start].byteRange.lowerBound
        let lastByte = end == length ? text.count : tokens[end - 1].byteRange.upperBound
        var spans: [JSONValue] = []
        var cursor = firstByte
        func piece(_ bytes: Range<Int>, _ label: String?) {
            guard !bytes.isEmpty else { return }
            spans.append(.array([.string(String(decoding: text[bytes], as: UTF8.self)), label.map { .string($0) } ?? .null]))
        }
        if !needle.isEmpty {
            var k = start
            while k + needle.count <= end {
                if (0..<needle.count).allSatisfy({ tokens[k + $0].text == needle[$0] }) {
                    let match = tokens[k].byteRange.lowerBound..<tokens[k + needle.count - 1].byteRange.upperBound
                    piece(cursor..<match.lowerBound, nil)
                    piece(match, "0")
                    cursor = match.upperBound
                    k += needle.count
                } else {
                    k += 1
                }
            }
        }
        piece(cursor..<lastByte, nil)
        var metadataFields: [(String, JSONValue)] = [("shard", .int(shard)), ("doc", .int(document))]
        if let id = info.externalID { metadataFields.insert(("id", .string(id)), at: 0) }
        let metadata = JSONValue.object([("path", .string(info.sourcePath)), ("linenum", .int(info.recordNumber)), ("metadata", .object(metadataFields))])
        return .object([
            ("doc_ix", .int(statistics.globalDocument(shard: shard, document: document))), ("doc_len", .int(length)), ("disp_len", .int(end - start)),
            ("needle_offset", needleOffset.map { .int($0 - start) } ?? .null), ("metadata", .string(metadata.text)), ("blocked", .bool(false)),
            ("spans", .array(spans)),
        ])
    }
}
