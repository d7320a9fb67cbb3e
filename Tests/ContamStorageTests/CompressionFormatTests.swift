import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

@Suite struct CompressionFormatTests {
    @Test func magicBytes() {
        #expect(CompressionFormat.detect(magic: [0x1F, 0x8B, 0x08, 0x00]) == .gzip)
        #expect(CompressionFormat.detect(magic: [0x1F, 0x8B, 0x07]) == nil)  // not deflate
        #expect(CompressionFormat.detect(magic: [0x1F, 0x8B]) == .gzip)
        #expect(CompressionFormat.detect(magic: Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) == .bzip2)
        #expect(CompressionFormat.detect(magic: Array("BZh1".utf8) + [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]) == .bzip2)
        #expect(CompressionFormat.detect(magic: Array("BZh9 is a text".utf8)) == nil)
        #expect(CompressionFormat.detect(magic: Array("BZh0".utf8)) == nil)
        #expect(CompressionFormat.detect(magic: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00]) == .xz)
        #expect(CompressionFormat.detect(magic: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x01]) == nil)
        #expect(CompressionFormat.detect(magic: [0x28, 0xB5, 0x2F, 0xFD]) == .zstd)
        for low in UInt8(0)...15 { #expect(CompressionFormat.detect(magic: [0x50 | low, 0x2A, 0x4D, 0x18]) == .zstd) }
        #expect(CompressionFormat.detect(magic: [0x60, 0x2A, 0x4D, 0x18]) == nil)
        #expect(CompressionFormat.detect(magic: []) == nil)
        #expect(CompressionFormat.detect(magic: Array("{\"text\": 1}".utf8)) == nil)
    }

    @Test func magicOfWhatTheToolsWrite() throws {
        for format in CompressionFormat.allCases {
            for input in [[], Array("x".utf8), CodecFixtures.text(5000)] {
                let compressed = try CodecFixtures.compress(input, format)
                #expect(CompressionFormat.detect(magic: Array(compressed.prefix(CompressionFormat.magicByteCount))) == format)
            }
        }
    }

    @Test func suffixes() {
        let cases: [(String, CompressionFormat?, String)] = [
            ("a.jsonl.gz", .gzip, "a.jsonl"), ("dir/A.JSONL.GZ", .gzip, "dir/A.JSONL"), ("b.txt.gzip", .gzip, "b.txt"),
            ("c4/en.json.bgz", .gzip, "c4/en.json"), ("x.csv.bz2", .bzip2, "x.csv"), ("x.md.xz", .xz, "x.md"),
            ("x.jsonl.zst", .zstd, "x.jsonl"), ("x.jsonl.zstd", .zstd, "x.jsonl"), ("x.jsonl", nil, "x.jsonl"),
            (".gz", nil, ".gz"), ("dir/.gz", nil, "dir/.gz"), ("a.gz/b", nil, "a.gz/b"), ("plain", nil, "plain"),
            ("x.tar.lzma", nil, "x.tar.lzma"),
        ]
        for (path, format, inner) in cases {
            #expect(CompressionFormat.detect(path: path) == format, "\(path)")
            #expect(CompressionFormat.strippingSuffix(path) == inner, "\(path)")
        }
    }
}

@Suite struct DecompressingByteSourceTests {
    @Test func plainDataPassesThroughWithEveryByteReplayed() throws {
        for plain in [[], Array("{".utf8), Array("{\"text\": \"hello\"}\n".utf8), CodecFixtures.text(100_000)] {
            for chunk in [1, 3, 4096] {
                let opened = try DecompressingByteSource.open(MemoryByteSource(plain), path: "a.jsonl")
                #expect(opened.format == nil)
                #expect(try CodecFixtures.readAll(opened.source, chunk: chunk) == plain)
            }
        }
    }

    @Test func formatComesFromContentWhateverTheName() throws {
        let text = CodecFixtures.text(10_000)
        for format in CompressionFormat.allCases {
            let compressed = try CodecFixtures.compress(text, format)
            for name in ["a.jsonl", "a.jsonl.gz", "a.jsonl.zst", "-"] {
                let opened = try DecompressingByteSource.open(MemoryByteSource(compressed), path: name)
                #expect(opened.format == format)
                #expect(try CodecFixtures.readAll(opened.source, chunk: 777) == text)
            }
        }
    }

    @Test func aCompressedNameOverPlainContentIsAnError() throws {
        for format in CompressionFormat.allCases {
            let path = "a.jsonl" + format.suffixes[0]
            for content in [[], Array("{\"text\": 1}\n".utf8)] {
                let text = CodecFixtures.expectDecompressionError(path: path, format: format, "plain named \(path)") {
                    _ = try DecompressingByteSource.open(MemoryByteSource(content), path: path)
                }
                #expect(text?.contains("misnamed") == true)
            }
        }
    }

    @Test func filesOnDiskAndTheirContentSize() throws {
        let dir = TestDirectory("codecs"); defer { dir.cleanup() }
        let text = CodecFixtures.text(300_000)
        let plainPath = dir.write("a.jsonl", bytes: text)
        #expect(DecompressingByteSource.contentSize(ofFileAt: plainPath) == text.count)
        for format in CompressionFormat.allCases {
            var path = dir.write("a.jsonl" + format.suffixes[0], bytes: try CodecFixtures.compress(text, format))
            if format == .zstd {
                // From a file (not a pipe) the CLI knows the size and declares it.
                path = dir.file("b.jsonl.zst")
                _ = try CodecFixtures.tool("zstd", ["-qf", plainPath, "-o", path], [])
            }
            let opened = try DecompressingByteSource.open(try FileByteSource(path: path), path: path)
            #expect(opened.format == format)
            #expect(try CodecFixtures.readAll(opened.source, chunk: 1 << 16) == text)
            // zstd declares the size in its frame header (the CLI writes it when the input size is known);
            // the others do not, reliably.
            let declared = DecompressingByteSource.contentSize(ofFileAt: path)
            #expect(declared == (format == .zstd ? text.count : nil), "\(format)")
        }
        let streamed = dir.write("s.zst", bytes: try CodecFixtures.tool("zstd", ["-cq", "--no-content-size"], text))
        #expect(DecompressingByteSource.contentSize(ofFileAt: streamed) == nil)
        #expect(DecompressingByteSource.contentSize(ofFileAt: dir.file("missing")) == nil)
    }
}
