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

    /// Traces `text` in `index`. `shouldStop` is asked between steps; when it returns true the trace throws
    /// `TraceInterrupted`.
    public static func trace(_ text: String, index: Index, minMatch: Int, maxSpans: Int, maxSources: Int, contextBytes: Int = PhraseQuery.defaultContextBytes,
                             shouldStop: () -> Bool = { false }) throws -> OutputTrace {
        try trace(text, tokens: index.tokens(of: text).map { ($0.text, $0.byteRange) }, corpus: IndexTraceCorpus(index: index), minMatch: minMatch,
                  maxSpans: maxSpans, maxSources: maxSources, contextBytes: contextBytes, shouldStop: shouldStop)
    }

    /// Traces `text`, already cut into `tokens` (normalized text and byte range in `text`), in `corpus`: one
    /// matching-statistics pass, one batch of unigram counts, one of span counts and one of located sources,
    /// so that a corpus spread over servers answers in four round trips.
    public static func trace(_ text: String, tokens: [(text: String, byteRange: Range<Int>)], corpus: some TraceCorpus, minMatch: Int, maxSpans: Int, maxSources: Int,
                             contextBytes: Int, shouldStop: () -> Bool = { false }) throws -> OutputTrace {
        let strings = tokens.map(\.text)
        let lengths = try corpus.matchingLengths(of: strings)
        guard lengths.count == strings.count else { throw TraceCorpusError("matching statistics for \(lengths.count) tokens, not \(strings.count)") }
        var starts: [Int] = []
        for i in lengths.indices where lengths[i] >= max(minMatch, 1) && (i == 0 || lengths[i - 1] != lengths[i] + 1) {
            guard lengths[i] <= strings.count - i else { throw TraceCorpusError("a match of \(lengths[i]) tokens at token \(i) runs past the text") }
            starts.append(i)
        }
        if shouldStop() { throw TraceInterrupted() }
        let corpusTokens = Double(max(try corpus.tokenCount(), 1))
        var distinct: [String] = []
        var seen = Set<String>()
        for start in starts { for k in start..<(start + lengths[start]) where seen.insert(strings[k]).inserted { distinct.append(strings[k]) } }
        let unigramCounts = try corpus.counts(of: distinct.map { [$0] })
        guard unigramCounts.count == distinct.count else { throw TraceCorpusError("\(unigramCounts.count) counts for \(distinct.count) tokens") }
        var unigram: [String: Double] = [:]
        for (token, count) in zip(distinct, unigramCounts) { unigram[token] = log(Double(max(count, 1)) / corpusTokens) }
        var ranked = starts.map { start in
            (start: start, logProbability: (start..<(start + lengths[start])).reduce(0.0) { $0 + unigram[strings[$1], default: 0] })
        }
        ranked.sort { $0.logProbability != $1.logProbability ? $0.logProbability < $1.logProbability : $0.start < $1.start }
        let kept = Array(ranked.prefix(max(maxSpans, 0)))
        if shouldStop() { throw TraceInterrupted() }
        let sequences = kept.map { Array(strings[$0.start..<($0.start + lengths[$0.start])]) }
        let counts = try corpus.counts(of: sequences)
        let sources = maxSources > 0 ? try corpus.locate(sequences, limit: maxSources, contextBytes: contextBytes) : sequences.map { _ in [] }
        guard counts.count == kept.count, sources.count == kept.count else { throw TraceCorpusError("answers for \(counts.count) spans, not \(kept.count)") }
        let utf8 = Array(text.utf8)
        var scalarOffset = [Int](repeating: 0, count: utf8.count + 1)
        var byte = 0, scalar = 0
        for unit in text.unicodeScalars {
            scalarOffset[byte] = scalar
            byte += UTF8.width(unit)
            scalar += 1
        }
        scalarOffset[utf8.count] = scalar
        var spans: [Span] = []
        for (k, (start, logProbability)) in kept.enumerated() {
            let end = start + lengths[start]
            let bytes = tokens[start].byteRange.lowerBound..<tokens[end - 1].byteRange.upperBound
            guard bytes.lowerBound >= 0, bytes.upperBound <= utf8.count, !bytes.isEmpty else { throw TraceCorpusError("token offsets outside the text") }
            spans.append(Span(tokenStart: start, tokenEnd: end, byteStart: bytes.lowerBound, byteEnd: bytes.upperBound,
                              charStart: scalarOffset[bytes.lowerBound], charEnd: scalarOffset[bytes.upperBound],
                              text: String(decoding: utf8[bytes], as: UTF8.self), count: counts[k], unigramLogProbability: logProbability, sources: sources[k]))
        }
        return OutputTrace(tokenCount: tokens.count, spanCount: starts.count, spans: spans)
    }
}

/// What a trace asks of a corpus, in batches: one index here, or the parts of an index spread over servers.
public protocol TraceCorpus {
    /// L[i]: the longest prefix of `tokens[i...]` that occurs in the corpus, for every i.
    func matchingLengths(of tokens: [String]) throws -> [Int]
    /// Occurrences of each token sequence.
    func counts(of sequences: [[String]]) throws -> [Int]
    /// Up to `limit` located occurrences of each token sequence.
    func locate(_ sequences: [[String]], limit: Int, contextBytes: Int) throws -> [[PhraseQuery.Located]]
    /// Tokens of the corpus (without document separators): the denominator of unigram probabilities.
    func tokenCount() throws -> Int
}

/// One full index as a `TraceCorpus`.
public struct IndexTraceCorpus: TraceCorpus {
    public let index: Index

    public init(index: Index) { self.index = index }

    public func matchingLengths(of tokens: [String]) -> [Int] { index.matchingLengths(of: tokens) }
    public func counts(of sequences: [[String]]) -> [Int] { sequences.map { index.count(of: $0[...]) } }
    public func locate(_ sequences: [[String]], limit: Int, contextBytes: Int) throws -> [[PhraseQuery.Located]] {
        let query = PhraseQuery(index: index)
        return try sequences.map { try query.locate(tokens: $0, limit: limit, contextBytes: contextBytes) }
    }
    public func tokenCount() -> Int { index.shards.reduce(0) { $0 + $1.suffixArray.count - $1.documents.count } }
}

/// A corpus answered something a trace cannot use (a remote part's answer of the wrong shape).
public struct TraceCorpusError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A trace stopped by its caller's `shouldStop`.
public struct TraceInterrupted: Error, Sendable {}
