/// One corpus document as read from its source: where it came from and its text.
public struct Document: Sendable, Equatable {
    /// The index of the source file in `CorpusReader.sources`.
    public var sourceIndex: Int
    /// Where the document starts in its source, 1-based: the line for JSONL and per-line text, the line on which the
    /// record starts for CSV, and 1 for whole-file text documents.
    public var recordNumber: Int
    /// The document's own id (JSONL `--id-field`, CSV id column), if the input has one.
    public var externalID: String?
    /// The document text, valid UTF-8 (invalid input sequences were replaced by U+FFFD and counted).
    public var text: [UInt8]

    public init(sourceIndex: Int, recordNumber: Int, externalID: String?, text: [UInt8]) {
        self.sourceIndex = sourceIndex
        self.recordNumber = recordNumber
        self.externalID = externalID
        self.text = text
    }
}
