import Foundation
import Testing
@testable import ContamCorpus
@testable import ContamDetect
import ContamTestSupport

/// Item inputs beyond JSONL and text: CSV/TSV, directories, and what is refused.
@Suite struct ItemReaderInputsTests {
    func reader(fields: [String] = ["text"], given: Bool = true, columns: [String]? = nil, skip: Bool = false) -> ItemReader {
        var options = ItemReaderOptions()
        options.fields = fields
        options.fieldsGiven = given
        options.csvColumns = columns
        options.skipBadRecords = skip
        return ItemReader(options: options)
    }

    @Test func csvItemsByColumnWithIdsAndRawRows() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let content = "id,question,answer\r\nq1,\"What is 2+2?\",4\r\nq2,\"Two\r\nlines\",yes\r\n"
        let path = dir.write("mmlu.csv", content)
        let set = try reader(fields: ["question", "answer"]).read(paths: [path])
        #expect(set.items.map(\.id) == ["q1", "q2"])
        #expect(set.items.map { String(decoding: $0.text, as: UTF8.self) } == ["What is 2+2?\n4", "Two\r\nlines\nyes"])
        #expect(set.items.map(\.recordNumber) == [2, 3])
        // Header and rows written back as they were, CRLF kept.
        #expect(set.inputs[0].segments.flatMap(\.bytes) == Array(content.utf8))
        #expect(set.inputs[0].segments.map(\.item) == [nil, 0, 1])
    }

    @Test func tsvHeaderlessColumnsAndErrors() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let tsv = dir.write("t.tsv", "a question\tan answer\nsecond\tx\n")
        let set = try reader(fields: ["q"], columns: ["q", "a"]).read(paths: [tsv])
        #expect(set.items.map { String(decoding: $0.text, as: UTF8.self) } == ["a question", "second"])
        #expect(set.items.map(\.id) == ["\(tsv):1", "\(tsv):2"])
        let csv = dir.write("r.csv", "question,answer\nfine,1\nragged\n")
        #expect(throws: CorpusError.raggedRow(path: csv, line: 3, fields: 1, columns: 2)) {
            try reader(fields: ["question"]).read(paths: [csv])
        }
        let skipped = try reader(fields: ["question"], skip: true).read(paths: [csv])
        #expect(skipped.items.count == 1 && skipped.skippedRecords == 1)
        #expect(throws: CorpusError.missingColumn(path: csv, column: "text", columns: ["question", "answer"], role: .text)) {
            try reader(given: false).read(paths: [csv])
        }
    }

    @Test func directoriesAreWalkedAndBinaryOrFieldOnTextRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        dir.write("items/a.jsonl", "{\"text\": \"one\"}\n")
        dir.write("items/sub/b.txt", "two")
        dir.write("items/c.bin", "?")
        let set = try reader(given: false).read(paths: [dir.file("items")])
        #expect(set.items.map { String(decoding: $0.text, as: UTF8.self) } == ["one", "two"])
        #expect(set.skippedInputs == [SkippedInput(path: dir.file("items/c.bin"), reason: .unknownFormat)])
        #expect {
            try reader(fields: ["text"], given: true).read(paths: [dir.file("items/sub/b.txt")])
        } throws: { "\($0)".contains("plain-text file") && "\($0)".contains("b.txt") }
        let binary = dir.write("blob.txt", "abc\n\u{0}def")
        #expect(throws: CorpusError.binaryContent(path: binary, line: 2)) {
            try reader(given: false).read(paths: [binary])
        }
    }
}
