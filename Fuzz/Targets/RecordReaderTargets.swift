import Foundation
import ContamCorpus

/// JSON documents: the value parser, then the records and field paths a check would take from them.
enum JSONValueTarget {
    static let selector = try? RecordFieldSelector(fields: ["question.stem", "choices[].text", "text"], idField: nil, defaultID: true)

    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        guard let (records, _) = try? JSONDocumentReader.records(in: bytes, path: "fuzz.json", recordsPath: nil) else { return }
        for record in records.prefix(64) {
            _ = try? selector?.text(of: record.value, at: RecordLocation(path: "fuzz.json", record: record.position))
        }
    }
}

/// Parquet: the input as a file (the reader maps it), opened and read whole, rows and the string fast path.
enum ParquetTarget {
    static let path = NSTemporaryDirectory() + "/contam-fuzz-\(getpid()).parquet"

    static func run(_ input: UnsafeRawBufferPointer) {
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else { return }
        guard let file = try? ParquetFile(path: path) else { return }
        var rows = 0
        try? file.forEachRow { _, _ in rows += 1 }
        if let first = file.columnNames.first { try? file.forEachString(column: first) { _, _ in } }
    }
}
