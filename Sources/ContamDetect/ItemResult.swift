/// Everything `contam check` found about one item: verbatim figures, the near-verbatim alignment, and
/// each selected method's verdict. When the sketch first pass cleared the item (`firstPass`), the
/// verdicts are exact but the suffix-array figures were not computed: `verbatim` is nil, and `near` is
/// nil unless it is known to be empty. The optional accessors below give each figure when it is known.
public struct ItemResult: Sendable {
    public var item: CheckItem
    public var tokenized: TokenizedItem
    /// nil when the first pass cleared the item (its longest match is only known to be < n).
    public var verbatim: VerbatimAnalysis?
    /// nil when the first pass cleared the item and `--seed-length` < n (the alignment is unknown).
    public var near: NearVerbatimResult?
    /// In `CheckOptions.methods` order.
    public var methods: [MethodResult]
    /// Set when the sketch first pass cleared the item (see `SketchFirstPass`).
    public var firstPass: SketchFirstPass.Clearance?
    /// Set when the item was checked on a sketch-only index (no verbatim figures at all).
    public var sketchOnly: SketchOnlyFacts?

    /// What a sketch-only check knows about an item's verbatim overlap.
    public struct SketchOnlyFacts: Sendable, Equatable {
        /// No run of the item longer than this can occur in the corpus (from the absent n-grams).
        public var longestMatchBound: Int
        /// True when `--min-match` exceeds that bound: the item certainly has no verbatim span.
        public var spansKnownEmpty: Bool

        public init(longestMatchBound: Int, spansKnownEmpty: Bool) {
            self.longestMatchBound = longestMatchBound
            self.spansKnownEmpty = spansKnownEmpty
        }
    }

    public init(item: CheckItem, tokenized: TokenizedItem, verbatim: VerbatimAnalysis?, near: NearVerbatimResult?, methods: [MethodResult], firstPass: SketchFirstPass.Clearance? = nil, sketchOnly: SketchOnlyFacts? = nil) {
        self.sketchOnly = sketchOnly
        self.item = item
        self.tokenized = tokenized
        self.verbatim = verbatim
        self.near = near
        self.methods = methods
        self.firstPass = firstPass
    }

    /// The result of `method`, if it was selected.
    public func result(_ method: ContaminationMethod) -> MethodResult? {
        methods.first { $0.method == method }
    }

    /// True when any selected method says dirty (what `--write-clean` drops).
    public var isFlagged: Bool { methods.contains { $0.isDirty } }

    /// True when some selected method could not be decided (only on a sketch-only index).
    public var isUndecided: Bool { methods.contains { $0.verdict == .undecided } }

    /// When the verbatim figures were not computed: the longest match is known to be below this.
    public var longestMatchBelow: Int? {
        firstPass?.ngramLength ?? sketchOnly.map { $0.longestMatchBound + 1 }
    }

    /// True when the item certainly has no verbatim span although its figures were not computed.
    var spansKnownEmpty: Bool { firstPass?.spansKnownEmpty == true || sketchOnly?.spansKnownEmpty == true }

    /// The verbatim spans, when known (empty for a cleared item when `--min-match` >= n).
    public var spans: [VerbatimSpan]? {
        verbatim?.spans ?? (spansKnownEmpty ? [] : nil)
    }

    /// Item tokens inside verbatim spans, when known.
    public var coveredTokens: Int? {
        verbatim?.coveredTokens ?? (spansKnownEmpty ? 0 : nil)
    }

    /// The covered fraction, when known.
    public var coverage: Double? {
        verbatim?.coverage ?? (spansKnownEmpty ? 0 : nil)
    }
}
