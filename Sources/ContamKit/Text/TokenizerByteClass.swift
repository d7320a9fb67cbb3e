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
        case .mark, .symbol:
            return symbol
        }
    }

    /// Lowercases one ASCII byte given its class (`byte | 0x20` for `A`...`Z`, unchanged otherwise).
    @inlinable @inline(__always)
    static func lowercased(_ byte: UInt8, class byteClass: UInt8) -> UInt8 {
        byte | ((byteClass & upperFlag) &<< 5)
    }
}
