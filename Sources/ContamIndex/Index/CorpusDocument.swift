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
