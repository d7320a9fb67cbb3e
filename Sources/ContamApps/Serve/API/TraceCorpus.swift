import ContamIndex

/// What a trace asks of a corpus, in batches: one index here, or the parts of an index spread over servers.
public protocol TraceCorpus {
    /// L[i]: the longest prefix of `tokens[i...]` that occurs in the corpus, for every i.
    func matchingLengths(of tokens: [String]) throws -> [Int]
    /// Occurrences of each token sequence.
    func counts(of sequences: [[String]]) throws -> [Int]
    /// Up to `limit` located occurrences of each token sequence.
    func locate(_ sequences: [[String]], limit: Int, contextBytes: Int) throws -> [[PhraseQuery.Located]]
    /// Tokens of the corpus (without document separators): the denominator of unigram probabilities.
    func tokenCount() throws -> Int
}

/// One full index as a `TraceCorpus`.
public struct IndexTraceCorpus: TraceCorpus {
    public let index: Index

    public init(index: Index) { self.index = index }

    public func matchingLengths(of tokens: [String]) -> [Int] { index.matchingLengths(of: tokens) }
    public func counts(of sequences: [[String]]) -> [Int] { sequences.map { index.count(of: $0[...]) } }
    public func locate(_ sequences: [[String]], limit: Int, contextBytes: Int) throws -> [[PhraseQuery.Located]] {
        let query = PhraseQuery(index: index)
        return try sequences.map { try query.locate(tokens: $0, limit: limit, contextBytes: contextBytes) }
    }
    public func tokenCount() -> Int { index.shards.reduce(0) { $0 + $1.suffixArray.count - $1.documents.count } }
}

/// A corpus answered something a trace cannot use (a remote part's answer of the wrong shape).
public struct TraceCorpusError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
