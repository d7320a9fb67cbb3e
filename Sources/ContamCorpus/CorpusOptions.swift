/// How corpus inputs are read into documents (the ingestion flags of `contam index`).
public struct CorpusOptions: Sendable, Equatable {
    /// Read every input as this format instead of detecting it from the file name (`--format`), every file of a
    /// directory walk included.
    public var format: InputFormat?
    /// JSON: the field paths (docs/field-paths.md: `text`, `question.stem`, `choices[]`) whose strings make the
    /// text (`--field`, default `text`); the non-empty values are joined with a newline, in order.
    public var textFields: [String]
    /// JSON or CSV: the field path or column holding each record's id (`--id-field`), string or number. When nil,
    /// a JSON record's top-level `id` is its id if it has one.
    public var idField: String?
    /// JSON: the path of the records inside each document or line (`--records`, e.g. `data[].paragraphs[]`);
    /// nil: a document's top-level array gives its elements, an object is one record, each JSONL line is one.
    public var records: FieldPath?
    /// JSON documents (not JSON Lines) are read whole; larger ones are refused with advice to convert them.
    public var maximumDocumentBytes: Int = JSONDocumentReader.defaultMaximumBytes
    /// Text: one document per line (`--lines`) instead of one per file.
    public var linesAreDocuments: Bool
    /// CSV: the header column holding the text (`--field` for CSV inputs); nil indexes each whole raw row,
    /// header row included, as it is written in the file.
    public var csvColumn: String?
    /// CSV: the field separator byte.
    public var csvDelimiter: UInt8
    /// Skip and count bad records (malformed JSON, missing or non-string fields, short CSV rows) instead of
    /// stopping at the first (`--skip-bad-records`).
    public var skipBadRecords: Bool
    /// Throw `CorpusError.emptyInput` when all inputs together yield no document.
    public var requireDocuments: Bool
    /// Which files of a directory walk are read (`--include`, `--exclude`).
    public var selection = InputSelection()

    public init(format: InputFormat? = nil, textFields: [String] = ["text"], idField: String? = nil,
                linesAreDocuments: Bool = false, csvColumn: String? = nil, csvDelimiter: UInt8 = UInt8(ascii: ","),
                skipBadRecords: Bool = false, requireDocuments: Bool = true, records: FieldPath? = nil) {
        self.records = records
        self.format = format
        self.textFields = textFields
        self.idField = idField
        self.linesAreDocuments = linesAreDocuments
        self.csvColumn = csvColumn
        self.csvDelimiter = csvDelimiter
        self.skipBadRecords = skipBadRecords
        self.requireDocuments = requireDocuments
    }
}
