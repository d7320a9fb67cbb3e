import Foundation
import ContamIndex
import ContamText

/// OLMoTrace-style tracing of a model's output (Liu et al. 2025, "OLMoTrace: Tracing Language Model Outputs
/// Back to Trillions of Training Tokens"): the maximal spans of the text, of at least `minMatch` tokens, that
/// occur verbatim in the corpus, ranked by span unigram probability (rarest first), each with its count and
/// source documents.
///
/// Definitions. With L[i] the length of the longest prefix of `tokens[i...]` occurring in the corpus (matching
/// statistics), the span [i, i + L[i]) is maximal (in no other occurring span) exactly when L[i] ≥ 1 and
/// i = 0 or L[i-1] ≠ L[i] + 1; spans may overlap. A span's unigram log-probability is the sum over its tokens
/// of ln(count(token) / corpus tokens); lower is rarer.
public struct OutputTrace: Sendable {
    public struct Span: Encodable, Sendable {
        public var tokenStart: Int
        public var tokenEnd: Int
        public var byteStart: Int
        public var byteEnd: Int
        /// Offsets in Unicode scalars (Python string indices).
        public var charStart: Int
        public var charEnd: Int
        public var text: String
        public var count: Int
        public var unigramLogProbability: Double
        public var sources: [PhraseQuery.Located]

        enum CodingKeys: String, CodingKey {
            case text, count, sources
            case tokenStart = "token_start", tokenEnd = "token_end", byteStart = "byte_start", byteEnd = "byte_end"
            case charStart = "char_start", charEnd = "char_end", unigramLogProbability = "unigram_logprob"
        }
    }

    /// Tokens of the text.
    public var tokenCount: Int
    /// Every maximal span of at least `minMatch` tokens, before `maxSpans` applies.
    public var spanCount: Int
    /// The `maxSpans` rarest spans, rarest first (ties: earlier first).
    public var spans: [Span]

    /// Traces `text` in `index`. `shouldStop` is asked between spans; when it returns true the trace throws
    /// `TraceInterrupted`. Cost: one matching-statistics pass, then a count and `maxSources` located
    /// occurrences per kept span, and a count per distinct token of the kept spans.
    public static func trace(_ text: String, index: Index, minMatch: Int, maxSpans: Int, maxSources: Int, contextBytes: Int = PhraseQuery.defaultContextBytes,
                             shouldStop: () -> Bool = { false }) throws -> OutputTrace {
        let tokens = index.tokens(of: text)
        let strings = tokens.map(\.text)
        let lengths = index.matchingLengths(of: strings)
        var starts: [Int] = []
        for i in lengths.indices where lengths[i] >= max(minMatch, 1) && (i == 0 || lengths[i - 1] != lengths[i] + 1) { starts.append(i) }
        let corpusTokens = Double(max(index.shards.reduce(0) { $0 + $1.suffixArray.count - $1.documents.count }, 1))
        var unigram: [String: Double] = [:]
        func logProbability(_ range: Range<Int>) -> Double {
            range.reduce(0.0) { sum, k in
                let token = strings[k]
                if let known = unigram[token] { return sum + known }
                let value = log(Double(max(index.count(of: [token][...]), 1)) / corpusTokens)
                unigram[token] = value
                return sum + value
            }
        }
        var ranked: [(start: Int, logProbability: Double)] = []
        for start in starts {
            if shouldStop() { throw TraceInterrupted() }
            ranked.append((start, logProbability(start..<(start + lengths[start]))))
        }
        ranked.sort { $0.logProbability != $1.logProbability ? $0.logProbability < $1.logProbability : $0.start < $1.start }
        let utf8 = Array(text.utf8)
        var scalarOffset = [Int](repeating: 0, count: utf8.count + 1)
        var byte = 0, scalar = 0
        for unit in text.unicodeScalars {
            scalarOffset[byte] = scalar
            byte += UTF8.width(unit)
            scalar += 1
        }
        scalarOffset[utf8.count] = scalar
        let query = PhraseQuery(index: index)
        var spans: [Span] = []
        for (start, logProbability) in ranked.prefix(max(maxSpans, 0)) {
            if shouldStop() { throw TraceInterrupted() }
            let end = start + lengths[start]
            let span = Array(strings[start..<end])
            let bytes = tokens[start].byteRange.lowerBound..<tokens[end - 1].byteRange.upperBound
            spans.append(Span(tokenStart: start, tokenEnd: end, byteStart: bytes.lowerBound, byteEnd: bytes.upperBound,
                              charStart: scalarOffset[bytes.lowerBound], charEnd: scalarOffset[bytes.upperBound],
                              text: String(decoding: utf8[bytes], as: UTF8.self), count: index.count(of: span[...]), unigramLogProbability: logProbability,
                              sources: maxSources > 0 ? try query.locate(tokens: span, limit: maxSources, contextBytes: contextBytes) : []))
        }
        return OutputTrace(tokenCount: tokens.count, spanCount: starts.count, spans: spans)
    }
}

/// A trace stopped by its caller's `shouldStop`.
public struct TraceInterrupted: Error, Sendable {}
