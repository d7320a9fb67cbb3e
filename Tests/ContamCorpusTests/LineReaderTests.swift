import Foundation
import Testing
@testable import ContamStorage
@testable import ContamCorpus
import ContamTestSupport

/// Delivers at most `piece` bytes per read, like a slow pipe.
final class TrickleByteSource: ByteSource {
    private let bytes: [UInt8]
    private let piece: Int
    private var position = 0

    init(_ bytes: [UInt8], piece: Int) {
        self.bytes = bytes
        self.piece = piece
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(piece, buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        for offset in 0..<count { buffer[offset] = bytes[position + offset] }
        position += count
        return count
    }
}

@Suite struct LineReaderTests {
    private func lines(_ bytes: [UInt8], chunkSize: Int = 1 << 20, piece: Int = .max) throws -> [[UInt8]] {
        let reader = LineReader(source: TrickleByteSource(bytes, piece: piece), chunkSize: chunkSize)
        var result: [[UInt8]] = []
        var expectedNumber = 1
        try reader.forEachLine { line, number in
            #expect(number == expectedNumber)
            expectedNumber += 1
            result.append(Array(line))
        }
        return result
    }

    /// The obvious version: split the whole input on "\n", drop a trailing "\r" from each line, no final empty line.
    private func oracle(_ bytes: [UInt8]) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [] }
        var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if bytes.last == 0x0A { parts.removeLast() }
        let last = bytes.last == 0x0A ? parts.count : parts.count - 1
        return parts.enumerated().map { index, line in
            index < last && line.last == 0x0D ? Array(line.dropLast()) : line
        }
    }

    @Test func basicCases() throws {
        #expect(try lines([]) == [])
        #expect(try lines(Array("a".utf8)) == [Array("a".utf8)])
        #expect(try lines(Array("a\n".utf8)) == [Array("a".utf8)])
        #expect(try lines(Array("\n".utf8)) == [[]])
        #expect(try lines(Array("a\r\nb\n\nc".utf8)) == [Array("a".utf8), Array("b".utf8), [], Array("c".utf8)])
        // A CR not before LF stays.
        #expect(try lines(Array("a\rb\n".utf8)) == [Array("a\rb".utf8)])
    }

    @Test func randomInputsMatchOracle() throws {
        var rng = SeededRandom(seed: 500)
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x61, 0x62, 0xC3, 0xA9, 0x20]
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let expected = oracle(bytes)
            for (chunk, piece) in [(16, Int.max), (16, 3), (1 << 20, 1), (17, 7)] {
                #expect(try lines(bytes, chunkSize: chunk, piece: piece) == expected, "\(bytes) chunk \(chunk) piece \(piece)")
            }
        }
    }

    @Test func multiMegabyteLine() throws {
        var bytes = Array("short\n".utf8)
        var long = [UInt8](repeating: UInt8(ascii: "x"), count: 5 << 20)
        long[12345] = UInt8(ascii: "y")
        bytes += long + Array("\r\nend".utf8)
        let reader = LineReader(source: MemoryByteSource(bytes), chunkSize: 1 << 16)
        var result: [[UInt8]] = []
        try reader.forEachLine { line, _ in result.append(Array(line)) }
        #expect(result.count == 3)
        let same = result[1] == long
        #expect(same)
        #expect(result[2] == Array("end".utf8))
    }

    @Test func nextLineCopies() throws {
        let reader = LineReader(source: MemoryByteSource(Array("one\ntwo".utf8)), chunkSize: 16)
        let first = try #require(try reader.nextLine())
        let second = try #require(try reader.nextLine())
        #expect(first.bytes == Array("one".utf8) && first.lineNumber == 1)
        #expect(second.bytes == Array("two".utf8) && second.lineNumber == 2)
        #expect(try reader.nextLine() == nil)
    }

    @Test func newlineSearchMatchesLinearScan() {
        var rng = SeededRandom(seed: 300)
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) | (Bool.random(using: &rng) ? 0 : 0x0A) }
            let from = Int.random(in: 0...bytes.count, using: &rng)
            let expected = bytes[from...].firstIndex(of: 0x0A)
            #expect(LineReader.firstNewline(in: bytes, from: from, to: bytes.count) == expected)
        }
    }
}
