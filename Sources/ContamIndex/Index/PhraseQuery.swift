import ContamText

/// The answers of `contam query`: counts, located occurrences with their passages, longest match.
/// Kept in the library so tests and other commands can use them; the CLI only prints.
public struct PhraseQuery {
    /// Occurrences `locate` shows unless asked for more (`query --limit`).
    public static let defaultLimit = 10
    /// Bytes of context around a passage (`query --context`).
    public static let defaultContextBytes = 80

    public let index: Index

    public init(index: Index) { self.index = index }

    /// A located occurrence, with where it is and what it looks like in the original text.
    public struct Located: Codable, Equatable, Sendable {
        public var shard: Int
        public var document: Int
        public var documentID: String?
        public var source: String
        public var record: Int
        public var tokenOffset: Int
        public var passage: Passage?
    }

    /// The longest span of a text found in the corpus.
    public struct Longest: Codable, Equatable, Sendable {
        public var queryTokens: Int
        public var matchTokens: Int
        /// Position of the span in the query's tokens.
        public var startToken: Int
        /// The span as it appears in the query text.
        public var text: String
        public var count: Int
        public var example: Located?
    }

    /// The normalized tokens of a phrase, tokenized with the index's options.
    public func tokens(of phrase: String) -> [Token] { index.tokens(of: phrase) }

    /// Occurrences of the phrase in the corpus.
    public func count(_ phrase: String) -> (tokens: Int, count: Int) {
        let (tokenCount, ids) = index.shardIDs(ofText: phrase)
        return (tokenCount, index.count(shardIDs: ids))
    }

    /// Up to `limit` occurrences with their passages, after the first `offset` (paging; see `Index.occurrences(shardIDs:offset:limit:)`).
    public func locate(_ phrase: String, offset: Int = 0, limit: Int = PhraseQuery.defaultLimit, contextBytes: Int = PhraseQuery.defaultContextBytes) throws -> (count: Int, occurrences: [Located]) {
        let (tokenCount, ids) = index.shardIDs(ofText: phrase)
        let total = index.count(shardIDs: ids)
        let found = index.occurrences(shardIDs: ids, offset: offset, limit: limit)
        return (total, try found.map { try located($0, length: tokenCount, contextBytes: contextBytes) })
    }

    /// Up to `limit` occurrences of a sequence of normalized tokens (already tokenized with the index's options), with their passages.
    public func locate(tokens: [String], limit: Int = PhraseQuery.defaultLimit, contextBytes: Int = PhraseQuery.defaultContextBytes) throws -> [Located] {
        try index.occurrences(of: tokens[...], limit: limit).map { try located($0, length: tokens.count, contextBytes: contextBytes) }
    }

    /// The longest span of `text` occurring in the corpus, with its count and one source.
    public func longest(_ text: String, contextBytes: Int = PhraseQuery.defaultContextBytes) throws -> Longest {
        let queryTokens = self.tokens(of: text)
        let strings = queryTokens.map(\.text)
        let best = index.longestMatch(of: strings)
        guard best.length > 0 else {
            return Longest(queryTokens: strings.count, matchTokens: 0, startToken: 0, text: "", count: 0, example: nil)
        }
        let span = strings[best.start..<(best.start + best.length)]
        let utf8 = Array(text.utf8)
        let byteRange = queryTokens[best.start].byteRange.lowerBound..<queryTokens[best.start + best.length - 1].byteRange.upperBound
        let example = try index.occurrences(of: span, limit: 1).first.map { try located($0, length: best.length, contextBytes: contextBytes) }
        return Longest(queryTokens: strings.count, matchTokens: best.length, startToken: best.start,
                       text: String(decoding: utf8[byteRange], as: UTF8.self), count: best.count, example: example)
    }

    func located(_ occurrence: CorpusOccurrence, length: Int, contextBytes: Int) throws -> Located {
        let info = try index.documentInfo(occurrence.document)
        let passage = try index.passage(occurrence.document, tokenRange: occurrence.tokenOffset..<(occurrence.tokenOffset + length), contextBytes: contextBytes)
        return Located(shard: occurrence.document.shard, document: occurrence.document.document, documentID: info.externalID,
                       source: info.sourcePath, record: info.recordNumber, tokenOffset: occurrence.tokenOffset, passage: passage)
    }
}
