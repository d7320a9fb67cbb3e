import Foundation
import Testing
@testable import ContamStorage
@testable import ContamIndex
import ContamTestSupport

@Suite struct ZstdTests {
    func readAll(_ source: ByteSource, chunk: Int = 1000) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: buffer[..<n])
        }
    }

    func sampleText(_ bytes: Int) -> [UInt8] {
        var rng = SeededRandom(seed: 11)
        let words = ["license", "the", "software", "copy", "of", "GNU", "freedom", "é", "—", "\n"]
        var out: [UInt8] = []
        while out.count < bytes { out += Array(words.randomElement(using: &rng)!.utf8) + [32] }
        return out
    }

    @Test func streamRoundTripWithSeveralFrames() throws {
        let text = sampleText(300_000)
        let compressor = ZstdCompressor()
        // Two concatenated frames are one valid .zst stream.
        let frames = try text[..<100_000].withUnsafeBytes { try compressor.compress($0) } + text[100_000...].withUnsafeBytes { try compressor.compress($0) }
        for chunk in [1, 7, 4096, 1 << 20] where chunk != 1 || text.count < 400_000 {
            let reader = ZstdStreamReader(MemoryByteSource(frames), path: "mem.zst")
            #expect(try readAll(reader, chunk: chunk) == text)
        }
    }

    @Test func truncatedStreamIsAnErrorNamingTheFile() throws {
        let text = sampleText(50_000)
        let frame = try text.withUnsafeBytes { try ZstdCompressor().compress($0) }
        for cut in [1, 5, frame.count / 3, frame.count / 2, frame.count - 1] {
            for chunk in [1, 4096] {
                let reader = ZstdStreamReader(MemoryByteSource(Array(frame.prefix(cut))), path: "cut.zst")
                let error = #expect(throws: StorageError.self, "cut at \(cut) of \(frame.count)") { try readAll(reader, chunk: chunk) }
                #expect(error.map { "\($0)".contains("cut.zst") } == true)
            }
        }
    }

    /// Hands its bytes over a few at a time (1 to 7 per read), as a pipe or a slow disk would.
    final class Trickle: ByteSource {
        let bytes: [UInt8]
        var position = 0
        var call = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            call += 1
            let n = min(buffer.count, 1 + call % 7, bytes.count - position)
            for k in 0..<n { buffer[k] = bytes[position + k] }
            position += n
            return n
        }
    }

    /// Reads `source` with output buffers cycling through `sizes`.
    func readCycling(_ source: ByteSource, sizes: [Int]) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: sizes.max()!)
        var call = 0
        while true {
            let size = sizes[call % sizes.count]
            call += 1
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<size])) }
            if n == 0 { return out }
            out.append(contentsOf: buffer[..<n])
        }
    }

    /// Compressed (text) and raw (random bytes) blocks, several frames, read in pieces into buffers of 1 byte
    /// up: the bytes come back whole, and every cut inside a frame is an error, never a shorter "complete" file.
    @Test func trickledInputAndTinyBuffersFindEveryFrameEnd() throws {
        var rng = SeededRandom(seed: 5)
        let random = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let compressor = ZstdCompressor()
        let parts: [[UInt8]] = [sampleText(4000), random, [], Array(sampleText(700).reversed())]
        var frames: [[UInt8]] = []
        for part in parts { frames.append(try part.withUnsafeBytes { try compressor.compress($0) }) }
        let stream = frames.flatMap { $0 }
        for sizes in [[1], [1, 7, 4096], [7], [5, 1]] {
            #expect(try readCycling(ZstdStreamReader(Trickle(stream), path: "t.zst"), sizes: sizes) == parts.flatMap { $0 }, "\(sizes)")
        }
        // Every cut that does not fall on a frame boundary is an error.
        var boundaries = Set([0])
        var end = 0
        for frame in frames { end += frame.count; boundaries.insert(end) }
        for cut in stride(from: 1, to: stream.count, by: 3) where !boundaries.contains(cut) {
            for sizes in [[1], [1, 7, 4096]] {
                #expect(throws: StorageError.self, "cut at \(cut), reads of \(sizes)") {
                    try readCycling(ZstdStreamReader(Trickle(Array(stream.prefix(cut))), path: "t.zst"), sizes: sizes)
                }
            }
        }
    }

    /// Found by the fuzzer: a frame whose raw block is cut short, trickled into one-byte buffers, read as a
    /// complete 26-byte file (the decoder's hint inside the block equalled the one at a frame start).
    @Test func aRawBlockCutShortIsTruncatedHoweverItArrives() throws {
        let input: [UInt8] = [0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00, 0x00, 0x01, 0x00] + [UInt8](repeating: 0, count: 23) + [0x57, 0xc7, 0x46]
        for sizes in [[1 << 16], [1, 7, 4096, 1 << 16], [1]] {
            for source in [MemoryByteSource(input) as ByteSource, Trickle(input)] {
                let error = #expect(throws: StorageError.self, "\(sizes)") { try readCycling(ZstdStreamReader(source, path: "cut.zst"), sizes: sizes) }
                #expect(error.map { "\($0)".contains("truncated") } == true)
            }
        }
    }

    @Test func framesCarryAContentChecksumThatCatchesAFlippedByte() throws {
        let text = sampleText(20_000)
        let frame = try text.withUnsafeBytes { try ZstdCompressor().compress($0) }
        // Frame header descriptor: bit 2 is the content-checksum flag.
        #expect(frame.count > 8 && frame[4] & 0x04 != 0)
        var failures = 0
        // Flip one byte at a time in the compressed body (not the magic or header); each must be an error or the
        // exact text, never different text.
        for position in stride(from: 8, to: frame.count, by: max(1, frame.count / 64)) {
            var damaged = frame
            damaged[position] ^= 0x20
            var output = [UInt8](repeating: 0, count: text.count)
            do {
                try damaged.withUnsafeBytes { source in
                    try output.withUnsafeMutableBytes { try ZstdDecompressor().decompress(source, into: $0, path: "store.zst.bin") }
                }
                #expect(output == text, "a flip at \(position) decoded to different text")
            } catch {
                failures += 1
                #expect("\(error)".contains("store.zst.bin"))
            }
        }
        #expect(failures > 0)
    }

    @Test func nonZstdIsAnErrorNamingTheFile() throws {
        let reader = ZstdStreamReader(MemoryByteSource(Array("just some text, not zstd at all".utf8)), path: "plain.txt.zst")
        let error = #expect(throws: StorageError.self) { try readAll(reader) }
        #expect("\(error!)".contains("plain.txt.zst"))
        #expect("\(error!)".contains("not a zstd file"))
    }

    @Test func blockStoreRandomAccessMatchesOriginal() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        var rng = SeededRandom(seed: 5)
        let text = sampleText(400_000)
        var documents: [(offset: UInt64, bytes: [UInt8])] = []
        let writer = try ZstdBlockStoreWriter(path: dir.file("store.bin"), kind: ShardFile.store.kind, frameBytes: 4096)
        var position = 0
        while position < text.count {
            // Mostly small documents, some spanning many frames, some empty.
            let length = min(text.count - position, [0, 10, 300, 5000, 20_000].randomElement(using: &rng)!)
            let bytes = Array(text[position..<(position + length)])
            documents.append((try writer.append(bytes), bytes))
            position += length
        }
        try writer.finish()
        let reader = try ZstdBlockStoreReader(path: dir.file("store.bin"), kind: ShardFile.store.kind)
        #expect(reader.byteCount == UInt64(text.count))
        for document in documents.shuffled(using: &rng).prefix(300) {
            #expect(try reader.bytes(offset: document.offset, length: document.bytes.count) == document.bytes)
        }
        try reader.file.verifyChecksum()
    }

    /// Short reads go through the shared frame cache, long ones around it: random ranges (inside one frame, across
    /// frames, longer than the cache's read limit), read repeatedly from several threads, after evictions (a cache
    /// of 4 MiB holds 1,024 frames of 4 KiB: 12 MB of text overflows it) and after dropping the cache, all equal the
    /// text's bytes.
    @Test func blockStoreFrameCacheReturnsTheTextsBytes() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let text = sampleText(12_000_000)
        let writer = try ZstdBlockStoreWriter(path: dir.file("store.bin"), kind: ShardFile.store.kind, frameBytes: 4096)
        try writer.append(text)
        try writer.finish()
        let reader = try ZstdBlockStoreReader(path: dir.file("store.bin"), kind: ShardFile.store.kind)
        let mismatches = LockedBox(0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            var rng = SeededRandom(seed: UInt64(thread + 1))
            for round in 0..<400 {
                if thread == 0 && round == 200 { reader.dropCachedFrames() }
                let length = [1, 100, 4096, 9000, ZstdBlockStoreReader.cachedReadBytes + 1, 200_000].randomElement(using: &rng)!
                let offset = Int.random(in: 0...(text.count - length), using: &rng)
                let read = (try? reader.bytes(offset: UInt64(offset), length: length)) ?? []
                if read[...] != text[offset..<(offset + length)] { mismatches.update { $0 += 1 } }
            }
        }
        #expect(mismatches.value == 0)
        #expect(throws: StorageError.self) { try reader.bytes(offset: UInt64(text.count - 10), length: 11) }
    }
}

@Suite struct AtomicDirectoryTests {
    @Test func refusesExistingWithoutReplaceAndKeepsOldUntilCommit() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let target = dir.file("idx")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        _ = dir.write("idx/old", "old")
        // Only an index (a contam manifest) or an empty directory may be replaced.
        _ = dir.write("idx/\(OutputPath.indexManifestFileName)", "{\"format\": \"\(OutputPath.indexFormatName)\"}")
        #expect(throws: StorageError.outputExists(path: target, occupant: .index)) { try AtomicDirectory(finalPath: target, replaceExisting: false) }
        let atomic = try AtomicDirectory(finalPath: target, replaceExisting: true)
        _ = dir.write((atomic.temporaryPath as NSString).lastPathComponent + "/new", "new")
        #expect(FileManager.default.fileExists(atPath: "\(target)/old"))
        try atomic.commit()
        #expect(FileManager.default.fileExists(atPath: "\(target)/new"))
        #expect(!FileManager.default.fileExists(atPath: "\(target)/old"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["idx"])
    }

    @Test func discardRemovesTemporaryAndLeavesPrevious() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let target = dir.file("idx")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        _ = dir.write("idx/old", "old")
        _ = dir.write("idx/\(OutputPath.indexManifestFileName)", "{\"format\": \"\(OutputPath.indexFormatName)\"}")
        do {
            let atomic = try AtomicDirectory(finalPath: target, replaceExisting: true)
            _ = dir.write((atomic.temporaryPath as NSString).lastPathComponent + "/half", "half-written")
            atomic.discard()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["idx"])
        #expect(FileManager.default.fileExists(atPath: "\(target)/old"))
    }
}
