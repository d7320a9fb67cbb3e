import Foundation
import Testing
@testable import ContamCorpus
import ContamTestSupport

@Suite struct UTF8RepairTests {
    private func countLiteralReplacementCharacters(_ bytes: [UInt8]) -> Int {
        var count = 0
        var index = 0
        while index + 3 <= bytes.count {
            if bytes[index] == 0xEF && bytes[index + 1] == 0xBF && bytes[index + 2] == 0xBD {
                // EF is a lead byte, never a continuation, so an EF BF BD triple always decodes as itself.
                count += 1
                index += 3
            } else {
                index += 1
            }
        }
        return count
    }

    private func repaired(_ bytes: [UInt8]) -> (bytes: [UInt8], replacements: Int) {
        bytes.withUnsafeBufferPointer { UTF8Repair.repaired($0) }
    }

    @Test func knownCases() {
        #expect(repaired(Array("héllo 😀".utf8)) == (Array("héllo 😀".utf8), 0) )
        // Maximal subparts (Unicode Table 3-8): F1 80 80 is one subpart, E1 80 another, C2 a third, then 41.
        let input: [UInt8] = [0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0xED, 0xA0, 0x80, 0xF4, 0x90]
        let result = repaired(input)
        #expect(result.bytes == Array(String(decoding: input, as: UTF8.self).utf8))
        // a, [F1 80 80], [E1 80], [C2], b, [80], [ED], [A0], [80], [F4], [90]
        #expect(result.replacements == 9)
        #expect(repaired([0xFF]).replacements == 1)
        #expect(repaired([]).replacements == 0)
    }

    @Test func randomBytesMatchSwiftDecoder() {
        var rng = SeededRandom(seed: 3000)
        // Bytes biased towards UTF-8 structure so that valid and nearly valid sequences are common.
        let interesting: [UInt8] = [0x41, 0xBD, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF, 0x00]
        for round in 0..<3000 {
            let length = Int.random(in: 0...40, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                round % 2 == 0 ? UInt8.random(in: 0...255, using: &rng) : interesting.randomElement(using: &rng)!
            }
            let result = repaired(bytes)
            let expected = Array(String(decoding: bytes, as: UTF8.self).utf8)
            #expect(result.bytes == expected, "\(bytes)")
            let valid = String(validating: bytes, as: UTF8.self) != nil
            #expect((result.replacements == 0) == valid, "\(bytes)")
            #expect(bytes.withUnsafeBufferPointer { UTF8Repair.isValid($0) } == valid)
            // Count oracle: U+FFFD scalars in Swift's output minus those already in the input.
            let scalarsOut = String(decoding: bytes, as: UTF8.self).unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            #expect(result.replacements == scalarsOut - countLiteralReplacementCharacters(bytes), "\(bytes)")
        }
    }

    @Test func longASCIIWithInvalidBytesAtEveryOffset() {
        let base = Array("The quick brown fox jumps over the lazy dog. 0123456789".utf8)
        for offset in 0..<base.count {
            var bytes = base
            bytes[offset] = 0xC3 // a lead byte whose continuation is missing
            var copy = bytes
            #expect(UTF8Repair.repair(&copy) == 1)
            #expect(copy == Array(String(decoding: bytes, as: UTF8.self).utf8))
            #expect(bytes.withUnsafeBufferPointer { UTF8Repair.firstInvalidOffset($0) } == offset)
        }
    }

    @Test func repairInPlaceLeavesValidArraysAlone() {
        var bytes = Array("plain ascii and ünïcödé".utf8)
        let before = bytes
        #expect(UTF8Repair.repair(&bytes) == 0)
        #expect(bytes == before)
    }
}
