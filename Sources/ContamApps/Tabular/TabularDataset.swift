import Foundation
import ContamStorage
import ContamCorpus

/// One tabular dataset as the tests see it: the CSV's raw lines (header first, empty lines dropped) and
/// each line's parsed fields. Only a contiguous head of at most `TabularOptions.maxRows` rows is kept, so a
/// file of millions of rows costs no more than its first hundred thousand.
public struct TabularDataset: Sendable {
    /// The file name without `.csv` / `.csv.zst`.
    public var name: String
    /// Where it was read from.
    public var path: String
    /// Raw record text, header first (a quoted field may span lines; its newlines are kept inside the record).
    public var lines: [String]
    /// Parsed fields of each line, header first.
    public var fields: [[String]]
    /// 1-based line number of each record in the file.
    public var lineNumbers: [Int]
    /// True when the file has more rows than were read.
    public var truncated: Bool

    /// Builds a dataset from its records, checking there is a header and at least one row, and that every
    /// row has as many fields as the header (a ragged row is an error naming its line).
    public init(name: String, path: String, lines: [String], fields: [[String]], lineNumbers: [Int]? = nil, truncated: Bool = false) throws {
        let numbers = lineNumbers ?? Array(1...max(1, lines.count))
        guard !lines.isEmpty, lines.count == fields.count else { throw TabularError.noRows(path: path) }
        guard lines.count > 1 else { throw TabularError.headerOnly(path: path) }
        let width = fields[0].count
        for index in 1..<fields.count where fields[index].count != width {
            throw TabularError.raggedRow(path: path, line: numbers[index], fields: fields[index].count, expected: width)
        }
        self.name = name
        self.path = path
        self.lines = lines
        self.fields = fields
        self.lineNumbers = numbers
        self.truncated = truncated
    }

    /// The header line.
    public var header: String { lines[0] }
    /// The feature names (the header's fields).
    public var featureNames: [String] { fields[0] }
    /// Number of data rows read (header excluded).
    public var rowCount: Int { lines.count - 1 }

    /// The dataset name for a path: the file name without `.csv`, `.csv.zst` (and other extensions).
    public static func name(forPath path: String) -> String {
        var base = String(path.split(separator: "/").last ?? Substring(path))
        for suffix in [".zst", ".gz", ".bz2", ".xz", ".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json", ".parquet"] where base.lowercased().hasSuffix(suffix) && base.count > suffix.count {
            base.removeLast(suffix.count)
        }
        return base
    }
}

extension TabularDataset {
    /// Reads a `.csv` or `.csv.zst` file (JSON Lines and JSON arrays of records go through `loadJSON`): the header and at most `maxRows` rows, streaming (the rest of a big
    /// file is never read, so millions of rows cost nothing). The delimiter (`,` `;` tab `|`) is taken from the
    /// header line. Errors name the file and line: unbalanced quotes, binary content, ragged rows, no rows.
    public static func load(path: String, maxRows: Int = 100_000) throws -> TabularDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TabularError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw TabularError.unreadable(path: path, reason: "is a directory, not a CSV file") }
        if InputFormat.detect(path: path)?.format == .parquet { return try loadParquet(path: path, maxRows: maxRows) }
        let source: ByteSource
        do {
            source = try DecompressingByteSource.open(FileByteSource(path: path), path: path).source
        } catch let error as StorageError {
            // The corpus error names the file itself (wrapping it in `unreadable` would name it twice).
            throw CorpusReader.corpusError(error, path: path)
        }
        if InputFormat.detect(path: path)?.format == .jsonl { return try loadJSON(path: path, source: source, maxRows: maxRows) }
        // Sniff the start for binary content and the delimiter, then replay it to the CSV reader.
        var head = [UInt8](repeating: 0, count: 1 << 16)
        var filled = 0
        while filled < head.count {
            let n = try head.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if n == 0 { break }
            filled += n
        }
        head.removeSubrange(filled...)
        guard !head.isEmpty else { throw TabularError.noRows(path: path) }
        if looksBinary(head, complete: filled < 1 << 16) { throw TabularError.binary(path: path) }
        let reader = CSVReader(source: ReplayingByteSource(head: head, rest: source), path: path, delimiter: delimiter(of: head))
        reader.maxRecordBytes = 16 << 20
        var lines = [String](), fields = [[String]](), numbers = [Int]()
        var truncated = false
        while let record = try reader.nextRecord() {
            if record.rawText.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            if lines.count > maxRows {
                truncated = true
                break
            }
            lines.append(record.rawText)
            fields.append(record.fields)
            numbers.append(record.lineNumber)
        }
        return try TabularDataset(name: name(forPath: path), path: path, lines: lines, fields: fields, lineNumbers: numbers, truncated: truncated)
    }

    /// A dataset from CSV text in memory (tests, small inputs); same rules as `load`.
    public static func parse(text: String, name: String, path: String) throws -> TabularDataset {
        let bytes = Array(text.utf8)
        if looksBinary(Array(bytes.prefix(1 << 16)), complete: true) { throw TabularError.binary(path: path) }
        let records = try CSVParser.records(in: bytes, path: path, delimiter: delimiter(of: Array(bytes.prefix(1 << 16))))
            .filter { !$0.rawText.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }
        return try TabularDataset(name: name, path: path, lines: records.map(\.rawText), fields: records.map(\.fields), lineNumbers: records.map(\.lineNumber))
    }

    /// NUL bytes or invalid UTF-8 (ignoring a multi-byte character cut at the end of an incomplete buffer).
    static func looksBinary(_ bytes: [UInt8], complete: Bool) -> Bool {
        if bytes.contains(0) { return true }
        var checked = bytes[...]
        if !complete {
            // Drop a trailing partial UTF-8 sequence.
            var back = 0
            while back < 3, let last = checked.last, last & 0xC0 == 0x80 { checked = checked.dropLast(); back += 1 }
            if let last = checked.last, last >= 0xC0 { checked = checked.dropLast() }
        }
        return String(validating: checked, as: UTF8.self) == nil
    }

    /// The most frequent of `,` `;` tab `|` outside quotes in the first line (`,` on ties or when none occurs).
    static func delimiter(of head: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var quoted = false
        for byte in head {
            if byte == UInt8(ascii: "\"") { quoted.toggle(); continue }
            if !quoted && (byte == 10 || byte == 13) { break }
            if !quoted && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == 9 || byte == UInt8(ascii: "|")) {
                counts[byte, default: 0] += 1
            }
        }
        let comma = counts[UInt8(ascii: ","), default: 0]
        guard let best = counts.max(by: { $0.value < $1.value }), best.value > comma else { return UInt8(ascii: ",") }
        return best.key
    }
}

