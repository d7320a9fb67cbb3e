import ContamModel

/// A completion scored against the true second piece (or hidden option), in contam's tokens.
public struct ProbeCompletionScore: Codable, Sendable, Equatable {
    /// The answer as compared: trimmed, without an echoed "SECOND PIECE:" or option letter.
    public var answer: String
    /// The answer's first tokens equal the truth's tokens (as many as the truth has).
    public var exact: Bool
    /// `similarity` is at least the near-verbatim threshold (`--similarity`).
    public var nearVerbatim: Bool
    /// 1 − token edit distance / the longer length, over the truth and as many answer tokens as the truth has.
    public var similarity: Double
    /// The longest run of tokens the answer and the truth share.
    public var longestCommonRun: Int
    /// With `--index`: the answer's longest match in the corpus (tokens) and the document holding it.
    public var corpusMatchTokens: Int?
    public var corpusMatchSource: String?
    /// True when the answer came from the response cache.
    public var cached: Bool
}

/// An item's guided and general completions of the same first piece.
public struct ProbeGuidedOutcome: Codable, Sendable, Equatable {
    public var firstPiece: String
    public var truth: String
    public var guided: ProbeCompletionScore
    public var general: ProbeCompletionScore
}

/// An item's masked-option guess.
public struct ProbeOptionsOutcome: Codable, Sendable, Equatable {
    /// The letter of the hidden (wrong) option and its text.
    public var hiddenLetter: String
    public var truth: String
    public var guess: ProbeCompletionScore
}

/// An item's membership scores from the log-probabilities of its echoed tokens (higher: more member-like,
/// except `loss`).
public struct ProbeMembershipOutcome: Codable, Sendable, Equatable {
    /// Tokens of the item with a log-probability (the first has none).
    public var tokens: Int
    /// Mean negative log-likelihood per token.
    public var loss: Double
    /// Log-likelihood over the zlib-compressed length in bytes (Carlini et al. 2021).
    public var zlib: Double
    /// Min-K% Prob at k = `--min-k` (Shi et al. 2024).
    public var minK: Double
    /// Min-K%++ over the top-K distribution (an estimate; nil when no position has two alternatives).
    public var minKPlusPlusTopK: Double?
    /// Positions Min-K%++ was computed over (those with at least two alternatives and a spread of log-probabilities).
    public var minKPlusPlusPositions: Int
    public var cached: Bool
}

/// One item's results: one JSON line of `--json` (`"kind": "item"`).
public struct ProbeItemOutcome: Codable, Sendable, Equatable {
    public var kind = "item"
    public var id: String
    public var location: String
    /// "benchmark" or "control".
    public var set: String
    public var guided: ProbeGuidedOutcome?
    public var options: ProbeOptionsOutcome?
    public var membership: ProbeMembershipOutcome?
    /// Test name → why that test has no result for this item.
    public var notApplicable: [String: String]
}

/// One membership score compared between the benchmark and the control set.
public struct ProbeScoreComparison: Codable, Sendable, Equatable {
    /// loss, zlib, minK, minKPlusPlusTopK.
    public var score: String
    /// Nil when no benchmark item has this score (Min-K%++ without alternatives).
    public var benchmarkMean: Double?
    public var controlMean: Double?
    /// P(a benchmark item scores more member-like than a control item); nil without a control set.
    public var auc: Double?
    /// One-sided Mann-Whitney p-value of benchmark > control.
    public var pValue: Double?
}

/// One test over all items, with its verdict and the figures behind it.
public struct ProbeTestSummary: Codable, Sendable, Equatable {
    public var test: ProbeItemsTest
    public var verdict: MemorizationVerdict
    /// One sentence: why this verdict (or why n/a).
    public var reason: String
    /// Items the test could score (benchmark).
    public var items: Int
    public var pValue: Double?
    // Guided completion.
    public var guidedExact: Int?
    public var guidedNearVerbatim: Int?
    public var generalExact: Int?
    public var generalNearVerbatim: Int?
    public var guidedMeanSimilarity: Double?
    public var generalMeanSimilarity: Double?
    public var guidedWins: Int?
    public var generalWins: Int?
    public var ties: Int?
    // Option guessing.
    public var hits: Int?
    public var rate: Double?
    public var controlItems: Int?
    public var controlHits: Int?
    public var controlRate: Double?
    // Membership scores.
    public var scores: [ProbeScoreComparison]?

    public init(test: ProbeItemsTest, verdict: MemorizationVerdict, reason: String, items: Int) {
        self.test = test
        self.verdict = verdict
        self.reason = reason
        self.items = items
    }
}

/// The summary: the last JSON line of `--json` (`"kind": "summary"`).
public struct ProbeItemsSummary: Codable, Sendable, Equatable {
    public var kind = "summary"
    public var dataset: String
    public var split: String
    public var model: String
    public var endpoint: String
    public var mode: ModelRequest.Kind
    public var seed: UInt64
    public var items: Int
    public var controlItems: Int
    public var tests: [ProbeTestSummary]
    /// The strongest verdict of the tests that apply; n/a when none does.
    public var verdict: MemorizationVerdict
    public var requestsSent: Int
    public var cacheHits: Int
}

/// Everything one run found.
public struct ProbeItemsReport: Sendable, Equatable {
    public var items: [ProbeItemOutcome]
    public var control: [ProbeItemOutcome]
    public var summary: ProbeItemsSummary

    /// True when any test says memorized (`--fail-on-memorized`).
    public var memorized: Bool { summary.tests.contains { $0.verdict == .memorized } }
}
