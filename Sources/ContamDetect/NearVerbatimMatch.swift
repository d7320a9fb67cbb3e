/// The alignment of an item against one corpus document region, with its evidence span.
public struct NearVerbatimMatch: Sendable, Equatable {
    /// The document passage of `span` (of `alignment` when the span is empty).
    public var source: SourcePassage
    /// The best local alignment against the region, in item and document token coordinates.
    public var alignment: LocalAlignment
    /// The longest stretch of `alignment` whose similarity is at least the threshold, trimmed to start and
    /// end on matched tokens; empty when there is none.
    public var span: LocalAlignment
    /// True when `span` has at least `minSpan` word columns (its word similarity is at least the threshold).
    public var isNearVerbatim: Bool
    /// The similarity reported for this match, over word columns (matched words / word columns): the
    /// span's when it is near-verbatim or at least min(`minSpan`, item words) words long, else the whole
    /// alignment's when that is long enough, else 0.
    public var similarity: Double
    /// Word columns of `span` (columns whose item token, or for a token only in the source, whose source
    /// token is a word): what `minSpan` counts. Punctuation columns are aligned but not counted.
    public var spanWords: Int = 0
}

/// The near-verbatim verdict of one item: whether some corpus passage aligns with it closely enough,
/// the best similarity found, and the evidence.
public struct NearVerbatimResult: Sendable, Equatable {
    public var isNearVerbatim: Bool
    /// Similarity of `best` (0 when nothing aligned over at least min(`minSpan`, item tokens) columns).
    public var bestSimilarity: Double
    /// The best match: a near-verbatim one with the most matched tokens, else the most similar one.
    public var best: NearVerbatimMatch?
    /// Number of candidate regions aligned.
    public var candidatesAligned: Int

    public static let none = NearVerbatimResult(isNearVerbatim: false, bestSimilarity: 0, best: nil, candidatesAligned: 0)
}
