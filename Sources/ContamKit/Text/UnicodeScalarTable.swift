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
struct UnicodeScalarTable: Sendable {
    /// The table, built on first use.
    static let shared = UnicodeScalarTable()

    /// Bits 0-2: `ScalarKind` raw value; bit 3: `hazardFlag`. Indexed by BMP scalar value.
    private let kinds: [UInt8]
    /// Normalization with lowercasing, per BMP scalar: 0 = the scalar itself, else
    /// `offset << 8 | byteCount` of its normalized UTF-8 in `pool`.
    private let lowercaseMappings: [UInt32]
    /// The same for normalization that keeps the case.
    private let keepCaseMappings: [UInt32]
    /// UTF-8 of every normalized form that differs from its scalar.
    private let pool: [UInt8]

    private static let hazardFlag: UInt8 = 8
    private static let kindMask: UInt8 = 7

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
            kinds[Int(value)] = kind.rawValue | (hazard ? Self.hazardFlag : 0)
        }
        self.kinds = kinds
        self.lowercaseMappings = lowercaseMappings
        self.keepCaseMappings = keepCaseMappings
        self.pool = pool
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
            return ScalarKind(rawValue: kinds[Int(value)] & Self.kindMask) ?? .symbol
        }
        guard let scalar = Unicode.Scalar(value) else { return .symbol }
        return Self.kind(computedFor: scalar)
    }

    /// Appends the normalized UTF-8 of the scalar `value`, whose raw UTF-8 is `raw`, to `output` at
    /// `offset`, and returns the offset after it; nil when the scalar cannot be normalized on its own
    /// (the caller then normalizes the whole token with Foundation) or when `output` is too small.
    @inline(__always)
    func appendNormalized(
        _ value: UInt32, raw: UnsafeRawBufferPointer, lowercase: Bool,
        to output: UnsafeMutableRawBufferPointer, at offset: Int
    ) -> Int? {
        if value < 0x10000 {
            if kinds[Int(value)] & Self.hazardFlag != 0 { return nil }
            let mapping = lowercase ? lowercaseMappings[Int(value)] : keepCaseMappings[Int(value)]
            if mapping != 0 {
                let start = Int(mapping >> 8)
                let byteCount = Int(mapping & 0xFF)
                guard output.count &- offset >= byteCount else { return nil }
                pool.withUnsafeBytes { pool in
                    output.baseAddress.unsafelyUnwrapped.advanced(by: offset)
                        .copyMemory(from: pool.baseAddress.unsafelyUnwrapped.advanced(by: start), byteCount: byteCount)
                }
                return offset &+ byteCount
            }
        } else {
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
        }
        // The scalar is its own normalization: copy its raw bytes.
        guard output.count &- offset >= raw.count else { return nil }
        output.baseAddress.unsafelyUnwrapped.advanced(by: offset)
            .copyMemory(from: raw.baseAddress.unsafelyUnwrapped, byteCount: raw.count)
        return offset &+ raw.count
    }
}
