/// The verbatim figures of one item (docs/check.md, "What is computed for every item"): longest match, covered fraction, and every maximal
/// span of at least `minMatch` tokens with its corpus count and source passages.
public struct VerbatimAnalysis: Sendable, Equatable {
    public var tokenCount: Int
    /// Longest run of item tokens occurring in the corpus (may be shorter than `minMatch`).
    public var longestMatchTokens: Int
    /// Characters of the item text that longest run covers.
    public var longestMatchChars: Int
    /// Item tokens inside some span of at least `minMatch` tokens.
    public var coveredTokens: Int
    /// Maximal spans of at least `minMatch` tokens, in item order.
    public var spans: [VerbatimSpan]

    /// `coveredTokens / tokenCount` (0 for an empty item).
    public var coverage: Double { tokenCount == 0 ? 0 : Double(coveredTokens) / Double(tokenCount) }
}

/// Turns an item's matching statistics into verbatim spans and fetches their evidence.
public struct VerbatimAnalyzer: Sendable {
    /// Shortest span reported (`--min-match`).
    public var minMatch: Int
    /// Source documents shown per span (`--max-sources`).
    public var maxSources: Int
    /// Only the longest this-many spans get source passages (counts are computed for all), which bounds
    /// the documents fetched for an item that shares many short idioms with the corpus.
    public var sourceSpanLimit: Int
    /// Bytes of context around each source passage.
    public var contextBytes: Int
    /// Fetch source documents for their passages in original text; when false, sources carry the document
    /// label and token range only (no document is read).
    public var withPassages: Bool

    public init(minMatch: Int = 8, maxSources: Int = 3, sourceSpanLimit: Int = 10, contextBytes: Int = 80, withPassages: Bool = true) {
        self.withPassages = withPassages
        self.minMatch = minMatch
        self.maxSources = maxSources
        self.sourceSpanLimit = sourceSpanLimit
        self.contextBytes = contextBytes
    }

    /// Maximal spans of at least `minLength` tokens: `start..<start+L[start]` for every start whose match
    /// is not contained in an earlier one (with true matching statistics, `L[i] >= L[i-1]`). O(m).
    public static func maximalSpans(matchingLengths lengths: [Int], minLength: Int) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var reach = 0
        for (start, length) in lengths.enumerated() where start + length > reach {
            reach = start + length
            if length >= max(1, minLength) { spans.append(start..<reach) }
        }
        return spans
    }

    /// Number of positions inside at least one of `spans` (sorted by start). O(m).
    public static func coveredCount(_ spans: [Range<Int>]) -> Int {
        var covered = 0
        var reach = 0
        for span in spans {
            let start = max(span.lowerBound, reach)
            if span.upperBound > start { covered += span.upperBound - start }
            reach = max(reach, span.upperBound)
        }
        return covered
    }

    /// The analysis of one item from its matching statistics: counts for every span and source passages
    /// for the longest `sourceSpanLimit` spans. Throws when a source document cannot be read (corrupt index).
    public func analyze(_ item: TokenizedItem, matchingLengths lengths: [Int], documents: DocumentCache) throws -> VerbatimAnalysis {
        let corpus = documents.corpus
        var longestStart = 0
        var longest = 0
        for (start, length) in lengths.enumerated() where length > longest {
            longest = length
            longestStart = start
        }
        let ranges = Self.maximalSpans(matchingLengths: lengths, minLength: minMatch)
        var withSources = Set<Int>()
        if maxSources > 0 {
            let byLength = ranges.indices.sorted { (ranges[$0].count, -$0) > (ranges[$1].count, -$1) }
            withSources = Set(byLength.prefix(sourceSpanLimit))
        }
        var spans: [VerbatimSpan] = []
        spans.reserveCapacity(ranges.count)
        for (k, range) in ranges.enumerated() {
            let tokens = item.strings[range]
            var sources: [SourcePassage] = []
            if withSources.contains(k) {
                for occurrence in corpus.occurrences(of: tokens, limit: maxSources) {
                    let documentRange = occurrence.tokenOffset..<(occurrence.tokenOffset + range.count)
                    if withPassages {
                        if let source = try documents.passage(occurrence.document, tokenRange: documentRange, contextBytes: contextBytes) {
                            sources.append(source)
                        }
                    } else {
                        let label = try documents.label(occurrence.document, tokenOffset: documentRange.lowerBound)
                        sources.append(SourcePassage(document: occurrence.document, label: label, tokenRange: documentRange, passage: nil))
                    }
                }
            }
            spans.append(VerbatimSpan(tokenRange: range, byteRange: item.byteRange(of: range), charCount: item.charCount(of: range),
                                      occurrenceCount: corpus.count(of: tokens), sources: sources))
        }
        return VerbatimAnalysis(tokenCount: item.tokenCount, longestMatchTokens: longest,
                                longestMatchChars: longest > 0 ? item.charCount(of: longestStart..<(longestStart + longest)) : 0,
                                coveredTokens: Self.coveredCount(ranges), spans: spans)
    }
}
