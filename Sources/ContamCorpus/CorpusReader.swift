import Foundation
import ContamStorage

/// Reads corpus inputs (files, directories, `-` for stdin) into documents, one source after another in a fixed order.
///
/// - Files: the format comes from the extension (`InputFormat.detect`, after any `.gz`/`.bz2`/`.xz`/`.zst`) or
///   `CorpusOptions.format`; gzip, bzip2, xz and zstd content (told by its magic bytes) is streamed through its
///   decoder, never decompressed whole.
/// - Directories are walked by `InputFiles` (sorted, `--include` / `--exclude`); what a walk does not read is
///   kept in `skippedInputs` for the commands to report.
/// - `-` reads standard input. Its format is `CorpusOptions.format` if given, else JSONL when the first non-space
///   byte is `{`, else text; compressed input (by its magic bytes) is decompressed.
///
/// Whole-file text documents are read in full (each is one document); every other format streams with memory bounded
/// by the longest line or record. Documents with no non-whitespace text are skipped and counted.
public final class CorpusReader {
    /// The resolved source files, in reading order; `Document.sourceIndex` points into it. `-` is standard input.
    public private(set) var sources: [String]
    /// The options the reader was made with.
    public let options: CorpusOptions
    /// What the directory walks did not read (never silent: the commands report it). A reader over one part of
    /// the files (`--shard K/N`) is given the whole walk's.
    public var skippedInputs: [SkippedInput]
    /// Counts so far (complete after `forEachDocument` returns).
    public private(set) var statistics = CorpusStatistics()
    /// The sum of the sources' sizes on disk (compressed size for `.zst`; 0 for stdin), for progress and ETA.
    public private(set) var inputBytesTotal = 0
    /// The on-disk bytes consumed so far (compressed bytes for `.zst`). Read it from the `forEachDocument` body
    /// to report progress.
    public var inputBytesRead: Int { bytesRead.value }
    /// The sum of the sources' content sizes: file sizes, and the decompressed sizes `.zst` frames declare;
    /// nil when one is unknown (stdin, a frame without a declared size).
    public private(set) var contentBytesTotal: Int?
    /// The content bytes (decompressed, for `.zst`) consumed so far: read from the sources minus what the
    /// line or CSV reader holds unconsumed, so it matches the documents delivered. `inputBytesRead`
    /// runs ahead by the read-ahead and tracks compressed bytes, whose ratio to text changes along a corpus.
    public var contentBytesRead: Int { contentRead.value - (bufferedBytesOfActiveReader?() ?? 0) }

    private let bytesRead = ByteCounter()
    private let contentRead = ByteCounter()
    private var bufferedBytesOfActiveReader: (() -> Int)?
    /// Opens standard input; tests replace it.
    var openStandardInput: () throws -> ByteSource = { try FileByteSource(path: "-") }

    /// Resolves `inputs` into source files. Throws `CorpusError` for no inputs, a missing or unreadable path,
    /// a directory without supported files, or a file whose format cannot be told from its name.
    public init(inputs: [String], options: CorpusOptions = CorpusOptions()) throws {
        self.options = options
        guard !inputs.isEmpty else { throw CorpusError.noInputs }
        let resolved = try InputFiles.resolve(inputs, format: options.format, selection: options.selection)
        var total = 0
        let fileManager = FileManager.default
        for source in resolved.files where source != "-" {
            let size = (try? fileManager.attributesOfItem(atPath: source)[.size] as? NSNumber)?.intValue ?? 0
            total += size
        }
        sources = resolved.files
        skippedInputs = resolved.skipped
        inputBytesTotal = total
        contentBytesTotal = Self.contentSize(of: resolved.files)
    }

    /// The sum of the sources' content sizes, or nil when one is unknown.
    static func contentSize(of sources: [String]) -> Int? {
        var total = 0
        for source in sources {
            guard source != "-" else { return nil }
            // By content, as `read` decompresses: a plain file's size, a zstd frame's declared size, else unknown.
            guard let size = DecompressingByteSource.contentSize(ofFileAt: source) else { return nil }
            total += size
        }
        return total
    }

    /// Reads every source in order and calls `body` with each non-empty document. Throws the first `CorpusError`
    /// (bad records are skipped and counted instead under `skipBadRecords`) and any error `body` throws.
    public func forEachDocument(_ body: (Document) throws -> Void) throws {
        statistics = CorpusStatistics()
        bytesRead.value = 0
        contentRead.value = 0
        for (sourceIndex, path) in sources.enumerated() {
            do {
                try read(sourceIndex: sourceIndex, path: path, body)
            } catch let error as StorageError {
                throw Self.corpusError(error, path: path)
            }
            statistics.filesRead += 1
        }
        if options.requireDocuments && statistics.documents == 0 {
            throw CorpusError.emptyInput(paths: sources)
        }
    }

    /// Turns a storage-layer error on `path` into the corpus error a user should see.
    public static func corpusError(_ error: StorageError, path: String) -> CorpusError {
        switch error {
        case let .zstd(errorPath, message):
            return .compressed(path: errorPath, detail: message)
        case let .decompression(errorPath, format, offset, detail):
            return .compressed(path: errorPath, detail: "\(detail) (\(format.rawValue) data, compressed byte \(offset))")
        case let .io(errorPath, operation, message):
            return .unreadablePath(path: errorPath, reason: "\(operation) failed: \(message)")
        default:
            return .unreadablePath(path: path, reason: error.description)
        }
    }

    private func read(sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        if (options.format ?? (path == "-" ? nil : InputFormat.detect(path: path)?.format)) == .parquet {
            guard path != "-" else { throw CorpusError.unreadablePath(path: "<stdin>", reason: "Parquet is read by seeking in the file, so not from standard input; pass the file") }
            return try readParquet(sourceIndex: sourceIndex, path: path, body)
        }
        let file = CountingByteSource(path == "-" ? try openStandardInput() : try FileByteSource(path: path), counter: bytesRead)
        let name = path == "-" ? "<stdin>" : path
        // gzip, bzip2, xz or zstd by content, whatever the name says (DecompressingByteSource).
        var source = try DecompressingByteSource.open(file, path: name).source
        let format: InputFormat
        if path == "-" {
            let sniffer = SniffingByteSource(source)
            source = sniffer
            format = try options.format ?? Self.sniffFormat(sniffer.head())
        } else {
            let detected = InputFormat.detect(path: path)
            guard let chosen = options.format ?? detected?.format else { throw CorpusError.unknownFormat(path: path) }
            format = chosen
        }
        source = CountingByteSource(source, counter: contentRead)
        defer { bufferedBytesOfActiveReader = nil }
        switch format {
        case .text:
            if options.linesAreDocuments {
                try readTextLines(source, sourceIndex: sourceIndex, path: name, body)
            } else {
                try readWholeText(source, sourceIndex: sourceIndex, body)
            }
        case .jsonl:
            try readJSON(source, sourceIndex: sourceIndex, path: name, body)
        case .csv:
            try readCSV(source, sourceIndex: sourceIndex, path: name, body)
        case .parquet:
            throw InternalError("Parquet inputs are read by readParquet, before a byte stream is opened")
        }
    }

    /// A Parquet file: one document per row, numbered from 1. Only the top-level columns the field paths start
    /// with are read; a single top-level text column without an id column takes the string fast path (no record
    /// per row). A column the paths name that the file lacks is an error listing the columns.
    private func readParquet(sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let file: ParquetFile
        do { file = try ParquetFile(path: path) } catch let error as ParquetError { throw CorpusError.parquet(error) }
        var selector = try RecordFieldSelector(fields: options.textFields, idField: options.idField, defaultID: true)
        func topKey(_ path: FieldPath) -> String? {
            guard case let .key(key)? = path.components.first else { return nil }
            return key
        }
        var columns: [String] = []
        for textPath in selector.textPaths {
            guard let key = topKey(textPath), file.columnNames.contains(key) else {
                throw CorpusError.missingColumn(path: path, column: topKey(textPath) ?? textPath.description, columns: file.columnNames, role: .text)
            }
            if !columns.contains(key) { columns.append(key) }
        }
        if let idPath = selector.idPath {
            if let key = topKey(idPath), file.columnNames.contains(key) {
                if !columns.contains(key) { columns.append(key) }
            } else if selector.idIsOptional {
                selector = RecordFieldSelector(textPaths: selector.textPaths, idPath: nil)
            } else {
                throw CorpusError.missingColumn(path: path, column: topKey(idPath) ?? idPath.description, columns: file.columnNames, role: .id)
            }
        }
        do {
            var done = false
            if selector.idPath == nil, selector.textPaths.count == 1, let column = selector.textPaths[0].topLevelKey {
                do {
                    try file.forEachString(column: column) { text, row in
                        guard let text else {
                            // A null, as the record path (and JSON) treats it: no text in this record.
                            try skipOrThrow(.pathHasNoValue(path: path, line: nil, record: "row \(row + 1)", option: "--field", fieldPaths: [column]))
                            return
                        }
                        try deliverValid(Array(text.utf8), sourceIndex: sourceIndex, recordNumber: row + 1, id: nil, body)
                    }
                    done = true
                } catch ParquetError.unsuitableColumn {
                    // Not a plain string column (a list, a struct, a number): thrown before any row, so read records.
                }
            }
            if !done {
                try file.forEachRow(columns: columns) { row, number in
                    try deliverRecord(SelectedValue(location: [], value: .object(row)), selector: selector,
                                      location: RecordLocation(path: path, record: "row \(number + 1)"), sourceIndex: sourceIndex,
                                      recordNumber: number + 1, body)
                }
            }
        } catch let error as ParquetError {
            throw CorpusError.parquet(error)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        bytesRead.value += size
        contentRead.value += size
    }

    /// JSON if the first non-space byte is `{` or `[`, else text.
    static func sniffFormat(_ head: [UInt8]) -> InputFormat {
        let first = head.first { !(0x09...0x0D).contains($0) && $0 != 0x20 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        // `[`: a JSON document holding an array of records (read whole, as a `.json` file would be).
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .jsonl : .text
    }

    /// Delivers a document unless it is blank; repairs its UTF-8 first.
    private func deliver(_ text: inout [UInt8], sourceIndex: Int, recordNumber: Int, id: String?, _ body: (Document) throws -> Void) throws {
        statistics.invalidUTF8Replaced += UTF8Repair.repair(&text)
        try deliverValid(text, sourceIndex: sourceIndex, recordNumber: recordNumber, id: id, body)
    }

    private func deliverValid(_ text: [UInt8], sourceIndex: Int, recordNumber: Int, id: String?, _ body: (Document) throws -> Void) throws {
        guard !Self.isBlank(text) else {
            statistics.emptyDocumentsSkipped += 1
            return
        }
        statistics.documents += 1
        statistics.textBytes += text.count
        try body(Document(sourceIndex: sourceIndex, recordNumber: recordNumber, externalID: id, text: text))
    }

    /// True when `bytes` hold only ASCII whitespace.
    static func isBlank<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        !bytes.contains { !($0 == 0x20 || (0x09...0x0D).contains($0)) }
    }

    /// Counts a bad record under `skipBadRecords`, or throws it.
    private func skipOrThrow(_ error: CorpusError) throws {
        guard options.skipBadRecords && error.isRecordError else { throw error }
        statistics.recordsSkipped += 1
        if statistics.skipReasons.count < CorpusStatistics.maximumSkipReasons {
            statistics.skipReasons.append(error.description)
        }
    }

    private func readWholeText(_ source: ByteSource, sourceIndex: Int, _ body: (Document) throws -> Void) throws {
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { break }
            text.append(contentsOf: chunk[0..<got])
        }
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        if let nul = text.firstIndex(of: 0) {
            try skipOrThrow(.binaryContent(path: sources[sourceIndex] == "-" ? "<stdin>" : sources[sourceIndex], line: 1 + text[..<nul].lazy.filter { $0 == 0x0A }.count))
            return
        }
        try deliver(&text, sourceIndex: sourceIndex, recordNumber: 1, id: nil, body)
    }

    private func readTextLines(_ source: ByteSource, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let lines = LineReader(source: source)
        bufferedBytesOfActiveReader = { lines.bufferedBytes }
        try lines.forEachLine { line, number in
            var text = Array(line)
            if number == 1 && text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
            if text.contains(0) {
                try skipOrThrow(.binaryContent(path: path, line: number))
                return
            }
            try deliver(&text, sourceIndex: sourceIndex, recordNumber: number, id: nil, body)
        }
    }

    /// JSON Lines or one JSON document, told by the first line (`JSONDocumentReader.layout`).
    private func readJSON(_ source: ByteSource, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let selector = try RecordFieldSelector(fields: options.textFields, idField: options.idField, defaultID: true)
        let (head, replaying) = try JSONDocumentReader.head(of: source)
        if JSONDocumentReader.layout(ofHead: head) == .document {
            try readJSONDocument(replaying, selector: selector, sourceIndex: sourceIndex, path: path, body)
        } else if selector.isTopLevelOnly && options.records == nil {
            let parser = JSONLineParser(textFields: selector.textPaths.compactMap(\.topLevelKey), idField: selector.idPath?.topLevelKey,
                                        idRequired: !selector.idIsOptional)
            try readJSONLines(replaying, parser: parser, sourceIndex: sourceIndex, path: path, body)
        } else {
            try readJSONLineRecords(replaying, selector: selector, sourceIndex: sourceIndex, path: path, body)
        }
    }

    /// Delivers one record's text and id selected by `selector`, or skips or throws its error.
    private func deliverRecord(_ record: SelectedValue, selector: RecordFieldSelector, location: RecordLocation, sourceIndex: Int,
                               recordNumber: Int, _ body: (Document) throws -> Void) throws {
        let text: String
        let id: String?
        do {
            text = try selector.text(of: record.value, at: location)
            id = try selector.id(of: record.value, at: location)
        } catch let error as CorpusError {
            try skipOrThrow(error)
            return
        }
        try deliverValid(Array(text.utf8), sourceIndex: sourceIndex, recordNumber: recordNumber, id: id, body)
    }

    /// A whole JSON document: its records (`--records`, or the default) in order, numbered from 1.
    private func readJSONDocument(_ source: ByteSource, selector: RecordFieldSelector, sourceIndex: Int, path: String,
                                  _ body: (Document) throws -> Void) throws {
        let bytes = try JSONDocumentReader.readAll(source, path: path, maximumBytes: options.maximumDocumentBytes)
        let (records, replacements) = try JSONDocumentReader.records(in: bytes, path: path, recordsPath: options.records)
        statistics.invalidUTF8Replaced += replacements
        for (ordinal, record) in records.enumerated() {
            try deliverRecord(record, selector: selector, location: RecordLocation(path: path, record: record.location.isEmpty ? nil : record.position),
                              sourceIndex: sourceIndex, recordNumber: ordinal + 1, body)
        }
    }

    /// Calls `body` with each line of JSON Lines that holds a record: a UTF-8 byte order mark on the first line is
    /// dropped, and blank lines (a trailing newline, spacing between records) are not records.
    private func forEachJSONLine(_ source: ByteSource, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        let lines = LineReader(source: source)
        bufferedBytesOfActiveReader = { lines.bufferedBytes }
        try lines.forEachLine { line, number in
            var line = line
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeBufferPointer(rebasing: line[3...]) }
            if Self.isBlank(line) { return }
            try body(line, number)
        }
    }

    /// JSON Lines whose fields are nested paths or whose records lie inside each line (`--records`): each line is
    /// parsed into a value. The document number is the line's.
    private func readJSONLineRecords(_ source: ByteSource, selector: RecordFieldSelector, sourceIndex: Int, path: String,
                                     _ body: (Document) throws -> Void) throws {
        try forEachJSONLine(source) { line, number in
            let records: [SelectedValue]
            do {
                let parsed = try JSONValueParser.parse(line, path: path, lineNumber: number)
                if options.records == nil, let kind = JSONDocumentReader.nonObjectKind(parsed.value) {
                    throw CorpusError.notAnObject(path: path, line: number, found: kind)
                }
                statistics.invalidUTF8Replaced += parsed.replacements
                records = try JSONDocumentReader.records(of: parsed.value, path: path, line: number, recordsPath: options.records,
                                                         defaultSplitsArrays: false)
            } catch let error as CorpusError {
                try skipOrThrow(error)
                return
            }
            for record in records {
                let location = RecordLocation(path: path, line: number, record: options.records == nil ? nil : record.position)
                try deliverRecord(record, selector: selector, location: location, sourceIndex: sourceIndex, recordNumber: number, body)
            }
        }
    }

    private func readJSONLines(_ source: ByteSource, parser: JSONLineParser, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        try forEachJSONLine(source) { line, number in
            let fields: JSONLineFields
            do {
                fields = try parser.parse(line, path: path, lineNumber: number)
            } catch let error as CorpusError {
                try skipOrThrow(error)
                return
            }
            statistics.invalidUTF8Replaced += fields.replacements
            let text: [UInt8]
            if fields.texts.count == 1 {
                text = fields.texts[0]
            } else {
                text = Array(fields.texts.filter { !$0.isEmpty }.joined(separator: [0x0A]))
            }
            try deliverValid(text, sourceIndex: sourceIndex, recordNumber: number, id: fields.id, body)
        }
    }

    private func readCSV(_ source: ByteSource, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let reader = CSVReader(source: source, path: path, delimiter: InputFormat.isTabSeparated(path: path) ? UInt8(ascii: "\t") : options.csvDelimiter)
        bufferedBytesOfActiveReader = { reader.bufferedBytes }
        var textColumn: Int?
        var idColumn: Int?
        var header: [String] = []
        if options.csvColumn != nil || options.idField != nil {
            guard let first = try reader.nextRecord() else { return }
            header = first.fields
            func column(_ name: String, role: FieldRole) throws -> Int {
                guard let index = header.firstIndex(of: name) ?? header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == name }) else {
                    throw CorpusError.missingColumn(path: path, column: name, columns: header, role: role)
                }
                return index
            }
            textColumn = try options.csvColumn.map { try column($0, role: .text) }
            idColumn = try options.idField.map { try column($0, role: .id) }
        }
        while true {
            let more: Bool
            do {
                more = try reader.nextRawRecord()
            } catch let error as CorpusError {
                // A NUL byte leaves the reader in the middle of a record: the rest of the file is skipped with it.
                try skipOrThrow(error)
                return
            }
            guard more else { return }
            let line = reader.recordLine
            var id: String?
            if let idColumn {
                guard idColumn < reader.fieldEnds.count else {
                    try skipOrThrow(.raggedRow(path: path, line: line, fields: reader.fieldEnds.count, columns: header.count))
                    continue
                }
                id = String(decoding: reader.fieldBytes[reader.fieldRange(idColumn)], as: UTF8.self)
            }
            var text: [UInt8]
            if let textColumn {
                guard textColumn < reader.fieldEnds.count else {
                    try skipOrThrow(.raggedRow(path: path, line: line, fields: reader.fieldEnds.count, columns: header.count))
                    continue
                }
                text = Array(reader.fieldBytes[reader.fieldRange(textColumn)])
            } else {
                text = reader.rawBytes
            }
            try deliver(&text, sourceIndex: sourceIndex, recordNumber: line, id: id, body)
        }
    }
}

/// A mutable byte count shared between a reader and its counting sources.
private final class ByteCounter {
    var value = 0
}

/// Passes reads through and counts the bytes, for `inputBytesRead`.
private final class CountingByteSource: ByteSource {
    private let inner: ByteSource
    private let counter: ByteCounter

    init(_ inner: ByteSource, counter: ByteCounter) {
        self.inner = inner
        self.counter = counter
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let got = try inner.read(into: buffer)
        counter.value += got
        return got
    }
}

/// Buffers the first bytes of a source so its format can be sniffed, then replays them.
private final class SniffingByteSource: ByteSource {
    private let inner: ByteSource
    private var buffered: [UInt8] = []
    private var position = 0
    private var sniffed = false

    init(_ inner: ByteSource) { self.inner = inner }

    /// Up to 64 KiB from the start: enough to pass leading whitespace and see the zstd magic.
    func head() throws -> [UInt8] {
        if !sniffed {
            sniffed = true
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while buffered.count < 4 || CorpusReader.isBlank(buffered) {
                guard buffered.count < chunk.count else { break }
                let room = chunk.count - buffered.count
                let got = try chunk.withUnsafeMutableBytes { try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<room])) }
                if got == 0 { break }
                buffered.append(contentsOf: chunk[0..<got])
            }
        }
        return buffered
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position < buffered.count {
            let count = min(buffer.count, buffered.count - position)
            buffered.withUnsafeBytes { raw in
                // Safe: position + count <= buffered.count and count <= buffer.count.
                guard let target = buffer.baseAddress, let origin = raw.baseAddress else { return }
                target.copyMemory(from: origin + position, byteCount: count)
            }
            position += count
            return count
        }
        return try inner.read(into: buffer)
    }
}
