/// One item read from an items file: its identity, the text to check, and the exact bytes of the record
/// it came from (so `--write-clean` can copy kept records byte for byte).
public struct CheckItem: Sendable, Equatable {
    /// The `--id-field` value, else `file:record`.
    public var id: String
    /// The file it was read from (`-` for stdin).
    public var sourcePath: String
    /// 1-based line number (JSONL, `--lines`) or 1 for a whole-file item.
    public var recordNumber: Int
    /// The text checked: the chosen fields joined by newlines, or the line / file.
    public var text: [UInt8]
    /// The record exactly as read: a line with its line ending, or a whole file.
    public var rawRecord: [UInt8]

    public init(id: String, sourcePath: String, recordNumber: Int, text: [UInt8], rawRecord: [UInt8]) {
        self.id = id
        self.sourcePath = sourcePath
        self.recordNumber = recordNumber
        self.text = text
        self.rawRecord = rawRecord
    }

    /// `file:record`, for messages.
    public var location: String { "\(sourcePath):\(recordNumber)" }
}
