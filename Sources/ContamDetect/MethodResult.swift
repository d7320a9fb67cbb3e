/// The verdict of one method on one item. `llama2` uses all three values; the others clean or dirty.
public enum MethodVerdict: String, Sendable, Codable, Equatable {
    case clean
    /// Llama 2's middle band: at least 20% contaminated tokens but under 80% (also called "not dirty").
    case notClean = "not clean"
    case dirty
}

/// What one method decided about one item, and why.
public struct MethodResult: Sendable, Equatable {
    public var method: ContaminationMethod
    public var verdict: MethodVerdict
    /// One line of evidence for people: the n-gram found, the fraction, the span.
    public var evidence: String
    /// The figures behind the verdict, for `--json` (e.g. "n", "fraction", "contaminated_tokens").
    public var figures: [String: Double]
    /// Item tokens the evidence points at (highlighted in reports), when there is one place.
    public var tokenRange: Range<Int>?

    public init(method: ContaminationMethod, verdict: MethodVerdict, evidence: String, figures: [String: Double] = [:], tokenRange: Range<Int>? = nil) {
        self.method = method
        self.verdict = verdict
        self.evidence = evidence
        self.figures = figures
        self.tokenRange = tokenRange
    }

    /// True for `dirty` (what `--fail-on` and `--write-clean` count).
    public var isDirty: Bool { verdict == .dirty }
}
