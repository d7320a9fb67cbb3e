import Foundation
import Testing
@testable import ContamStorage
@testable import ContamCorpus
import ContamTestSupport

@Suite struct CSVReaderTests {
    private func parse(_ text: String, chunkSize: Int = 1 << 16) throws -> [CSVRecord] {
        try parse(Array(text.utf8), chunkSize: chunkSize)
    }

    private func parse(_ bytes: [UInt8], chunkSize: Int = 1 << 16, path: String = "t.csv") throws -> [CSVRecord] {
        let reader = CSVReader(source: MemoryByteSource(bytes), path: path, chunkSize: chunkSize)
        var records: [CSVRecord] = []
        while let record = try reader.nextRecord() { records.append(record) }
        return records
    }

    @Test func simpleLFAndCRLF() throws {
        for terminator in ["\n", "\r\n"] {
            let records = try parse("a,b,c\(terminator)1,2,3\(terminator)")
            #expect(records.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
            #expect(records.map(\.rawText) == ["a,b,c", "1,2,3"])
            #expect(records.map(\.lineNumber) == [1, 2])
        }
    }

    @Test func finalRecordWithoutLineEnd() throws {
        let records = try parse("a,b\nc,d")
        #expect(records.map(\.fields) == [["a", "b"], ["c", "d"]])
        #expect(try parse("").isEmpty)
        #expect(try parse("\n\n").isEmpty)
    }

    @Test func quotedFields() throws {
        let text = "\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\",\"crlf\r\ninside\"\nnext,row\n"
        let records = try parse(text)
        #expect(records.count == 2)
        #expect(records[0].fields == ["a,b", "say \"hi\"", "line1\nline2", "crlf\r\ninside"])
        #expect(records[0].rawText == "\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\",\"crlf\r\ninside\"")
        #expect(records[0].lineNumber == 1)
        #expect(records[1].fields == ["next", "row"])
        #expect(records[1].lineNumber == 4)
    }

    @Test func emptyFields() throws {
        let records = try parse(",,\na,,b\n\"\",\"\"\n,\n\"\"\n")
        #expect(records.map(\.fields) == [["", "", ""], ["a", "", "b"], ["", ""], ["", ""], [""]])
    }

    @Test func blankLinesAreSkippedAndCounted() throws {
        let records = try parse("a\n\n\r\nb\n\n")
        #expect(records.map(\.fields) == [["a"], ["b"]])
        #expect(records.map(\.lineNumber) == [1, 4])
    }

    @Test func byteOrderMarkIsStripped() throws {
        let records = try parse([0xEF, 0xBB, 0xBF] + Array("h1,h2\nx,y\n".utf8), chunkSize: 4)
        #expect(records.map(\.fields) == [["h1", "h2"], ["x", "y"]])
        #expect(records[0].rawText == "h1,h2")
        // Only at the very start.
        let later = try parse(Array("a\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n".utf8))
        #expect(later[1].fields == ["\u{FEFF}b"])
    }

    @Test func lenientQuotes() throws {
        let records = try parse("5'10\",x\n\"a\"b,c\n\"q\" ,z\n")
        #expect(records.map(\.fields) == [["5'10\"", "x"], ["ab", "c"], ["q ", "z"]])
        #expect(records[1].rawText == "\"a\"b,c")
    }

    @Test func loneCarriageReturnIsData() throws {
        let records = try parse("a\rb,c\r\nd\r")
        #expect(records.map(\.fields) == [["a\rb", "c"], ["d"]])
    }

    @Test func raggedRowsAreNotErrors() throws {
        let records = try parse("a,b,c\n1\n1,2,3,4\n")
        #expect(records.map { $0.fields.count } == [3, 1, 4])
    }

    @Test func otherDelimiter() throws {
        let reader = CSVReader(source: MemoryByteSource(Array("a\tb,c\t\"d\te\"\n".utf8)), path: "x.tsv", delimiter: UInt8(ascii: "\t"))
        #expect(try reader.nextRecord()?.fields == ["a", "b,c", "d\te"])
        #expect(try reader.nextRecord() == nil)
    }

    @Test func invalidUTF8IsReplacedInFields() throws {
        let records = try parse([0x61, 0xFF, 0x2C, 0x62, 0x0A])
        #expect(records[0].fields == ["a\u{FFFD}", "b"])
    }

    @Test func convenienceParser() throws {
        let records = try CSVParser.records(in: "x,\"y\"\n", path: "mem.csv")
        #expect(records == [CSVRecord(fields: ["x", "y"], rawText: "x,\"y\"", lineNumber: 1)])
    }

    // MARK: Errors

    @Test func unbalancedQuoteNamesTheStartLine() throws {
        let text = "a,b\nc,\"open\nstill\nopen\n"
        #expect(throws: CorpusError.unbalancedQuote(path: "data/t.csv", line: 2)) {
            _ = try parse(Array(text.utf8), path: "data/t.csv")
        }
        let message = CorpusError.unbalancedQuote(path: "data/t.csv", line: 2).description
        #expect(message.hasPrefix("data/t.csv:2: "))
    }

    @Test func nulByteIsBinaryContent() throws {
        for bytes in [Array("a,b\nc\0d\n".utf8), Array("a,b\n\"c\n\0\"\n".utf8)] {
            do {
                _ = try parse(bytes, path: "bin.csv")
                Issue.record("expected an error")
            } catch let error as CorpusError {
                #expect(error == .binaryContent(path: "bin.csv", line: 2) || error == .binaryContent(path: "bin.csv", line: 3))
                #expect(error.description.hasPrefix("bin.csv:"))
            }
        }
    }

    @Test func recordTooLarge() throws {
        let reader = CSVReader(source: MemoryByteSource(Array("ok\n\"".utf8) + [UInt8](repeating: 0x61, count: 5000)), path: "big.csv", chunkSize: 64)
        reader.maxRecordBytes = 1000
        #expect(try reader.nextRecord()?.fields == ["ok"])
        #expect(throws: CorpusError.recordTooLarge(path: "big.csv", line: 2, limitBytes: 1000)) { _ = try reader.nextRecord() }
        #expect(CorpusError.recordTooLarge(path: "big.csv", line: 2, limitBytes: 1 << 20).description.hasPrefix("big.csv:2: "))
    }

    // MARK: Oracles

    /// Quotes a field the RFC 4180 way when it needs it.
    private func serialize(_ field: String, using rng: inout SeededRandom) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) || field.isEmpty && Bool.random(using: &rng) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    @Test func roundTripOfRandomRecords() throws {
        var rng = SeededRandom(seed: 200)
        let alphabet: [String] = ["a", "b", "é", "😀", ",", "\"", "\n", "\r\n", " ", "x"]
        for _ in 0..<200 {
            let recordCount = Int.random(in: 1...6, using: &rng)
            var expected: [[String]] = []
            var text = ""
            for _ in 0..<recordCount {
                let fieldCount = Int.random(in: 1...5, using: &rng)
                var fields = (0..<fieldCount).map { _ in
                    String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined())
                }
                // A record of one empty field must be quoted to be distinguishable from an empty line.
                if fields == [""] { fields = ["e"] }
                expected.append(fields)
                text += fields.map { serialize($0, using: &rng) }.joined(separator: ",") + (Bool.random(using: &rng) ? "\r\n" : "\n")
            }
            for chunkSize in [4, 5, 13, 1 << 16] {
                let records = try parse(text, chunkSize: chunkSize)
                #expect(records.map(\.fields) == expected, "\(text.debugDescription) chunk \(chunkSize)")
                // Raw texts re-parse to the same fields.
                for record in records {
                    #expect(try parse(record.rawText).first?.fields == record.fields)
                }
            }
        }
    }

    /// A simple whole-input parser written independently as the oracle for the streaming one: a quote opens a
    /// quoted field only as the field's first byte; anywhere else it is data; a CR is a line end only before LF
    /// or at the end of the input; an empty line is no record.
    private func oracle(_ bytes: [UInt8]) -> [[[UInt8]]]? {
        var records: [[[UInt8]]] = []
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var recordStarted = false
        var fieldStarted = false
        var inQuotes = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    inQuotes = false
                } else {
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case 0x22 where !fieldStarted:
                inQuotes = true
            case 0x2C:
                fields.append(field); field = []; fieldStarted = false; recordStarted = true; i += 1; continue
            case 0x0A:
                if recordStarted || fieldStarted { fields.append(field); records.append(fields) }
                fields = []; field = []; fieldStarted = false; recordStarted = false; i += 1; continue
            case 0x0D where i + 1 == bytes.count || bytes[i + 1] == 0x0A:
                i += 1; continue
            default:
                field.append(b)
            }
            fieldStarted = true; recordStarted = true; i += 1
        }
        if inQuotes { return nil }
        if recordStarted || fieldStarted { fields.append(field); records.append(fields) }
        return records
    }

    @Test func randomByteSoupMatchesOracle() throws {
        var rng = SeededRandom(seed: 2000)
        let alphabet: [UInt8] = Array("a,\"\n\r b".utf8)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let expected = oracle(bytes)
            for chunkSize in [4, 7, 1 << 16] {
                do {
                    let records = try parse(bytes, chunkSize: chunkSize)
                    let got = records.map { $0.fields.map { Array($0.utf8) } }
                    #expect(got == expected ?? [], "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                    #expect(expected != nil, "\(String(decoding: bytes, as: UTF8.self).debugDescription) parsed but oracle saw an open quote")
                } catch let error as CorpusError {
                    guard case .unbalancedQuote = error else { Issue.record("unexpected \(error)"); continue }
                    #expect(expected == nil, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                }
            }
        }
    }
}
