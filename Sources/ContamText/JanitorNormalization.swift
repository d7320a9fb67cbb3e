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
    /// a token whose normalization does not fit in `scratch`.
    static func forEachToken(
        in text: UnsafeRawBufferPointer, scratch: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        let byteCount = text.count
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
                // A word: up to the next white space. Its normalization is at most as long, except that
                // each invalid byte becomes the three bytes of U+FFFD.
                let start = i
                var invalid = 0
                scanning: while i < byteCount {
                    let byte = text[i]
                    let byteClass = table[Int(byte)]
                    if byteClass == separator { break }
                    if byteClass != nonASCII { i &+= 1; continue }
                    let (value, length) = Tokenizer.decodeScalar(in: text, at: i)
                    if length == 0 {
                        invalid &+= 1
                        i &+= 1
                        continue
                    }
                    if isPythonSpace(value) { break scanning }
                    i &+= length
                }
                let word = start..<i
                if word.count &+ 2 &* invalid <= scratch.count {
                    let written = normalize(text, word, table: table, into: scratch)
                    if written > 0 { try body(UnsafeRawBufferPointer(rebasing: scratch[0..<written]), word) }
                } else {
                    var buffer = [UInt8](repeating: 0, count: word.count &+ 2 &* invalid)
                    let written = buffer.withUnsafeMutableBytes { normalize(text, word, table: table, into: $0) }
                    if written > 0 { try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<written]), word) } }
                }
            }
        }
    }

    /// Writes the Janitor normalization of the word `text[word]` (no white space inside) to `output`, which
    /// has room for it, and returns its length.
    @inline(__always)
    private static func normalize(_ text: UnsafeRawBufferPointer, _ word: Range<Int>, table: UnsafeBufferPointer<UInt8>,
                                  into output: UnsafeMutableRawBufferPointer) -> Int {
        var written = 0
        var i = word.lowerBound
        while i < word.upperBound {
            let byte = text[i]
            switch table[Int(byte)] {
            case deleted:
                i &+= 1
            case upper:
                output[written] = byte | 0x20
                written &+= 1
                i &+= 1
            case kept:
                output[written] = byte
                written &+= 1
                i &+= 1
            default:
                let (_, length) = Tokenizer.decodeScalar(in: text, at: i)
                if length == 0 {
                    // U+FFFD for a byte that starts no valid sequence.
                    output[written] = 0xEF; output[written &+ 1] = 0xBF; output[written &+ 2] = 0xBD
                    written &+= 3
                    i &+= 1
                } else {
                    for k in 0..<length { output[written &+ k] = text[i &+ k] }
                    written &+= length
                    i &+= length
                }
            }
        }
        return written
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
