/// How text is normalized and split into tokens. Stored in the index manifest and applied to every
/// query, so corpus and items are always tokenized the same way.
public struct TokenizerOptions: Codable, Sendable, Equatable, Hashable {
    /// Keep letter case (default: lowercase everything).
    public var keepCase: Bool
    /// Drop punctuation and symbol tokens, keeping only runs of letters and digits (GPT-3 / lm-eval style).
    public var dropPunctuation: Bool

    public init(keepCase: Bool = false, dropPunctuation: Bool = false) {
        self.keepCase = keepCase
        self.dropPunctuation = dropPunctuation
    }

    /// A short human description, e.g. "lowercase, punctuation kept".
    public var summary: String {
        "\(keepCase ? "case kept" : "lowercase"), punctuation \(dropPunctuation ? "dropped" : "kept")"
    }
}
