import ContamIndex
import ContamText

/// Whether a run of an item's tokens occurs in the corpus, as far as the index can tell.
public enum RunOccurrence: Sendable, Equatable {
    /// Certainly not in the corpus.
    case absent
    /// Certainly in the corpus (the suffix array found it).
    case present
    /// In the n-gram sketch: the run is exactly one sketched n-gram, so it is in the corpus unless the
    /// Bloom filter gave a false positive.
    case probablyPresent
    /// The sketch cannot tell: the run is shorter than every sketched n (a Bloom filter of n-grams says
    /// nothing about shorter runs), or longer and every n-gram of it is in the sketch (which does not
    /// make the whole run occur).
    case unknown
}

/// What the contamination methods learn about one item from the index: for any run of its tokens,
/// whether it occurs (`occurrence(of:)`), and the longest run that can occur. The methods are written
/// once over this; the suffix array answers exactly (`ExactMembership`), a sketch-only index with
/// `absent` / `probablyPresent` / `unknown` (`SketchMembership`).
public protocol ItemMembership {
    /// Whether the item's tokens `range` occur in the corpus as one run (within one document).
    func occurrence(of range: Range<Int>) -> RunOccurrence
    /// An upper bound on the item's longest match in the corpus, in tokens (exact on a suffix array).
    var longestMatchBound: Int { get }
}

extension ItemMembership {
    /// True when no run of `length` tokens of the item can occur in the corpus, so no match of `length`
    /// or more tokens exists (methods whose verdict needs such a match are then clean).
    public func noRunOccurs(ofLength length: Int) -> Bool {
        longestMatchBound < length
    }
}

/// Membership from the matching statistics of the suffix array: `lengths[i]` is the longest run
/// starting at token i that occurs, so `item[a..<b]` occurs exactly when `lengths[a] >= b - a`.
public struct ExactMembership: ItemMembership {
    public let lengths: [Int]

    public init(matchingLengths lengths: [Int]) {
        self.lengths = lengths
    }

    public func occurrence(of range: Range<Int>) -> RunOccurrence {
        !range.isEmpty && lengths[range.lowerBound] >= range.count ? .present : .absent
    }

    public var longestMatchBound: Int { lengths.max() ?? 0 }
}

/// Membership from the n-gram Bloom filters of an index's shards. A Bloom filter has no false
/// negatives, so an item run that contains an n-gram absent from every shard's sketch is certainly
/// absent; a run that is exactly one present n-gram is probably present (false-positive rate about the
/// filter's); anything else is unknown. Cost: one hash per token, one probe per n-gram, size and shard.
public struct SketchMembership: ItemMembership {
    /// The sketched n-gram sizes used, ascending.
    public let ngramSizes: [Int]
    /// For each n in `ngramSizes`: `nextAbsent[k][i]` is the first start j >= i whose n-gram is absent
    /// from the sketch (`tokenCount` when there is none), so a run `a..<b` of at least n tokens holds
    /// an absent n-gram exactly when `nextAbsent[k][a] <= b - n`.
    let nextAbsent: [[Int]]
    let tokenCount: Int
    public let longestMatchBound: Int

    /// Probes every n-gram of `tokens` (normalized token strings) in `index`'s sketches, rolling each size's
    /// hashes over the token hashes (`NGramHash.forEachNGram`, as the sketch first pass does).
    public init(tokens: [String], index: any SketchedIndex) {
        let sizes = index.sketchNGramSizes
        let hashes = tokens.map { TokenHash.hash($0) }
        var present: [Int: [Bool]] = [:]
        hashes.withUnsafeBufferPointer { buffer in
            for n in sizes {
                let filters = index.sketches.filter { $0.parameters.ngramSizes.contains(n) }.map(\.filter)
                var found = [Bool](repeating: false, count: max(0, tokens.count - n + 1))
                NGramHash.forEachNGram(of: buffer, n: n) { end, hash in
                    found[end + 1 - n] = filters.contains { $0.contains(hash) }
                }
                present[n] = found
            }
        }
        self.init(tokenCount: tokens.count, ngramSizes: sizes) { n, start in present[n]?[start] ?? false }
    }

    /// Membership from a `contains(n, start)` probe of the item's n-gram of size n at `start`.
    public init(tokenCount: Int, ngramSizes: [Int], contains: (Int, Int) -> Bool) {
        self.tokenCount = tokenCount
        self.ngramSizes = ngramSizes.sorted()
        var nextAbsent: [[Int]] = []
        // The longest run that no sketch rules out, starting at each position.
        var bound = [Int](repeating: tokenCount, count: tokenCount)
        for i in 0..<tokenCount { bound[i] = tokenCount - i }
        for n in self.ngramSizes {
            var next = [Int](repeating: tokenCount, count: tokenCount + 1)
            if tokenCount >= n {
                for start in stride(from: tokenCount - n, through: 0, by: -1) {
                    next[start] = contains(n, start) ? next[start + 1] : start
                }
            }
            // A run from i that reaches past the first absent n-gram at or after i cannot occur.
            for i in 0..<tokenCount where next[i] < tokenCount {
                bound[i] = min(bound[i], next[i] + n - 1 - i)
            }
            nextAbsent.append(next)
        }
        self.nextAbsent = nextAbsent
        longestMatchBound = bound.max() ?? 0
    }

    public func occurrence(of range: Range<Int>) -> RunOccurrence {
        guard !range.isEmpty, range.upperBound <= tokenCount else { return .absent }
        var exactlyOneNGram = false
        for (k, n) in ngramSizes.enumerated() where n <= range.count {
            if nextAbsent[k][range.lowerBound] <= range.upperBound - n { return .absent }
            if n == range.count { exactlyOneNGram = true }
        }
        return exactlyOneNGram ? .probablyPresent : .unknown
    }
}
