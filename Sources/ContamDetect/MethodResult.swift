/// The verdict of one method on one item. `llama2` uses all three values; the others clean or dirty.
public enum MethodVerdict: String, Sendable, Codable, Equatable {
    case clean
    /// Llama 2's middle band: at least 20% contaminated tokens but under 80% (also called "not dirty").
    case notClean = "not clean"
    case dirty
    /// Only on a sketch-only index: the n-gram sketch cannot decide the method for this item (the full
    /// index could say clean or dirty). Never counted as clean.
    case undecided
}

/// How a verdict that rests on n-gram sketch membership (a Bloom filter) can be wrong.
public struct SketchEvidence: Sendable, Equatable {
    /// The filters' target false-positive rate per n-gram probe.
    public var falsePositiveRate: Double
    /// True when false positives alone would explain the hits behind a "dirty" (one-sided binomial
    /// p >= 0.01 for that many hits among the probes at `falsePositiveRate`).
    public var falsePositivePlausible: Bool

    public init(falsePositiveRate: Double, falsePositivePlausible: Bool) {
        self.falsePositiveRate = falsePositiveRate
        self.falsePositivePlausible = falsePositivePlausible
    }
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
    /// Set when a "dirty" verdict rests on the n-gram sketch (sketch-only index): it is what the full
    /// index would say unless the Bloom filter gave a false positive.
    public var sketch: SketchEvidence?

    public init(method: ContaminationMethod, verdict: MethodVerdict, evidence: String, figures: [String: Double] = [:], tokenRange: Range<Int>? = nil, sketch: SketchEvidence? = nil) {
        self.sketch = sketch
        self.method = method
        self.verdict = verdict
        self.evidence = evidence
        self.figures = figures
        self.tokenRange = tokenRange
    }

    /// True for `dirty` (what `--fail-on` and `--write-clean` count).
    public var isDirty: Bool { verdict == .dirty }
    /// A "dirty" from a sketch-only index that false positives of the Bloom filter alone would explain
    /// (shown "dirty?"): counted apart from the certain ones.
    public var isPossiblyFalsePositive: Bool { verdict == .dirty && sketch?.falsePositivePlausible == true }

    /// The verdict as reports show it: "dirty?" when false positives of the sketch alone would explain it.
    public var shownVerdict: String {
        verdict == .dirty && sketch?.falsePositivePlausible == true ? "dirty?" : verdict.rawValue
    }
}
