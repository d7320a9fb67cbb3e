import Foundation
import Testing
import ContamCorpus
import ContamTestSupport

@Suite struct ParquetFileTests {
    /// Every fixture (each codec x page version x dictionary or plain; the delta, byte-stream-split and RLE boolean
    /// encodings; INT96; integer decimals; nested lists, structs and maps with nulls) reads value by value as pyarrow
    /// reads it.
    @Test func everyFixtureReadsAsPyarrowReadsIt() throws {
        let fixtures = try ParquetFixtures.get()
        #expect(fixtures.files.count >= 40)
        for (name, expected) in fixtures.files.sorted(by: { $0.key < $1.key }) where !name.hasPrefix("extreme-") {
            let path = fixtures.path(name)
            let file = try ParquetFile(path: path)
            #expect(file.rowGroupCount == expected.rowGroups, "\(name)")
            #expect(file.rowCount == expected.rows.count, "\(name)")
            let rows = try ParquetCanonical.rows(path)
            #expect(rows.count == expected.rows.count, "\(name): row count")
            if let first = zip(rows, expected.rows).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("\(name): row \(first.offset) differs\n ours:    \(first.element.0.prefix(600))\n pyarrow: \(first.element.1.prefix(600))")
            }
        }
    }

    @Test func severalRowGroupsAndPagesAreExercised() throws {
        let fixtures = try ParquetFixtures.get()
        let types = try #require(fixtures.files["types-snappy-v2-dict"])
        #expect(types.rowGroups > 1)
        let pages = try #require(fixtures.files["one-row-group-many-pages"])
        #expect(pages.rowGroups == 1)
        #expect(try ParquetFile(path: fixtures.path("empty")).rowCount == 0)
        #expect(try ParquetCanonical.rows(fixtures.path("empty")).isEmpty)
    }

    /// A DATE too far from 1970 for microseconds is an error naming the column, not a wrapped or trapped value.
    @Test func outOfRangeDateIsAnError() throws {
        let path = try ParquetFixtures.get().path("extreme-date")
        let error = try #require(throws: ParquetError.self) { try ParquetCanonical.rows(path) }
        #expect(error.description.contains("row group 0, column \"d\": a DATE value 2147483647 is out of the range of microsecond timestamps"), "\(error)")
    }

    @Test func columnNamesAreTheTopLevelFields() throws {
        let file = try ParquetFile(path: try ParquetFixtures.get().path("legacy-lists"))
        #expect(file.columnNames == ["lst", "lst_struct", "ll"])
    }

    /// Projection returns the named columns in the order asked for, with the same values as the full rows.
    @Test func projectionReturnsTheNamedColumnsInOrder() throws {
        let fixtures = try ParquetFixtures.get()
        let path = fixtures.path("types-zstd-v1-dict")
        var full: [RecordObject] = []
        try ParquetFile(path: path).forEachRow(columns: nil) { row, _ in full.append(row) }
        var index = 0
        try ParquetFile(path: path).forEachRow(columns: ["nested", "s", "nested"]) { row, number in
            #expect(number == index)
            #expect(row.keys == ["nested", "s"])
            #expect(row["nested"] == full[index]["nested"])
            #expect(row["s"] == full[index]["s"])
            index += 1
        }
        #expect(index == full.count)
    }

    /// Only the projected columns' chunks are read: a destroyed chunk of another column does not matter, and reading
    /// that column reports it with the file, row group and column.
    @Test func onlyProjectedChunksAreRead() throws {
        let fixtures = try ParquetFixtures.get()
        let name = "types-none-v1-plain"
        let chunk = try #require(fixtures.files[name]?.chunks["i64"])
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures.path(name))))
        for offset in chunk[0] ..< chunk[0] + chunk[2] { bytes[offset] = 0xFF }
        let directory = TestDirectory("parquet-projection")
        defer { directory.cleanup() }
        let path = directory.write("broken-i64.parquet", bytes: bytes)
        let expected = try ParquetCanonical.rows(fixtures.path(name), columns: ["s", "i32"])
        #expect(try ParquetCanonical.rows(path, columns: ["s", "i32"]) == expected)
        let error = try #require(throws: ParquetError.self) { try ParquetCanonical.rows(path, columns: ["i64"]) }
        #expect(error.description.contains(path))
        #expect(error.description.contains("row group 0"))
        #expect(error.description.contains("column \"i64\""))
    }

    @Test func unknownColumnIsAnErrorListingTheColumns() throws {
        let path = try ParquetFixtures.get().path("legacy-lists")
        let error = try #require(throws: ParquetError.self) { try ParquetFile(path: path).forEachRow(columns: ["text"]) { _, _ in } }
        #expect(error == .unknownColumn(path: path, column: "text", columns: ["lst", "lst_struct", "ll"]))
        #expect(error.description.contains("lst, lst_struct, ll"))
    }

    /// The string fast path gives the same strings and nulls as the rows, for dictionary, plain and delta pages.
    @Test func forEachStringMatchesTheRows() throws {
        let fixtures = try ParquetFixtures.get()
        for name in ["types-snappy-v1-dict", "types-gzip-v2-plain", "delta-zstd-v2", "delta-none-v1", "one-row-group-many-pages"] {
            for column in ["s", "s2"] where fixtures.files[name]?.chunks[column] != nil {
                let path = fixtures.path(name)
                var fromRows: [RecordValue] = []
                try ParquetFile(path: path).forEachRow(columns: [column]) { row, _ in fromRows.append(row[column] ?? .null) }
                var strings: [RecordValue] = []
                try ParquetFile(path: path).forEachString(column: column) { text, number in
                    #expect(number == strings.count)
                    strings.append(text.map(RecordValue.string) ?? .null)
                }
                #expect(strings == fromRows, "\(name) \(column)")
            }
        }
        let path = fixtures.path("types-none-v1-dict")
        let error = try #require(throws: ParquetError.self) { try ParquetFile(path: path).forEachString(column: "lst") { _, _ in } }
        #expect(error.description.contains("\"lst\" is not a top-level string"))
    }

    @Test func datasetFilesPickASplit() throws {
        let directory = TestDirectory("parquet-dataset")
        defer { directory.cleanup() }
        for name in ["data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet", "data/test-00000-of-00001.parquet",
                     "data/validation-00000-of-00001.parquet", "data/README.md", "default/train/0000.parquet"] {
            directory.write(name, "x")
        }
        let train = try ParquetDataset.files(in: directory.path, split: "train")
        #expect(train.map { String($0.dropFirst(directory.path.count + 1)) }
                == ["data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet", "default/train/0000.parquet"])
        #expect(try ParquetDataset.files(in: directory.path, split: "test").count == 1)
        #expect(try ParquetDataset.files(in: directory.path, split: nil).count == 5)
        let error = try #require(throws: ParquetError.self) { try ParquetDataset.files(in: directory.path, split: "dev") }
        #expect(error == .noFiles(directory: directory.path, split: "dev", splits: ["test", "train", "validation"]))
        #expect(error.description.contains("splits found: test, train, validation"))
    }
}
