/// lm-evaluation-harness's token definition (`TokenizerOptions.Normalization.lmeval`), as its
/// `lm_eval/decontamination/janitor.py` computes it: `Janitor.normalize_string` (`str.translate` that maps
/// `A`…`Z` to `a`…`z` and deletes the 32 characters of Python's `string.punctuation`), then `str.split()`
/// (split at the scalars for which `str.isspace()` is true, empty pieces dropped). `decontaminate.py` and
/// the harness's training-set 13-gram script both take `word_ngrams(janitor.normalize_string(text), 13)`.
///
/// Nothing else changes: no NFKC, no Unicode lowercasing (`É` stays `É`), non-ASCII punctuation kept
/// inside words (`«hello»`, `—`), a CJK run without spaces one token, control and format characters other
/// than Python's white space part of the word. A word of ASCII punctuation only (`--`, `...`) is no token.
/// An invalid UTF-8 byte (input is repaired before it gets here) counts as U+FFFD, a word character.
@usableFromInline
enum JanitorNormalization {
    /// Byte classes of the ASCII bytes (0x80 and above: `nonASCII`).
    static let separator: UInt8 = 0, deleted: UInt8 = 1, upper: UInt8 = 2, kept: UInt8 = 3, nonASCII: UInt8 = 4

    /// Python's `string.punctuation`.
    static let punctuation: [UInt8] = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".utf8)

    /// The class of every byte value.
    static let table: [UInt8] = (0..<256).map { byte in
        if byte >= 0x80 { return nonASCII }
        if isPythonSpace(UInt32(byte)) { return separator }
        if punctuation.contains(UInt8(byte)) { return deleted }
        if (0x41...0x5A).contains(byte) { return upper }
        return kept
    }

    /// True for the scalars Python's `str.isspace()` (and `re`'s `\s`) accepts: Unicode white space
    /// (bidirectional class WS, B or S, or category Zs). The list is checked against Python by the tests.
    @inline(__always)
    static func isPythonSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// Calls `body(normalizedUTF8, rawByteRange)` for each Janitor token of `text`: each maximal run of
    /// non-space scalars with something left after deleting ASCII punctuation. O(n); allocates only for
    /// a token longer than `scratch`.
    static func forEachToken(
        in text: UnsafeRawBufferPointer, scratch: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        let byteCount = text.count
        var overflow: [UInt8] = []
        try table.withUnsafeBufferPointer { table in
            // Invariant: 0 <= i <= byteCount; reads are text[k] with k < byteCount.
            var i = 0
            while i < byteCount {
                // Skip white space.
                let byteClass = table[Int(text[i])]
                if byteClass == separator { i &+= 1; continue }
                if byteClass == nonASCII {
                    let (value, length) = Tokenizer.decodeScalar(in: text, at: i)
                    if length > 0 && isPythonSpace(value) { i &+= length; continue }
                }
                // A word: up to the next white space.
                let start = i
                var written = 0
                var spilled = false
                @inline(__always) func append(_ byte: UInt8) {
                    if !spilled {
                        if written < scratch.count {
                            scratch[written] = byte
                            written &+= 1
                            return
                        }
                        overflow = Array(UnsafeRawBufferPointer(rebasing: scratch[0..<written]))
                        spilled = true
                    }
                    overflow.append(byte)
                }
                scanning: while i < byteCount {
                    let byte = text[i]
                    switch table[Int(byte)] {
                    case separator:
                        break scanning
                    case deleted:
                        i &+= 1
                    case upper:
                        append(byte | 0x20)
                        i &+= 1
                    case kept:
                        append(byte)
                        i &+= 1
                    default:
                        let (value, length) = Tokenizer.decodeScalar(in: text, at: i)
                        if length == 0 {
                            // U+FFFD for a byte that starts no valid sequence.
                            append(0xEF); append(0xBF); append(0xBD)
                            i &+= 1
                            continue
                        }
                        if isPythonSpace(value) { break scanning }
                        for k in i..<(i &+ length) { append(text[k]) }
                        i &+= length
                    }
                }
                if spilled {
                    try overflow.withUnsafeBytes { try body($0, start..<i) }
                } else if written > 0 {
                    try body(UnsafeRawBufferPointer(rebasing: scratch[0..<written]), start..<i)
                }
            }
        }
    }

    /// The Janitor's normalization of one raw word (`normalize_string`): ASCII punctuation deleted, ASCII
    /// letters lowercased, invalid UTF-8 as U+FFFD. The definition `forEachToken` implements per word.
    static func normalize(_ word: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                if punctuation.contains(byte) { continue }
                result.append((0x41...0x5A).contains(byte) ? Unicode.Scalar(byte | 0x20) : scalar)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
