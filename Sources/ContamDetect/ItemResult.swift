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

    public init(item: CheckItem, tokenized: TokenizedItem, verbatim: VerbatimAnalysis?, near: NearVerbatimResult?, methods: [MethodResult], firstPass: SketchFirstPass.Clearance? = nil) {
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

    /// The verbatim spans, when known (empty for a cleared item when `--min-match` >= n).
    public var spans: [VerbatimSpan]? {
        verbatim?.spans ?? (firstPass?.spansKnownEmpty == true ? [] : nil)
    }

    /// Item tokens inside verbatim spans, when known.
    public var coveredTokens: Int? {
        verbatim?.coveredTokens ?? (firstPass?.spansKnownEmpty == true ? 0 : nil)
    }

    /// The covered fraction, when known.
    public var coverage: Double? {
        verbatim?.coverage ?? (firstPass?.spansKnownEmpty == true ? 0 : nil)
    }
}
