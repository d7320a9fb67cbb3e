/// The parameters of `contam check`, with the defaults its `--help` documents.
public struct CheckOptions: Sendable {
    /// Methods that give verdicts (`--method`); verbatim figures and the near-verbatim alignment are always computed.
    public var methods: [ContaminationMethod] = [.near]
    /// Shortest verbatim span reported (`--min-match`).
    public var minMatch = 8
    /// Source documents per span (`--max-sources`).
    public var maxSources = 3
    /// Shortest near-verbatim span in aligned words (`--min-span`; punctuation columns are not counted).
    public var minSpan = 20
    /// Near-verbatim similarity threshold (`--similarity`).
    public var similarity = 0.8
    /// Shortest exact match used as an alignment seed (`--seed-length`).
    public var seedLength = 6
    /// Items longer than this are refused as bad input (`--max-item-tokens`).
    public var maxItemTokens = 100_000
    /// Worker threads (`--threads`).
    public var threads = 2
    /// Bytes of context around source passages.
    public var contextBytes = 80
    /// Fetch verbatim sources' passages in original text (the table output needs only their labels).
    public var sourcePassages = true
    /// Use the index's n-gram sketch as a first pass when it can decide every selected method
    /// (`SketchFirstPass`); `--no-first-pass` sets this to false and every item takes the full path.
    public var firstPass = true

    public init() {}
}
