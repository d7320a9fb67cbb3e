import Testing
@testable import ContamText
import ContamTestSupport

@Suite struct TokenHashTests {
    /// The definition, byte by byte: 8-byte little-endian words, then the 1-7 last bytes packed the same way.
    static func reference(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD)
        var i = 0
        while i + 8 <= bytes.count {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[i + k]) << UInt64(8 * k) }
            h = TokenHash.mix(h ^ word)
            i += 8
        }
        if i < bytes.count {
            var tail: UInt64 = 0
            for k in i..<bytes.count { tail |= UInt64(bytes[k]) << UInt64(8 * (k - i)) }
            h = TokenHash.mix(h ^ tail)
        }
        return h
    }

    /// Every length from 0 to 40 (each tail length, with and without full words), random and
    /// adversarial bytes, at every alignment in a larger buffer (the fast tail loads overlap).
    @Test func matchesTheByteByByteDefinition() {
        var random = SeededRandom(seed: 3)
        for length in 0...40 {
            for pattern in 0..<4 {
                let bytes: [UInt8] = (0..<length).map { k in
                    switch pattern {
                    case 0: return UInt8(truncatingIfNeeded: random.next())
                    case 1: return 0
                    case 2: return 0xFF
                    default: return UInt8(k + 1)
                    }
                }
                // Offsets 0 to 7 cover every alignment of the fast path's 8-byte loads; neighbours of 0xAA/0xDD
                // would change the hash if a load reached outside the slice.
                for offset in 0..<8 {
                    let padded = [UInt8](repeating: 0xAA, count: offset) + bytes + [0xDD, 0xDD]
                    let fast = padded.withUnsafeBytes { TokenHash.hash(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)])) }
                    #expect(fast == Self.reference(bytes), "length \(length), pattern \(pattern), offset \(offset)")
                }
                if (1...7).contains(length) {
                    let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64($1.offset * 8) }
                    #expect(TokenHash.hash(shortWord: word, count: length) == Self.reference(bytes), "short word, length \(length)")
                }
            }
        }
        #expect(TokenHash.hash("abc") == Self.reference(Array("abc".utf8)))
    }
}
