import Foundation
import ContamIndex

/// `POST /v1/part`: the pieces of a trace that one part of an index spread over servers contributes, in one
/// batch, so that a `contam serve --remote` front can trace over the union (`FederatedTraceCorpus`). Not for
/// people; documented in docs/serve.md with the fan-out.
///
/// In: `{"index", "text"?, "matching_lengths"?: bool, "sequences"?: [[token…]…], "locate_limit"?: n, "context"?}`.
/// Out: `tokens` (`[[text, byte_start, byte_end]…]` of `text`), `matching_lengths` of those tokens when asked,
/// `counts` and, with `locate_limit` > 0, `occurrences` of each sequence (tokens as normalized, not re-tokenized),
/// and `corpus_tokens`.
extension ServeAPI {
    static let maxPartSequences = 10_000

    func part(_ body: APIRequestBody) throws -> HTTPResponse {
        let served = try self.served(named: try body.string("index"))
        let index = try full(served, for: "part")
        var fields: [(String, JSONValue)] = [("corpus_tokens", .int(IndexTraceCorpus(index: index).tokenCount()))]
        if let text = try body.string("text") {
            let tokens = index.tokens(of: text)
            try checkLength(tokens.count, limit: limits.maxTextTokens, what: "text")
            fields.append(("tokens", .array(tokens.map { .array([.string($0.text), .int($0.byteRange.lowerBound), .int($0.byteRange.upperBound)]) })))
            if try body.bool("matching_lengths", default: false) {
                fields.append(("matching_lengths", .array(index.matchingLengths(of: tokens.map(\.text)).map { .int($0) })))
            }
        }
        if body.has("sequences") {
            guard let list = body.fields["sequences"] as? [Any] else { throw APIError.badParameter("sequences", "a list of lists of tokens") }
            if list.count > Self.maxPartSequences { throw APIError(413, "sequences: \(list.count), the limit is \(Self.maxPartSequences)") }
            let sequences = try list.enumerated().map { k, element -> [String] in
                guard let tokens = element as? [String], !tokens.isEmpty else { throw APIError.badParameter("sequences[\(k)]", "a non-empty list of token strings") }
                try checkLength(tokens.count, limit: limits.maxTextTokens, what: "sequences[\(k)]")
                return tokens
            }
            let corpus = IndexTraceCorpus(index: index)
            fields.append(("counts", .array(corpus.counts(of: sequences).map { .int($0) })))
            let limit = try body.int("locate_limit", default: 0, range: 0...100)
            if limit > 0 {
                let context = try body.int("context", default: PhraseQuery.defaultContextBytes, range: 0...10_000)
                fields.append(("occurrences", .array(try corpus.locate(sequences, limit: limit, contextBytes: context).map { JSONValue.encoded($0) })))
            }
        }
        return JSONValue.object(fields).response()
    }
}
