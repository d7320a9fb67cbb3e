import Foundation
@testable import ContamText
@testable import ContamIndex
@testable import ContamDetect
import ContamTestSupport

/// Helpers shared by the detection tests: random token texts over small alphabets (so matches are
/// frequent and adversarial), and items built from them.
enum DetectTestSupport {
    /// A text of `count` words drawn from `alphabet` words named w0, w1, ...
    static func randomWords(_ count: Int, alphabet: Int, using rng: inout SeededRandom) -> [String] {
        (0..<count).map { _ in "w\(Int.random(in: 0..<alphabet, using: &rng))" }
    }

    static func item(_ text: String) -> TokenizedItem {
        TokenizedItem(text: Array(text.utf8), tokenizer: Tokenizer())
    }

    static func item(words: [String]) -> TokenizedItem {
        item(words.joined(separator: " "))
    }

    /// Words of a real-looking English text used to build corpora whose tokens rarely repeat by chance.
    static let prose = """
    It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of \
    foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, \
    it was the season of Darkness, it was the spring of hope, it was the winter of despair, we had \
    everything before us, we had nothing before us, we were all going direct to Heaven, we were all going \
    direct the other way; in short, the period was so far like the present period, that some of its \
    noisiest authorities insisted on its being received, for good or for evil, in the superlative degree \
    of comparison only.
    """

    /// `count` distinct made-up words (so a text built from them has no accidental repeats).
    static func distinctWords(_ count: Int, prefix: String = "t") -> [String] {
        (0..<count).map { "\(prefix)\($0)" }
    }

    /// The plain O(n·m) local-alignment dynamic program over the full matrix; cells outside `band`
    /// (when given) are forced to 0. Returns the best score.
    static func plainScore(_ a: [Int32], _ b: [Int32], band: ClosedRange<Int>? = nil, scoring: AlignmentScoring = AlignmentScoring()) -> Int {
        let n = a.count, m = b.count
        var h = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        var best = 0
        for i in stride(from: 1, through: n, by: 1) {
            for j in stride(from: 1, through: m, by: 1) {
                if let band, !band.contains(j - i) { continue }
                let s = a[i - 1] >= 0 && a[i - 1] == b[j - 1] ? Int(scoring.match) : Int(scoring.mismatch)
                h[i][j] = max(0, h[i - 1][j - 1] + s, h[i - 1][j] + Int(scoring.gap), h[i][j - 1] + Int(scoring.gap))
                best = max(best, h[i][j])
            }
        }
        return best
    }

    static func randomSequence(_ count: Int, alphabet: Int32, using rng: inout SeededRandom) -> [Int32] {
        (0..<count).map { _ in Int32.random(in: 0..<alphabet, using: &rng) }
    }

    /// `source` with random substitutions, insertions and deletions at `rate` per token.
    static func mutate(_ source: [Int32], rate: Double, alphabet: Int32, using rng: inout SeededRandom) -> [Int32] {
        var out: [Int32] = []
        for token in source {
            let r = Double.random(in: 0..<1, using: &rng)
            if r < rate / 3 { out.append(Int32.random(in: 0..<alphabet, using: &rng)) }           // substitution
            else if r < 2 * rate / 3 { out.append(token); out.append(Int32.random(in: 0..<alphabet, using: &rng)) } // insertion
            else if r < rate { continue }                                                        // deletion
            else { out.append(token) }
        }
        return out
    }

}

/// Forwards `CorpusQuerying` to a corpus but hides its `CorpusTokenIDs` fast path, so the text-based
/// path of the aligner and of Llama 2 can be compared with the id-based one.
final class StringOnlyCorpus: CorpusQuerying {
    let base: InMemoryCorpus
    init(_ base: InMemoryCorpus) { self.base = base }
    var tokenizerOptions: TokenizerOptions { base.tokenizerOptions }
    func matchingLengths(of tokens: [String]) -> [Int] { base.matchingLengths(of: tokens) }
    func count(of tokens: ArraySlice<String>) -> Int { base.count(of: tokens) }
    func documentCount(of tokens: ArraySlice<String>, cap: Int) -> Int { base.documentCount(of: tokens, cap: cap) }
    func occurrences(of tokens: ArraySlice<String>, limit: Int) -> [CorpusOccurrence] { base.occurrences(of: tokens, limit: limit) }
    var shardDocumentCounts: [Int] { base.shardDocumentCounts }
    var shardTokenCounts: [Int] { base.shardTokenCounts }
    func occurrence(atPosition position: Int, shard: Int) -> CorpusOccurrence? { base.occurrence(atPosition: position, shard: shard) }
    func documentInfo(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo { try base.documentInfo(ref) }
    func documentTokens(_ ref: CorpusDocumentRef) throws -> (text: [UInt8], tokens: [Token]) { try base.documentTokens(ref) }
}
