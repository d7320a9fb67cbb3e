import Foundation
import ContamIndex

/// The parts of a union index as one `TraceCorpus`: matching statistics are the maximum over the parts (a
/// prefix occurs in the union exactly when it occurs in some part), counts are sums, located occurrences run
/// in part order with shard numbers of the union. Each batch is one `/v1/part` request to every part.
struct FederatedTraceCorpus: TraceCorpus {
    let api: FederatedAPI
    let union: FederatedAPI.UnionIndex
    /// From the first round (`FederatedAPI.trace`), which also brought the tokens.
    let lengths: [Int]
    let corpusTokens: Int

    func matchingLengths(of tokens: [String]) -> [Int] { lengths }

    func tokenCount() -> Int { corpusTokens }

    func counts(of sequences: [[String]]) throws -> [Int] {
        guard !sequences.isEmpty else { return [] }
        let answers = try api.ask(union.parts, "/v1/part", ["index": union.name, "sequences": sequences])
        var total = [Int](repeating: 0, count: sequences.count)
        for answer in answers {
            let counts = (answer["counts"] as? [Any])?.map { FederatedAPI.int($0) } ?? []
            guard counts.count == sequences.count else { throw PartFailure.inconsistent("a part answered \(counts.count) counts for \(sequences.count) sequences") }
            for k in total.indices { total[k] += counts[k] }
        }
        return total
    }

    func locate(_ sequences: [[String]], limit: Int, contextBytes: Int) throws -> [[PhraseQuery.Located]] {
        guard !sequences.isEmpty else { return [] }
        let answers = try api.ask(union.parts, "/v1/part", ["index": union.name, "sequences": sequences, "locate_limit": limit, "context": contextBytes])
        var merged = [[PhraseQuery.Located]](repeating: [], count: sequences.count)
        let decoder = JSONDecoder()
        for (part, answer) in zip(union.parts, answers) {
            guard let lists = answer["occurrences"] as? [Any], lists.count == sequences.count else {
                throw PartFailure.inconsistent("\(part.label) answered occurrences for a different number of sequences")
            }
            for (k, list) in lists.enumerated() where merged[k].count < limit {
                let data = try JSONSerialization.data(withJSONObject: list)
                for var located in try decoder.decode([PhraseQuery.Located].self, from: data) where merged[k].count < limit {
                    located.shard += part.shardOffset
                    merged[k].append(located)
                }
            }
        }
        return merged
    }
}

extension FederatedAPI {
    /// `POST /v1/trace` over the union: the local trace's definitions and answer shape, from four batches.
    func trace(_ union: UnionIndex, _ fields: [String: Any], request: HTTPRequest) throws -> HTTPResponse {
        let body = APIRequestBody(fields: fields)
        let text = try body.requiredString("text")
        let minMatch = try body.int("min_match", default: 8, range: 1...10_000)
        let maxSpans = try body.int("max_spans", default: 100, range: 0...10_000)
        let maxSources = try body.int("max_sources", default: 3, range: 0...100)
        let context = try body.int("context", default: PhraseQuery.defaultContextBytes, range: 0...10_000)
        let answers = try ask(union.parts, "/v1/part", ["index": union.name, "text": text, "matching_lengths": true])
        guard let tokenList = answers[0]["tokens"] as? [[Any]] else { throw PartFailure.inconsistent("\(union.parts[0].label) sent no tokens") }
        let tokens = try tokenList.map { entry -> (text: String, byteRange: Range<Int>) in
            guard entry.count == 3, let token = entry[0] as? String else { throw PartFailure.inconsistent("a token is not [text, start, end]") }
            let start = FederatedAPI.int(entry[1]), end = FederatedAPI.int(entry[2])
            guard 0 <= start, start < end else { throw PartFailure.inconsistent("a token's byte range is empty or negative") }
            return (token, start..<end)
        }
        var lengths = [Int](repeating: 0, count: tokens.count)
        var corpusTokens = 0
        for (part, answer) in zip(union.parts, answers) {
            let partLengths = (answer["matching_lengths"] as? [Any])?.map { FederatedAPI.int($0) } ?? []
            guard partLengths.count == tokens.count else { throw PartFailure.inconsistent("\(part.label) tokenized the text into \(partLengths.count) tokens, not \(tokens.count)") }
            for k in lengths.indices { lengths[k] = max(lengths[k], partLengths[k]) }
            corpusTokens += FederatedAPI.int(answer["corpus_tokens"])
        }
        let corpus = FederatedTraceCorpus(api: self, union: union, lengths: lengths, corpusTokens: corpusTokens)
        let trace: OutputTrace
        do {
            trace = try OutputTrace.trace(text, tokens: tokens, corpus: corpus, minMatch: minMatch, maxSpans: maxSpans, maxSources: maxSources,
                                          contextBytes: context, shouldStop: { request.isPastDeadline })
        } catch is TraceInterrupted {
            throw APIError.pastDeadline
        } catch let error as TraceCorpusError {
            throw PartFailure.inconsistent(error.description)
        }
        return JSONValue.object([
            ("index", .string(union.name)), ("tokens", .int(trace.tokenCount)), ("min_match", .int(minMatch)),
            ("span_count", .int(trace.spanCount)), ("spans", .array(trace.spans.map { JSONValue.encoded($0) })),
        ]).response()
    }
}
