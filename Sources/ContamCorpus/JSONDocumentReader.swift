import ContamStorage

/// How a JSON input is laid out: JSON Lines (one record per line, streamed) or one JSON document read whole.
public enum JSONInputLayout: Sendable, Equatable {
    /// One JSON value per line.
    case lines
    /// One JSON value (an array of records, or an object) over the whole input, pretty-printed or not.
    case document
}

/// Reads JSON inputs that are one document (a `.json` file holding an array of records, or one object such as
/// SQuAD's `{"data": [...]}`) and tells them from JSON Lines. A document is read whole and parsed into a
/// `RecordValue` (memory: the file plus about 5-10 times its size for the value), so it is capped at
/// `maximumBytes`; JSON Lines stream.
public enum JSONDocumentReader {
    /// The default cap on a document read whole: 1 GiB.
    public static let defaultMaximumBytes = 1 << 30

    /// The layout of a JSON input from its first bytes (`head`, up to the end of its first line when there is
    /// one): a document when it starts with `[`, or with `{` and the first line does not hold a whole value
    /// (pretty-printed); JSON Lines otherwise (a one-line object is a record either way, and a first line that
    /// is malformed for another reason is reported by the line parser with its line and column). A document whose
    /// first line is `{` followed by more than `head`'s worth of text without a newline is read as JSON Lines.
    public static func layout(ofHead head: [UInt8]) -> JSONInputLayout {
        head.withUnsafeBufferPointer { buffer in
            var start = 0
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
            while start < buffer.count, buffer[start] == 0x20 || buffer[start] == 0x09 || buffer[start] == 0x0A || buffer[start] == 0x0D {
                start += 1
            }
            guard start < buffer.count else { return .lines }
            if buffer[start] == UInt8(ascii: "[") { return .document }
            guard buffer[start] == UInt8(ascii: "{") else { return .lines }
            var end = start
            while end < buffer.count, buffer[end] != 0x0A { end += 1 }
            // No newline: a one-line input, or a first line longer than the head. A one-line object is a record
            // either way, and JSON Lines stream.
            guard end < buffer.count else { return .lines }
            let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
            var cursor = JSONCursor(line, path: "", lineNumber: 1)
            do {
                try cursor.skipValue(depth: 1)
                return .lines
            } catch {
                // The value runs past the end of the line: it continues on the next ones.
                return cursor.index >= line.count ? .document : .lines
            }
        }
    }

    /// The first bytes of `source` up to the end of the first line that holds anything but whitespace (at most
    /// `limit` bytes), and a source that replays them before the rest.
    public static func head(of source: ByteSource, limit: Int = 1 << 20) throws -> (head: [UInt8], source: ByteSource) {
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var sawContent = false
        var scanned = 0
        reading: while head.count < limit {
            let got = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { break }
            head.append(contentsOf: chunk[0..<got])
            while scanned < head.count {
                let byte = head[scanned]
                scanned += 1
                if byte == 0x0A {
                    if sawContent { break reading }
                } else if !(byte == 0x20 || byte == 0x09 || byte == 0x0D) {
                    sawContent = true
                }
            }
        }
        return (head, ReplayingByteSource(head: head, rest: source))
    }

    /// Reads the rest of `source` whole; throws `documentTooLarge` past `maximumBytes`.
    public static func readAll(_ source: ByteSource, path: String, maximumBytes: Int = defaultMaximumBytes) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { return bytes }
            guard bytes.count + got <= maximumBytes else { throw CorpusError.documentTooLarge(path: path, limitBytes: maximumBytes) }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// Parses a whole document and returns its records: the values `recordsPath` selects, or by default the
    /// elements of a top-level array, or a top-level object itself. A syntax error is `malformedJSONDocument`
    /// with the line and column; a records path that selects nothing where it should is `pathNotFound` for
    /// `--records`. `replacements` counts U+FFFD substitutions in the whole document.
    public static func records(in bytes: [UInt8], path: String, recordsPath: FieldPath?) throws -> (records: [SelectedValue], replacements: Int) {
        let content = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let parsed: (value: RecordValue, replacements: Int)
        do {
            parsed = try JSONValueParser.parse(content, path: path, lineNumber: 1)
        } catch let CorpusError.malformedJSON(errorPath, _, column, detail) {
            let (line, lineColumn) = lineAndColumn(ofOffset: column - 1, in: content)
            let wording = detail.replacingOccurrences(of: "the line ends", with: "the document ends")
                .replacingOccurrences(of: "the line holds no JSON value", with: "the file holds no JSON value")
                .replacingOccurrences(of: " (one value per line)", with: " (a document holds one value)")
            throw CorpusError.malformedJSONDocument(path: errorPath, line: line, column: lineColumn, detail: wording)
        }
        return (try records(of: parsed.value, path: path, line: nil, recordsPath: recordsPath, defaultSplitsArrays: true), parsed.replacements)
    }

    /// The records of one parsed value (a document, or a JSONL line when `line` is given). Without `recordsPath`,
    /// a document's top-level array gives its elements when `defaultSplitsArrays`; anything else is one record.
    public static func records(of value: RecordValue, path: String, line: Int?, recordsPath: FieldPath?,
                               defaultSplitsArrays: Bool) throws -> [SelectedValue] {
        guard let recordsPath else {
            if defaultSplitsArrays, case let .array(elements) = value {
                return elements.enumerated().map { SelectedValue(location: [.element($0.offset)], value: $0.element) }
            }
            return [SelectedValue(location: [], value: value)]
        }
        switch value.selecting(recordsPath) {
        case let .success(selected):
            return selected.filter { $0.value != .null }
        case let .failure(mismatch):
            throw CorpusError.pathNotFound(path: path, line: line, record: nil, option: "--records", fieldPath: recordsPath.description,
                                           explanation: mismatch.explanation, suggestion: mismatch.suggestion)
        }
    }

    /// The JSON kind of `value` when it is not an object (a JSONL line that must hold a record), else nil.
    public static func nonObjectKind(_ value: RecordValue) -> JSONValueKind? {
        switch value {
        case .object: return nil
        case .array: return .array
        case .string, .bytes: return .string
        case .integer, .double, .timestamp: return .number
        case .bool: return .boolean
        case .null: return .null
        }
    }

    /// The 1-based line and byte column of `offset` in `bytes`.
    public static func lineAndColumn(ofOffset offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(max(offset, 0), bytes.count)
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, end - lineStart + 1)
    }
}

