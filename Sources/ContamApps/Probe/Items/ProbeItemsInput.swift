import Foundation
import ContamStorage
import ContamCorpus
import ContamDetect

/// Reads the items of `contam probe items`: their text with `ItemReader` (the same readers and options as `contam
/// check`), then, when `--prompt-field`, `--answer-field` or `--choices-field` is given, those fields from the same
/// JSON records, matched to each item by file, record number and position in the record.
public enum ProbeItemsInput {
    /// The items read, and what the reader skipped or repaired (never silent: the command prints the notes).
    public struct ItemSet: Sendable {
        public var items: [ProbeItem]
        /// Skipped malformed records (`--skip-bad-records`) and replaced invalid UTF-8, as sentences.
        public var notes: [String]
        /// Files the directory walks did not read.
        public var skippedInputs: [SkippedInput]
    }

    /// The items of `paths`, each with its guided pieces and options (or the reason it has none). Throws
    /// `CorpusError`/`DetectError` for unreadable items and `ProbeItemsError` naming the record for a bad field.
    public static func read(paths: [String], reader: ItemReaderOptions, fields: ProbeItemFieldPaths) throws -> ItemSet {
        let set = try ItemReader(options: reader).read(paths: paths)
        var notes = [String]()
        if set.skippedRecords > 0 {
            notes.append("\(set.skippedRecords) malformed record\(set.skippedRecords == 1 ? "" : "s") skipped (--skip-bad-records), first: \(set.skipReasons.first ?? "")")
        }
        if set.invalidUTF8Replaced > 0 { notes.append("\(set.invalidUTF8Replaced) invalid UTF-8 sequences in items replaced by U+FFFD") }
        return ItemSet(items: try probeItems(set, paths: paths, reader: reader, fields: fields), notes: notes, skippedInputs: set.skippedInputs)
    }

    /// The read items with their extra fields.
    static func probeItems(_ set: ContamDetect.ItemSet, paths: [String], reader: ItemReaderOptions, fields: ProbeItemFieldPaths) throws -> [ProbeItem] {
        let records = fields.any ? try recordValues(paths: paths, reader: reader) : [:]
        var ordinals = [String: Int]()
        return try set.items.map { item in
            var probe = ProbeItem(id: item.id, location: ProbeItem.location(of: item), text: String(decoding: item.text, as: UTF8.self))
            guard fields.any else {
                probe.applyHalves()
                probe.choicesNote = "no --choices-field: option guessing needs multiple-choice items"
                return probe
            }
            let key = recordKey(item.sourcePath, item.recordNumber)
            let ordinal = ordinals[key, default: 0]
            ordinals[key] = ordinal + 1
            guard let values = records[key], ordinal < values.count else {
                throw ProbeItemsError.badField(location: probe.location, option: "--field", path: reader.fields.joined(separator: ","),
                                               problem: "this item's record was not found when its fields were read again; was the file changed during the run?")
            }
            try probe.apply(fields, of: values[ordinal])
            return probe
        }
    }

    static func recordKey(_ path: String, _ record: Int) -> String { "\(path)\u{0}\(record)" }

    /// Every JSON record of the inputs, keyed by file and record number as `ItemReader` numbers them (the line of a
    /// JSONL record; the ordinal, from 1, of a record in a JSON document), in order. Lines that do not parse are left
    /// out: `ItemReader` has already refused or skipped them (`--skip-bad-records`).
    static func recordValues(paths: [String], reader: ItemReaderOptions) throws -> [String: [RecordValue]] {
        var files = [String]()
        for path in paths {
            guard path != "-" else { throw ProbeItemsError.fieldsNeedJSONFile(path: "<stdin>", found: "standard input, which cannot be read twice") }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                files += try InputFiles.resolve([path], format: reader.format, selection: reader.selection).files
            } else {
                files.append(path)
            }
        }
        var values = [String: [RecordValue]]()
        for file in files {
            let format = reader.format ?? InputFormat.detect(path: file)?.format ?? .jsonl
            guard format == .jsonl else { throw ProbeItemsError.fieldsNeedJSONFile(path: file, found: "read as \(format.rawValue)") }
            try records(ofFile: file, reader: reader) { record, value in values[recordKey(file, record), default: []].append(value) }
        }
        return values
    }

    /// Calls `body(recordNumber, value)` for each record of one JSON or JSONL file (any compression).
    static func records(ofFile path: String, reader: ItemReaderOptions, _ body: (Int, RecordValue) -> Void) throws {
        let bytes: [UInt8]
        do {
            let source = try DecompressingByteSource.open(FileByteSource(path: path), path: path).source
            bytes = try JSONDocumentReader.readAll(source, path: path, maximumBytes: reader.maximumDocumentBytes)
        } catch let error as StorageError {
            throw CorpusReader.corpusError(error, path: path)
        }
        // The same decision ItemReader makes, on the same bytes.
        if JSONDocumentReader.layout(ofHead: bytes) == .document {
            let records = try JSONDocumentReader.records(in: bytes, path: path, recordsPath: reader.records).records
            for (ordinal, record) in records.enumerated() { body(ordinal + 1, record.value) }
            return
        }
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var content = Array(line)
            if content.last == 0x0D { content.removeLast() }
            if lineNumber == 1 && content.starts(with: [0xEF, 0xBB, 0xBF]) { content.removeFirst(3) }
            guard content.contains(where: { !($0 == 0x20 || (0x09...0x0D).contains($0)) }),
                  let parsed = try? JSONValueParser.parse(content, path: path, lineNumber: lineNumber),
                  let records = try? JSONDocumentReader.records(of: parsed.value, path: path, line: lineNumber, recordsPath: reader.records, defaultSplitsArrays: false)
            else { continue }
            for record in records { body(lineNumber, record.value) }
        }
    }
}

extension ProbeItem {
    /// The guided pieces from the middle of the text (no `--prompt-field`).
    mutating func applyHalves() {
        if let (first, second) = Self.halves(of: text) {
            (firstPiece, secondPiece) = (first, second)
        } else {
            splitNote = "the item has fewer than two words: there is no second piece to complete"
        }
    }

    /// Reads the `--prompt-field`, `--answer-field` and `--choices-field` values of this item's record.
    mutating func apply(_ fields: ProbeItemFieldPaths, of record: RecordValue) throws {
        if let path = fields.choices {
            let options = try strings(at: path, option: "--choices-field", in: record)
            guard options.count >= 2 else {
                throw ProbeItemsError.badField(location: location, option: "--choices-field", path: path.description,
                                               problem: "gives \(options.count) option\(options.count == 1 ? "" : "s"); a multiple-choice item needs at least 2")
            }
            guard let answerPath = fields.answer else {
                throw ProbeItemsError.badField(location: location, option: "--choices-field", path: path.description, problem: "needs --answer-field to tell the correct option")
            }
            choices = options
            answerIndex = try correctIndex(at: answerPath, in: record, options: options)
            question = fields.prompt == nil ? text : nil
        } else {
            choicesNote = "no --choices-field: option guessing needs multiple-choice items"
        }
        guard let promptPath = fields.prompt else { return applyHalves() }
        let prompt = try strings(at: promptPath, option: "--prompt-field", in: record).joined(separator: "\n")
        if choices != nil { question = prompt }
        firstPiece = prompt
        if let choices, let answerIndex {
            secondPiece = choices[answerIndex]
        } else if let answerPath = fields.answer {
            secondPiece = try scalar(at: answerPath, option: "--answer-field", in: record).text
        } else {
            throw ProbeItemsError.badField(location: location, option: "--prompt-field", path: promptPath.description,
                                           problem: "needs --answer-field for the second piece (or leave both out to split the item's text in the middle)")
        }
        if secondPiece?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty != false {
            throw ProbeItemsError.badField(location: location, option: "--answer-field", path: fields.answer?.description ?? "", problem: "is blank: there is no second piece to complete")
        }
    }

    /// The non-null strings `path` selects; a missing path, or a value that is not a string, is an error.
    func strings(at path: FieldPath, option: String, in record: RecordValue) throws -> [String] {
        let values = try selected(path, option: option, in: record)
        return try values.map { selected in
            guard case let .string(text) = selected.value else {
                throw ProbeItemsError.badField(location: location, option: option, path: path.description,
                                               problem: "\(selected.position) is \(selected.value.kindDescription), not a string\(option == "--choices-field" ? " (an array of options needs [] at the end, e.g. choices[] or choices[].text)" : "")")
            }
            return text
        }
    }

    /// The one string or number `path` selects.
    func scalar(at path: FieldPath, option: String, in record: RecordValue) throws -> (text: String, value: RecordValue) {
        let values = try selected(path, option: option, in: record)
        guard values.count == 1, let value = values.first?.value, let text = value.scalarText else {
            throw ProbeItemsError.badField(location: location, option: option, path: path.description,
                                           problem: values.count == 1 ? "is \(values[0].value.kindDescription), not a string or number" : "gives \(values.count) values, not one")
        }
        return (text, value)
    }

    func selected(_ path: FieldPath, option: String, in record: RecordValue) throws -> [SelectedValue] {
        switch record.selecting(path) {
        case let .success(values):
            let present = values.filter { $0.value != .null }
            guard !present.isEmpty else { throw ProbeItemsError.badField(location: location, option: option, path: path.description, problem: "has no value in this record") }
            return present
        case let .failure(mismatch):
            throw ProbeItemsError.badField(location: location, option: option, path: path.description, problem: mismatch.explanation)
        }
    }

    /// The correct option: a JSON number counts from 0 (MMLU), one letter A–Z from A (ARC), any other string must
    /// equal one option's text. A digit string is refused: whether it counts from 0 or 1 cannot be told.
    func correctIndex(at path: FieldPath, in record: RecordValue, options: [String]) throws -> Int {
        let (text, value) = try scalar(at: path, option: "--answer-field", in: record)
        func bad(_ problem: String) -> ProbeItemsError { .badField(location: location, option: "--answer-field", path: path.description, problem: problem) }
        switch value {
        case .integer, .double:
            guard let index = Int(text), options.indices.contains(index) else { throw bad("\(text) is not an option index from 0 to \(options.count - 1)") }
            return index
        default:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let index = options.firstIndex(of: text) ?? options.firstIndex(of: trimmed) { return index }
            if trimmed.count == 1, let scalar = trimmed.uppercased().unicodeScalars.first, ("A"..."Z").contains(scalar) {
                let index = Int(scalar.value - UnicodeScalar("A").value)
                guard options.indices.contains(index) else { throw bad("letter \(trimmed) names option \(index + 1), but there are \(options.count)") }
                return index
            }
            if !trimmed.isEmpty, trimmed.allSatisfy(\.isNumber) { throw bad("\"\(trimmed)\" is a digit string: whether it counts from 0 or 1 cannot be told; store it as a JSON number (from 0) or a letter") }
            throw bad("\"\(text)\" is neither an option's text, a letter A-\(Character(UnicodeScalar(UInt8(64 + min(options.count, 26))))) nor a number")
        }
    }
}
