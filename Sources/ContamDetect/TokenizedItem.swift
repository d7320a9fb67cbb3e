import ContamText

/// The text of one item to check (a benchmark question, a model generation) and its tokens, as
/// produced by the index's tokenizer. `strings` are the normalized token texts that corpus queries take.
public struct TokenizedItem: Sendable {
    /// Raw UTF-8 text of the item (for several `--field`s, the fields joined by newlines).
    public var text: [UInt8]
    /// Tokens with byte ranges into `text`.
    public var tokens: [Token]
    /// `tokens.map(\.text)`, kept once because every query takes it.
    public var strings: [String]
    /// True when every token counts as a word (`TokenizerOptions.everyTokenIsWord`: the lm-eval Janitor's
    /// white-space words), else words are the tokens that start with a letter or digit (`isWord`).
    public var everyTokenIsWord: Bool

    public init(text: [UInt8], tokens: [Token], everyTokenIsWord: Bool = false) {
        self.text = text
        self.tokens = tokens
        self.everyTokenIsWord = everyTokenIsWord
        strings = tokens.map(\.text)
    }

    /// Tokenizes `text` with `tokenizer`.
    public init(text: [UInt8], tokenizer: Tokenizer) {
        self.init(text: text, tokens: tokenizer.tokens(in: text), everyTokenIsWord: tokenizer.options.everyTokenIsWord)
    }

    public var tokenCount: Int { tokens.count }

    /// Byte range of the item text covered by a token range (empty range at 0 for an empty token range).
    public func byteRange(of tokenRange: Range<Int>) -> Range<Int> {
        guard !tokenRange.isEmpty else { return 0..<0 }
        return tokens[tokenRange.lowerBound].byteRange.lowerBound..<tokens[tokenRange.upperBound - 1].byteRange.upperBound
    }

    /// Number of characters (grapheme clusters) of the item text covered by a token range.
    public func charCount(of tokenRange: Range<Int>) -> Int {
        let bytes = byteRange(of: tokenRange)
        return String(decoding: text[bytes], as: UTF8.self).count
    }

    /// Indices of the tokens that are words (`isWord`), in order: what the word-based methods count and
    /// look up (a word n-gram is the token run from its first to its last word).
    public var wordTokenIndices: [Int] {
        everyTokenIsWord ? Array(strings.indices) : strings.indices.filter { Self.isWord(strings[$0]) }
    }

    /// True when token `index` is a word (see `wordTokenIndices`).
    public func isWordToken(at index: Int) -> Bool {
        everyTokenIsWord || Self.isWord(strings[index])
    }

    /// True when the token starts with a letter or digit (a word, as opposed to punctuation or a symbol).
    public static func isWord(_ token: String) -> Bool {
        guard let first = token.unicodeScalars.first else { return false }
        if first.isASCII {
            let value = first.value
            return (value >= 48 && value <= 57) || (value >= 65 && value <= 90) || (value >= 97 && value <= 122)
        }
        return first.properties.isAlphabetic || first.properties.numericType != nil
    }
}
