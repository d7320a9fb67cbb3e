/// The verdict of a memorization test (tabular and probe): each test documents its thresholds (`TabularScorer`,
/// docs/tabular.md, docs/probe.md).
public enum MemorizationVerdict: String, Codable, Sendable, Comparable {
    /// The model reproduces the data beyond what a model without memorization reaches.
    case memorized
    /// Some evidence, not enough to conclude.
    case inconclusive
    /// The model does no better than the baseline.
    case noEvidence = "no evidence"
    /// The test cannot run here (too few rows, one column, no usable first token, no log-probabilities).
    case notApplicable = "n/a"

    /// Ordering by strength of evidence, strongest first.
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .memorized: return 0
        case .inconclusive: return 1
        case .noEvidence: return 2
        case .notApplicable: return 3
        }
    }
}
