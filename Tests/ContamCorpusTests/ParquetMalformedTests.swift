import Foundation
import Testing
import ContamCorpus
import ContamTestSupport

/// Damaged and unsupported files: each is a thrown `ParquetError` whose message names the file and the place.
@Suite struct ParquetMalformedTests {
    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: try ParquetFixtures.get().path(name))))
    }

    /// Opens and reads all of `bytes` (written to a file), returning the error it throws.
    private func readError(_ bytes: [UInt8], in directory: TestDirectory, name: String = "broken.parquet",
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> (ParquetError, String) {
        let path = directory.write(name, bytes: bytes)
        let error = try #require(throws: ParquetError.self, sourceLocation: sourceLocation) {
            try ParquetFile(path: path).forEachRow(columns: nil) { _, _ in }
        }
        #expect(error.description.hasPrefix(path + ": "), sourceLocation: sourceLocation)
        #expect(error.path == path, sourceLocation: sourceLocation)
        return (error, path)
    }

    private func footerLength(_ bytes: [UInt8]) -> Int {
        Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16 | Int(bytes[bytes.count - 5]) << 24
    }

    @Test func truncatedFooterIsNotParquet() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        let bytes = try fixtureBytes("fuzz-seed")
        let (error, path) = try readError(Array(bytes.dropLast(5)), in: directory)
        #expect(error == .notParquet(path: path, detail: "the file does not end with the magic PAR1 (it may be truncated)"))
        let (short, shortPath) = try readError(Array(bytes.prefix(9)), in: directory, name: "short.parquet")
        #expect(short == .notParquet(path: shortPath, detail: "the file has 9 bytes, fewer than the 12 of an empty Parquet file"))
    }

    @Test func wrongMagicIsNotParquet() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        var bytes = try fixtureBytes("fuzz-seed")
        bytes[3] = UInt8(ascii: "0")
        let (error, path) = try readError(bytes, in: directory)
        #expect(error == .notParquet(path: path, detail: "the file does not start with the magic PAR1"))
        #expect(error.description.contains("not a Parquet file"))
    }

    @Test func metadataLengthPastTheFileIsDamaged() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        var bytes = try fixtureBytes("fuzz-seed")
        let size = bytes.count
        bytes[size - 8] = 0xFF; bytes[size - 7] = 0xFF; bytes[size - 6] = 0; bytes[size - 5] = 0
        let (error, _) = try readError(bytes, in: directory)
        #expect(error.description.contains("footer at byte offset \(size - 8): the footer says the metadata has 65535 bytes"))
    }

    @Test func emptiedMetadataIsDamaged() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        var bytes = try fixtureBytes("fuzz-seed")
        let length = footerLength(bytes)
        let start = bytes.count - 8 - length
        for offset in start ..< bytes.count - 8 { bytes[offset] = 0 }
        let (error, _) = try readError(bytes, in: directory)
        #expect(error.description.contains("file metadata at byte offset \(start + 1): the file metadata lacks its schema"))
        // A metadata string whose length runs past the footer.
        var long = try fixtureBytes("fuzz-seed")
        long[start] = 0x19  // field 1 as a list: a list header follows
        long[start + 1] = 0xF8  // 15+ elements of type binary: a varint count follows
        long[start + 2] = 0x7F
        let (listError, _) = try readError(long, in: directory, name: "long.parquet")
        #expect(listError.description.contains("file metadata at byte offset"))
    }

    @Test func destroyedPageHeaderNamesRowGroupColumnAndPage() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        let name = "types-none-v2-plain"
        let chunk = try #require(try ParquetFixtures.get().files[name]?.chunks["s2"])
        var bytes = try fixtureBytes(name)
        for offset in chunk[0] ..< chunk[0] + 4 { bytes[offset] = 0xFF }
        let (error, _) = try readError(bytes, in: directory)
        #expect(error.description.contains("row group 0, column \"s2\", page 0 (page header) at byte offset \(chunk[0] + 1)"), "\(error)")
    }

    @Test func corruptCompressedPageNamesRowGroupColumnAndPage() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        let name = "types-gzip-v1-plain"
        let chunk = try #require(try ParquetFixtures.get().files[name]?.chunks["s"])
        var bytes = try fixtureBytes(name)
        // The first gzip member of the chunk: flip bytes of its deflate stream.
        let member = try #require((chunk[0] ..< chunk[0] + chunk[2] - 1).first { bytes[$0] == 0x1F && bytes[$0 + 1] == 0x8B })
        for offset in member + 10 ..< member + 40 { bytes[offset] ^= 0x5A }
        let (error, _) = try readError(bytes, in: directory)
        #expect(error.description.contains("row group 0, column \"s\", page 0 at byte offset \(chunk[0])"), "\(error)")
        #expect(error.description.contains("GZIP"), "\(error)")
    }

    @Test func truncatedColumnDataIsDamaged() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        let bytes = try fixtureBytes("fuzz-seed")
        let footer = bytes.suffix(footerLength(bytes) + 8)
        let (error, _) = try readError(Array(bytes.prefix(bytes.count / 3)) + footer, in: directory)
        guard case let .damaged(_, location, detail) = error else { Issue.record("not damaged: \(error)"); return }
        #expect(location.rowGroup != nil && location.column != nil, "\(error)")
        #expect(detail.contains("outside the data of the file"), "\(error)")
    }

    /// A codec this reader lacks (the codec of a ZSTD file's only column chunk patched to LZO in the metadata).
    @Test func unsupportedCodecNamesCodecRowGroupAndColumn() throws {
        let directory = TestDirectory("parquet-malformed")
        defer { directory.cleanup() }
        var bytes = try fixtureBytes("codec-target")
        let start = bytes.count - 8 - footerLength(bytes)
        // ColumnMetaData field 4 (codec) follows field 3: header 0x15, then zigzag(6) = 12 for ZSTD.
        let hits = (start ..< bytes.count - 9).filter { bytes[$0] == 0x15 && bytes[$0 + 1] == 0x0C }
        try #require(hits.count == 1, "the codec field is not unique in the fixture's footer")
        bytes[hits[0] + 1] = 0x06  // zigzag(3): LZO
        let (error, path) = try readError(bytes, in: directory)
        #expect(error == .unsupported(path: path, location: ParquetLocation(rowGroup: 0, column: "n"), feature: "the column chunk is compressed with LZO"))
        #expect(error.description.hasPrefix("\(path): row group 0, column \"n\": the column chunk is compressed with LZO, which contam cannot read"))
    }

    /// Seeded mutations of valid files (bytes flipped, overwritten, truncated) only ever read or throw
    /// `ParquetError`; a trap would end the test run.
    @Test func mutatedFilesReadOrThrowParquetErrors() throws {
        let directory = TestDirectory("parquet-fuzz")
        defer { directory.cleanup() }
        var random = SeededRandom(seed: 20_261_202)
        var outcomes = (read: 0, failed: 0)
        for seed in ["fuzz-seed", "fuzz-seed-v2", "decimal-ints", "int96", "codec-target"] {
            let original = try fixtureBytes(seed)
            for iteration in 0 ..< 200 {
                var bytes = original
                switch iteration % 5 {
                case 0:
                    bytes = Array(bytes.prefix(Int.random(in: 0 ..< bytes.count, using: &random)))
                case 1:
                    // Keep the footer, truncate or shorten what lies before it.
                    let footer = bytes.suffix(min(bytes.count, Int.random(in: 8 ..< 400, using: &random)))
                    bytes = Array(bytes.prefix(Int.random(in: 0 ..< bytes.count, using: &random))) + footer
                default:
                    for _ in 0 ..< Int.random(in: 1 ... 6, using: &random) {
                        let position = Int.random(in: 0 ..< bytes.count, using: &random)
                        if random.next() % 2 == 0 {
                            bytes[position] ^= UInt8(1 << (random.next() % 8))
                        } else {
                            bytes[position] = UInt8(truncatingIfNeeded: random.next())
                        }
                    }
                }
                let path = directory.write("\(seed)-\(iteration).parquet", bytes: bytes)
                do {
                    let file = try ParquetFile(path: path)
                    var rows = 0
                    try file.forEachRow(columns: nil) { _, _ in rows += 1 }
                    #expect(rows == file.rowCount)
                    if let column = file.columnNames.first(where: { $0 == "s" || $0 == "s2" }) {
                        var strings = 0
                        try file.forEachString(column: column) { _, _ in strings += 1 }
                        #expect(strings == file.rowCount)
                    }
                    outcomes.read += 1
                } catch let error as ParquetError {
                    #expect(error.description.hasPrefix(path + ": "))
                    outcomes.failed += 1
                }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        #expect(outcomes.failed > 0 && outcomes.read + outcomes.failed == 1000)
    }
}
