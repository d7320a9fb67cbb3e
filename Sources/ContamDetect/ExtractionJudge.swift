import ContamText

/// How a model's continuation of a training-text prefix compares with the text that really follows, the judgement
/// of discoverable extraction (Carlini et al. 2021 and 2023; the memorization score of Biderman et al. 2023).
public struct ExtractionJudgement: Sendable, Equatable {
    /// The continuation reproduces every token of the true continuation, in order, from its start (after the
    /// index's normalization: case, punctuation and typography as the index tokenized them).
    public var isExact: Bool
    /// The fraction of the true continuation's tokens the continuation matches position by position (0…1).
    public var memorizationScore: Double
    /// How many leading tokens match before the first difference.
    public var matchingPrefixTokens: Int
    /// Tokens in the true continuation (the denominator of the score).
    public var trueTokens: Int
    /// The longest run of the continuation's tokens that occurs anywhere in the corpus (other training text
    /// reproduced), when a corpus was given.
    public var longestCorpusMatchTokens: Int?
}

/// Judges continuations with the tokenizer of the index they are checked against.
public struct ExtractionJudge: Sendable {
    public let tokenizer: Tokenizer

    public init(tokenizerOptions: TokenizerOptions) {
        tokenizer = Tokenizer(options: tokenizerOptions)
    }

    /// The judgement of `continuation` (the model's text) against `truth` (the tokens that follow the prefix in the
    /// corpus, normalized). Extra text after the true continuation does not count against it (a model asked for S
    /// tokens may say more); `corpus` adds the longest match of the continuation anywhere in it. O(length) plus one
    /// matching-lengths query.
    public func judge(continuation: String, truth: [String], corpus: (any CorpusQuerying)? = nil) -> ExtractionJudgement {
        let produced = tokenizer.tokens(in: continuation).map(\.text)
        var positional = 0
        var leading = 0
        var stillLeading = true
        for (k, token) in truth.enumerated() {
            let same = k < produced.count && produced[k] == token
            if same { positional += 1 } else { stillLeading = false }
            if same && stillLeading { leading += 1 }
        }
        let longest = corpus.map { produced.isEmpty ? 0 : ($0.matchingLengths(of: produced).max() ?? 0) }
        return ExtractionJudgement(isExact: !truth.isEmpty && leading == truth.count,
                                   memorizationScore: truth.isEmpty ? 0 : Double(positional) / Double(truth.count),
                                   matchingPrefixTokens: leading, trueTokens: truth.count, longestCorpusMatchTokens: longest)
    }
}
