import Foundation
import ContamStorage

/// Reads corpus inputs (files, directories, `-` for stdin) into documents, one source after another in a fixed order.
///
/// - Files: the format comes from the extension (`InputFormat.detect`, after any `.gz`/`.bz2`/`.xz`/`.zst`) or
///   `CorpusOptions.format`; gzip, bzip2, xz and zstd content (told by its magic bytes) is streamed through its
///   decoder, never decompressed whole.
/// - Directories are walked recursively in sorted order (deterministic); hidden entries (names starting with `.`)
///   and files without a supported extension are skipped; symbolic links are followed once.
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
        var resolved: [String] = []
        var total = 0
        let fileManager = FileManager.default
        for input in inputs {
            if input == "-" {
                resolved.append(input)
                continue
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw CorpusError.missingPath(path: input)
            }
            if isDirectory.boolValue {
                var unsupported: [String] = []
                var visited = Set<String>()
                let before = resolved.count
                try Self.walk(directory: input, into: &resolved, unsupported: &unsupported, visited: &visited)
                if resolved.count == before {
                    throw CorpusError.noSupportedFiles(directory: input, found: Array(unsupported.prefix(5)), totalFound: unsupported.count)
                }
            } else {
                guard fileManager.isReadableFile(atPath: input) else {
                    throw CorpusError.unreadablePath(path: input, reason: "permission denied")
                }
                if options.format == nil && InputFormat.detect(path: input) == nil {
                    throw CorpusError.unknownFormat(path: input)
                }
                resolved.append(input)
            }
        }
        for source in resolved where source != "-" {
            let size = (try? fileManager.attributesOfItem(atPath: source)[.size] as? NSNumber)?.intValue ?? 0
            total += size
        }
        sources = resolved
        inputBytesTotal = total
        contentBytesTotal = Self.contentSize(of: resolved)
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

    /// Appends the supported files under `directory` in sorted order; collects the names of unsupported ones.
    private static func walk(directory: String, into files: inout [String], unsupported: inout [String], visited: inout Set<String>) throws {
        let fileManager = FileManager.default
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return }
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw CorpusError.unreadablePath(path: directory, reason: "cannot list the directory")
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        // Byte-wise order: the same on every machine and locale.
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !name.hasPrefix(".") {
            let path = prefix + name
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue } // a dangling link
            if isDirectory.boolValue {
                try walk(directory: path, into: &files, unsupported: &unsupported, visited: &visited)
            } else if InputFormat.detect(path: path) != nil {
                guard fileManager.isReadableFile(atPath: path) else {
                    throw CorpusError.unreadablePath(path: path, reason: "permission denied")
                }
                files.append(path)
            } else {
                unsupported.append(path)
            }
        }
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
    static func corpusError(_ error: StorageError, path: String) -> CorpusError {
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
            try readJSONLines(source, sourceIndex: sourceIndex, path: name, body)
        case .csv:
            try readCSV(source, sourceIndex: sourceIndex, path: name, body)
        }
    }

    /// JSONL if the first non-space byte is `{`, else text.
    static func sniffFormat(_ head: [UInt8]) -> InputFormat {
        let first = head.first { !(0x09...0x0D).contains($0) && $0 != 0x20 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        return first == UInt8(ascii: "{") ? .jsonl : .text
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
        try deliver(&text, sourceIndex: sourceIndex, recordNumber: 1, id: nil, body)
    }

    private func readTextLines(_ source: ByteSource, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let lines = LineReader(source: source)
        bufferedBytesOfActiveReader = { lines.bufferedBytes }
        try lines.forEachLine { line, number in
            var text = Array(line)
            if number == 1 && text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
            try deliver(&text, sourceIndex: sourceIndex, recordNumber: number, id: nil, body)
        }
    }

    private func readJSONLines(_ source: ByteSource, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let parser = JSONLineParser(textFields: options.textFields, idField: options.idField)
        let lines = LineReader(source: source)
        bufferedBytesOfActiveReader = { lines.bufferedBytes }
        try lines.forEachLine { line, number in
            var line = line
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeBufferPointer(rebasing: line[3...]) }
            // Blank lines (a trailing newline, spacing between records) are not records.
            if Self.isBlank(line) { return }
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
                text = Array(fields.texts.filter { !$0.isEmpty }.joined(separator: [0x0A, 0x0A]))
            }
            try deliverValid(text, sourceIndex: sourceIndex, recordNumber: number, id: fields.id, body)
        }
    }

    private func readCSV(_ source: ByteSource, sourceIndex: Int, path: String, _ body: (Document) throws -> Void) throws {
        let reader = CSVReader(source: source, path: path, delimiter: options.csvDelimiter)
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
                    try skipOrThrow(.missingField(path: path, line: line, field: options.idField ?? "", present: Array(header.prefix(reader.fieldEnds.count)), role: .id, suggestion: nil))
                    continue
                }
                id = String(decoding: reader.fieldBytes[reader.fieldRange(idColumn)], as: UTF8.self)
            }
            var text: [UInt8]
            if let textColumn {
                guard textColumn < reader.fieldEnds.count else {
                    try skipOrThrow(.missingField(path: path, line: line, field: options.csvColumn ?? "", present: Array(header.prefix(reader.fieldEnds.count)), role: .text, suggestion: nil))
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
