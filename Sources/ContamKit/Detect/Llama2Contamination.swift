/// Llama 2's token-level contamination (Touvron et al. 2023, Appendix A.6): a token is contaminated if it
/// lies in a span of more than `minSpanExclusive` tokens matched between the item and the corpus,
/// where the span may differ from the corpus in up to `skipBudget` positions (substitutions), none of
/// them in its first `exactPrefix` tokens and none trailing (the span ends on a matched token).
///
/// Exact spans come straight from the matching statistics. Spans with mismatches are grown from each
/// maximal exact match of at least `exactPrefix` tokens: at up to `occurrenceLimit` corpus occurrences
/// of the whole match and of its first `exactPrefix` tokens, the item is compared with the document
/// token by token until the budget is spent. A span that starts inside another exact match and only
/// exists at an occurrence not reached this way is missed; on text whose 10-grams are rare (real
/// benchmarks) this finds the same tokens as the brute-force definition (tested).
public struct Llama2Contamination: Sendable {
    public var minSpanExclusive = 10
    public var exactPrefix = 10
    public var skipBudget = 4
    public var occurrenceLimit = 8

    public init() {}

    /// Which item tokens are contaminated. Fetches documents through `documents` (cached).
    public func contaminatedTokens(_ item: TokenizedItem, matchingStatistics lengths: [Int], documents: DocumentCache) throws -> [Bool] {
        var covered = [Bool](repeating: false, count: item.tokenCount)
        func mark(_ range: Range<Int>) { for k in range { covered[k] = true } }
        let strings = item.strings
        for span in VerbatimAnalyzer.maximalSpans(matchingStatistics: lengths, minLength: exactPrefix) {
            if span.count > minSpanExclusive { mark(span) }
            guard span.upperBound < strings.count else { continue }
            var starts = Set<CorpusOccurrence>()
            var occurrences = documents.corpus.occurrences(of: strings[span], limit: occurrenceLimit)
            if span.count > exactPrefix {
                occurrences += documents.corpus.occurrences(of: strings[span.lowerBound..<(span.lowerBound + exactPrefix)], limit: occurrenceLimit)
            }
            for occurrence in occurrences where starts.insert(occurrence).inserted {
                let document = try documents.document(occurrence.document)
                let end = extendedEnd(strings, itemStart: span.lowerBound, document: document.tokens, documentStart: occurrence.tokenOffset)
                if end - span.lowerBound > minSpanExclusive { mark(span.lowerBound..<end) }
            }
        }
        return covered
    }

    /// End of the span starting at `itemStart` against `document` from `documentStart` (whose first
    /// `exactPrefix` tokens match): the last matched token before the budget is exceeded, plus one.
    func extendedEnd(_ item: [String], itemStart: Int, document: [Token], documentStart: Int) -> Int {
        var i = itemStart
        var j = documentStart
        var mismatches = 0
        var end = itemStart
        while i < item.count && j < document.count {
            if item[i] == document[j].text {
                end = i + 1
            } else {
                if i - itemStart < exactPrefix { break }
                mismatches += 1
                if mismatches > skipBudget { break }
            }
            i += 1
            j += 1
        }
        return end
    }

    /// The band of a contamination percentage (0–100).
    public static func verdict(percent: Double) -> MethodVerdict {
        percent >= 80 ? .dirty : (percent >= 20 ? .notClean : .clean)
    }
}
