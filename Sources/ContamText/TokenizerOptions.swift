/// How text is normalized and split into tokens. Stored in the index manifest and applied to every
/// query, so corpus and items are always tokenized the same way.
///
/// A manifest written before a field existed decodes to what the index was built with then: no
/// `normalization` means `.contam`, no `foldTypography` means not folded (so old verdicts do not
/// change), while `TokenizerOptions()` for a new index folds.
public struct TokenizerOptions: Codable, Sendable, Equatable, Hashable {
    /// Which definition of a token the tokenizer implements.
    public enum Normalization: String, Codable, Sendable, CaseIterable, Hashable {
        /// contam's tokenizer: runs of letters and digits, one token per ideograph and per punctuation
        /// mark, NFKC and lowercase (see `Tokenizer`).
        case contam
        /// lm-evaluation-harness's Janitor (`lm_eval/decontamination/janitor.py`, `normalize_string` then
        /// `str.split()`): ASCII punctuation deleted wherever it is (`can't` → `cant`), ASCII letters
        /// lowercased, nothing else changed (no NFKC, no Unicode lowercasing), tokens split at Python's
        /// white space only, so a space-free CJK run is one token. `keepCase`, `dropPunctuation` and
        /// `foldTypography` do not apply.
        case lmeval
    }

    /// Keep letter case (default: lowercase everything).
    public var keepCase: Bool
    /// Drop punctuation and symbol tokens, keeping only runs of letters and digits (GPT-3 / lm-eval style).
    public var dropPunctuation: Bool
    /// The token definition (default `.contam`).
    public var normalization: Normalization
    /// Fold typographic variants before tokenizing (see `TypographicFolding`): curly quotes and
    /// apostrophes to ASCII, dashes to `-`, `…` to three `.` tokens, and soft hyphens, zero-width and
    /// bidirectional format characters removed (the text on both sides joins). Default on for new
    /// indexes; off in manifests from before the field.
    public var foldTypography: Bool
    /// Strip HTML and Markdown markup before tokenizing (`MarkupStripper`; default off, and off in manifests
    /// from before the field). Token ranges still point into the original text.
    public var stripMarkup: Bool

    public init(keepCase: Bool = false, dropPunctuation: Bool = false, normalization: Normalization = .contam, foldTypography: Bool = true,
                stripMarkup: Bool = false) {
        self.keepCase = keepCase
        self.dropPunctuation = dropPunctuation
        self.normalization = normalization
        self.foldTypography = foldTypography
        self.stripMarkup = stripMarkup
    }

    /// The options of lm-evaluation-harness's Janitor (`--normalize lmeval`).
    public static var lmeval: TokenizerOptions {
        TokenizerOptions(normalization: .lmeval, foldTypography: false)
    }

    private enum CodingKeys: String, CodingKey {
        case keepCase, dropPunctuation, normalization, foldTypography, stripMarkup
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keepCase = try container.decode(Bool.self, forKey: .keepCase)
        dropPunctuation = try container.decode(Bool.self, forKey: .dropPunctuation)
        // Absent in manifests from before the fields: what those indexes were built with.
        normalization = try container.decodeIfPresent(Normalization.self, forKey: .normalization) ?? .contam
        foldTypography = try container.decodeIfPresent(Bool.self, forKey: .foldTypography) ?? false
        stripMarkup = try container.decodeIfPresent(Bool.self, forKey: .stripMarkup) ?? false
    }

    /// True when every token is a word for the word-based methods: under `.lmeval` a token is whatever
    /// white space delimits (`«hello»`, `—`, `中文` included), as in the harness.
    public var everyTokenIsWord: Bool { normalization == .lmeval }

    /// A short human description, e.g. "lowercase, punctuation kept, typography folded".
    public var summary: String {
        switch normalization {
        case .lmeval:
            return "lm-eval Janitor words: ASCII punctuation deleted, ASCII lowercased, split at white space"
        case .contam:
            return "\(keepCase ? "case kept" : "lowercase"), punctuation \(dropPunctuation ? "dropped" : "kept"), typography \(foldTypography ? "folded" : "not folded")\(stripMarkup ? ", markup stripped" : "")"
        }
    }
}
