import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

/// Truncated, corrupt and padded streams of every format: each is a `StorageError` naming the file, the
/// format and the compressed byte offset, or (for bytes no check covers) decodes to exactly the original.
/// Never a trap, never different bytes.
@Suite struct DecompressionErrorTests {
    static let original = CodecFixtures.text(20_000, seed: 21)

    static func suffix(_ format: CompressionFormat) -> String { format.suffixes[0] }

    /// Cuts at every offset near both ends and at 40 in between.
    @Test(arguments: CompressionFormat.allCases)
    func truncatedAnywhereIsAnError(_ format: CompressionFormat) throws {
        let compressed = try CodecFixtures.compress(Self.original, format)
        let count = compressed.count
        var cuts = Set(0..<min(24, count)).union(max(0, count - 24)..<count)
        for step in 1..<40 { cuts.insert(count * step / 40) }
        let path = "cut.jsonl" + Self.suffix(format)
        for cut in cuts.sorted() {
            for chunk in [1, 4096] where chunk > 1 || cut % 7 == 0 {
                _ = CodecFixtures.expectDecompressionError(path: path, format: format, "\(format) cut at \(cut) of \(count), reads of \(chunk)") {
                    _ = try CodecFixtures.decode(Array(compressed.prefix(cut)), path: path, chunk: chunk)
                }
            }
        }
    }

    @Test(arguments: CompressionFormat.allCases)
    func truncationOffsetIsTheEndOfTheData(_ format: CompressionFormat) throws {
        let compressed = try CodecFixtures.compress(Self.original, format)
        let cut = compressed.count / 2
        let text = CodecFixtures.expectDecompressionError(path: "half", format: format, "\(format) half") {
            _ = try CodecFixtures.decode(Array(compressed.prefix(cut)), path: "half")
        }
        #expect(text?.contains("byte \(cut)") == true, "\(text ?? "")")
        #expect(text?.contains("truncated") == true, "\(text ?? "")")
    }

    /// Flips each bit pattern 0xFF in a sample of bytes: an error, or (header fields no check covers, such as
    /// gzip's MTIME) the original bytes.
    @Test(arguments: CompressionFormat.allCases)
    func flippedBytesAreCaughtOrHarmless(_ format: CompressionFormat) throws {
        let compressed = try CodecFixtures.compress(Self.original, format)
        let path = "flip" + Self.suffix(format)
        var positions = Set(0..<min(32, compressed.count)).union(max(0, compressed.count - 32)..<compressed.count)
        for step in 1..<60 { positions.insert(compressed.count * step / 60) }
        var caught = 0
        for position in positions.sorted() {
            var damaged = compressed
            damaged[position] ^= 0xFF
            do {
                let decoded = try CodecFixtures.decode(damaged, path: path, chunk: 4096)
                #expect(decoded == Self.original, "\(format): byte \(position) flipped decoded to different bytes without an error")
            } catch let error as StorageError {
                caught += 1
                #expect(error.description.contains(path), "\(error)")
                #expect(error.description.contains(format.rawValue), "\(error)")
            }
        }
        #expect(caught > positions.count / 2)
    }

    @Test func gzipWrongCRCAndWrongLength() throws {
        let compressed = try CodecFixtures.compress(Self.original, .gzip)
        var badCRC = compressed
        badCRC[compressed.count - 8] ^= 0x01
        let crc = CodecFixtures.expectDecompressionError(path: "crc.gz", format: .gzip, "bad CRC") {
            _ = try CodecFixtures.decode(badCRC, path: "crc.gz")
        }
        #expect(crc?.contains("incorrect data check") == true, "\(crc ?? "")")
        var badLength = compressed
        badLength[compressed.count - 1] ^= 0x01
        let length = CodecFixtures.expectDecompressionError(path: "len.gz", format: .gzip, "bad ISIZE") {
            _ = try CodecFixtures.decode(badLength, path: "len.gz")
        }
        #expect(length?.contains("incorrect length check") == true, "\(length ?? "")")
    }

    @Test func bzip2WrongBlockCRC() throws {
        var compressed = try CodecFixtures.compress(Self.original, .bzip2)
        compressed[10] ^= 0x01  // the first block's CRC follows its magic (bytes 4..<10)
        let text = CodecFixtures.expectDecompressionError(path: "crc.bz2", format: .bzip2, "bad block CRC") {
            _ = try CodecFixtures.decode(compressed, path: "crc.bz2")
        }
        #expect(text?.contains("CRC") == true, "\(text ?? "")")
    }

    @Test(arguments: CompressionFormat.allCases)
    func trailingGarbageIsAnError(_ format: CompressionFormat) throws {
        let compressed = try CodecFixtures.compress(Self.original, format)
        for garbage in [Array("garbage\n".utf8), [0x00], [0x1F], Array("B".utf8), [0xFD, 0x37], [0x00, 0x00, 0x00]] {
            let path = "tail" + Self.suffix(format)
            let text = CodecFixtures.expectDecompressionError(path: path, format: format, "\(format) + \(garbage)") {
                _ = try CodecFixtures.decode(compressed + garbage, path: path, chunk: 1000)
            }
            if format != .xz {
                #expect(text?.contains("trailing") == true || text?.contains("truncated") == true, "\(text ?? "")")
            }
        }
    }

    @Test func trailingGarbageOffsetIsWhereTheMemberEnded() throws {
        let compressed = try CodecFixtures.compress(Self.original, .gzip)
        let text = CodecFixtures.expectDecompressionError(path: "g.gz", format: .gzip, "garbage") {
            _ = try CodecFixtures.decode(compressed + Array("junk".utf8), path: "g.gz")
        }
        #expect(text?.contains("byte \(compressed.count):") == true, "\(text ?? "")")
    }

    @Test func emptyInputToEachReaderIsAnError() throws {
        let readers: [(CompressionFormat, ByteSource)] = [
            (.gzip, GzipStreamReader(MemoryByteSource([]), path: "e.gz")),
            (.bzip2, Bzip2StreamReader(MemoryByteSource([]), path: "e.bz2")),
            (.xz, XzStreamReader(MemoryByteSource([]), path: "e.xz")),
        ]
        for (format, reader) in readers {
            let text = CodecFixtures.expectDecompressionError(path: "e.", format: format, "empty \(format)") {
                _ = try CodecFixtures.readAll(reader, chunk: 100)
            }
            #expect(text?.contains("empty") == true)
        }
    }

    @Test func plainDataGivenToAReaderIsAnError() throws {
        let plain = Array("{\"text\": \"not compressed\"}\n".utf8)
        let readers: [(CompressionFormat, ByteSource)] = [
            (.gzip, GzipStreamReader(MemoryByteSource(plain), path: "p.gz")),
            (.bzip2, Bzip2StreamReader(MemoryByteSource(plain), path: "p.bz2")),
            (.xz, XzStreamReader(MemoryByteSource(plain), path: "p.xz")),
        ]
        for (format, reader) in readers {
            let text = CodecFixtures.expectDecompressionError(path: "p.", format: format, "plain as \(format)") {
                _ = try CodecFixtures.readAll(reader, chunk: 100)
            }
            #expect(text?.contains("not \(format.rawValue) data") == true, "\(text ?? "")")
        }
    }

    /// Seeded mutations (bit flips, byte sets, insertions, deletions, cuts) of small valid streams of each
    /// format, read with varied buffer sizes: every outcome is the original bytes or a `StorageError`.
    @Test(arguments: CompressionFormat.allCases)
    func fuzzedStreamsNeverTrapOrLie(_ format: CompressionFormat) throws {
        var rng = SeededRandom(seed: 0xC0DEC + UInt64(format.rawValue.count))
        let inputs = [Array("a".utf8), CodecFixtures.text(300, seed: 5), CodecFixtures.randomish(2000, seed: 6)]
        let streams = try inputs.map { (plain: $0, compressed: try CodecFixtures.compress($0, format)) }
        let path = "fuzz" + Self.suffix(format)
        var errors = 0
        for iteration in 0..<400 {
            let (plain, valid) = streams[iteration % streams.count]
            var bytes = valid
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                case 3: bytes.remove(at: at)
                default: bytes.removeSubrange(at...)
                }
            }
            let chunk = [1, 3, 64, 4096].randomElement(using: &rng)!
            do {
                let decoded = try CodecFixtures.decode(bytes, path: path, chunk: chunk)
                #expect(decoded == plain, "\(format) iteration \(iteration): a mutated stream decoded to different bytes without an error")
            } catch let error as StorageError {
                errors += 1
                #expect(error.description.contains(path), "\(error)")
            }
        }
        #expect(errors > 200)
    }
}
