/// A maximal verbatim match: a run of item tokens that occurs in the corpus exactly (after normalization)
/// and cannot be extended on either side while still occurring.
public struct VerbatimSpan: Sendable, Equatable {
    /// Token range in the item.
    public var tokenRange: Range<Int>
    /// Byte range in the item's text.
    public var byteRange: Range<Int>
    /// Length in characters (grapheme clusters) of the item text the span covers.
    public var charCount: Int
    /// Number of occurrences of the span in the whole corpus.
    public var occurrenceCount: Int
    /// Up to `--max-sources` documents containing it (empty for spans past `sourceSpanLimit`).
    public var sources: [SourcePassage]

    public var tokenCount: Int { tokenRange.count }
}
