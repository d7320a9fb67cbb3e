import Foundation
import Testing
@testable import ContamStorage
@testable import ContamCorpus
@testable import ContamDetect
import ContamTestSupport

@Suite struct ItemReaderTests {
    func reader(fields: [String] = ["text"], idField: String? = nil, lines: Bool = false, skip: Bool = false) -> ItemReader {
        var options = ItemReaderOptions()
        options.fields = fields
        options.idField = idField
        options.linesAreItems = lines
        options.skipBadRecords = skip
        return ItemReader(options: options)
    }

    @Test func jsonlWithSeveralFieldsIdsAndExactRawRecords() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let content = "{\"id\": \"q1\", \"question\": \"What is 2+2?\", \"answer\": \"4\"}\r\n\n{\"question\": \"Caf\\u00e9?\", \"answer\": \"yes\", \"n\": [1]}\n{\"id\": 7, \"question\": \"last\", \"answer\": \"\"}"
        let path = dir.write("items.jsonl", content)
        let set = try reader(fields: ["question", "answer"]).read(paths: [path])
        #expect(set.items.map(\.id) == ["q1", "\(path):3", "7"])
        #expect(set.items.map { String(decoding: $0.text, as: UTF8.self) } == ["What is 2+2?\n4", "Café?\nyes", "last"])
        #expect(set.items.map(\.recordNumber) == [1, 3, 4])
        #expect(set.items[0].rawRecord == Array("{\"id\": \"q1\", \"question\": \"What is 2+2?\", \"answer\": \"4\"}\r\n".utf8))
        // Every byte of the input is in exactly one segment, in order.
        #expect(set.inputs[0].segments.flatMap(\.bytes) == Array(content.utf8))
        #expect(set.inputs[0].segments.map(\.item) == [0, nil, 1, 2])
        let byField = try reader(fields: ["question"], idField: "answer").read(paths: [path])
        #expect(byField.items.map(\.id) == ["4", "yes", ""])
    }

    @Test func textFilesWholeOrByLineAndZst() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let a = dir.write("a.txt", "first item\n\nsecond item\r\nthird")
        let whole = try reader().read(paths: [a])
        #expect(whole.items.count == 1 && whole.items[0].id == a && whole.items[0].rawRecord == Array("first item\n\nsecond item\r\nthird".utf8))
        let byLine = try reader(lines: true).read(paths: [a])
        #expect(byLine.items.map { String(decoding: $0.text, as: UTF8.self) } == ["first item", "second item", "third"])
        #expect(byLine.items.map(\.id) == ["\(a):1", "\(a):3", "\(a):4"])
        let jsonl = Array("{\"text\": \"compressed item\"}\n".utf8)
        let frame = try jsonl.withUnsafeBytes { try ZstdCompressor().compress($0) }
        let zst = dir.write("b.jsonl.zst", bytes: frame)
        let compressed = try reader().read(paths: [zst, a])
        #expect(compressed.items.map { String(decoding: $0.text, as: UTF8.self) } == ["compressed item", "first item\n\nsecond item\r\nthird"])
        #expect(compressed.inputs.map(\.recordsAreLines) == [true, false])
        // A name without a known extension is sniffed.
        let sniffed = dir.write("items", "{\"text\": \"sniffed\"}\n")
        #expect(try reader().read(paths: [sniffed]).items[0].text == Array("sniffed".utf8))
    }

    @Test func errorsNameTheFileAndLine() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let missing = dir.file("nope.jsonl")
        let e1 = #expect(throws: CorpusError.self) { try reader().read(paths: [missing]) }
        #expect("\(e1!)".contains(missing))
        let malformed = dir.write("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"broken}\n")
        let e2 = #expect(throws: CorpusError.self) { try reader().read(paths: [malformed]) }
        #expect("\(e2!)".contains("\(malformed):2"))
        let absent = dir.write("absent.jsonl", "{\"question\": \"x\"}\n")
        let e3 = #expect(throws: CorpusError.self) { try reader().read(paths: [absent]) }
        #expect("\(e3!)".contains("\(absent):1") && "\(e3!)".contains("\"text\"") && "\(e3!)".contains("question"))
        let empty = dir.write("empty.jsonl", "{\"text\": \"fine\"}\n{\"text\": \"   \"}\n")
        let e4 = #expect(throws: DetectError.self) { try reader().read(paths: [empty]) }
        #expect("\(e4!)".contains("\(empty):2") && "\(e4!)".contains("empty"))
        let blankFile = dir.write("blank.txt", " \n\n")
        let e5 = #expect(throws: DetectError.self) { try reader().read(paths: [blankFile]) }
        #expect("\(e5!)".contains("\(blankFile):1"))
        let e6 = #expect(throws: DetectError.self) { try reader(lines: true).read(paths: [blankFile]) }
        #expect("\(e6!)".contains(blankFile) && "\(e6!)".contains("no items"))
        let badZst = dir.write("fake.jsonl.zst", "not compressed at all")
        let e7 = #expect(throws: CorpusError.self) { try reader().read(paths: [badZst]) }
        #expect("\(e7!)".contains(badZst))
        // A directory is walked (ItemReaderInputsTests): here its first bad file stops the read, named.
        let e8 = #expect(throws: (any Error).self) { try reader().read(paths: [dir.path]) }
        #expect("\(e8!)".contains(dir.path + "/"))
        let wrongType = dir.write("type.jsonl", "{\"text\": 12}\n")
        let e9 = #expect(throws: CorpusError.self) { try reader().read(paths: [wrongType]) }
        #expect("\(e9!)".contains("\(wrongType):1"))
    }

    @Test func badRecordsCanBeSkippedAndArePassedThrough() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let content = "{\"text\": \"one\"}\nnot json\n{\"text\": \"two\"}\n"
        let path = dir.write("mixed.jsonl", content)
        let set = try reader(skip: true).read(paths: [path])
        #expect(set.items.count == 2)
        #expect(set.skippedRecords == 1)
        #expect(set.skipReasons[0].contains("\(path):2"))
        #expect(set.inputs[0].segments.map(\.item) == [0, nil, 1])
    }
}
