import ContamCorpus
import ContamStorage

/// CSV: the input as comma-separated records (`CSVParser.records`) and again through `CSVReader` in 3-byte
/// chunks, which must give the same records (or fail both); then as tab-separated with a 4 KiB record limit.
enum CSVTarget {
    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        let whole = try? CSVParser.records(in: bytes, path: "fuzz.csv")
        let chunked = try? records(CSVReader(source: MemoryByteSource(bytes), path: "fuzz.csv", chunkSize: 3))
        if whole != chunked {
            FuzzTargets.mismatch("CSV read whole gave \(whole.map { "\($0.count) records" } ?? "an error"), in 3-byte chunks \(chunked.map { "\($0.count) records" } ?? "an error")")
        }
        let tabs = CSVReader(source: MemoryByteSource(bytes), path: "fuzz.tsv", delimiter: UInt8(ascii: "\t"), chunkSize: 64)
        tabs.maxRecordBytes = 4096
        _ = try? records(tabs)
    }

    static func records(_ reader: CSVReader) throws -> [CSVRecord] {
        var result: [CSVRecord] = []
        while let record = try reader.nextRecord() { result.append(record) }
        return result
    }
}
