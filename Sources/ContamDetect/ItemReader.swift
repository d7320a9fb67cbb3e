import Foundation
import ContamStorage
import ContamCorpus

/// How `contam check` reads its items.
public struct ItemReaderOptions: Sendable {
    /// JSON field paths (docs/field-paths.md) whose string values make up the item, joined by newlines (`--field`,
    /// repeatable).
    public var fields: [String] = ["text"]
    /// JSON field path holding the item id (`--id-field`); when nil, `id` is used if a record has it.
    public var idField: String?
    /// JSON: the path of the items inside each document or line (`--records`, e.g. `data[].paragraphs[].qas[]`);
    /// nil: a document's top-level array gives its elements, an object is one item, each JSONL line is one.
    public var records: FieldPath?
    /// JSON documents (not JSON Lines) larger than this are refused.
    public var maximumDocumentBytes = JSONDocumentReader.defaultMaximumBytes
    /// Plain text: one item per line instead of one per file (`--lines`).
    public var linesAreItems = false
    /// Overrides the format the file name implies (`--format`); stdin is sniffed otherwise.
    public var format: InputFormat?
    /// Skip malformed JSONL records (counted) instead of failing (`--skip-bad-records`).
    public var skipBadRecords = false
    /// True when `--field` was given: a format that has no fields (plain text) then refuses it instead of
    /// ignoring it.
    public var fieldsGiven = false
    /// CSV without a header row: the column names (`--columns a,b,c`).
    public var csvColumns: [String]?
    /// Which files of an item directory are read (`--include`, `--exclude`).
    public var selection = InputSelection()

    public init() {}
}

/// The items read from all inputs, plus everything needed to write the inputs back without some items.
public struct ItemSet: Sendable {
    /// One piece of an input: a record that is an item, or bytes passed through unchanged (blank lines,
    /// skipped records).
    public struct Segment: Sendable {
        public var bytes: [UInt8]
        /// Index into `items`, or nil for pass-through bytes.
        public var item: Int?
    }

    /// One input file and its pieces, in order.
    public struct Input: Sendable {
        public var path: String
        public var format: InputFormat
        /// True for JSONL and `--lines` text (records are lines); false for whole-file text items.
        public var recordsAreLines: Bool
        public var segments: [Segment]
        /// Why this input cannot be written back without some items (a JSON document, a line holding several
        /// items), or nil when it can.
        public var cleanCopyRefusal: String? = nil
    }

    public var items: [CheckItem] = []
    public var inputs: [Input] = []
    /// Malformed records skipped under `--skip-bad-records`, with the first few reasons.
    public var skippedRecords = 0
    public var skipReasons: [String] = []
    /// Invalid UTF-8 sequences replaced by U+FFFD in item texts.
    public var invalidUTF8Replaced = 0
    /// What the walks of item directories did not read.
    public var skippedInputs: [SkippedInput] = []

    /// Items that come from no file (a request of `contam serve`): no inputs to write back.
    public init(items: [CheckItem] = []) { self.items = items }
}

/// Reads benchmark items from JSONL (`--field`, `--id-field`), plain text (one item per file, or per line
/// with `--lines`), `.zst` of either, or stdin (`-`, format and compression sniffed). Each input is read
/// whole into memory (benchmarks are small) and split into records with their exact bytes, line endings
/// included, so kept records can be written back byte for byte.
public struct ItemReader {
    public var options: ItemReaderOptions

    public init(options: ItemReaderOptions = ItemReaderOptions()) {
        self.options = options
    }

    /// Reads every input in order; directories are walked like `contam index` walks them (`InputFiles`).
    /// Throws `CorpusError`/`DetectError` naming the file and line.
    public func read(paths: [String]) throws -> ItemSet {
        var set = ItemSet()
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let walked = try InputFiles.resolve([path], format: options.format, selection: options.selection)
                files += walked.files
                set.skippedInputs += walked.skipped
            } else {
                // A file named on the command line is read even without a known extension: its content is sniffed.
                files.append(path)
            }
        }
        for path in files { try read(path: path, into: &set) }
        guard !set.items.isEmpty else { throw DetectError.noItems(paths: paths) }
        return set
    }

    /// The whole content of a file, stdin or `.zst` stream, and the format it holds.
    func load(path: String) throws -> (bytes: [UInt8], format: InputFormat) {
        if path != "-" {
            guard FileManager.default.fileExists(atPath: path) else { throw CorpusError.missingPath(path: path) }
        }
        var bytes: [UInt8]
        do {
            // gzip, bzip2, xz or zstd by content, whatever the name: a compressed benchmark is never one binary item.
            let name = path == "-" ? "<stdin>" : path
            bytes = try Self.readAll(DecompressingByteSource.open(FileByteSource(path: path), path: name).source)
        } catch let error as StorageError {
            throw CorpusReader.corpusError(error, path: path)
        }
        let format: InputFormat
        if let forced = options.format {
            format = forced
        } else if path != "-", let detected = InputFormat.detect(path: path) {
            format = detected.format
        } else {
            // stdin, or a name without a known extension: JSON when the first non-space byte is `{` or `[`.
            let first = bytes.first { !($0 == 0x20 || (0x09...0x0D).contains($0) || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
            format = first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .jsonl : .text
        }
        if format == .text && options.fieldsGiven {
            throw DetectError.itemsFileUnreadable(path: path, message: "--field names a field, but this is a plain-text file, which has none (each file\(options.linesAreItems ? " line" : "") is one item); leave --field out for it, or pass --format jsonl or --format csv if the file is one of those")
        }
        if format != .jsonl, let nul = bytes.firstIndex(of: 0) {
            // Binary data read as text would be one meaningless item that always passes as clean.
            throw CorpusError.binaryContent(path: path == "-" ? "<stdin>" : path, line: 1 + bytes[..<nul].lazy.filter { $0 == 0x0A }.count)
        }
        return (bytes, format)
    }

    static func readAll(_ source: ByteSource) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { return out }
            out.append(contentsOf: chunk[0..<got])
        }
    }

    /// Splits `bytes` into lines that keep their terminators (the last may have none).
    static func linesWithTerminators(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (k, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(bytes[start...k])
            start = k + 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// A line without its `\n` / `\r\n` (and without a UTF-8 byte order mark when it is the first line).
    static func content(of line: ArraySlice<UInt8>, first: Bool) -> ArraySlice<UInt8> {
        var content = line
        if content.last == 0x0A { content = content.dropLast() }
        if content.last == 0x0D { content = content.dropLast() }
        if first && content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        return content
    }

    static func isBlank<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        !bytes.contains { !($0 == 0x20 || (0x09...0x0D).contains($0)) }
    }

    private func read(path: String, into set: inout ItemSet) throws {
        if path != "-", (options.format ?? InputFormat.detect(path: path)?.format) == .parquet {
            return set.inputs.append(try readParquet(path: path, into: &set))
        }
        let (bytes, format) = try load(path: path)
        let name = path == "-" ? "<stdin>" : path
        switch format {
        case .jsonl:
            let selector = try RecordFieldSelector(fields: options.fields, idField: options.idField, defaultID: true)
            if JSONDocumentReader.layout(ofHead: bytes) == .document {
                set.inputs.append(try readJSONDocument(bytes, path: name, selector: selector, into: &set))
            } else {
                set.inputs.append(try readJSONL(bytes, path: name, selector: selector, into: &set))
            }
        case .csv:
            set.inputs.append(try readCSV(bytes, path: name, into: &set))
        case .text where options.linesAreItems:
            var input = ItemSet.Input(path: name, format: .text, recordsAreLines: true, segments: [])
            for (k, line) in Self.linesWithTerminators(bytes).enumerated() {
                var text = Array(Self.content(of: line, first: k == 0))
                if Self.isBlank(text) {
                    input.segments.append(.init(bytes: Array(line), item: nil))
                    continue
                }
                set.invalidUTF8Replaced += UTF8Repair.repair(&text)
                input.segments.append(.init(bytes: Array(line), item: set.items.count))
                set.items.append(CheckItem(id: "\(name):\(k + 1)", sourcePath: name, recordNumber: k + 1, text: text, rawRecord: Array(line)))
            }
            set.inputs.append(input)
        default:
            var text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            if Self.isBlank(text) { throw DetectError.emptyItem(path: name, record: 1, detail: "the file holds no text") }
            set.invalidUTF8Replaced += UTF8Repair.repair(&text)
            set.inputs.append(ItemSet.Input(path: name, format: .text, recordsAreLines: false, segments: [.init(bytes: bytes, item: set.items.count)]))
            set.items.append(CheckItem(id: name, sourcePath: name, recordNumber: 1, text: text, rawRecord: bytes))
        }
    }

    /// One record's text and id: with the top-level fast parser when every path is one key and records are
    /// lines, else from the parsed line through `selector` (several for `--records`). Empty for a line that
    /// holds no record under `--records`.
    private func records(inLine content: [UInt8], path: String, lineNumber: Int, parser: JSONLineParser?,
                         selector: RecordFieldSelector, replacements: inout Int) throws -> [(text: [UInt8], id: String?, position: String?)] {
        if let parser {
            let fields = try parser.parse(content, path: path, lineNumber: lineNumber)
            replacements += fields.replacements
            return [(Array(fields.texts.filter { !Self.isBlank($0) }.joined(separator: [0x0A])), fields.id, nil)]
        }
        let parsed = try JSONValueParser.parse(content, path: path, lineNumber: lineNumber)
        if options.records == nil, let kind = JSONDocumentReader.nonObjectKind(parsed.value) {
            throw CorpusError.notAnObject(path: path, line: lineNumber, found: kind)
        }
        replacements += parsed.replacements
        let records = try JSONDocumentReader.records(of: parsed.value, path: path, line: lineNumber, recordsPath: options.records,
                                                     defaultSplitsArrays: false)
        return try records.map { record in
            let position = options.records == nil ? nil : record.position
            let location = RecordLocation(path: path, line: lineNumber, record: position)
            return (Array(try selector.text(of: record.value, at: location).utf8), try selector.id(of: record.value, at: location), position)
        }
    }

    private func readJSONL(_ bytes: [UInt8], path: String, selector: RecordFieldSelector, into set: inout ItemSet) throws -> ItemSet.Input {
        // Without --id-field, `id` is the id when a record has it (no error when it does not).
        let parser = selector.isTopLevelOnly && options.records == nil
            ? JSONLineParser(textFields: selector.textPaths.compactMap(\.topLevelKey), idField: selector.idPath?.topLevelKey,
                             idRequired: !selector.idIsOptional)
            : nil
        var input = ItemSet.Input(path: path, format: .jsonl, recordsAreLines: true, segments: [])
        for (k, line) in Self.linesWithTerminators(bytes).enumerated() {
            let lineNumber = k + 1
            let content = Array(Self.content(of: line, first: k == 0))
            if Self.isBlank(content) {
                input.segments.append(.init(bytes: Array(line), item: nil))
                continue
            }
            let records: [(text: [UInt8], id: String?, position: String?)]
            do {
                records = try self.records(inLine: content, path: path, lineNumber: lineNumber, parser: parser, selector: selector,
                                           replacements: &set.invalidUTF8Replaced)
            } catch let error as CorpusError where options.skipBadRecords && error.isRecordError {
                set.skippedRecords += 1
                if set.skipReasons.count < 5 { set.skipReasons.append(error.description) }
                input.segments.append(.init(bytes: Array(line), item: nil))
                continue
            }
            if records.isEmpty { input.segments.append(.init(bytes: Array(line), item: nil)) }
            if records.count > 1 && input.cleanCopyRefusal == nil {
                input.cleanCopyRefusal = "line \(lineNumber) holds \(records.count) items (--records \(options.records?.description ?? "")), so a line cannot be kept or dropped as one item"
            }
            for (ordinal, record) in records.enumerated() {
                guard !Self.isBlank(record.text) else { throw emptyItem(path: path, number: lineNumber, record: record.position) }
                // The line's bytes go with its first item; the clean copy is refused for lines with several.
                input.segments.append(.init(bytes: ordinal == 0 ? Array(line) : [], item: set.items.count))
                let fallbackID = record.position.map { "\(path):\(lineNumber):\($0)" } ?? "\(path):\(lineNumber)"
                set.items.append(CheckItem(id: record.id ?? fallbackID, sourcePath: path, recordNumber: lineNumber, text: record.text, rawRecord: Array(line)))
            }
        }
        return input
    }

    /// CSV (or TSV, by the `.tsv` name) items: `--field` names the columns whose values make the item (joined
    /// by newlines); `--id-field` the id column, else `id` when the header has one. A header row is required
    /// unless `--columns` names the columns. Each record keeps its raw text plus the file's line end, so
    /// `--write-clean` writes the header and the kept rows as they were (blank lines are not kept).
    private func readCSV(_ bytes: [UInt8], path: String, into set: inout ItemSet) throws -> ItemSet.Input {
        let delimiter = InputFormat.isTabSeparated(path: path) ? UInt8(ascii: "\t") : UInt8(ascii: ",")
        let records = try CSVParser.records(in: bytes, path: path, delimiter: delimiter)
        let lineEnd: [UInt8] = bytes.firstIndex(of: 0x0A).map { $0 > 0 && bytes[$0 - 1] == 0x0D } == true ? [0x0D, 0x0A] : [0x0A]
        var input = ItemSet.Input(path: path, format: .csv, recordsAreLines: true, segments: [])
        var rows = records[...]
        let header: [String]
        if let columns = options.csvColumns {
            header = columns
        } else {
            guard let first = rows.popFirst() else { throw DetectError.noItems(paths: [path]) }
            header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            input.segments.append(.init(bytes: Array(first.rawText.utf8) + lineEnd, item: nil))
        }
        func column(_ name: String, role: FieldRole) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw CorpusError.missingColumn(path: path, column: name, columns: header, role: role)
            }
            return index
        }
        let textColumns = try options.fields.map { try column($0, role: .text) }
        let idColumn = try options.idField.map { try column($0, role: .id) } ?? header.firstIndex(of: "id")
        for record in rows {
            let raw = Array(record.rawText.utf8) + lineEnd
            guard record.fields.count == header.count else {
                let error = CorpusError.raggedRow(path: path, line: record.lineNumber, fields: record.fields.count, columns: header.count)
                guard options.skipBadRecords else { throw error }
                set.skippedRecords += 1
                if set.skipReasons.count < 5 { set.skipReasons.append(error.description) }
                input.segments.append(.init(bytes: raw, item: nil))
                continue
            }
            let parts = textColumns.map { record.fields[$0] }.filter { !Self.isBlank(Array($0.utf8)) }
            if parts.isEmpty {
                let names = options.fields.map { "\"\($0)\"" }.joined(separator: ", ")
                throw DetectError.emptyItem(path: path, record: record.lineNumber, detail: "column\(options.fields.count == 1 ? "" : "s") \(names) \(options.fields.count == 1 ? "is" : "are") blank")
            }
            let id = idColumn.map { record.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            input.segments.append(.init(bytes: raw, item: set.items.count))
            set.items.append(CheckItem(id: id ?? "\(path):\(record.lineNumber)", sourcePath: path, recordNumber: record.lineNumber,
                                       text: Array(parts.joined(separator: "\n").utf8), rawRecord: raw))
        }
        return input
    }

    /// A Parquet file: every row is an item (`--field` paths over its columns, `--id-field` or an `id` column),
    /// numbered from 1, its id defaulting to `file:row N`. Rows cannot be written back one by one.
    private func readParquet(path: String, into set: inout ItemSet) throws -> ItemSet.Input {
        var input = ItemSet.Input(path: path, format: .parquet, recordsAreLines: true, segments: [],
                                  cleanCopyRefusal: "it is a Parquet file, which cannot be rewritten row by row")
        let reader = try CorpusReader(inputs: [path], options: CorpusOptions(format: .parquet, textFields: options.fields, idField: options.idField,
                                                                             skipBadRecords: options.skipBadRecords, requireDocuments: false))
        try reader.forEachDocument { document in
            let text = document.text
            guard !Self.isBlank(text) else { return }
            input.segments.append(.init(bytes: [], item: set.items.count))
            set.items.append(CheckItem(id: document.externalID ?? "\(path):row \(document.recordNumber)", sourcePath: path,
                                       recordNumber: document.recordNumber, text: text, rawRecord: []))
        }
        set.skippedRecords += reader.statistics.recordsSkipped
        set.skipReasons += reader.statistics.skipReasons.prefix(max(0, 5 - set.skipReasons.count))
        if reader.statistics.emptyDocumentsSkipped > 0 {
            let fields = options.fields.joined(separator: ", ")
            throw DetectError.itemsFileUnreadable(path: path, message: "\(reader.statistics.emptyDocumentsSkipped) row(s) hold only blank text in --field \(fields); an item needs text")
        }
        return input
    }

    /// A whole JSON document: every record (`--records`, or the default) is an item, numbered from 1; its id
    /// defaults to `file:position` (`squad.json:data[0].paragraphs[2]`). Such an input cannot be written back
    /// item by item (`cleanCopyRefusal`).
    private func readJSONDocument(_ bytes: [UInt8], path: String, selector: RecordFieldSelector, into set: inout ItemSet) throws -> ItemSet.Input {
        guard bytes.count <= options.maximumDocumentBytes else {
            throw CorpusError.documentTooLarge(path: path, limitBytes: options.maximumDocumentBytes)
        }
        let (records, replacements) = try JSONDocumentReader.records(in: bytes, path: path, recordsPath: options.records)
        set.invalidUTF8Replaced += replacements
        var input = ItemSet.Input(path: path, format: .jsonl, recordsAreLines: true, segments: [],
                                  cleanCopyRefusal: "it is one JSON document, not one record per line, and cannot be rewritten record by record")
        for (ordinal, record) in records.enumerated() {
            let location = RecordLocation(path: path, record: record.location.isEmpty ? nil : record.position)
            let text: [UInt8]
            let id: String?
            do {
                text = Array(try selector.text(of: record.value, at: location).utf8)
                id = try selector.id(of: record.value, at: location)
            } catch let error as CorpusError where options.skipBadRecords && error.isRecordError {
                set.skippedRecords += 1
                if set.skipReasons.count < 5 { set.skipReasons.append(error.description) }
                continue
            }
            let position = record.location.isEmpty ? nil : record.position
            guard !Self.isBlank(text) else { throw emptyItem(path: path, number: ordinal + 1, record: position) }
            input.segments.append(.init(bytes: [], item: set.items.count))
            set.items.append(CheckItem(id: id ?? position.map { "\(path):\($0)" } ?? path, sourcePath: path, recordNumber: ordinal + 1, text: text, rawRecord: []))
        }
        return input
    }

    /// `number` is the line, or for a document the record's ordinal; `record` its position, when it has one.
    private func emptyItem(path: String, number: Int, record: String?) -> DetectError {
        let names = options.fields.map { "\"\($0)\"" }.joined(separator: ", ")
        let detail = "field\(options.fields.count == 1 ? "" : "s") \(names) \(options.fields.count == 1 ? "is" : "are") blank"
        return DetectError.emptyItem(path: path, record: number, detail: detail + (record.map { " in record \($0)" } ?? ""))
    }
}
