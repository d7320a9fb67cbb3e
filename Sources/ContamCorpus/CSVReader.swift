import ContamStorage

/// One record of a CSV file.
public struct CSVRecord: Sendable, Equatable {
    /// The field values, unquoted and unescaped (`""` inside quotes becomes `"`). Invalid UTF-8 is replaced by U+FFFD.
    public var fields: [String]
    /// The record's raw text exactly as in the file, quotes included, without the line terminator.
    public var rawText: String
    /// The 1-based line on which the record starts (a record with quoted newlines spans several lines).
    public var lineNumber: Int

    public init(fields: [String], rawText: String, lineNumber: Int) {
        self.fields = fields
        self.rawText = rawText
        self.lineNumber = lineNumber
    }
}

/// A streaming RFC 4180 CSV record reader over a `ByteSource`: memory is bounded by the largest record, not the file.
///
/// What it accepts, beyond the letter of RFC 4180:
/// - LF or CRLF line ends (a lone CR is data); a final record without a line end.
/// - A UTF-8 byte order mark at the start is stripped.
/// - Completely empty lines (outside quotes) are skipped: they are not records. A line holding `""` is a record
///   with one empty field.
/// - Lenient quotes: a `"` in the middle of an unquoted field (`5'10"`) is kept literally, and text after the
///   closing quote of a quoted field (`"a"b`) is appended literally (`ab`), as Python's `csv` module does. RFC 4180
///   calls both invalid, but they are common in real files and the raw text is always kept as written.
/// - Ragged rows are not an error here: each record has as many fields as it has; callers decide.
///
/// Errors (`CorpusError`, with the path and line): an unbalanced quote (naming the line where the quoted field
/// started), a NUL byte (binary content), a record larger than `maxRecordBytes`. Errors of the source
/// (I/O, zstd) pass through unchanged.
public final class CSVReader {
    /// The path used in error messages.
    public let path: String
    /// The field separator byte (`,` by default; `\t` for TSV, `;` for some locales).
    public let delimiter: UInt8
    /// The largest record accepted (raw bytes). A larger one is reported as `recordTooLarge`, which is almost
    /// always an unbalanced quote that would otherwise swallow the rest of the file into memory.
    public var maxRecordBytes = 256 << 20

    private let source: ByteSource
    private var buffer: [UInt8]
    private var position = 0
    private var count = 0
    /// Bytes read from the source but not yet scanned into records (for exact consumed-byte counts).
    var bufferedBytes: Int { count - position }
    private var sourceFinished = false
    private var started = false
    private var finished = false

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
        case carriageReturn
    }

    private var state = State.fieldStart
    /// The physical line the reader is on (1-based).
    private var line = 1
    private var quoteStartLine = 0

    // The record being assembled: all field bytes back to back, the end offset of each field, and the raw bytes.
    // Kept between records so their capacity is reused.
    private(set) var fieldBytes: [UInt8] = []
    private(set) var fieldEnds: [Int] = []
    private(set) var rawBytes: [UInt8] = []
    private(set) var recordLine = 0

    /// Reads CSV records from `source`; `path` names it in errors.
    public init(source: ByteSource, path: String, delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 16) {
        self.source = source
        self.path = path
        self.delimiter = delimiter
        buffer = [UInt8](repeating: 0, count: max(chunkSize, 4))
    }

    /// The next record, or nil at the end of the input.
    public func nextRecord() throws -> CSVRecord? {
        guard try nextRawRecord() else { return nil }
        var fields: [String] = []
        fields.reserveCapacity(fieldEnds.count)
        for index in 0..<fieldEnds.count {
            fields.append(String(decoding: fieldBytes[fieldRange(index)], as: UTF8.self))
        }
        return CSVRecord(fields: fields, rawText: String(decoding: rawBytes, as: UTF8.self), lineNumber: recordLine)
    }

    /// The byte range of field `index` of the current record within `fieldBytes`.
    func fieldRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : fieldEnds[index - 1])..<fieldEnds[index]
    }

    /// Advances to the next record and leaves it in `fieldBytes`/`fieldEnds`/`rawBytes`/`recordLine`
    /// without building strings; returns false at the end of the input.
    func nextRawRecord() throws -> Bool {
        if finished { return false }
        if !started { try start() }
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        rawBytes.removeAll(keepingCapacity: true)
        state = .fieldStart
        recordLine = line
        while true {
            if position == count {
                if !sourceFinished { try refill() }
                if position == count {
                    return try finishAtEnd()
                }
            }
            if try scanChunk() { return true }
        }
    }

    /// Reads the first bytes and strips a UTF-8 byte order mark.
    private func start() throws {
        started = true
        // Read until at least 3 bytes are here (a pipe may deliver 1 byte at a time) so a BOM is always seen whole.
        while count < 3 && !sourceFinished {
            let got = try buffer.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[count...]))
            }
            if got == 0 { sourceFinished = true } else { count += got }
        }
        if count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            position = 3
        }
    }

    private func refill() throws {
        position = 0
        count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { sourceFinished = true }
    }

    /// Ends the input: completes the last record if one is open.
    private func finishAtEnd() throws -> Bool {
        finished = true
        switch state {
        case .quoted:
            throw CorpusError.unbalancedQuote(path: path, line: quoteStartLine)
        case .fieldStart, .unquoted, .quoteInQuoted, .carriageReturn:
            // A CR at the very end of the input is taken as a line end.
            if rawBytes.isEmpty && fieldBytes.isEmpty && fieldEnds.isEmpty {
                return false
            }
            fieldEnds.append(fieldBytes.count)
            return true
        }
    }

    /// Runs the state machine over the buffered bytes from `position`; returns true when a record is complete
    /// (with `position` just after its line end), false when the chunk ran out first.
    private func scanChunk() throws -> Bool {
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let delimiter = self.delimiter
        return try buffer.withUnsafeBufferPointer { chunk -> Bool in
            // Safe: indices stay in position..<count, and count <= chunk.count (set by refill/start).
            var index = position
            let end = count
            defer { position = index }
            while index < end {
                let byte = chunk[index]
                switch state {
                case .fieldStart:
                    if byte == quote {
                        state = .quoted
                        quoteStartLine = line
                        rawBytes.append(byte)
                        index &+= 1
                    } else {
                        // Not a quoted field: the unquoted state handles this byte (delimiter, line end or data).
                        state = .unquoted
                    }
                case .unquoted:
                    // Fast path: copy the run of ordinary bytes at once. A quote here is data (lenient).
                    var runEnd = index
                    while runEnd < end {
                        let c = chunk[runEnd]
                        if c == delimiter || c == lineFeed || c == carriageReturn || c == 0 { break }
                        runEnd &+= 1
                    }
                    if runEnd > index {
                        try append(UnsafeBufferPointer(rebasing: chunk[index..<runEnd]))
                        index = runEnd
                        continue
                    }
                    index &+= 1
                    if byte == delimiter {
                        fieldEnds.append(fieldBytes.count)
                        rawBytes.append(byte)
                        state = .fieldStart
                    } else if byte == lineFeed {
                        if endLine() { return true }
                    } else if byte == carriageReturn {
                        state = .carriageReturn
                    } else {
                        throw CorpusError.binaryContent(path: path, line: line)
                    }
                case .quoted:
                    var runEnd = index
                    while runEnd < end {
                        let c = chunk[runEnd]
                        if c == quote || c == 0 { break }
                        if c == lineFeed { line &+= 1 }
                        runEnd &+= 1
                    }
                    if runEnd > index {
                        try append(UnsafeBufferPointer(rebasing: chunk[index..<runEnd]))
                        index = runEnd
                        continue
                    }
                    index &+= 1
                    if byte == quote {
                        rawBytes.append(byte)
                        state = .quoteInQuoted
                    } else {
                        throw CorpusError.binaryContent(path: path, line: line)
                    }
                case .quoteInQuoted:
                    if byte == quote {
                        // `""` inside quotes: one literal quote.
                        fieldBytes.append(byte)
                        rawBytes.append(byte)
                        state = .quoted
                        index &+= 1
                    } else {
                        // The field's quotes are closed: a delimiter or line end follows, or text that is kept
                        // literally (lenient, see the type's documentation). The unquoted state handles either.
                        state = .unquoted
                    }
                case .carriageReturn:
                    if byte == lineFeed {
                        index &+= 1
                        if endLine() { return true }
                    } else {
                        // A lone CR is data; the byte after it is handled as ordinary unquoted input.
                        fieldBytes.append(carriageReturn)
                        rawBytes.append(carriageReturn)
                        state = .unquoted
                    }
                }
            }
            return false
        }
    }

    /// Handles a line end outside quotes: completes the record, or skips an empty line. Returns true for a record.
    private func endLine() -> Bool {
        line &+= 1
        if rawBytes.isEmpty && fieldEnds.isEmpty && fieldBytes.isEmpty {
            // An empty line: not a record.
            state = .fieldStart
            recordLine = line
            return false
        }
        fieldEnds.append(fieldBytes.count)
        state = .fieldStart
        return true
    }

    /// Appends data bytes to the current field and the raw record, enforcing the record size limit.
    private func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        fieldBytes.append(contentsOf: bytes)
        rawBytes.append(contentsOf: bytes)
        if rawBytes.count > maxRecordBytes {
            throw CorpusError.recordTooLarge(path: path, line: recordLine, limitBytes: maxRecordBytes)
        }
    }
}

/// Convenience entry points for CSV text that is already in memory.
public enum CSVParser {
    /// All records of `text`; `path` names it in errors. See `CSVReader` for the accepted dialect.
    public static func records(in text: String, path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [CSVRecord] {
        try records(in: Array(text.utf8), path: path, delimiter: delimiter)
    }

    /// All records of the CSV bytes; `path` names them in errors.
    public static func records(in bytes: [UInt8], path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [CSVRecord] {
        let reader = CSVReader(source: MemoryByteSource(bytes), path: path, delimiter: delimiter)
        var result: [CSVRecord] = []
        while let record = try reader.nextRecord() { result.append(record) }
        return result
    }
}
