import ContamCorpus
import ContamStorage

/// A table read from records rather than CSV text (JSON Lines, Parquet): the same `TabularDataset` the tests
/// see, its lines written as CSV the way pandas' `to_csv` would (the form the tabular memorization tests, after
/// Bordt et al. 2024, prompt with), so a table is a table whatever file it came in.
extension TabularDataset {
    /// A dataset of `rows` (each an object of column → value), the columns in first-seen order. A value is
    /// written as its scalar text (`RecordValue.scalarText`), null as an empty cell, arrays and objects as compact
    /// JSON. `recordNumbers` are the rows' places in the file (JSONL lines, Parquet row numbers from 1), for errors.
    public static func fromRecords(_ rows: [RecordObject], recordNumbers: [Int], name: String, path: String, truncated: Bool) throws -> TabularDataset {
        guard !rows.isEmpty else { throw TabularError.noRows(path: path) }
        var columns: [String] = []
        var seen = Set<String>()
        for row in rows {
            for key in row.keys where seen.insert(key).inserted { columns.append(key) }
        }
        var fields: [[String]] = [columns]
        var lines: [String] = [columns.map(csvCell).joined(separator: ",")]
        for row in rows {
            let cells = columns.map { row[$0].map(cellText) ?? "" }
            fields.append(cells)
            lines.append(cells.map(csvCell).joined(separator: ","))
        }
        return try TabularDataset(name: name, path: path, lines: lines, fields: fields, lineNumbers: [1] + recordNumbers, truncated: truncated)
    }

    /// One cell's text. Floats as Python's `repr` (and so pandas) writes them, which Swift's shortest round-trip
    /// form matches: `5.0`, `0.1`, `1e-05`.
    static func cellText(_ value: RecordValue) -> String {
        switch value {
        case .null: return ""
        case let .double(number): return String(number)
        default: return value.scalarText ?? jsonText(value)
        }
    }

    /// Compact JSON for a value that is not one scalar (arrays, objects, bytes as a string of \u escapes).
    static func jsonText(_ value: RecordValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return flag ? "true" : "false"
        case .integer, .double, .timestamp: return value.scalarText.map { value.isTimestamp ? quoted($0) : $0 } ?? "null"
        case let .string(text): return quoted(text)
        case let .bytes(bytes): return quoted(String(decoding: bytes, as: UTF8.self))
        case let .array(items): return "[" + items.map(jsonText).joined(separator: ",") + "]"
        case let .object(object): return "{" + zip(object.keys, object.values).map { quoted($0) + ":" + jsonText($1) }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ text: String) -> String { ReportText.jsonString(text) }

    /// A CSV cell as pandas writes it: quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func csvCell(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension RecordValue {
    var isTimestamp: Bool {
        if case .timestamp = self { return true }
        return false
    }
}

extension TabularDataset {
    /// Reads a table of JSON records: JSON Lines (one object per line) or one JSON document (an array of objects),
    /// at most `maxRows` rows. A record that is not an object is an error naming its line or position.
    static func loadJSON(path: String, source: ByteSource, maxRows: Int) throws -> TabularDataset {
        let (head, replayed) = try JSONDocumentReader.head(of: source)
        var rows: [RecordObject] = []
        var numbers: [Int] = []
        var truncated = false
        func take(_ value: RecordValue, number: Int, place: String) throws {
            guard case let .object(object) = value else {
                throw TabularError.unreadable(path: path, reason: "\(place) is \(value.kindDescription), not an object of column values")
            }
            rows.append(object)
            numbers.append(number)
        }
        if JSONDocumentReader.layout(ofHead: head) == .document {
            let bytes = try JSONDocumentReader.readAll(replayed, path: path)
            let records = try JSONDocumentReader.records(in: bytes, path: path, recordsPath: nil).records
            for (k, record) in records.enumerated() {
                if rows.count == maxRows { truncated = true; break }
                try take(record.value, number: k + 1, place: "record \(record.position)")
            }
        } else {
            struct Enough: Error {}
            do {
                try LineReader(source: replayed).forEachLine { line, number in
                    guard !line.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) else { return }
                    if rows.count == maxRows { truncated = true; throw Enough() }
                    try take(try JSONValueParser.parse(line, path: path, lineNumber: number).value, number: number, place: "line \(number)")
                }
            } catch is Enough {}
        }
        return try fromRecords(rows, recordNumbers: numbers, name: name(forPath: path), path: path, truncated: truncated)
    }
}

extension TabularDataset {
    /// Reads the first `maxRows` rows of a Parquet file, every column, as a table.
    static func loadParquet(path: String, maxRows: Int) throws -> TabularDataset {
        struct Enough: Error {}
        var rows: [RecordObject] = []
        var truncated = false
        // A ParquetError names the file and the place itself.
        let file = try ParquetFile(path: path)
        do {
            try file.forEachRow { row, _ in
                if rows.count == maxRows { truncated = true; throw Enough() }
                rows.append(row)
            }
        } catch is Enough {}
        return try fromRecords(rows, recordNumbers: rows.indices.map { $0 + 1 }, name: name(forPath: path), path: path, truncated: truncated)
    }
}
