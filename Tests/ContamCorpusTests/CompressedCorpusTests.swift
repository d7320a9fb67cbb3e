import Foundation
import Testing
@testable import ContamStorage
@testable import ContamCorpus
import ContamTestSupport

/// The corpus reader decompresses gzip, bzip2, xz and zstd inputs by content (compressed here by the system
/// tools), takes the inner format from the name without the compression suffix, and reports damage as
/// `CorpusError.compressed` naming the file, the format and the offset.
@Suite struct CompressedCorpusTests {
    static let lines = (1...500).map { #"{"text": "document \#($0) about the license of the software"}"# }
    static let plain = Array((lines.joined(separator: "\n") + "\n").utf8)

    func compressed(_ tool: String, _ arguments: [String]) throws -> [UInt8] {
        let result = try ExternalTools.run(tool, arguments, stdin: Data(Self.plain))
        try #require(result.status == 0, "\(tool) failed: \(result.stderr)")
        return Array(result.stdout)
    }

    func texts(_ inputs: [String], _ options: CorpusOptions = CorpusOptions()) throws -> (CorpusReader, [String]) {
        let reader = try CorpusReader(inputs: inputs, options: options)
        var texts: [String] = []
        try reader.forEachDocument { texts.append(String(decoding: $0.text, as: UTF8.self)) }
        return (reader, texts)
    }

    @Test func everyFormatReadsLikeThePlainFile() throws {
        let dir = TestDirectory("contam-compressed"); defer { dir.cleanup() }
        let expected = try texts([dir.write("plain.jsonl", bytes: Self.plain)]).1
        #expect(expected.count == 500)
        let files: [(String, [UInt8], Bool)] = [
            ("a.jsonl.gz", try compressed("gzip", ["-c"]), false),
            ("b.JSONL.GZIP", try compressed("gzip", ["-c9"]), false),
            ("c.jsonl.bgz", try compressed("bgzip", ["-c"]), false),
            ("d.jsonl.gz", try compressed("gzip", ["-c"]) + compressed("gzip", ["-c1"]), false),
            ("e.jsonl.bz2", try compressed("bzip2", ["-c"]), false),
            ("f.jsonl.xz", try compressed("xz", ["-c"]), false),
            ("g.jsonl.zst", try compressed("zstd", ["-cq"]), false),
            ("h.jsonl.zstd", try compressed("zstd", ["-cq"]), false),
            ("i.jsonl", try compressed("gzip", ["-c"]), true),  // by content: a misleading name
        ]
        for (name, bytes, _) in files {
            let path = dir.write(name, bytes: bytes)
            #expect(InputFormat.detect(path: path)?.format == .jsonl, "\(name)")
            let (reader, got) = try texts([path])
            let twice = name == "d.jsonl.gz"
            #expect(got == (twice ? expected + expected : expected), "\(name)")
            #expect(reader.contentBytesRead == Self.plain.count * (twice ? 2 : 1), "\(name)")
        }
        // Gzip, bzip2 and xz declare no reliable size: progress falls back to compressed bytes.
        #expect(try CorpusReader(inputs: [dir.file("a.jsonl.gz")]).contentBytesTotal == nil)
        #expect(try CorpusReader(inputs: [dir.file("plain.jsonl")]).contentBytesTotal == Self.plain.count)
        // Directories pick up the compressed files too.
        #expect(try texts([dir.path]).1.count == 500 * 11)
    }

    @Test func standardInputIsDecompressedByContent() throws {
        for (tool, arguments) in [("gzip", ["-c"]), ("bzip2", ["-c"]), ("xz", ["-c"])] {
            let bytes = try compressed(tool, arguments)
            let reader = try CorpusReader(inputs: ["-"])
            reader.openStandardInput = { MemoryByteSource(bytes) }
            var count = 0
            try reader.forEachDocument { _ in count += 1 }
            #expect(count == 500, "\(tool)")
        }
    }

    @Test func damageIsACompressedErrorNamingFileFormatAndOffset() throws {
        let dir = TestDirectory("contam-compressed"); defer { dir.cleanup() }
        for (suffix, tool) in [(".gz", "gzip"), (".bz2", "bzip2"), (".xz", "xz")] {
            let bytes = try compressed(tool, ["-c"])
            for (label, damaged) in [("cut", Array(bytes.prefix(bytes.count / 2))), ("tail", bytes + Array("junk".utf8))] {
                let path = dir.write("\(label).jsonl\(suffix)", bytes: damaged)
                do {
                    _ = try texts([path])
                    Issue.record("\(path): no error")
                } catch let error as CorpusError {
                    guard case let .compressed(errorPath, detail) = error else {
                        Issue.record("expected .compressed, got \(error)")
                        continue
                    }
                    #expect(errorPath == path)
                    #expect(detail.contains(CompressionFormat.detect(path: path)!.rawValue) && detail.contains("compressed byte"), "\(detail)")
                    #expect(error.description.hasPrefix("\(path): cannot decompress: "), "\(error)")
                }
            }
        }
        let fake = dir.write("fake.jsonl.gz", #"{"text": "not compressed"}"#)
        do {
            _ = try texts([fake])
            Issue.record("no error")
        } catch {
            #expect("\(error)".hasPrefix("\(fake): cannot decompress: not a gzip file"), "\(error)")
        }
    }
}
