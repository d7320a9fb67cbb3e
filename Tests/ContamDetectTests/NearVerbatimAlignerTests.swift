import Foundation
import Testing
@testable import ContamText
@testable import ContamDetect
import ContamTestSupport

@Suite struct NearVerbatimAlignerTests {
    /// Three license texts from corpora/licenses, read once; a read failure is rethrown by `licenses()`.
    private static let licenseTexts = Result {
        try ["GPL-3.txt", "BSD.txt", "MPL-2.0.txt"].map { try String(contentsOfFile: "\(repositoryRoot)/corpora/licenses/\($0)", encoding: .utf8) }
    }
    static func licenses() throws -> [String] { try licenseTexts.get() }

    /// The license texts as a corpus with their names as ids.
    private static let licenseCorpus = Result { InMemoryCorpus(texts: try licenses(), ids: ["GPL-3", "BSD", "MPL-2.0"]) }

    /// Aligns `text` against `corpus`, by default the license corpus.
    func check(_ text: String, corpus: InMemoryCorpus? = nil, aligner: NearVerbatimAligner = NearVerbatimAligner()) throws -> NearVerbatimResult {
        let corpus = try corpus ?? Self.licenseCorpus.get()
        let item = TokenizedItem(text: Array(text.utf8), tokenizer: Tokenizer(options: corpus.tokenizerOptions))
        return try aligner.align(item, matchingLengths: corpus.matchingLengths(of: item.strings), documents: DocumentCache(corpus: corpus))
    }

    let exact = "When we speak of free software, we are referring to freedom, not price.  Our General Public Licenses are designed to make sure that you have the freedom to distribute copies of free software"

    @Test func verbatimCopyIsNearVerbatimWithSimilarityOne() throws {
        #expect(try !Self.licenses()[0].isEmpty)
        let result = try check(exact)
        #expect(result.isNearVerbatim)
        #expect(result.bestSimilarity == 1)
        let best = try #require(result.best)
        #expect(best.source.label == "GPL-3")
        #expect(best.span.columns == 36)
        #expect(best.span.itemRange == 0..<36)
        #expect(EditOperation.cigar(best.span.operations) == "36=")
        #expect(best.source.passage?.match.hasPrefix("When we speak of free software") == true)
    }

    @Test func editedCopyWithSubstitutionsInsertionsDeletionsCaseAndPunctuationIsFound() throws {
        let edited = "when we talk of FREE software we are referring to liberty, not price! Our General Public Licences are designed to make certain that you really have the freedom to distribute copies of free software (and charge for them if you want)"
        let result = try check(edited)
        #expect(result.isNearVerbatim)
        let best = try #require(result.best)
        #expect(best.source.label == "GPL-3")
        #expect(best.similarity >= 0.8 && best.similarity < 1)
        let kinds = Set(best.alignment.operations.map(\.kind))
        #expect(kinds.isSuperset(of: [.match, .substitution, .insertion, .deletion]), "\(EditOperation.cigar(best.alignment.operations))")
        #expect(best.span.columns >= 40)
    }

    @Test func caseChangesAreSubstitutionsWhenTheIndexKeepsCase() throws {
        let options = TokenizerOptions(keepCase: true)
        let corpus = InMemoryCorpus(texts: try Self.licenses(), options: options)
        let shouted = exact.split(separator: " ").enumerated().map { $0.offset % 7 == 3 ? $0.element.uppercased() : String($0.element) }.joined(separator: " ")
        let result = try check(shouted, corpus: corpus)
        #expect(result.isNearVerbatim)
        #expect(result.bestSimilarity < 1 && result.bestSimilarity >= 0.8)
    }

    @Test func sharedShortPhrasesDoNotFire() throws {
        let text = "Yesterday the GNU General Public License was discussed at lunch; someone said free software for all its users is a fine idea, then added that you must show them these terms before dinner, and left."
        let result = try check(text)
        #expect(!result.isNearVerbatim)
        #expect(result.bestSimilarity < 0.8)
        #expect(result.candidatesAligned > 0)
    }

    @Test func shuffledWordsDoNotFire() throws {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<10 {
            let shuffled = exact.split(separator: " ").shuffled(using: &rng).joined(separator: " ")
            let result = try check(shuffled)
            #expect(!result.isNearVerbatim, "\(shuffled)")
        }
    }

    @Test func cleanTextHasNoCandidates() throws {
        let result = try check("Bananas are berries, botanically speaking, while strawberries are not; nobody tells the fruit bowl.")
        #expect(result == .none)
    }

    @Test func longestStretchMatchesBruteForce() {
        var rng = SeededRandom(seed: 12)
        let allKinds: [EditOperation.Kind] = [.match, .match, .match, .substitution, .insertion, .deletion]
        for round in 0..<300 {
            let kinds = (0..<Int.random(in: 0...40, using: &rng)).map { _ in allKinds.randomElement(using: &rng)! }
            let similarity = [0.5, 0.8, 0.75, 1.0, 0.0, 0.9][round % 6]
            var bestLength = 0
            for i in kinds.indices {
                var matches = 0
                for j in i..<kinds.count {
                    if kinds[j] == .match { matches += 1 }
                    if Double(matches) >= similarity * Double(j - i + 1) - 1e-9 { bestLength = max(bestLength, j - i + 1) }
                }
            }
            let stretch = NearVerbatimAligner.longestStretch(kinds, similarity: similarity)
            #expect(stretch.count == bestLength, "round \(round) \(kinds)")
            let matches = kinds[stretch].filter { $0 == .match }.count
            #expect(Double(matches) >= similarity * Double(stretch.count) - 1e-9)
        }
    }

    @Test func alignmentScoreMatchesPlainDynamicProgramOnPlantedCopies() throws {
        // Random documents over a large alphabet with an edited copy of a passage of one of them as the
        // item: the aligner's best alignment must score what the plain O(nm) program finds against the
        // best document, and its verdict must agree with the evidence span of that alignment.
        var rng = SeededRandom(seed: 21)
        let alphabet: Int32 = 3000
        for round in 0..<60 {
            let documents = (0..<3).map { _ in DetectTestSupport.randomSequence(Int.random(in: 80...250, using: &rng), alphabet: alphabet, using: &rng) }
            let source = documents[round % 3]
            let start = Int.random(in: 0..<(source.count - 60), using: &rng)
            let length = Int.random(in: 30...60, using: &rng)
            let passage = Array(source[start..<(start + length)])
            let rate = [0.0, 0.05, 0.1, 0.15, 0.25, 0.4][round % 6]
            // The first 8 tokens are kept so that a seed exists by construction.
            let item = Array(passage.prefix(8)) + DetectTestSupport.mutate(Array(passage.dropFirst(8)), rate: rate, alphabet: alphabet, using: &rng)
            func text(_ ids: [Int32]) -> String { ids.map { "t\($0)" }.joined(separator: " ") }
            let corpus = InMemoryCorpus(texts: documents.map(text))
            let result = try check(text(item), corpus: corpus)
            let best = try #require(result.best)
            let expected = documents.map { DetectTestSupport.plainScore(item, $0) }.max()!
            #expect(best.alignment.score == expected, "round \(round) rate \(rate)")
            let aligner = NearVerbatimAligner()
            let span = aligner.evidenceSpan(of: best.alignment)
            #expect(result.isNearVerbatim == (span.columns >= 20 && span.similarity >= 0.8))
            if rate == 0 { #expect(result.isNearVerbatim && result.bestSimilarity == 1) }
        }
    }

    @Test func shortItemsReportSimilarityButAreNotNearVerbatim() throws {
        let result = try check("the freedom to distribute copies of free software")
        #expect(!result.isNearVerbatim)
        #expect(result.bestSimilarity == 1)
    }

    @Test func idPathAndTextPathAgree() throws {
        // The same planted copies through CorpusTokenIDs and through fetched document tokens.
        var rng = SeededRandom(seed: 44)
        for round in 0..<40 {
            let documents = (0..<3).map { _ in DetectTestSupport.randomSequence(Int.random(in: 60...200, using: &rng), alphabet: 300, using: &rng) }
            let source = documents[round % 3]
            let start = Int.random(in: 0..<(source.count - 50), using: &rng)
            let item = Array(source[start..<(start + 8)]) + DetectTestSupport.mutate(Array(source[(start + 8)..<(start + 45)]), rate: 0.15, alphabet: 330, using: &rng)
            func text(_ ids: [Int32]) -> String { ids.map { "t\($0)" }.joined(separator: " ") }
            let corpus = InMemoryCorpus(texts: documents.map(text))
            let tokenized = DetectTestSupport.item(text(item))
            let statistics = corpus.matchingLengths(of: tokenized.strings)
            for withPassages in [true, false] {
                var aligner = NearVerbatimAligner()
                aligner.withPassages = withPassages
                let viaIDs = try aligner.align(tokenized, matchingLengths: statistics, documents: DocumentCache(corpus: corpus))
                let viaText = try aligner.align(tokenized, matchingLengths: statistics, documents: DocumentCache(corpus: StringOnlyCorpus(corpus)))
                #expect(viaIDs == viaText, "round \(round)")
                #expect((viaIDs.best?.source.passage != nil) == withPassages)
            }
        }
    }
}

extension NearVerbatimAlignerTests {
    /// Code shares list literals, argument lists and operators that are mostly punctuation: counted in
    /// tokens, `[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]` (29 tokens, 12 of them words) is a 20-token near-verbatim
    /// span with any other list of those numbers. Spans are counted in words, so it is not; a copied
    /// function still is.
    @Test func listLiteralsAreNotNearVerbatimButCopiedCodeIs() throws {
        let corpus = InMemoryCorpus(texts: [
            "def moving_average(values):\n    weights = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]\n    return sum(w * v for w, v in zip(weights, values)) / sum(weights)\n",
            "def has_close_elements(numbers, threshold):\n    for idx, elem in enumerate(numbers):\n        for idx2, elem2 in enumerate(numbers):\n            if idx != idx2:\n                distance = abs(elem - elem2)\n                if distance < threshold:\n                    return True\n    return False\n",
        ], ids: ["average.py", "close.py"])
        let unrelated = "    assert candidate([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 0.5) == False\n    assert candidate([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2.0) == True\n"
        let result = try check(unrelated, corpus: corpus)
        #expect(!result.isNearVerbatim, "a shared list literal is not a copy: \(result.best.map { "\($0.spanWords) words, \($0.span.columns) tokens" } ?? "")")

        let copied = "def has_close_elements(numbers, threshold):\n    for idx, elem in enumerate(numbers):\n        for idx2, elem2 in enumerate(numbers):\n            if idx != idx2:\n                distance = abs(elem - elem2)\n"
        let copy = try check(copied, corpus: corpus)
        #expect(copy.isNearVerbatim && copy.best?.source.label == "close.py")
        #expect((copy.best?.spanWords ?? 0) >= 20 && (copy.best?.spanWords ?? 0) < (copy.best?.span.columns ?? 0))
    }
}
