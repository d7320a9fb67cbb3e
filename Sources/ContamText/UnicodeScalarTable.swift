import Foundation

/// What a Unicode scalar is to the tokenizer.
enum ScalarKind: UInt8, Sendable {
    /// White space (Z*), control (Cc) or format (Cf) character: separates tokens, is not a token.
    case separator
    /// Letter or number (L*, N*) that is not ideographic: part of a word run.
    case word
    /// Ideographic letter or number (CJK ideographs, 〇, Tangut …): a word token of its own, since
    /// these scripts do not separate words with spaces.
    case ideograph
    /// Combining mark (M*): continues the token it follows, or starts a non-word token.
    case mark
    /// Everything else (punctuation, symbols, private use, unassigned): a token of its own.
    case symbol
    /// A format character that typographic folding removes (soft hyphen, zero-width space …): neither a
    /// token nor a separator; the token around it continues. Only `kind(of:folding:)` returns it.
    case ignorable

    /// The kind whose raw value is `stored` (`symbol` for anything out of range); always inlined.
    @inline(__always)
    init(stored: UInt8) {
        switch stored {
        case 0: self = .separator
        case 1: self = .word
        case 2: self = .ideograph
        case 3: self = .mark
        case 5: self = .ignorable
        default: self = .symbol
        }
    }
}

/// Per-scalar classification and normalization data for the tokenizer's non-ASCII path.
///
/// The tokenizer's normalization of a token containing non-ASCII text is defined as Foundation's
/// `precomposedStringWithCompatibilityMapping` (NFKC) followed by `String.lowercased()` (unless the case is kept).
/// Calling Foundation costs about a microsecond a token, so this table precomputes, once per
/// process, that normalization for every scalar of the Basic Multilingual Plane. A token is then
/// normalized by concatenating the per-scalar results, which is exact whenever no scalar of the
/// token can compose with or reorder against its neighbour under NFKC: such "hazard" scalars
/// (non-zero combining class, second elements of canonical compositions, Hangul jamo, and
/// characters whose compatibility decomposition begins with one) send the whole token to Foundation.
/// Lowercasing is per scalar in the standard library (no context such as final sigma), so it
/// commutes with concatenation.
///
/// Building the table costs a few tens of milliseconds and about 600 KB; it happens on the first
/// non-ASCII scalar a process tokenizes.
struct UnicodeScalarTable: @unchecked Sendable {
    /// The table, built on first use.
    static let shared = UnicodeScalarTable()

    // The arrays below are allocated once for the whole process and never freed or written after
    // `init`, so plain pointers to them are safe to share between threads; they avoid ARC traffic
    // and bounds checks on the per-scalar path. Every index is a BMP scalar value (< 0x10000) or a
    // pool offset stored by `init`.

    /// Bits 0-2: `ScalarKind` raw value; bit 3: `hazardFlag`; bit 4: `foldFlag`. Indexed by BMP scalar value.
    private let kinds: UnsafePointer<UInt8>
    /// Normalization with lowercasing, per BMP scalar: 0 = the scalar itself, else
    /// `offset << 8 | byteCount` of its normalized UTF-8 in `pool`.
    private let lowercaseMappings: UnsafePointer<UInt32>
    /// The same for normalization that keeps the case.
    private let keepCaseMappings: UnsafePointer<UInt32>
    /// UTF-8 of every normalized form that differs from its scalar.
    private let pool: UnsafePointer<UInt8>
    /// The ASCII bytes typographic folding maps to (`foldBytes`), and an empty buffer for the removed ones.
    private let foldPool: UnsafePointer<UInt8>

    private static let hazardFlag: UInt8 = 8
    /// Set on the scalars `TypographicFolding` changes.
    private static let foldFlag: UInt8 = 16
    private static let kindMask: UInt8 = 7
    /// The bytes of `foldPool`.
    private static let foldBytes: [UInt8] = Array("'\"-.".utf8)

    private init() {
        var kinds = [UInt8](repeating: 0, count: 0x10000)
        var lowercaseMappings = [UInt32](repeating: 0, count: 0x10000)
        var keepCaseMappings = [UInt32](repeating: 0, count: 0x10000)
        var pool: [UInt8] = []

        func store(_ text: String) -> UInt32 {
            let offset = UInt32(pool.count)
            pool.append(contentsOf: text.utf8)
            return offset << 8 | UInt32(text.utf8.count)
        }

        for value in 0..<UInt32(0x10000) {
            guard let scalar = Unicode.Scalar(value) else {
                // Surrogate code points never come out of the UTF-8 decoder.
                kinds[Int(value)] = ScalarKind.symbol.rawValue | Self.hazardFlag
                continue
            }
            let kind = Self.kind(computedFor: scalar)
            var hazard = Self.isCompositionHazard(scalar)
            let properties = scalar.properties
            // A scalar unchanged by NFKC_Casefold is already NFKC-normalized (that is the output of an
            // NFKC step), and one unchanged by lowercasing needs no lowercasing: identity in both
            // modes, no Foundation call needed.
            if kind != .separator && (properties.changesWhenNFKCCaseFolded || properties.changesWhenLowercased) {
                let text = String(scalar)
                let keepCase = text.precomposedStringWithCompatibilityMapping
                let lowercase = keepCase.lowercased()
                // Compare UTF-8, not `String ==`, which is canonical equivalence ("Å" U+212B == "Å" U+00C5).
                if !keepCase.utf8.elementsEqual(text.utf8) {
                    keepCaseMappings[Int(value)] = store(keepCase)
                }
                if !lowercase.utf8.elementsEqual(text.utf8) {
                    lowercaseMappings[Int(value)] = store(lowercase)
                }
                let decomposed = text.decomposedStringWithCompatibilityMapping
                if let head = decomposed.unicodeScalars.first, Self.isCompositionHazard(head) {
                    hazard = true
                }
            }
            kinds[Int(value)] = kind.rawValue | (hazard ? Self.hazardFlag : 0) | (TypographicFolding.fold(value) != nil ? Self.foldFlag : 0)
        }
        func permanent<T>(_ array: [T]) -> UnsafePointer<T> {
            let copy = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
            copy.initialize(from: array, count: array.count)
            return UnsafePointer(copy)
        }
        self.kinds = permanent(kinds)
        self.lowercaseMappings = permanent(lowercaseMappings)
        self.keepCaseMappings = permanent(keepCaseMappings)
        self.pool = permanent(pool)
        self.foldPool = permanent(Self.foldBytes)
    }

    /// The tokenizer's kind of a scalar, computed from its Unicode properties (the definition the table caches).
    static func kind(computedFor scalar: Unicode.Scalar) -> ScalarKind {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format:
            return .separator
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return properties.isIdeographic ? .ideograph : .word
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        default:
            return .symbol
        }
    }

    /// Whether `scalar` may compose with, or reorder against, the scalar before it under NFC/NFKC.
    ///
    /// True for non-starters (canonical combining class ≠ 0), for the starters that are second elements
    /// of canonical compositions (NFC_Quick_Check = Maybe; Unicode 14 list, checked against the
    /// toolchain's Foundation by the tests) and, conservatively, for all Hangul jamo.
    static func isCompositionHazard(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.canonicalCombiningClass != .notReordered { return true }
        switch scalar.value {
        case 0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5, 0x0CD6,
             0x0D3E, 0x0D57, 0x0DCF, 0x0DDF, 0x102E, 0x1B35:
            return true
        case 0x1100...0x11FF, 0x3131...0x318E, 0xA960...0xA97F, 0xD7B0...0xD7FF, 0xFFA0...0xFFDC:
            return true
        default:
            return false
        }
    }

    /// The kind of the scalar with value `value` (a valid scalar value). O(1) in the BMP.
    @inline(__always)
    func kind(of value: UInt32) -> ScalarKind {
        if value < 0x10000 {
            return ScalarKind(stored: kinds[Int(value)] & Self.kindMask)
        }
        guard let scalar = Unicode.Scalar(value) else { return .symbol }
        return Self.kind(computedFor: scalar)
    }

    /// The kind of the scalar `value` with typographic folding on or off: with it, the scalars folding
    /// removes are `.ignorable` (the others it folds stay symbols).
    @inline(__always)
    func kind(of value: UInt32, folding: Bool) -> ScalarKind {
        if value < 0x10000 {
            let stored = kinds[Int(value)]
            if folding && stored & Self.foldFlag != 0 && TypographicFolding.fold(value) == .removed { return .ignorable }
            return ScalarKind(stored: stored & Self.kindMask)
        }
        guard let scalar = Unicode.Scalar(value) else { return .symbol }
        return Self.kind(computedFor: scalar)
    }

    /// The normalized UTF-8 of the scalar `value` whose raw UTF-8 is `raw`: `raw` itself or bytes of
    /// the table (valid for the whole process); nil when the scalar cannot be normalized on its own
    /// (the caller then normalizes the whole token with Foundation).
    /// With `folding`, a scalar `TypographicFolding` changes normalizes to its ASCII byte, or to nothing.
    @inline(__always)
    func normalizedUTF8(of value: UInt32, raw: UnsafeRawBufferPointer, lowercase: Bool, folding: Bool) -> UnsafeRawBufferPointer? {
        if value < 0x10000 {
            let stored = kinds[Int(value)]
            if folding && stored & Self.foldFlag != 0 {
                switch TypographicFolding.fold(value) {
                case .ascii(let byte):
                    // Invariant: foldBytes holds every byte a fold maps to.
                    let offset = Self.foldBytes.firstIndex(of: byte) ?? 0
                    return UnsafeRawBufferPointer(start: foldPool + offset, count: 1)
                case .removed, .none:
                    return UnsafeRawBufferPointer(start: foldPool, count: 0)
                }
            }
            if stored & Self.hazardFlag != 0 { return nil }
            let mapping = lowercase ? lowercaseMappings[Int(value)] : keepCaseMappings[Int(value)]
            if mapping == 0 { return raw }
            return UnsafeRawBufferPointer(start: pool + Int(mapping >> 8), count: Int(mapping & 0xFF))
        }
        // Outside the BMP only symbols (emoji …) and ideographs that every normalization leaves
        // alone are handled here; letters and marks there (including scripts whose vowel signs
        // compose) go to Foundation.
        guard let scalar = Unicode.Scalar(value) else { return nil }
        let kind = Self.kind(computedFor: scalar)
        let properties = scalar.properties
        guard kind == .symbol || kind == .ideograph,
              properties.canonicalCombiningClass == .notReordered,
              !properties.changesWhenNFKCCaseFolded, !properties.changesWhenLowercased
        else { return nil }
        return raw
    }

    /// Appends the normalized UTF-8 of the scalar `value`, whose raw UTF-8 is `raw`, to `output` at
    /// `offset`, and returns the offset after it; nil when the scalar cannot be normalized on its own
    /// or when `output` is too small.
    @inline(__always)
    func appendNormalized(
        _ value: UInt32, raw: UnsafeRawBufferPointer, lowercase: Bool, folding: Bool,
        to output: UnsafeMutableRawBufferPointer, at offset: Int
    ) -> Int? {
        guard let source = normalizedUTF8(of: value, raw: raw, lowercase: lowercase, folding: folding),
              output.count &- offset >= source.count
        else { return nil }
        // Byte by byte: normalized scalars are a few bytes, shorter than a call to memcpy.
        var k = 0
        while k < source.count {
            output[offset &+ k] = source[k]
            k &+= 1
        }
        return offset &+ source.count
    }
}
