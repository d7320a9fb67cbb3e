import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

/// Files written by the system tools decode, through `DecompressingByteSource`, to exactly what the tools
/// themselves decode them to (`gzip -dc` etc.) and to the original bytes.
@Suite struct DecompressionRoundTripTests {
    static let inputs: [(name: String, bytes: [UInt8])] = [
        ("empty", []), ("one byte", [0x41]), ("a few bytes", Array("hello\n".utf8)),
        ("200 kB of text", CodecFixtures.text(200_000, seed: 9)),
        ("3 MiB of text", CodecFixtures.text(3 << 20)), ("2 MiB random-ish", CodecFixtures.randomish(2 << 20)),
    ]

    /// Checks every input compressed by `compress`, read with tiny and big buffers.
    func check(_ label: String, format: CompressionFormat, suffix: String, compress: ([UInt8]) throws -> [UInt8]) throws {
        for input in Self.inputs {
            let compressed = try compress(input.bytes)
            let oracle = try CodecFixtures.oracleDecode(compressed, format: format)
            #expect(oracle == input.bytes, "\(label), \(input.name): the tool's own round trip")
            #expect(CompressionFormat.detect(magic: Array(compressed.prefix(10))) == format, "\(label), \(input.name)")
            // Tiny reads only up to 200 kB: in debug builds a 3 MiB file read 7 bytes at a time takes long
            // and holds a test thread the timing-sensitive suites need.
            let chunks = input.bytes.count > 1 << 20 ? [4093, 1 << 20] : input.bytes.count > 1000 ? [7, 65536] : [1, 7, 65536]
            for chunk in chunks {
                let decoded = try CodecFixtures.decode(compressed, path: "in.jsonl" + suffix, chunk: chunk)
                #expect(decoded == oracle, "\(label), \(input.name), reads of \(chunk) bytes: \(decoded.count) bytes, expected \(oracle.count)")
            }
            // By content: a misleading name does not matter.
            #expect(try CodecFixtures.decode(compressed, path: "in.txt") == oracle, "\(label), \(input.name), named .txt")
        }
    }

    /// Two (or three) files compressed apart and concatenated, as `cat a.gz b.gz` makes.
    func concatenated(_ compress: ([UInt8]) throws -> [UInt8]) throws -> (compressed: [UInt8], plain: [UInt8]) {
        let parts = [CodecFixtures.text(200_000, seed: 1), [], CodecFixtures.randomish(70_000, seed: 2)]
        return (try parts.flatMap { try compress($0) }, parts.flatMap { $0 })
    }

    @Test func gzipLevels() throws {
        try check("gzip", format: .gzip, suffix: ".gz") { try CodecFixtures.tool("gzip", ["-c"], $0) }
        try check("gzip -1", format: .gzip, suffix: ".gz") { try CodecFixtures.tool("gzip", ["-c1"], $0) }
        try check("gzip -9", format: .gzip, suffix: ".gzip") { try CodecFixtures.tool("gzip", ["-c9"], $0) }
    }

    @Test func gzipConcatenatedMembers() throws {
        let (compressed, plain) = try concatenated { try CodecFixtures.tool("gzip", ["-c"], $0) }
        #expect(try CodecFixtures.oracleDecode(compressed, format: .gzip) == plain)
        for chunk in [1, 4096, 1 << 20] {
            #expect(try CodecFixtures.decode(compressed, path: "cat.gz", chunk: chunk) == plain)
        }
    }

    @Test func bgzipBlocksAndEndOfFileBlock() throws {
        // bgzip writes 64 KiB members and an empty 28-byte member at the end.
        for input in Self.inputs {
            let compressed = try CodecFixtures.tool("bgzip", ["-c"], input.bytes)
            #expect(compressed.suffix(28).count == 28 && compressed.suffix(28).starts(with: [0x1F, 0x8B, 0x08, 0x04]), "\(input.name)")
            let oracle = try CodecFixtures.oracleDecode(compressed, format: .gzip)
            #expect(oracle == input.bytes)
            for chunk in [7, 1 << 20] {
                #expect(try CodecFixtures.decode(compressed, path: "in.bgz", chunk: chunk) == oracle, "\(input.name), \(chunk)")
            }
        }
    }

    @Test func bzip2() throws {
        try check("bzip2", format: .bzip2, suffix: ".bz2") { try CodecFixtures.tool("bzip2", ["-c"], $0) }
        try check("bzip2 -1", format: .bzip2, suffix: ".bz2") { try CodecFixtures.tool("bzip2", ["-c1"], $0) }
    }

    @Test func bzip2ConcatenatedAndParallelStreams() throws {
        let (compressed, plain) = try concatenated { try CodecFixtures.tool("bzip2", ["-c"], $0) }
        #expect(try CodecFixtures.oracleDecode(compressed, format: .bzip2) == plain)
        #expect(try CodecFixtures.decode(compressed, path: "cat.bz2", chunk: 3) == plain)
        // pbzip2 writes one stream per 100k block with -b1.
        let text = CodecFixtures.text(1 << 20, seed: 3)
        let parallel = try CodecFixtures.tool("pbzip2", ["-c", "-b1", "-p2"], text)
        #expect(try CodecFixtures.oracleDecode(parallel, format: .bzip2) == text)
        #expect(try CodecFixtures.decode(parallel, path: "p.bz2", chunk: 65536) == text)
    }

    @Test func xz() throws {
        try check("xz", format: .xz, suffix: ".xz") { try CodecFixtures.tool("xz", ["-c"], $0) }
        try check("xz -0 --check=sha256", format: .xz, suffix: ".xz") { try CodecFixtures.tool("xz", ["-c0", "--check=sha256"], $0) }
    }

    @Test func xzConcatenatedPaddedAndMultiBlock() throws {
        let (compressed, plain) = try concatenated { try CodecFixtures.tool("xz", ["-c"], $0) }
        #expect(try CodecFixtures.decode(compressed, path: "cat.xz", chunk: 5) == plain)
        // Stream padding: multiples of four zero bytes after a stream (and between streams) are allowed.
        let one = try CodecFixtures.tool("xz", ["-c"], Array(plain.prefix(1000)))
        let padded = one + [0, 0, 0, 0] + one + [0, 0, 0, 0, 0, 0, 0, 0]
        #expect(try CodecFixtures.oracleDecode(padded, format: .xz) == Array(plain.prefix(1000)) + Array(plain.prefix(1000)))
        #expect(try CodecFixtures.decode(padded, path: "padded.xz", chunk: 100) == Array(plain.prefix(1000)) + Array(plain.prefix(1000)))
        // Several blocks in one stream (threaded xz with small blocks).
        let text = CodecFixtures.text(1 << 20, seed: 4)
        let blocks = try CodecFixtures.tool("xz", ["-c", "-T2", "--block-size=100000"], text)
        #expect(try CodecFixtures.decode(blocks, path: "blocks.xz", chunk: 65536) == text)
    }

    @Test func zstd() throws {
        try check("zstd", format: .zstd, suffix: ".zst") { try CodecFixtures.tool("zstd", ["-cq"], $0) }
        let (compressed, plain) = try concatenated { try CodecFixtures.tool("zstd", ["-cq"], $0) }
        #expect(try CodecFixtures.decode(compressed, path: "cat.zstd", chunk: 9) == plain)
    }

    @Test func legacyLzmaIsRefusedWithAMessage() throws {
        let lzma = try CodecFixtures.tool("xz", ["-c", "--format=lzma"], CodecFixtures.text(5000))
        #expect(CompressionFormat.detect(magic: Array(lzma.prefix(10))) == nil)
        let byName = CodecFixtures.expectDecompressionError(path: "old.jsonl.lzma", format: .xz, "named .lzma") {
            _ = try CodecFixtures.decode(lzma, path: "old.jsonl.lzma")
        }
        #expect(byName?.contains("--format=lzma") == true)
        let direct = CodecFixtures.expectDecompressionError(path: "old.xz", format: .xz, "XzStreamReader on .lzma data") {
            _ = try CodecFixtures.readAll(XzStreamReader(MemoryByteSource(lzma), path: "old.xz"), chunk: 4096)
        }
        #expect(direct?.contains("legacy .lzma") == true)
    }
}
