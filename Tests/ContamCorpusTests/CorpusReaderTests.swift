import Foundation
import Testing
import ContamTestSupport
@testable import ContamStorage
@testable import ContamCorpus

extension TestDirectory {
    /// Writes `bytes` compressed as one zstd frame (a valid .zst file) and returns the full path.
    @discardableResult
    fileprivate func writeCompressed(_ name: String, _ bytes: [UInt8]) throws -> String {
        let frame = try bytes.withUnsafeBytes { try ZstdCompressor(level: 3).compress($0) }
        return write(name, bytes: frame)
    }
}

@Suite struct CorpusReaderTests {
    private func documents(_ inputs: [String], _ options: CorpusOptions = CorpusOptions()) throws -> (reader: CorpusReader, docs: [Document]) {
        let reader = try CorpusReader(inputs: inputs, options: options)
        var docs: [Document] = []
        try reader.forEachDocument { docs.append($0) }
        return (reader, docs)
    }

    private func texts(_ docs: [Document]) -> [String] { docs.map { String(decoding: $0.text, as: UTF8.self) } }

    private func thrown(_ body: () throws -> Void) -> CorpusError? {
        do { try body() } catch { return error as? CorpusError }
        return nil
    }

    @Test func directoriesAreWalkedRecursivelyInSortedOrder() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        dir.write("b.txt", "second file")
        dir.write("a.md", "first file")
        dir.write("sub/c.jsonl", #"{"text": "in a subdirectory"}"# + "\n")
        dir.write("sub/deeper/d.csv", "raw,row\n")
        dir.write("B.txt", "capital sorts first")
        dir.write(".hidden.txt", "hidden")
        dir.write(".git/e.txt", "hidden directory")
        dir.write("notes.pdf", "unsupported")
        dir.write("image.png", "unsupported")
        let (reader, docs) = try documents([dir.path])
        let relative = reader.sources.map { String($0.dropFirst(dir.path.count + 1)) }
        #expect(relative == ["B.txt", "a.md", "b.txt", "sub/c.jsonl", "sub/deeper/d.csv"])
        #expect(texts(docs) == ["capital sorts first", "first file", "second file", "in a subdirectory", "raw,row"])
        #expect(docs.map(\.sourceIndex) == [0, 1, 2, 3, 4])
        #expect(docs.map(\.recordNumber) == [1, 1, 1, 1, 1])
        #expect(reader.statistics.filesRead == 5)
        #expect(reader.statistics.documents == 5)
        #expect(reader.inputBytesTotal > 0 && reader.inputBytesRead == reader.inputBytesTotal)
    }

    @Test func directoryWithoutSupportedFilesListsWhatItFound() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        dir.write("x.pdf", "a")
        dir.write("y.docx", "b")
        let error = thrown { _ = try CorpusReader(inputs: [dir.path], options: CorpusOptions()) }
        guard case let .noSupportedFiles(directory, found, total) = error else {
            Issue.record("expected noSupportedFiles, got \(String(describing: error))")
            return
        }
        #expect(directory == dir.path && total == 2 && found == [dir.path + "/x.pdf", dir.path + "/y.docx"])
        let message = try #require(error).description
        #expect(message.hasPrefix("\(dir.path): no supported corpus files"))
        #expect(message.contains("x.pdf") && message.contains(".jsonl"))
        let empty = TestDirectory("contam-corpus"); defer { empty.cleanup() }
        #expect(thrown { _ = try CorpusReader(inputs: [empty.path], options: CorpusOptions()) }?.description.contains("holds no files") == true)
    }

    @Test func pathErrors() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let missing = dir.path + "/nope.jsonl"
        let error = thrown { _ = try CorpusReader(inputs: [missing], options: CorpusOptions()) }
        #expect(error == .missingPath(path: missing))
        #expect(error?.description.hasPrefix("\(missing): no such file") == true)
        #expect(thrown { _ = try CorpusReader(inputs: [], options: CorpusOptions()) } == .noInputs)
        let odd = dir.write("data.bin", "x")
        let unknown = thrown { _ = try CorpusReader(inputs: [odd], options: CorpusOptions()) }
        #expect(unknown == .unknownFormat(path: odd))
        #expect(unknown?.description.hasPrefix("\(odd): cannot tell the format") == true && unknown?.description.contains("--format") == true)
        // With --format, any file name is fine.
        #expect(try texts(documents([odd], CorpusOptions(format: .text)).docs) == ["x"])
    }

    @Test func unreadableFileNamesThePath() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        // Reading /proc/self/mem at offset 0 fails with EIO, even for root.
        let link = dir.path + "/mem.txt"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/mem")
        let error = thrown { _ = try documents([link]) }
        guard case let .unreadablePath(path, reason) = error else {
            Issue.record("expected unreadablePath, got \(String(describing: error))")
            return
        }
        #expect(path == link && reason.contains("read"))
        #expect(error?.description.hasPrefix("\(link): cannot be read") == true)
        if getuid() != 0 {
            let locked = dir.write("locked.txt", "secret")
            chmod(locked, 0)
            #expect(thrown { _ = try CorpusReader(inputs: [locked], options: CorpusOptions()) } == .unreadablePath(path: locked, reason: "permission denied"))
        }
    }

    @Test func textLinesAndEmptyDocuments() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let file = dir.write("lines.txt", bytes: [0xEF, 0xBB, 0xBF] + Array("first\n  \nthird\r\n\nfifth".utf8))
        let (reader, docs) = try documents([file], CorpusOptions(linesAreDocuments: true))
        #expect(texts(docs) == ["first", "third", "fifth"])
        #expect(docs.map(\.recordNumber) == [1, 3, 5])
        #expect(reader.statistics.emptyDocumentsSkipped == 2)
        // Whole-file mode: one document, BOM stripped.
        #expect(try texts(documents([file]).docs) == ["first\n  \nthird\r\n\nfifth"])
        // Only blank files: an empty-input error.
        let blank = dir.write("blank.txt", " \n\t\n")
        let error = thrown { _ = try documents([blank]) }
        #expect(error == .emptyInput(paths: [blank]))
        #expect(error?.description.contains(blank) == true)
        let allowed = try documents([blank], CorpusOptions(requireDocuments: false))
        #expect(allowed.docs.isEmpty && allowed.reader.statistics.emptyDocumentsSkipped == 1)
    }

    @Test func jsonlFieldsAndIDs() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let file = dir.write("c.jsonl", """
        {"id": 7, "title": "Title", "body": "Body text"}

        {"id": "x-2", "title": "", "body": "only body"}
        {"id": 9, "title": " ", "body": ""}
        """)
        let options = CorpusOptions(textFields: ["title", "body"], idField: "id")
        let (reader, docs) = try documents([file], options)
        // Several fields are joined with one newline, as in check and for field paths.
        #expect(texts(docs) == ["Title\nBody text", "only body"])
        #expect(docs.map(\.externalID) == ["7", "x-2"])
        #expect(docs.map(\.recordNumber) == [1, 3])
        #expect(reader.statistics.emptyDocumentsSkipped == 1)
    }

    @Test func jsonlErrorsNameFileAndLine() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let file = dir.write("corpus.jsonl", """
        {"text": "good"}
        {"text": "broken
        {"body": "no text field"}
        {"text": 5}
        [1]
        {"text": "also good"}
        """)
        let error = thrown { _ = try documents([file]) }
        #expect(error?.description.hasPrefix("\(file):2:") == true)
        let missing = thrown { _ = try documents([file], CorpusOptions(skipBadRecords: false)) }
        #expect(missing == error)
        // Skipping: all four bad records are counted with their reasons.
        let (reader, docs) = try documents([file], CorpusOptions(skipBadRecords: true))
        #expect(texts(docs) == ["good", "also good"])
        #expect(reader.statistics.recordsSkipped == 4)
        let reasons = reader.statistics.skipReasons
        #expect(reasons.count == 4)
        for (index, line) in [2, 3, 4, 5].enumerated() {
            #expect(reasons[index].hasPrefix("\(file):\(line):"), "\(reasons[index])")
        }
        #expect(reasons[1].contains("pass --field body"))
        #expect(reader.statistics.summary.contains("4 bad records skipped"))
    }

    @Test func invalidUTF8IsReplacedAndCounted() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let text = dir.write("bad.txt", bytes: [0x61, 0xFF, 0x62, 0xC3])
        let jsonl = dir.write("bad.jsonl", bytes: Array(#"{"text": "x"#.utf8) + [0xE2, 0x82] + Array("y\"}\n".utf8))
        let (reader, docs) = try documents([text, jsonl])
        #expect(texts(docs) == ["a\u{FFFD}b\u{FFFD}", "x\u{FFFD}y"])
        #expect(reader.statistics.invalidUTF8Replaced == 3)
        #expect(reader.statistics.summary.contains("3 invalid UTF-8 sequences replaced"))
    }

    @Test func csvColumnsRowsAndErrors() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let file = dir.write("t.csv", "id,question,answer\n1,\"What is 2+2?\nThink.\",4\n2,short\n3,\"Q3\",A3\n")
        // Whole rows, header included.
        let rows = try documents([file])
        #expect(texts(rows.docs) == ["id,question,answer", "1,\"What is 2+2?\nThink.\",4", "2,short", "3,\"Q3\",A3"])
        #expect(rows.docs.map(\.recordNumber) == [1, 2, 4, 5])
        // One column, with ids.
        let column = try documents([file], CorpusOptions(idField: "id", csvColumn: "question"))
        #expect(texts(column.docs) == ["What is 2+2?\nThink.", "short", "Q3"])
        #expect(column.docs.map(\.externalID) == ["1", "2", "3"])
        // A short row lacks the column: an error naming the line, or skipped.
        let error = thrown { _ = try documents([file], CorpusOptions(csvColumn: "answer")) }
        #expect(error?.description.hasPrefix("\(file):4: this row has 2 fields but the header has 3 columns") == true)
        let skipped = try documents([file], CorpusOptions(csvColumn: "answer", skipBadRecords: true))
        #expect(texts(skipped.docs) == ["4", "A3"])
        #expect(skipped.reader.statistics.recordsSkipped == 1)
        // An unknown column lists the header.
        let unknown = thrown { _ = try documents([file], CorpusOptions(csvColumn: "text")) }
        #expect(unknown == .missingColumn(path: file, column: "text", columns: ["id", "question", "answer"], role: .text))
        let unknownID = thrown { _ = try documents([file], CorpusOptions(idField: "uid")) }
        #expect(unknownID?.description.hasPrefix("\(file): no column \"uid\" in the CSV header (columns: id, question, answer); pass --id-field") == true)
        #expect(unknown?.description.contains("columns: id, question, answer") == true)
        // An unbalanced quote names the line where the field opened, even with skipping on.
        let broken = dir.write("broken.csv", "a,b\n1,\"open\n2,3\n")
        #expect(thrown { _ = try documents([broken], CorpusOptions(skipBadRecords: true)) } == .unbalancedQuote(path: broken, line: 2))
        // A NUL byte: binary content, skippable (the rest of that file goes with it).
        let binary = dir.write("bin.csv", bytes: [0x61, 0x0A, 0x62, 0x00, 0x0A, 0x63, 0x0A])
        #expect(thrown { _ = try documents([binary]) } == .binaryContent(path: binary, line: 2))
        let skippedBinary = try documents([binary], CorpusOptions(skipBadRecords: true))
        #expect(texts(skippedBinary.docs) == ["a"] && skippedBinary.reader.statistics.recordsSkipped == 1)
    }

    @Test func zstdRoundTrip() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let lines = (1...300).map { #"{"id": \#($0), "text": "document number \#($0) with some words"}"# }.joined(separator: "\n") + "\n"
        let jsonl = try dir.writeCompressed("c.jsonl.zst", Array(lines.utf8))
        let text = try dir.writeCompressed("d.TXT.ZST", Array("compressed text".utf8))
        let csv = try dir.writeCompressed("e.csv.zst", Array("h\n\"x,y\"\n".utf8))
        let (reader, docs) = try documents([jsonl, text], CorpusOptions(idField: "id"))
        let csvDocs = try documents([csv]).docs
        #expect(docs.count == 301)
        #expect(texts(Array(docs.prefix(2))) == ["document number 1 with some words", "document number 2 with some words"])
        #expect(docs[299].externalID == "300" && docs[299].recordNumber == 300)
        #expect(texts([docs[300]] + csvDocs) == ["compressed text", "h", "\"x,y\""])
        #expect(reader.inputBytesRead == reader.inputBytesTotal)
        // The command-line zstd's output (several blocks, checksum) reads the same, when zstd is installed.
        let plain = dir.write("f.jsonl", lines)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
            process.arguments = ["-q", "-19", plain, "-o", plain + ".zst"]
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "zstd -19 \(plain) failed")
            let cli = try documents([plain + ".zst"])
            #expect(cli.docs.count == 300 && cli.docs.last?.recordNumber == 300)
        }
    }

    @Test func truncatedAndFakeZstd() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let text = String(repeating: #"{"text": "some text that compresses"}"# + "\n", count: 2000)
        let frame = try Array(text.utf8).withUnsafeBytes { try ZstdCompressor(level: 3).compress($0) }
        let truncated = dir.write("cut.jsonl.zst", bytes: Array(frame.prefix(frame.count / 2)))
        let error = thrown { _ = try documents([truncated]) }
        guard case let .compressed(path, detail) = error else {
            Issue.record("expected compressed, got \(String(describing: error))")
            return
        }
        #expect(path == truncated && detail.contains("truncated"))
        #expect(error?.description.hasPrefix("\(truncated): cannot decompress") == true)
        let fake = dir.write("fake.jsonl.zst", #"{"text": "not compressed"}"#)
        let fakeError = thrown { _ = try documents([fake]) }
        #expect(fakeError?.description.hasPrefix("\(fake): cannot decompress: not a zstd file") == true)
    }

    @Test func multiMegabyteSingleLine() throws {
        let dir = TestDirectory("contam-corpus"); defer { dir.cleanup() }
        let body = String(repeating: "word ", count: 600_000) // 3 MB
        let file = dir.write("long.jsonl", #"{"text": "\#(body)"}"# + "\n" + #"{"text": "after"}"#)
        let (reader, docs) = try documents([file])
        #expect(docs.count == 2)
        #expect(docs[0].text.count == body.utf8.count)
        #expect(texts([docs[1]]) == ["after"] && docs[1].recordNumber == 2)
        #expect(reader.statistics.textBytes == body.utf8.count + 5)
    }

    @Test func standardInputIsSniffed() throws {
        func read(_ bytes: [UInt8], _ options: CorpusOptions = CorpusOptions()) throws -> (CorpusReader, [Document]) {
            let reader = try CorpusReader(inputs: ["-"], options: options)
            reader.openStandardInput = { TrickleByteSource(bytes, piece: 2) }
            var docs: [Document] = []
            try reader.forEachDocument { docs.append($0) }
            return (reader, docs)
        }
        let jsonl = Array("\n  {\"text\": \"one\"}\n{\"text\": \"two\"}\n".utf8)
        #expect(try texts(read(jsonl).1) == ["one", "two"])
        #expect(try texts(read(Array("plain words\nsecond line".utf8)).1) == ["plain words\nsecond line"])
        #expect(try texts(read(Array("a\nb".utf8), CorpusOptions(linesAreDocuments: true)).1) == ["a", "b"])
        #expect(try texts(read(jsonl, CorpusOptions(format: .text)).1).count == 1)
        let compressed = try jsonl.withUnsafeBytes { try ZstdCompressor().compress($0) }
        let (reader, docs) = try read(compressed)
        #expect(texts(docs) == ["one", "two"])
        #expect(reader.sources == ["-"] && reader.inputBytesTotal == 0 && reader.inputBytesRead == compressed.count)
        // Errors on stdin name it.
        let error = thrown { _ = try read(Array("{\"text\": 1}".utf8)) }
        #expect(error?.description.hasPrefix("<stdin>:1: ") == true)
    }

    @Test func formatDetectionAndSniffing() {
        #expect(InputFormat.detect(path: "a/b.JSONL.zst")! == (.jsonl, true))
        #expect(InputFormat.detect(path: "x.ndjson")! == (.jsonl, false))
        #expect(InputFormat.detect(path: "notes.rst")! == (.text, false))
        #expect(InputFormat.detect(path: "data.csv.zst")! == (.csv, true))
        #expect(InputFormat.detect(path: "archive.zst") == nil)
        #expect(InputFormat.detect(path: "dir.jsonl/README") == nil)
        #expect(InputFormat.detect(path: "noext") == nil)
        #expect(CorpusReader.sniffFormat(Array("  \n {\"text\": 1}".utf8)) == .jsonl)
        #expect(CorpusReader.sniffFormat(Array("plain".utf8)) == .text)
        #expect(CorpusReader.sniffFormat([]) == .text)
        #expect(CorpusReader.sniffFormat(Array(" [{\"text\": 1}]".utf8)) == .jsonl)
    }
}

extension CorpusReaderTests {
    /// Content bytes consumed track the documents delivered exactly (the read-ahead held by the line
    /// reader does not count), in decompressed bytes, and the total is the frames' declared size.
    @Test func contentBytesFollowTheDeliveredDocuments() throws {
        let path = "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst"
        let reader = try CorpusReader(inputs: [path])
        let stream = ZstdStreamReader(try FileByteSource(path: path), path: path)
        var decompressed: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while case let got = try chunk.withUnsafeMutableBytes({ try stream.read(into: $0) }), got > 0 {
            decompressed += chunk[0..<got]
        }
        #expect(reader.contentBytesTotal == decompressed.count)
        // Each document is one line: the bytes consumed after it are its line's end plus the newline.
        var lineEnds: [Int] = []
        for (offset, byte) in decompressed.enumerated() where byte == 0x0A { lineEnds.append(offset + 1) }
        var seen: [Int] = []
        try reader.forEachDocument { _ in seen.append(reader.contentBytesRead) }
        #expect(seen == Array(lineEnds.prefix(seen.count)))
        #expect(seen.count == lineEnds.count)
        #expect(try CorpusReader(inputs: [path, "-"]).contentBytesTotal == nil)
    }
}
