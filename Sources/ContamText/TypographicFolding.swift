/// The typographic variants `TokenizerOptions.foldTypography` folds before tokenizing, so that text typed
/// with smart quotes, dashes and invisible formatting matches the same text typed plainly:
///
/// - curly and low-9 quotes: `‘ ’ ‚ ‛` → `'`, `“ ” „ ‟` → `"`;
/// - hyphens and dashes: `‐ ‑ ‒ – — ―` (U+2010…U+2015) and the minus sign `−` → `-`;
/// - the ellipsis `…` → three `.` tokens, as `...` gives;
/// - removed, the text on both sides joining (they are invisible, so the reader sees one word): soft
///   hyphen U+00AD, zero-width space U+200B, zero-width (non-)joiner U+200C/U+200D, word joiner U+2060,
///   byte-order mark / zero-width no-break space U+FEFF, and the bidirectional marks and controls
///   (U+061C, U+200E/U+200F, U+202A…U+202E, U+2066…U+2069).
///
/// Non-breaking and other Unicode spaces (U+00A0, U+202F, U+2007, U+3000 …) are white space with or
/// without folding. Every folded scalar is outside ASCII, so the tokenizer's ASCII fast path is untouched.
enum TypographicFolding {
    /// What folding does to one scalar.
    enum Fold: Equatable {
        /// Replaced by this ASCII byte (the ellipsis: by `.`, after two `.` tokens of its own).
        case ascii(UInt8)
        /// Removed.
        case removed
    }

    static let ellipsis: UInt32 = 0x2026

    /// The fold of the scalar `value`, or nil when folding leaves it alone.
    static func fold(_ value: UInt32) -> Fold? {
        switch value {
        case 0x2018...0x201B: return .ascii(UInt8(ascii: "'"))
        case 0x201C...0x201F: return .ascii(UInt8(ascii: "\""))
        case 0x2010...0x2015, 0x2212: return .ascii(UInt8(ascii: "-"))
        case ellipsis: return .ascii(UInt8(ascii: "."))
        case 0x00AD, 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF: return .removed
        default: return nil
        }
    }

    /// `text` with every scalar folded, `…` as `ellipsis` (`...` for a text; `.` for one of the three
    /// tokens an ellipsis becomes).
    static func folded(_ text: String, ellipsis dots: String = "...") -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch fold(scalar.value) {
            case .none: result.append(scalar)
            case .removed: break
            case .ascii(let byte):
                if scalar.value == ellipsis {
                    result.append(contentsOf: dots.unicodeScalars)
                } else {
                    result.append(Unicode.Scalar(byte))
                }
            }
        }
        return String(result)
    }
}
