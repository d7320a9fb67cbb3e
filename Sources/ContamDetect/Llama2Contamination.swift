import ContamIndex

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

    /// Which item tokens are contaminated. Compares tokens by id through `CorpusTokenIDs` when the corpus
    /// offers it, else fetches documents through `documents` (cached).
    public func contaminatedTokens(_ item: TokenizedItem, matchingLengths lengths: [Int], documents: DocumentCache) throws -> [Bool] {
        var covered = [Bool](repeating: false, count: item.tokenCount)
        func mark(_ range: Range<Int>) { for k in range { covered[k] = true } }
        let strings = item.strings
        let fast = documents.corpus as? any CorpusTokenIDs
        let shardIDs = fast.map { ItemTokenIDs(strings: strings, corpus: $0) }
        for span in VerbatimAnalyzer.maximalSpans(matchingLengths: lengths, minLength: exactPrefix) {
            if span.count > minSpanExclusive { mark(span) }
            guard span.upperBound < strings.count else { continue }
            var starts = Set<CorpusOccurrence>()
            var occurrences = documents.corpus.occurrences(of: strings[span], limit: occurrenceLimit)
            if span.count > exactPrefix {
                occurrences += documents.corpus.occurrences(of: strings[span.lowerBound..<(span.lowerBound + exactPrefix)], limit: occurrenceLimit)
            }
            for occurrence in occurrences where starts.insert(occurrence).inserted {
                let remaining = occurrence.tokenOffset..<(occurrence.tokenOffset + strings.count - span.lowerBound)
                let length: Int
                if let fast, let shardIDs {
                    length = matchedLength(shardIDs.ids(shard: occurrence.document.shard)[span.lowerBound...], fast.documentTokenIDs(occurrence.document, range: remaining)[...])
                } else {
                    let tokens = try documents.document(occurrence.document).tokens
                    length = matchedLength(strings[span.lowerBound...], tokens[remaining.clamped(to: 0..<tokens.count)].map(\.text)[...])
                }
                if length > minSpanExclusive { mark(span.lowerBound..<(span.lowerBound + length)) }
            }
        }
        return covered
    }

    /// Length of the span that starts at both slices' starts (whose first `exactPrefix` tokens match): up
    /// to the last matched token before more than `skipBudget` mismatches. (Unknown item tokens have
    /// negative ids and document ids are never negative, so they never match.)
    func matchedLength<T: Equatable>(_ item: ArraySlice<T>, _ document: ArraySlice<T>) -> Int {
        var offset = 0
        var mismatches = 0
        var length = 0
        let count = min(item.count, document.count)
        while offset < count {
            if item[item.startIndex + offset] == document[document.startIndex + offset] {
                length = offset + 1
            } else {
                if offset < exactPrefix { break }
                mismatches += 1
                if mismatches > skipBudget { break }
            }
            offset += 1
        }
        return length
    }

    /// The band of a contamination percentage (0–100).
    public static func verdict(percent: Double) -> MethodVerdict {
        percent >= 80 ? .dirty : (percent >= 20 ? .notClean : .clean)
    }
}
