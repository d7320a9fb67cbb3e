import ContamStorage
import ContamText
import ContamIndex

/// `contam check`'s first pass on a full index (docs/check.md, "First pass"): before the suffix array computes an item's
/// matching statistics, the item's token n-grams are probed in the index's per-shard Bloom-filter
/// sketches. A Bloom filter has no false negatives, so an n-gram absent from every shard's sketch is
/// absent from the corpus. A present one may be a false positive: the suffix array looks that one n-gram
/// up (one search per shard, far less than the item's matching statistics); if it really occurs, the
/// item takes the full path. When no n-gram of the item occurs, every matching-statistics value is
/// below n, and if n is at most the shortest match that can change a selected method's verdict
/// (`threshold(of:evaluator:seedLength:)`), every selected method is certainly clean: the matching
/// statistics and everything after them are skipped. Verdicts are exact; the figures the suffix array
/// would have given (longest match, spans, alignment) stay unknown, and the result says so (`Clearance`).
///
/// Cost per item: one `TokenHash` per token, one filter probe per n-gram and shard (one cache line),
/// and a suffix-array lookup per sketch hit, stopping at the first real hit or after
/// `maxFalsePositives` false ones.
public struct SketchFirstPass: Sendable {
    /// What is known about an item the first pass cleared, besides its (clean) verdicts.
    public struct Clearance: Sendable, Equatable {
        /// The n of the sketch: no run of n item tokens occurs in the corpus, so the longest match is < n.
        public var ngramLength: Int
        /// True when `--min-match` >= n: the item certainly has no verbatim span (coverage exactly 0).
        public var spansKnownEmpty: Bool
        /// True when `--seed-length` >= n: there is no alignment seed, so the near-verbatim result is
        /// exactly "no candidate passage".
        public var nearKnownEmpty: Bool
        /// Sketch hits the suffix array showed to be false positives.
        public var falsePositives: Int
    }

    /// The sketched n-gram size probed.
    public let ngramLength: Int
    /// Sketch hits checked on the suffix array before giving up on an item (many hits mean real overlap,
    /// which the full path handles anyway). 0 sends every item with a hit down the full path.
    public var maxFalsePositives = 8
    let corpus: any CorpusQuerying
    /// One filter per shard (each holds n-grams of size `ngramLength`).
    let filters: [BloomFilter]
    let methods: [ContaminationMethod]
    let gpt3NgramLength: Int
    let minMatch: Int
    let seedLength: Int

    /// The first pass for these methods on `corpus`, or nil when it cannot decide anything: the corpus is
    /// has no sketches (`CorpusQuerying.sketchedIndex`), some shard has no sketch, a method is not decidable from token n-grams (`gpt4`), or
    /// every sketched n exceeds the smallest method threshold. Picks the largest usable n (fewest hits).
    public init?(corpus: any CorpusQuerying, evaluator: MethodEvaluator, options: CheckOptions) {
        guard let index = corpus.sketchedIndex else { return nil }
        guard let limit = Self.threshold(of: options.methods, evaluator: evaluator, seedLength: options.seedLength),
              let n = index.sketchNGramSizes.last(where: { $0 <= limit }) else { return nil }
        ngramLength = n
        self.corpus = corpus
        // `sketchNGramSizes` is the intersection over all shards, so every shard's filter holds n-grams of size n.
        filters = index.sketches.map(\.filter)
        methods = evaluator.methods
        gpt3NgramLength = evaluator.gpt3NgramLength
        minMatch = options.minMatch
        seedLength = options.seedLength
    }

    /// The shortest exact match that can change `method`'s verdict: an item whose matching statistics
    /// are all below it is clean by that method. nil when token n-grams cannot decide the method.
    /// - `gpt3`, `lmeval13`: every word N-gram is looked up as a token run of at least N tokens.
    /// - `palm`: its 8-grams (an item under 8 tokens is looked up whole; the first pass only probes
    ///   items of at least n tokens, so that run is long enough too).
    /// - `llama2`: spans grow only from exact matches of `exactPrefix` (10) tokens.
    /// - `exactsubstr`: 50 tokens. `near`: alignments start from exact seeds of `--seed-length` tokens.
    /// - `gpt4`: a 50-character window snapped to words can be one or two long tokens: undecidable.
    public static func threshold(of method: ContaminationMethod, evaluator: MethodEvaluator, seedLength: Int) -> Int? {
        switch method {
        case .gpt3: return evaluator.gpt3NgramLength
        case .lmeval13: return evaluator.lmevalNgramLength
        case .palm: return evaluator.palmNgramLength
        case .llama2: return evaluator.llama2.exactPrefix
        case .exactsubstr: return evaluator.exactSubstrTokens
        case .near: return seedLength
        case .gpt4: return nil
        }
    }

    /// The smallest threshold over `methods` (nil when one is undecidable; `Int.max` for no method).
    public static func threshold(of methods: [ContaminationMethod], evaluator: MethodEvaluator, seedLength: Int) -> Int? {
        var limit = Int.max
        for method in methods {
            guard let t = threshold(of: method, evaluator: evaluator, seedLength: seedLength) else { return nil }
            limit = min(limit, t)
        }
        return limit
    }

    /// What is known about the item when no n-token run of it occurs in the corpus and every lookup a
    /// selected method makes has at least n tokens (so every selected method is clean); nil otherwise.
    public func clearance(of item: TokenizedItem) -> Clearance? {
        let n = ngramLength
        guard item.tokenCount >= n, gpt3LookupsAreLongEnough(item) else { return nil }
        let tokenHashes = item.strings.map { TokenHash.hash($0) }
        var falsePositives = 0
        var cleared = true
        tokenHashes.withUnsafeBufferPointer { document in
            NGramHash.forEachNGram(of: document, n: n) { end, hash in
                guard cleared, filters.contains(where: { $0.contains(hash) }) else { return }
                // The n-gram ending at token `end` may be a false positive: the suffix array decides it alone.
                if falsePositives == maxFalsePositives || corpus.count(of: item.strings[(end + 1 - n)...end]) > 0 {
                    cleared = false
                } else {
                    falsePositives += 1
                }
            }
        }
        guard cleared else { return nil }
        return Clearance(ngramLength: n, spansKnownEmpty: minMatch >= n, nearKnownEmpty: seedLength >= n, falsePositives: falsePositives)
    }

    /// `gpt3` looks up an item of fewer than N words whole (first to last word): that run may be shorter
    /// than n tokens, and then a clear sketch says nothing about it.
    func gpt3LookupsAreLongEnough(_ item: TokenizedItem) -> Bool {
        guard methods.contains(.gpt3) else { return true }
        let words = item.wordTokenIndices
        guard words.count < gpt3NgramLength, let first = words.first, let last = words.last else { return true }
        return last - first + 1 >= ngramLength
    }

    /// The result of an item with a `clearance`: every selected method clean, with the same figures and
    /// evidence the full path gives (noted as decided by the first pass), except `exactsubstr`, whose
    /// longest match is only known to be below n. No verbatim figures; the near-verbatim result only
    /// when it is known to be empty. `evaluator` must be the one this first pass was made for (same gpt3 N).
    public func clearedResult(_ item: CheckItem, tokenized: TokenizedItem, clearance: Clearance, evaluator: MethodEvaluator, documents: DocumentCache) throws -> ItemResult {
        let n = ngramLength
        // Every lookup of these methods spans at least n tokens (init and `clearance` checked that) and no
        // n-token run of the item occurs, so each lookup's `L[start] >= length` test is false for the true
        // statistics and for all-zero ones alike: evaluating on zeros gives exactly the full path's answers.
        let zeros = ExactMembership(matchingLengths: [Int](repeating: 0, count: tokenized.tokenCount))
        let note = "sketch first pass: no \(n)-gram of the item is in the corpus"
        let methods = try evaluator.methods.map { method -> MethodResult in
            var result: MethodResult
            switch method {
            case .gpt3:
                result = evaluator.wordNgrams(method, tokenized, zeros, n: evaluator.gpt3NgramLength, documentCap: evaluator.gpt3DocumentCap, wholeIfShort: true, corpus: documents.corpus)
            case .lmeval13:
                result = evaluator.wordNgrams(method, tokenized, zeros, n: evaluator.lmevalNgramLength, documentCap: nil, wholeIfShort: false, corpus: documents.corpus)
            case .palm: result = evaluator.palm(tokenized, zeros)
            case .llama2: result = evaluator.llama2Result(tokenized, contaminated: 0)
            case .near: result = evaluator.nearResult(.none)
            case .exactsubstr:
                result = MethodResult(method: .exactsubstr, verdict: .clean,
                                      evidence: "longest verbatim span < \(n) tokens, threshold \(evaluator.exactSubstrTokens)",
                                      figures: ["longest_match_below": Double(n)])
            case .gpt4:
                // Unreachable: init refuses gpt4. Answer honestly rather than guess.
                throw InternalError("the sketch first pass was asked to decide gpt4, which it cannot")
            }
            result.evidence += " (\(note))"
            return result
        }
        return ItemResult(item: item, tokenized: tokenized, verbatim: nil, near: clearance.nearKnownEmpty ? NearVerbatimResult.none : nil,
                          methods: methods, firstPass: clearance)
    }
}
