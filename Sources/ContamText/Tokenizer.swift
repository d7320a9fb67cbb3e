import Foundation

/// Splits UTF-8 text into normalized tokens with their raw byte ranges.
///
/// **Tokens.** A token is
/// - a maximal run of letters and digits (Unicode general categories L* and N*), or
/// - a single ideographic letter (CJK ideographs, 〇 …, Unicode property Ideographic): Chinese and
///   Japanese do not put spaces between words, so a run would swallow a whole clause; one token per
///   ideograph (as BERT's basic tokenizer does) keeps n-gram matching meaningful there, or
/// - a single other scalar that is not a separator (punctuation, symbols, private use, unassigned),
///
/// in each case followed by the combining marks (M*) directly after it: "e\u{301}" stays one word,
/// "❤\u{FE0F}" one symbol; a mark with nothing to attach to starts a non-word token of its own.
/// White space (Z*), control (Cc) and format (Cf: zero-width space, soft hyphen, ZWJ, BOM …)
/// characters separate tokens and are not tokens. `_` is punctuation, so `foo_bar` is three tokens.
/// An invalid UTF-8 byte (input should have been repaired, but the tokenizer never traps) is a
/// one-byte symbol token whose text is U+FFFD.
///
/// **Normalization** (of each token on its own, see `normalize(_:)`): an all-ASCII token is lowercased
/// (unless `keepCase`); any other token goes through Foundation's `precomposedStringWithCompatibilityMapping`
/// (NFKC, also with `keepCase`) and then `String.lowercased()` (per-scalar full lowercase mapping, no
/// final-sigma rule), e.g. "ÉCOLE" → "école", "ﬁnd" → "find", "x²" → "x2", "Ⅻ" → "xii", "ＡＢＣ" → "abc",
/// "，" → ",". A token stays one token even when its normalized text looks like several ("½" → "1⁄2",
/// "…" → "...", "™" → "tm"). `dropPunctuation` drops every token that does not start with a letter or digit.
///
/// **Cost.** ASCII text runs through a byte-class table with no allocation (uppercase tokens are
/// lowercased into a stack buffer); non-ASCII scalars are classified and normalized through a table
/// precomputed per BMP scalar (`UnicodeScalarTable`); only tokens with composing marks, Hangul jamo,
/// or letters and marks outside the BMP call Foundation (about a microsecond each).
public struct Tokenizer: Sendable {
    /// How text is normalized and which tokens are kept.
    public let options: TokenizerOptions

    /// Creates a tokenizer with the given options.
    public init(options: TokenizerOptions = TokenizerOptions()) {
        self.options = options
    }

    /// Size of the stack buffer normalized tokens are written to; longer tokens take a slower path.
    @inlinable static var scratchByteCount: Int { 1024 }

    /// Calls `body(normalizedUTF8, rawByteRange)` for each token of `text`, in order; `normalizedUTF8`
    /// is valid only during the call. O(n), no allocation for ASCII text.
    @inlinable
    public func forEachToken(
        in text: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        try scanTokens(in: text, shortASCII: { _, normalized, range in try body(normalized, range) }, body)
    }

    /// Calls `body(TokenHash.hash(normalizedUTF8), rawByteRange)` for each token of `text`, in order.
    /// Equal to hashing in `forEachToken`'s body, but a short ASCII word (most tokens) is hashed from the
    /// register the tokenizer classified it in: no reload, and no branch on its length.
    @inlinable
    public func forEachTokenHash(
        in text: UnsafeRawBufferPointer,
        _ body: (UInt64, Range<Int>) throws -> Void
    ) rethrows {
        try scanTokens(in: text, shortASCII: { word, normalized, range in try body(TokenHash.hash(shortWord: word, count: normalized.count), range) }) {
            try body(TokenHash.hash($0), $1)
        }
    }

    /// The tokenizer: `shortASCII(word, normalizedUTF8, rawByteRange)` for an ASCII word of 1-7 bytes
    /// found by the eight-byte fast path (`word` holds its normalized bytes, little-endian, zero above
    /// them), `body(normalizedUTF8, rawByteRange)` for every other token.
    @inlinable @inline(__always)
    func scanTokens(
        in text: UnsafeRawBufferPointer,
        shortASCII: (UInt64, UnsafeRawBufferPointer, Range<Int>) throws -> Void,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        let byteCount = text.count
        if byteCount == 0 { return }
        if options.stripMarkup {
            try strippedTokens(in: text, shortASCII: shortASCII, body)
            return
        }
        if options.normalization == .lmeval {
            try janitorTokens(in: text, body)
            return
        }
        let lowercase = !options.keepCase
        let dropPunctuation = options.dropPunctuation
        try TokenizerByteClass.table.withUnsafeBufferPointer { table in
            try withUnsafeTemporaryAllocation(byteCount: Tokenizer.scratchByteCount, alignment: 1) { scratch in
                // Invariant: 0 <= i <= byteCount; every read is text[k] with k < byteCount, and
                // table has 256 entries indexed by a byte.
                var i = 0
                while i < byteCount {
                    let byteClass = table[Int(text[i])]
                    if byteClass & TokenizerByteClass.word != 0 {
                        let start = i
                        // The common case first: an ASCII word that ends within the eight bytes from its
                        // start, followed by an ASCII byte (one classification, no byte loop).
                        if start &+ 8 <= byteCount {
                            let chunk = UInt64(littleEndian: text.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                            let masks = TokenizerByteClass.asciiWordMasks(chunk)
                            let stops = ~masks.word & 0x8080_8080_8080_8080
                            let length = stops.trailingZeroBitCount &>> 3
                            if stops != 0 && text[start &+ length] < 0x80 {
                                // Invariant: 1 <= length <= 7 (text[start] is a word byte), so the shifts are < 64.
                                let kept: UInt64 = (1 &<< UInt64(length &* 8)) &- 1
                                i = start &+ length
                                if !lowercase || masks.upper & kept == 0 {
                                    try shortASCII(chunk & kept, UnsafeRawBufferPointer(rebasing: text[start..<i]), start..<i)
                                } else {
                                    let lowered = chunk | (masks.upper &>> 2)
                                    scratch.storeBytes(of: lowered.littleEndian, as: UInt64.self)
                                    try shortASCII(lowered & kept, UnsafeRawBufferPointer(rebasing: scratch[0..<length]), start..<i)
                                }
                                continue
                            }
                        }
                        var classes = byteClass
                        var next = byteClass
                        i &+= 1
                        // Eight bytes at a time while eight remain, then byte by byte.
                        var scanning = true
                        while scanning && i &+ 8 <= byteCount {
                            let masks = TokenizerByteClass.asciiWordMasks(UInt64(littleEndian: text.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                            let stops = ~masks.word & 0x8080_8080_8080_8080
                            if stops == 0 {
                                if masks.upper != 0 { classes |= TokenizerByteClass.upperFlag }
                                i &+= 8
                                continue
                            }
                            let length = stops.trailingZeroBitCount &>> 3
                            // The upper bits of the `length` bytes before the stop.
                            if masks.upper & ((1 &<< UInt64(length &* 8)) &- 1) != 0 { classes |= TokenizerByteClass.upperFlag }
                            i &+= length
                            next = table[Int(text[i])]
                            scanning = false
                        }
                        while scanning && i < byteCount {
                            next = table[Int(text[i])]
                            if next & TokenizerByteClass.word == 0 { break }
                            classes |= next
                            i &+= 1
                        }
                        if next == TokenizerByteClass.nonASCII {
                            // The run may continue with a non-ASCII letter or mark.
                            i = try unicodeTokens(in: text, start: start, at: i, scratch: scratch, body)
                        } else if !lowercase || classes & TokenizerByteClass.upperFlag == 0 {
                            try body(UnsafeRawBufferPointer(rebasing: text[start..<i]), start..<i)
                        } else if i &- start <= scratch.count &- 8 {
                            // Lowercased eight bytes a store (bytes past the token are scratch garbage), so a
                            // hash reading the token back loads from whole stores, not from byte stores it
                            // cannot forward from.
                            var k = start
                            while k < i {
                                if k &+ 8 <= byteCount {
                                    let chunk = UInt64(littleEndian: text.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                                    let lowered = chunk | (TokenizerByteClass.asciiWordMasks(chunk).upper &>> 2)
                                    scratch.storeBytes(of: lowered.littleEndian, toByteOffset: k &- start, as: UInt64.self)
                                    k &+= 8
                                } else {
                                    let byte = text[k]
                                    scratch[k &- start] = TokenizerByteClass.lowercased(byte, class: table[Int(byte)])
                                    k &+= 1
                                }
                            }
                            try body(UnsafeRawBufferPointer(rebasing: scratch[0..<(i &- start)]), start..<i)
                        } else {
                            try longASCIIToken(in: text, range: start..<i, body)
                        }
                    } else if byteClass == TokenizerByteClass.separator {
                        i &+= 1
                        // Most runs are one space: one table look decides. Longer ones (indentation) go
                        // eight bytes at a time while eight remain, then byte by byte.
                        var scanning = i < byteCount && table[Int(text[i])] == TokenizerByteClass.separator
                        while scanning && i &+ 8 <= byteCount {
                            let chunk = UInt64(littleEndian: text.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                            let stops = ~TokenizerByteClass.asciiSeparatorMask(chunk) & 0x8080_8080_8080_8080
                            if stops == 0 {
                                i &+= 8
                            } else {
                                i &+= stops.trailingZeroBitCount &>> 3
                                scanning = false
                            }
                        }
                        while scanning && i < byteCount && table[Int(text[i])] == TokenizerByteClass.separator { i &+= 1 }
                    } else if byteClass == TokenizerByteClass.symbol {
                        if i &+ 1 < byteCount && text[i &+ 1] >= 0x80 {
                            // A combining mark may follow and belong to this token.
                            i = try symbolToken(in: text, at: i, scratch: scratch, body)
                            continue
                        }
                        if !dropPunctuation {
                            try body(UnsafeRawBufferPointer(rebasing: text[i..<(i &+ 1)]), i..<(i &+ 1))
                        }
                        i &+= 1
                    } else {
                        i = try unicodeTokens(in: text, start: i, at: i, scratch: scratch, body)
                    }
                }
            }
        }
    }

    /// The tokens of `text`, each with its normalized text and raw byte range. Allocates a `String` per token.
    public func tokens(in text: UnsafeRawBufferPointer) -> [Token] {
        var tokens: [Token] = []
        forEachToken(in: text) { normalized, range in
            tokens.append(Token(text: String(decoding: normalized, as: UTF8.self), byteRange: range))
        }
        return tokens
    }

    /// The tokens of the UTF-8 bytes `text`; byte ranges index `text`.
    public func tokens(in text: [UInt8]) -> [Token] {
        text.withUnsafeBytes { tokens(in: $0) }
    }

    /// The tokens of `text`; byte ranges index `text.utf8`.
    public func tokens(in text: String) -> [Token] {
        var text = text
        return text.withUTF8 { tokens(in: UnsafeRawBufferPointer($0)) }
    }

    /// What a single raw token normalizes to: lowercased ASCII for an all-ASCII token (unless
    /// `keepCase`), otherwise Foundation's NFKC (`precomposedStringWithCompatibilityMapping`) followed by
    /// `lowercased()` (unless `keepCase`). This is the definition the fast path reproduces.
    ///
    /// With `foldTypography` the token is folded first (`TypographicFolding`; an ellipsis is `.`, since
    /// each of the three tokens it becomes is one dot); under `.lmeval` this is the Janitor's
    /// `normalize_string` (`JanitorNormalization`).
    public func normalize(_ token: String) -> String {
        if options.normalization == .lmeval { return JanitorNormalization.normalize(token) }
        if token.utf8.allSatisfy({ $0 < 0x80 }) {
            return options.keepCase ? token : token.lowercased()
        }
        let folded = options.foldTypography ? TypographicFolding.folded(token, ellipsis: ".") : token
        let composed = folded.precomposedStringWithCompatibilityMapping
        return options.keepCase ? composed : composed.lowercased()
    }
}

// MARK: - Slow paths (not inlined into callers)

extension Tokenizer {
    /// UTF-8 of U+FFFD, the text of the token an invalid byte becomes.
    private static let replacementCharacter: StaticString = "\u{FFFD}"
    /// The text of each of the three tokens a folded `…` becomes.
    private static let fullStop: StaticString = "."

    /// Emits an all-ASCII word longer than the scratch buffer, lowercased (allocates).
    @usableFromInline
    func longASCIIToken(
        in text: UnsafeRawBufferPointer, range: Range<Int>,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        var lowered = [UInt8](UnsafeRawBufferPointer(rebasing: text[range]))
        for k in lowered.indices where lowered[k] &- 0x41 < 26 {
            lowered[k] |= 0x20
        }
        try lowered.withUnsafeBytes { try body($0, range) }
    }

    /// The tokens of `text` with its markup stripped (`MarkupStripper`), their ranges mapped back to `text`.
    @usableFromInline
    func strippedTokens(
        in text: UnsafeRawBufferPointer,
        shortASCII: (UInt64, UnsafeRawBufferPointer, Range<Int>) throws -> Void,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        let stripped = MarkupStripper(text)
        var plainOptions = options
        plainOptions.stripMarkup = false
        let inner = Tokenizer(options: plainOptions)
        try stripped.text.withUnsafeBytes { plain in
            try inner.scanTokens(in: plain, shortASCII: { word, normalized, range in
                try shortASCII(word, normalized, stripped.sourceRange(of: range))
            }) { normalized, range in
                try body(normalized, stripped.sourceRange(of: range))
            }
        }
    }

    /// The Janitor's tokens (`TokenizerOptions.Normalization.lmeval`).
    @usableFromInline
    func janitorTokens(
        in text: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        try withUnsafeTemporaryAllocation(byteCount: Tokenizer.scratchByteCount, alignment: 1) { scratch in
            try JanitorNormalization.forEachToken(in: text, scratch: scratch, body)
        }
    }

    /// Emits the ASCII symbol at `position` together with the combining marks after it; returns the
    /// offset after them.
    @usableFromInline
    func symbolToken(
        in text: UnsafeRawBufferPointer, at position: Int, scratch: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows -> Int {
        let table = UnicodeScalarTable.shared
        let end = Self.endOfMarks(in: text, from: position &+ 1, table: table, folding: options.foldTypography)
        if !options.dropPunctuation {
            try emitUnicodeToken(in: text, range: position..<end, table: table, scratch: scratch, body)
        }
        return end
    }

    /// Scans and emits tokens from `position`, where either `text[start..<position]` is a non-empty run
    /// of ASCII letters and digits and `text[position]` a non-ASCII or invalid byte, or `start ==
    /// position` and `text[position]` is a non-ASCII or invalid byte. Goes on while tokens start with
    /// non-ASCII bytes (runs of CJK or Cyrillic stay here) and returns the offset of the first ASCII
    /// byte at a token boundary, or of the end of `text`.
    @usableFromInline
    func unicodeTokens(
        in text: UnsafeRawBufferPointer, start: Int, at position: Int, scratch: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows -> Int {
        let table = UnicodeScalarTable.shared
        let byteCount = text.count
        let dropPunctuation = options.dropPunctuation
        let lowercase = !options.keepCase
        let folding = options.foldTypography
        var tokenStart = start
        var i = position
        var inWordRun = start < position
        // A one-scalar token (ideograph, symbol or stray mark) that still takes the marks after it:
        // its start, or -1.
        var pendingStart = -1
        var pendingIsWord = false
        while true {
            if inWordRun {
                // Continue the run through letters, digits and marks (ASCII or not), normalizing as it
                // goes; an ideograph, separator, symbol or invalid byte ends it. `written` becomes nil
                // when a scalar needs Foundation (or the scratch buffer is full).
                var written = appendNormalized(text, range: tokenStart..<i, table: table, to: scratch, at: 0)
                while i < byteCount {
                    let byte = text[i]
                    if byte < 0x80 {
                        if table.kind(of: UInt32(byte)) != .word { break }
                        if let offset = written {
                            if offset < scratch.count {
                                scratch[offset] = lowercase && byte &- 0x41 < 26 ? byte | 0x20 : byte
                                written = offset &+ 1
                            } else {
                                written = nil
                            }
                        }
                        i &+= 1
                        continue
                    }
                    let (value, length) = Self.decodeScalar(in: text, at: i)
                    if length == 0 { break }
                    let kind = table.kind(of: value, folding: folding)
                    // A folded-away format character (soft hyphen …) joins the run's two sides.
                    if kind != .word && kind != .mark && kind != .ignorable { break }
                    if let offset = written {
                        written = table.appendNormalized(
                            value, raw: UnsafeRawBufferPointer(rebasing: text[i..<(i &+ length)]),
                            lowercase: lowercase, folding: folding, to: scratch, at: offset)
                    }
                    i &+= length
                }
                if let written {
                    try body(UnsafeRawBufferPointer(rebasing: scratch[0..<written]), tokenStart..<i)
                } else {
                    try emitWithFoundation(text, range: tokenStart..<i, body)
                }
                inWordRun = false
            }
            // At a token boundary, or inside a pending one-scalar token.
            if i >= byteCount || text[i] < 0x80 {
                if pendingStart >= 0 && (pendingIsWord || !dropPunctuation) {
                    try emitUnicodeToken(in: text, range: pendingStart..<i, table: table, scratch: scratch, body)
                }
                return i
            }
            let (value, length) = Self.decodeScalar(in: text, at: i)
            let kind = length == 0 ? ScalarKind.symbol : table.kind(of: value, folding: folding)
            // Marks join a pending token; a folded-away format character is nothing (a pending token
            // still takes the marks after it).
            if length > 0 && (kind == .ignorable || (kind == .mark && pendingStart >= 0)) {
                i &+= length
                continue
            }
            if pendingStart >= 0 {
                if pendingIsWord || !dropPunctuation {
                    try emitUnicodeToken(in: text, range: pendingStart..<i, table: table, scratch: scratch, body)
                }
                pendingStart = -1
            }
            if length == 0 {
                if !dropPunctuation {
                    try body(UnsafeRawBufferPointer(start: Self.replacementCharacter.utf8Start,
                                                    count: Self.replacementCharacter.utf8CodeUnitCount), i..<(i &+ 1))
                }
                i &+= 1
                continue
            }
            tokenStart = i
            i &+= length
            switch kind {
            case .separator, .ignorable:
                break
            case .word:
                inWordRun = true
            case .ideograph:
                pendingStart = tokenStart
                pendingIsWord = true
            case .mark, .symbol:
                if folding && value == TypographicFolding.ellipsis && !dropPunctuation {
                    // `…` folds to three `.` tokens: two here, the third pending (it takes the marks after it).
                    let dot = UnsafeRawBufferPointer(start: Self.fullStop.utf8Start, count: 1)
                    try body(dot, tokenStart..<i)
                    try body(dot, tokenStart..<i)
                }
                pendingStart = tokenStart
                pendingIsWord = false
            }
        }
    }

    /// The offset after the combining marks (and, with `folding`, the folded-away format characters)
    /// that start at `position`.
    @inline(__always)
    private static func endOfMarks(in text: UnsafeRawBufferPointer, from position: Int, table: UnicodeScalarTable, folding: Bool) -> Int {
        var i = position
        while i < text.count && text[i] >= 0x80 {
            let (value, length) = decodeScalar(in: text, at: i)
            guard length > 0 else { break }
            let kind = table.kind(of: value, folding: folding)
            if kind != .mark && kind != .ignorable { break }
            i &+= length
        }
        return i
    }

    /// Normalizes the (valid UTF-8) token `text[range]` and passes it to `body`: per scalar through
    /// `table` when possible, else with Foundation through `normalize(_:)`.
    private func emitUnicodeToken(
        in text: UnsafeRawBufferPointer, range: Range<Int>, table: UnicodeScalarTable,
        scratch: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        let lowercase = !options.keepCase
        if text[range.lowerBound] >= 0x80 {
            // One-scalar tokens (ideographs, symbols) need no copy.
            let (value, length) = Self.decodeScalar(in: text, at: range.lowerBound)
            if length == range.count, let normalized = table.normalizedUTF8(
                of: value, raw: UnsafeRawBufferPointer(rebasing: text[range]), lowercase: lowercase, folding: options.foldTypography) {
                try body(normalized, range)
                return
            }
        }
        if let written = appendNormalized(text, range: range, table: table, to: scratch, at: 0) {
            try body(UnsafeRawBufferPointer(rebasing: scratch[0..<written]), range)
        } else {
            try emitWithFoundation(text, range: range, body)
        }
    }

    /// Normalizes the token `text[range]` with Foundation (`normalize(_:)`) and passes it to `body`.
    private func emitWithFoundation(
        _ text: UnsafeRawBufferPointer, range: Range<Int>,
        _ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void
    ) rethrows {
        var normalized = normalize(String(decoding: UnsafeRawBufferPointer(rebasing: text[range]), as: UTF8.self))
        try normalized.withUTF8 { try body(UnsafeRawBufferPointer($0), range) }
    }

    /// Appends the per-scalar normalization of `text[range]` to `output` at `offset` and returns the
    /// offset after it; nil when a scalar needs Foundation (see `UnicodeScalarTable`), a byte is
    /// invalid, or `output` is full.
    @inline(__always)
    private func appendNormalized(
        _ text: UnsafeRawBufferPointer, range: Range<Int>, table: UnicodeScalarTable,
        to output: UnsafeMutableRawBufferPointer, at offset: Int
    ) -> Int? {
        let lowercase = !options.keepCase
        var written = offset
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = text[i]
            if byte < 0x80 {
                guard written < output.count else { return nil }
                output[written] = lowercase && byte &- 0x41 < 26 ? byte | 0x20 : byte
                written &+= 1
                i &+= 1
                continue
            }
            let (value, length) = Self.decodeScalar(in: text, at: i)
            guard length > 0, let end = table.appendNormalized(
                value, raw: UnsafeRawBufferPointer(rebasing: text[i..<(i &+ length)]), lowercase: lowercase,
                folding: options.foldTypography, to: output, at: written)
            else { return nil }
            written = end
            i &+= length
        }
        return written
    }

    /// Decodes the UTF-8 scalar at `position` (< `text.count`): its value and byte length, or length 0
    /// when the byte there does not start a well-formed sequence (Unicode Table 3-7: no overlongs,
    /// surrogates or values above U+10FFFF).
    @inline(__always)
    static func decodeScalar(in text: UnsafeRawBufferPointer, at position: Int) -> (value: UInt32, length: Int) {
        let remaining = text.count &- position
        let b0 = UInt32(text[position])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xC2 || b0 > 0xF4 { return (0, 0) }
        guard remaining >= 2 else { return (0, 0) }
        let b1 = UInt32(text[position &+ 1])
        if b0 < 0xE0 {
            guard b1 & 0xC0 == 0x80 else { return (0, 0) }
            return ((b0 & 0x1F) << 6 | (b1 & 0x3F), 2)
        }
        guard remaining >= 3 else { return (0, 0) }
        let b2 = UInt32(text[position &+ 2])
        guard b2 & 0xC0 == 0x80 else { return (0, 0) }
        if b0 < 0xF0 {
            // E0 needs A0...BF (no overlongs), ED needs 80...9F (no surrogates).
            let low: UInt32 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt32 = b0 == 0xED ? 0x9F : 0xBF
            guard b1 >= low && b1 <= high else { return (0, 0) }
            return ((b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F), 3)
        }
        guard remaining >= 4 else { return (0, 0) }
        let b3 = UInt32(text[position &+ 3])
        // F0 needs 90...BF (no overlongs), F4 needs 80...8F (nothing above U+10FFFF).
        let low: UInt32 = b0 == 0xF0 ? 0x90 : 0x80
        let high: UInt32 = b0 == 0xF4 ? 0x8F : 0xBF
        guard b1 >= low && b1 <= high, b3 & 0xC0 == 0x80 else { return (0, 0) }
        return ((b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F), 4)
    }
}
