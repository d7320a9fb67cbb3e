/// How corpus inputs are read into documents (the ingestion flags of `contam index`).
public struct CorpusOptions: Sendable, Equatable {
    /// Read every input as this format instead of detecting it from the file name (`--format`), every file of a
    /// directory walk included.
    public var format: InputFormat?
    /// JSONL: the string fields holding the text (`--field`, default `text`); several are joined with a blank line.
    public var textFields: [String]
    /// JSONL or CSV: the field or column holding each record's id (`--id-field`), string or number.
    public var idField: String?
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
                skipBadRecords: Bool = false, requireDocuments: Bool = true) {
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
