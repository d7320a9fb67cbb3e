import Foundation
@testable import ContamKit

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
}
