/// Counts gathered while reading a corpus, for the summary line and the index manifest.
public struct CorpusStatistics: Sendable, Equatable {
    /// Documents delivered.
    public var documents = 0
    /// Bytes of text in the delivered documents (after UTF-8 repair).
    public var textBytes = 0
    /// Documents skipped because they hold no non-whitespace text.
    public var emptyDocumentsSkipped = 0
    /// Bad records skipped under `skipBadRecords`.
    public var recordsSkipped = 0
    /// The reasons for the first few skipped records (full error sentences naming file and line).
    public var skipReasons: [String] = []
    /// Invalid UTF-8 sequences (and lone `\u` surrogates in JSON) replaced by U+FFFD.
    public var invalidUTF8Replaced = 0
    /// Source files (or stdin) read to the end.
    public var filesRead = 0

    /// How many skip reasons are kept.
    public static let maximumSkipReasons = 10

    public init() {}

    /// A one-line human summary, e.g. "8321 documents, 105.2 MB of text from 1 file; 2 bad records skipped".
    public var summary: String {
        var text = "\(documents) document\(documents == 1 ? "" : "s"), \(Self.megabytes(textBytes)) of text from \(filesRead) file\(filesRead == 1 ? "" : "s")"
        var notes: [String] = []
        if emptyDocumentsSkipped > 0 { notes.append("\(emptyDocumentsSkipped) empty document\(emptyDocumentsSkipped == 1 ? "" : "s") skipped") }
        if recordsSkipped > 0 { notes.append("\(recordsSkipped) bad record\(recordsSkipped == 1 ? "" : "s") skipped") }
        if invalidUTF8Replaced > 0 { notes.append("\(invalidUTF8Replaced) invalid UTF-8 sequence\(invalidUTF8Replaced == 1 ? "" : "s") replaced by U+FFFD") }
        if !notes.isEmpty { text += "; " + notes.joined(separator: ", ") }
        return text
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
