import ContamIndex
import ContamText

/// What detection (`contam check`, tabular exposure) needs from an indexed corpus. `Index` conforms,
/// answering from its suffix arrays over all shards; tests use a brute-force in-memory corpus as the oracle.
/// Token sequences are normalized token strings as produced by a `Tokenizer` with `tokenizerOptions`.
public protocol CorpusQuerying: Sendable {
    /// The options the corpus was tokenized with; items must be tokenized the same way.
    var tokenizerOptions: TokenizerOptions { get }
    /// For every start position i, the length of the longest prefix of `tokens[i...]` that occurs in
    /// the corpus (0 when even `tokens[i]` does not occur). Matches never cross document boundaries.
    func matchingLengths(of tokens: [String]) -> [Int]
    /// Builds now whatever makes many `matchingLengths` calls faster (`Index`: every shard's search guide, in
    /// parallel); nothing by default. Answers are the same either way.
    func prepareForMatching()
    /// Number of occurrences of the sequence in the whole corpus.
    func count(of tokens: ArraySlice<String>) -> Int
    /// Number of distinct documents containing the sequence, counting no further than `cap`.
    func documentCount(of tokens: ArraySlice<String>, cap: Int) -> Int
    /// Up to `limit` occurrences of the sequence, in a deterministic order.
    func occurrences(of tokens: ArraySlice<String>, limit: Int) -> [CorpusOccurrence]
    /// Documents in each shard: `CorpusDocumentRef(shard: s, document: 0..<shardDocumentCounts[s])` names them all
    /// (probe extract samples from them).
    var shardDocumentCounts: [Int] { get }
    /// Token positions in each shard, every document's tokens followed by one separator position: drawing a
    /// position uniformly from them and mapping it with `occurrence(atPosition:shard:)` samples corpus tokens
    /// uniformly without enumerating documents.
    var shardTokenCounts: [Int] { get }
    /// The document and token offset of `position` in `shard`; nil for a separator or a position out of range.
    func occurrence(atPosition position: Int, shard: Int) -> CorpusOccurrence?
    /// Metadata of one document.
    func documentInfo(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo
    /// The document's raw UTF-8 text and its tokens (normalized, with byte ranges into that text).
    func documentTokens(_ ref: CorpusDocumentRef) throws -> (text: [UInt8], tokens: [Token])
    /// The same corpus's n-gram sketches, when it has them (the sketch first pass probes them); nil by default.
    var sketchedIndex: (any SketchedIndex)? { get }
    /// Whether documents from `sourcePath` hold that file's text as it is (plain text), so a match's line
    /// in its document gives its line in the file; false by default (records of JSON, CSV).
    func documentsAreFileText(sourcePath: String) -> Bool
}

extension CorpusQuerying {
    public func prepareForMatching() {}
    public var sketchedIndex: (any SketchedIndex)? { nil }
    public func documentsAreFileText(sourcePath: String) -> Bool { false }
}
