/// A document of an indexed corpus: which shard, and its number within the shard.
public struct CorpusDocumentRef: Hashable, Sendable, Comparable {
    public var shard: Int
    public var document: Int

    public init(shard: Int, document: Int) {
        self.shard = shard
        self.document = document
    }

    public static func < (a: Self, b: Self) -> Bool { (a.shard, a.document) < (b.shard, b.document) }
}

/// One occurrence of a token sequence in the corpus.
public struct CorpusOccurrence: Hashable, Sendable {
    public var document: CorpusDocumentRef
    /// Offset of the first matching token within the document (0 = the document's first token).
    public var tokenOffset: Int

    public init(document: CorpusDocumentRef, tokenOffset: Int) {
        self.document = document
        self.tokenOffset = tokenOffset
    }
}

/// Where a corpus document came from.
public struct CorpusDocumentInfo: Hashable, Sendable {
    /// The external id (`--id-field`), when the input had one.
    public var externalID: String?
    /// The input file the document was read from (`-` for stdin).
    public var sourcePath: String
    /// 1-based line / record number within the source file (1 for whole-file documents).
    public var recordNumber: Int
    /// Number of tokens in the document.
    public var tokenCount: Int

    public init(externalID: String?, sourcePath: String, recordNumber: Int, tokenCount: Int) {
        self.externalID = externalID
        self.sourcePath = sourcePath
        self.recordNumber = recordNumber
        self.tokenCount = tokenCount
    }

    /// A label for reports: the external id if any, else `file:record`.
    public var label: String { externalID ?? "\(sourcePath):\(recordNumber)" }
}

/// What detection (`contam check`, tabular exposure) needs from an indexed corpus. `Index` conforms,
/// answering from its suffix arrays over all shards; tests use a brute-force in-memory corpus as the oracle.
/// Token sequences are normalized token strings as produced by a `Tokenizer` with `tokenizerOptions`.
public protocol CorpusQuerying: Sendable {
    /// The options the corpus was tokenized with; items must be tokenized the same way.
    var tokenizerOptions: TokenizerOptions { get }
    /// For every start position i, the length of the longest prefix of `tokens[i...]` that occurs in
    /// the corpus (0 when even `tokens[i]` does not occur). Matches never cross document boundaries.
    func matchingStatistics(of tokens: [String]) -> [Int]
    /// Number of occurrences of the sequence in the whole corpus.
    func count(of tokens: ArraySlice<String>) -> Int
    /// Number of distinct documents containing the sequence, counting no further than `cap`.
    func documentCount(of tokens: ArraySlice<String>, cap: Int) -> Int
    /// Up to `limit` occurrences of the sequence, in a deterministic order.
    func occurrences(of tokens: ArraySlice<String>, limit: Int) -> [CorpusOccurrence]
    /// Metadata of one document.
    func documentInfo(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo
    /// The document's raw UTF-8 text and its tokens (normalized, with byte ranges into that text).
    func documentTokens(_ ref: CorpusDocumentRef) throws -> (text: [UInt8], tokens: [Token])
}
