/// The 256-entry byte class table of the tokenizer's ASCII fast path, and the bit flags stored in it.
///
/// Every ASCII byte is classified once, from the same Unicode rules the non-ASCII path applies to
/// scalars (`UnicodeScalarTable.kind(of:)`): letters and digits are word bytes (uppercase letters
/// carry an extra flag so a run remembers whether it needs lowercasing), whitespace and control
/// characters separate tokens, everything else is a one-byte symbol token. Bytes 0x80...0xFF are
/// marked non-ASCII and sent to the Unicode path.
@usableFromInline
enum TokenizerByteClass {
    /// Whitespace or a control character: separates tokens, is not a token.
    @inlinable static var separator: UInt8 { 0 }
    /// Set (together with `word`) on `A`...`Z`: the byte lowercases to `byte | 0x20`.
    @inlinable static var upperFlag: UInt8 { 1 }
    /// A letter or digit: part of a word run.
    @inlinable static var word: UInt8 { 2 }
    /// Punctuation or symbol: a token of its own.
    @inlinable static var symbol: UInt8 { 4 }
    /// A byte of a multi-byte UTF-8 sequence, or an invalid byte: handled by the Unicode path.
    @inlinable static var nonASCII: UInt8 { 8 }

    /// The class of every byte value, indexed by the byte.
    @usableFromInline static let table: [UInt8] = (0..<256).map { byte in
        guard byte < 0x80, let scalar = Unicode.Scalar(UInt32(byte)) else { return nonASCII }
        switch UnicodeScalarTable.kind(computedFor: scalar) {
        case .separator:
            return separator
        case .word, .ideograph:
            return scalar.properties.isUppercase ? word | upperFlag : word
        case .mark, .symbol, .ignorable:
            return symbol
        }
    }

    /// Eight bytes classified at once (SWAR; the byte at the lowest address is the lowest byte of `x`):
    /// `word` has the high bit of each byte that is an ASCII letter or digit set, `upper` that of each
    /// `A`...`Z`. Equal to the table's `word` and `upperFlag` on every byte (tested on all 256 values).
    /// A byte-at-a-time run scan mispredicts its exit once per word; this finds a run's end with one
    /// compare per 8 bytes and a trailing-zero count.
    @inlinable @inline(__always)
    static func asciiWordMasks(_ x: UInt64) -> (word: UInt64, upper: UInt64) {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = x & ~high
        // The high bit of each byte of the result: lo <= low7 <= hi. No borrow crosses a byte: each
        // minuend byte is >= 0x80 and each subtrahend byte <= 0x7F.
        @inline(__always) func within(_ lo: UInt64, _ hi: UInt64) -> UInt64 {
            ((low7 | high) &- lo &* ones) & ((hi | 0x80) &* ones &- low7) & high
        }
        let ascii = ~x & high
        let upper = within(0x41, 0x5A) & ascii
        let word = ((within(0x30, 0x39) | within(0x61, 0x7A)) & ascii) | upper
        return (word, upper)
    }

    /// The high bit of each of eight bytes (as in `asciiWordMasks`) that is a separator: 0x00...0x20 or 0x7F,
    /// the table's `separator` bytes (tested on all 256 values). Skips indentation eight bytes a step.
    @inlinable @inline(__always)
    static func asciiSeparatorMask(_ x: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = x & ~high
        // 0xA0 - low7 has its high bit set exactly when low7 <= 0x20; low7 + 1 exactly when low7 == 0x7F.
        let controlOrSpace = (0xA0 &* ones &- low7) & high
        let delete = (low7 &+ ones) & high
        return (controlOrSpace | delete) & ~x & high
    }

    /// Lowercases one ASCII byte given its class (`byte | 0x20` for `A`...`Z`, unchanged otherwise).
    @inlinable @inline(__always)
    static func lowercased(_ byte: UInt8, class byteClass: UInt8) -> UInt8 {
        byte | ((byteClass & upperFlag) &<< 5)
    }
}
