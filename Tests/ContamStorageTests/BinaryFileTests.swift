import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

@Suite struct BinaryFileTests {
    func writeSample(_ dir: TestDirectory, name: String = "f.bin", payload: [UInt8]) throws -> String {
        let path = dir.file(name)
        let writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: "TEST", elementBits: 8, count: UInt64(payload.count), parameter: 42))
        try writer.append(payload)
        try writer.finish()
        return path
    }

    @Test func roundTripAndChecksum() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        var rng = SeededRandom(seed: 1)
        let payload = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = try writeSample(dir, payload: payload)
        let file = try BinaryFile(path: path, kind: "TEST")
        #expect(file.header.count == 10_000)
        #expect(file.header.parameter == 42)
        #expect(Array(file.payload) == payload)
        try file.verifyChecksum()
    }

    @Test func flippedByteFailsChecksumNamingTheFile() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = try writeSample(dir, payload: Array(repeating: 7, count: 1000))
        var bytes = Array(try #require(FileManager.default.contents(atPath: path)))
        bytes[500] ^= 0x10
        try writeTestFile(atPath: path, bytes: bytes)
        let file = try BinaryFile(path: path, kind: "TEST")
        #expect(throws: StorageError.checksumMismatch(path: path)) { try file.verifyChecksum() }
    }

    @Test func truncatedFileIsRefusedOnOpen() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = try writeSample(dir, payload: Array(repeating: 1, count: 1000))
        let bytes = Array(try #require(FileManager.default.contents(atPath: path)))
        try writeTestFile(atPath: path, bytes: Array(bytes.prefix(700)))
        let error = #expect(throws: StorageError.self) { try BinaryFile(path: path, kind: "TEST") }
        #expect(error == .truncated(path: path, expectedBytes: 1064, foundBytes: 700))
        #expect("\(error!)".contains(path))
    }

    @Test func foreignWrongKindAndOtherVersionAreRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let foreign = dir.write("foreign.bin", String(repeating: "hello world, not an index\n", count: 10))
        #expect(throws: StorageError.notAnIndexFile(path: foreign)) { try BinaryFile(path: foreign, kind: "TEST") }
        let path = try writeSample(dir, payload: [1, 2, 3])
        #expect(throws: StorageError.wrongKind(path: path, expected: "SUFA", found: "TEST")) { try BinaryFile(path: path, kind: "SUFA") }
        var bytes = Array(try #require(FileManager.default.contents(atPath: path)))
        bytes[8] = 99  // format version
        try writeTestFile(atPath: path, bytes: bytes)
        let error = #expect(throws: StorageError.self) { try BinaryFile(path: path, kind: "TEST") }
        #expect(error == .unsupportedVersion(path: path, found: 99, supported: BinaryFileHeader.currentVersion))
        #expect("\(error!)".contains("rebuild"))
        let empty = dir.write("empty.bin", "")
        #expect(throws: StorageError.truncated(path: empty, expectedBytes: 64, foundBytes: 0)) { try BinaryFile(path: empty, kind: "TEST") }
    }

    @Test func unfinishedWriterLeavesAFileThatIsRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.file("partial.bin")
        do {
            let writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: "TEST", elementBits: 8, count: 3))
            try writer.append([1, 2, 3])
            // No finish(): simulates a crash mid-write.
        }
        #expect(throws: StorageError.self) { try BinaryFile(path: path, kind: "TEST") }
    }
}

@Suite struct PackedIntArrayTests {
    @Test func packedValuesReadBackAtEveryWidth() {
        var rng = SeededRandom(seed: 7)
        for width in 1...57 {
            let maxValue = width == 64 ? UInt64.max : (UInt64(1) << UInt64(width)) - 1
            let count = Int.random(in: 0...300, using: &rng)
            var values = (0..<count).map { _ in UInt64.random(in: 0...maxValue, using: &rng) }
            if count > 0 { values[0] = maxValue }
            let packed = PackedIntArray(packing: values, bitWidth: width)
            #expect(packed.count == count && Array(packed.bytes) == PackedIntArray.pack(values, bitWidth: width))
            for i in 0..<count { #expect(packed[i] == values[i], "width \(width) index \(i)") }
        }
    }

    @Test func streamedWriteEqualsInMemoryPack() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        var rng = SeededRandom(seed: 3)
        for (count, width) in [(0, 5), (1, 1), (70_000, 19), (65_536, 25), (131_075, 32), (70_001, 57), (9, 13), (65_537, 64 - 7)] {
            let values = (0..<count).map { _ in UInt64.random(in: 0...((UInt64(1) << UInt64(width)) - 1), using: &rng) }
            let path = dir.file("p\(count)-\(width).bin")
            let writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: "TOKN", elementBits: UInt32(width), count: UInt64(count)))
            try values.withUnsafeBufferPointer { try PackedIntArray.write($0, bitWidth: width, to: writer) }
            try writer.finish()
            let file = try BinaryFile(path: path, kind: "TOKN")
            #expect(Array(file.payload) == PackedIntArray.pack(values, bitWidth: width))
        }
    }

    @Test func bitWidthForMaxValue() {
        #expect(PackedIntArray.bitWidth(forMaxValue: 0) == 1)
        #expect(PackedIntArray.bitWidth(forMaxValue: 1) == 1)
        #expect(PackedIntArray.bitWidth(forMaxValue: 2) == 2)
        #expect(PackedIntArray.bitWidth(forMaxValue: 255) == 8)
        #expect(PackedIntArray.bitWidth(forMaxValue: 256) == 9)
    }
}
