import ContamStorage
import ContamText

/// Measures a sketch's false-positive rate empirically, on n-grams that are not in the corpus:
/// - random: n tokens of random letters (never real words, so certainly absent);
/// - shuffled: n tokens drawn at random from real words (the index vocabulary when there is one, else a
///   built-in list of common English and code words) in random order; with a suffix array, candidates
///   it finds are skipped, so every probe is a true negative; without one, a random sequence of n ≥ 8
///   such words is absent with overwhelming likelihood.
/// Deterministic for a given seed.
public struct SketchFalsePositiveProbe {
    /// Rates measured with `probes` absent n-grams of each kind.
    public struct Result: Codable, Equatable, Sendable {
        /// Random probes, and shuffled probes (fewer when many candidates were really present).
        public var probes: Int
        public var shuffledProbes: Int
        public var randomFalsePositives: Int
        public var shuffledFalsePositives: Int
        public var shuffledSkippedAsPresent: Int
        public var randomRate: Double { Double(randomFalsePositives) / Double(max(probes, 1)) }
        public var shuffledRate: Double { Double(shuffledFalsePositives) / Double(max(shuffledProbes, 1)) }
    }

    /// Common words for shuffled probes when the index has no vocabulary.
    static let commonWords: [String] = """
        the of and to a in is that for it as was with be by on not he i this are or his from at which but have an \
        they you were her she there been one all we their has would when if so no will can more other some what \
        about into than them only its time may these two also after first new could return def class import self \
        int char void static const struct if else while for include define printf none true false string list \
        data value file line use function code module print error type name number system user set get make
        """.split(separator: " ").map(String.init)

    public let probes: Int
    public let seed: UInt64

    public init(probes: Int = 100_000, seed: UInt64 = 0x5EED) {
        self.probes = probes
        self.seed = seed
    }

    /// Probes `sketch` with n-grams of size `n` (one of its sizes). `words` feed the shuffled probes;
    /// `isPresent` (the suffix array's exact answer, when available) filters out shuffled n-grams that
    /// really occur.
    public func measure(_ sketch: NGramSketch, n: Int, words: [String] = [], isPresent: (([String]) -> Bool)? = nil) -> Result {
        measure(n: n, words: words, isPresent: isPresent) { sketch.contains(tokenHashes: $0) }
    }

    /// Probes every sketch of `index` together (a query answers present when any shard's sketch does).
    /// On a full index the shuffled probes use its vocabulary and skip n-grams its suffix array finds.
    public func measure(_ index: OpenedIndex, n: Int) -> Result {
        var words: [String] = []
        var isPresent: (([String]) -> Bool)?
        if case .full(let full) = index {
            let vocabulary = full.shards[0].vocabulary
            words = (1...max(1, min(vocabulary.count, 20_000))).map { vocabulary.token(UInt32($0)) }
            isPresent = { full.count(of: $0[...]) > 0 }
        }
        let sketches = index.sketched.sketches.filter { $0.parameters.ngramSizes.contains(n) }
        return measure(n: n, words: words, isPresent: isPresent) { hashes in
            let hash = NGramHash.hash(tokenHashes: hashes)
            return sketches.contains { $0.filter.contains(hash) }
        }
    }

    /// Probes `contains` (given the token hashes of an n-gram) with absent n-grams.
    public func measure(n: Int, words: [String], isPresent: (([String]) -> Bool)?, contains: ([UInt64]) -> Bool) -> Result {
        var generator = SplitMix64(state: seed)
        var result = Result(probes: probes, shuffledProbes: 0, randomFalsePositives: 0, shuffledFalsePositives: 0, shuffledSkippedAsPresent: 0)
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        var hashes = [UInt64](repeating: 0, count: n)
        for _ in 0..<probes {
            for i in 0..<n {
                // 12 random letters: 26^12 ≈ 10^17 strings, none a real token in practice.
                var word = [UInt8](repeating: 0, count: 12)
                for j in 0..<12 { word[j] = letters[Int(generator.next() % 26)] }
                hashes[i] = word.withUnsafeBytes { TokenHash.hash($0) }
            }
            if contains(hashes) { result.randomFalsePositives += 1 }
        }
        let pool = words.count >= 2 ? words : Self.commonWords
        var shuffled = 0
        var attempts = 0
        while shuffled < probes && attempts < probes * 4 {
            attempts += 1
            let tokens = (0..<n).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
            if let isPresent, isPresent(tokens) {
                result.shuffledSkippedAsPresent += 1
                continue
            }
            shuffled += 1
            if contains(tokens.map { TokenHash.hash($0) }) { result.shuffledFalsePositives += 1 }
        }
        result.shuffledProbes = shuffled
        return result
    }
}
