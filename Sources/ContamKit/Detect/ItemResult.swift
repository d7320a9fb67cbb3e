/// Everything `contam check` found about one item: verbatim figures, the near-verbatim alignment, and
/// each selected method's verdict.
public struct ItemResult: Sendable {
    public var item: CheckItem
    public var tokenized: TokenizedItem
    public var verbatim: VerbatimAnalysis
    public var near: NearVerbatimResult
    /// In `CheckOptions.methods` order.
    public var methods: [MethodResult]

    /// The result of `method`, if it was selected.
    public func result(_ method: ContaminationMethod) -> MethodResult? {
        methods.first { $0.method == method }
    }

    /// True when any selected method says dirty (what `--write-clean` drops).
    public var isFlagged: Bool { methods.contains { $0.isDirty } }
}
