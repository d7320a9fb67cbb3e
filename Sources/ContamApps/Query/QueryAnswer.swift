import ContamIndex

/// The JSON answers of `contam query … --json` (and of `contam serve`'s `/v1/count`, `/v1/locate`,
/// `/v1/longest`, `/v1/has`, which give the same objects): built here once so that both print the same numbers.
public enum QueryAnswer {
    /// `query has`: whether every n-gram of the phrase is in the n-gram sketch.
    public struct Has: Codable, Sendable {
        public var query: String
        public var present: Bool
        /// The sum of the shards' target false-positive rates (a bound on the chance that one absent n-gram shows as present).
        public var falsePositiveRate: Double
        public var ngrams: [SketchNGramAnswer]
    }

    /// `query count`.
    public struct Count: Codable, Sendable {
        public var query: String
        public var tokens: Int
        public var count: Int
    }

    /// `query locate`.
    public struct Locate: Codable, Sendable {
        public var query: String
        public var tokens: Int
        public var count: Int
        public var occurrences: [PhraseQuery.Located]
    }

    /// Sketch membership of every n-gram of `text` (throws when the index has no sketch or the text is shorter than its n).
    public static func has(_ text: String, index: any SketchedIndex) throws -> Has {
        let answers = try index.sketchAnswers(for: text)
        let rate = index.sketches.reduce(0) { $0 + $1.parameters.targetFalsePositiveRate }
        return Has(query: text, present: answers.allSatisfy(\.present), falsePositiveRate: rate, ngrams: answers)
    }

    /// Occurrences of the phrase.
    public static func count(_ text: String, query: PhraseQuery) -> Count {
        let (tokens, count) = query.count(text)
        return Count(query: text, tokens: tokens, count: count)
    }

    /// Occurrences of the phrase, up to `limit` of them after the first `offset` located with `contextBytes` of context.
    public static func locate(_ text: String, query: PhraseQuery, offset: Int = 0, limit: Int, contextBytes: Int) throws -> Locate {
        let (count, occurrences) = try query.locate(text, offset: offset, limit: limit, contextBytes: contextBytes)
        return Locate(query: text, tokens: query.tokens(of: text).count, count: count, occurrences: occurrences)
    }

    /// The error for a phrase with no token after the index's normalization (nil when it has some).
    public static func noTokenProblem(_ text: String, query: PhraseQuery) -> String? {
        query.tokens(of: text).isEmpty ? "the text has no token to look up (after \(query.index.tokenizerOptions.summary) normalization)" : nil
    }
}
