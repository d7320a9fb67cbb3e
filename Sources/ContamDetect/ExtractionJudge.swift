import ContamText
import ContamIndex

/// How a model's continuation of a training-text prefix compares with the text that really follows, the judgement
/// of discoverable extraction (Carlini et al. 2021 and 2023; the memorization score of Biderman et al. 2023;
/// near-verbatim matches after Ippolito et al. 2023).
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
    /// The best local alignment of the continuation against the truth, cut to its longest stretch with similarity
    /// at least the judge's threshold: its similarity and length in aligned tokens (0 when nothing aligns).
    public var nearSimilarity: Double = 0
    public var nearSpanTokens: Int = 0
    /// Exact, or a near-verbatim stretch of at least the judge's span (or the whole truth when it is shorter).
    public var isNear: Bool = false
    /// The longest run of the continuation's tokens that occurs anywhere in the corpus (other training text
    /// reproduced), when a corpus was given; with one place where it occurs.
    public var longestCorpusMatchTokens: Int?
    public var longestCorpusMatchSource: CorpusOccurrence? = nil
}

/// Judges continuations with the tokenizer of the index they are checked against.
public struct ExtractionJudge: Sendable {
    public let tokenizer: Tokenizer
    /// Near-verbatim: a stretch of at least `nearSpan` tokens (or the whole truth when shorter) with similarity ≥
    /// `nearSimilarity` (matched tokens / aligned columns), the rule of `contam check`'s `near` method.
    public var nearSpan = 20
    public var nearSimilarity = 0.8

    public init(tokenizerOptions: TokenizerOptions) {
        tokenizer = Tokenizer(options: tokenizerOptions)
    }

    /// The judgement of `continuation` (the model's text) against `truth` (the tokens that follow the prefix in the
    /// corpus, normalized). Extra text after the true continuation does not count against it (a model asked for S
    /// tokens may say more); `corpus` adds the longest match of the continuation anywhere in it. O(length²) for the
    /// alignment of two short texts, plus one matching-lengths query.
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
        let isExact = !truth.isEmpty && leading == truth.count
        var judgement = ExtractionJudgement(isExact: isExact, memorizationScore: truth.isEmpty ? 0 : Double(positional) / Double(truth.count),
                                            matchingPrefixTokens: leading, trueTokens: truth.count)
        let near = nearVerbatim(produced: Array(produced.prefix(truth.count + truth.count / 2 + 8)), truth: truth)
        judgement.nearSimilarity = near.similarity
        judgement.nearSpanTokens = near.columns
        judgement.isNear = isExact || (!truth.isEmpty && near.columns >= min(nearSpan, truth.count) && near.similarity >= nearSimilarity)
        if let corpus {
            let lengths = produced.isEmpty ? [] : corpus.matchingLengths(of: produced)
            var start = 0
            for k in lengths.indices where lengths[k] > lengths[start] { start = k }
            let length = lengths.isEmpty ? 0 : lengths[start]
            judgement.longestCorpusMatchTokens = length
            if length > 0 {
                judgement.longestCorpusMatchSource = corpus.occurrences(of: produced[start..<(start + length)], limit: 1).first
            }
        }
        return judgement
    }

    /// The longest stretch of the best local alignment of `produced` against `truth` with similarity ≥
    /// `nearSimilarity`: the full dynamic program (both texts are a continuation's length).
    func nearVerbatim(produced: [String], truth: [String]) -> LocalAlignment {
        guard !produced.isEmpty, !truth.isEmpty else { return .empty }
        var ids: [String: Int32] = [:]
        func id(_ token: String) -> Int32 {
            if let known = ids[token] { return known }
            let next = Int32(ids.count)
            ids[token] = next
            return next
        }
        let a = truth.map(id)
        let b = produced.map(id)
        let alignment = BandedAligner.align(a, b, diagonals: -a.count...b.count)
        return NearVerbatimAligner(minSpan: nearSpan, similarity: nearSimilarity).evidenceSpan(of: alignment)
    }
}
