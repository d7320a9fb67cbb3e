import ContamCorpus
import ContamStorage

/// JSON lines: the input read by `LineReader` (in 64-byte chunks, so lines cross chunk ends) and every line
/// parsed by `JSONLineParser` twice, for the default field and for several text fields with an id.
enum JSONLineTarget {
    static func run(_ input: UnsafeRawBufferPointer) {
        let parsers = [JSONLineParser(), JSONLineParser(textFields: ["title", "body", "text"], idField: "id")]
        let lines = LineReader(source: MemoryByteSource([UInt8](input)), chunkSize: 64)
        try? lines.forEachLine { line, lineNumber in
            for parser in parsers {
                _ = try? parser.parse(line, path: "fuzz.jsonl", lineNumber: lineNumber)
            }
        }
    }
}
