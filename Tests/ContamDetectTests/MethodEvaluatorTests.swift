import Foundation
import Testing
@testable import ContamText
@testable import ContamDetect
import ContamTestSupport

/// Each preset on small corpora whose answer is known by construction: documents are made of distinct
/// made-up words (t0, t1, …), so the only matches are the ones planted.
@Suite struct MethodEvaluatorTests {
    let words = DetectTestSupport.distinctWords(400)
    func text(_ range: Range<Int>) -> String { words[range].joined(separator: " ") }
    func novel(_ count: Int, _ tag: String = "n") -> String { DetectTestSupport.distinctWords(count, prefix: tag).joined(separator: " ") }

    func run(_ texts: [String], corpus: InMemoryCorpus, methods: [ContaminationMethod]) throws -> [ItemResult] {
        var options = CheckOptions()
        options.methods = methods
        options.threads = 1
        let items = texts.enumerated().map { CheckItem(id: "item\($0.offset)", sourcePath: "items.txt", recordNumber: $0.offset + 1, text: Array($0.element.utf8), rawRecord: Array($0.element.utf8)) }
        return try ContaminationChecker(corpus: corpus, options: options).check(items)
    }

    func verdicts(_ texts: [String], corpus: InMemoryCorpus, method: ContaminationMethod) throws -> [MethodVerdict] {
        try run(texts, corpus: corpus, methods: [method]).map { $0.methods[0].verdict }
    }

    @Test func gpt3NgramLengthIsTheClampedFifthPercentile() {
        #expect(MethodEvaluator.gpt3NgramLength(wordCounts: []) == 13)
        #expect(MethodEvaluator.gpt3NgramLength(wordCounts: [3] + Array(repeating: 30, count: 19)) == 8)
        #expect(MethodEvaluator.gpt3NgramLength(wordCounts: [10] + Array(repeating: 30, count: 19)) == 10)
        // 21 items: the nearest rank is the 2nd smallest.
        #expect(MethodEvaluator.gpt3NgramLength(wordCounts: [9, 11] + Array(repeating: 30, count: 19)) == 11)
        #expect(MethodEvaluator.gpt3NgramLength(wordCounts: Array(repeating: 30, count: 20)) == 13)
    }

    @Test func gpt3FindsNgramsOfTheRunsN() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<100)])
        // A 9-word copied run inside novel words: dirty when N = 8 (the batch has a short item), clean when N = 13.
        let item = novel(5, "a") + " " + text(20..<29) + " " + novel(5, "b")
        let withShort = try verdicts([item, novel(8, "c")], corpus: corpus, method: .gpt3)
        #expect(withShort == [.dirty, .clean])
        let longOnly = try verdicts([item, novel(30, "c")], corpus: corpus, method: .gpt3)
        #expect(longOnly == [.clean, .clean])
        let result = try run([item, novel(8, "c")], corpus: corpus, methods: [.gpt3])[0].methods[0]
        #expect(result.figures["n"] == 8)
        #expect(result.tokenRange == 5..<13)
    }

    @Test func gpt3IgnoresNgramsInMoreThanTenDocuments() throws {
        let phrase = text(0..<10)
        let common = InMemoryCorpus(texts: (0..<11).map { "\(novel(3, "d\($0)x")) \(phrase) \(novel(3, "d\($0)y"))" })
        let rare = InMemoryCorpus(texts: (0..<10).map { "\(novel(3, "d\($0)x")) \(phrase) \(novel(3, "d\($0)y"))" })
        let item = "\(novel(4)) \(phrase) \(novel(4, "m"))"
        #expect(try verdicts([item, novel(8, "s")], corpus: common, method: .gpt3) == [.clean, .clean])
        #expect(try verdicts([item, novel(8, "s")], corpus: rare, method: .gpt3) == [.dirty, .clean])
        let ignored = try run([item, novel(8, "s")], corpus: common, methods: [.gpt3])[0].methods[0]
        #expect(ignored.figures["ngrams_ignored"] == 3)
        // lmeval13 has no cutoff: a 13-gram found in 11 documents is dirty.
        let phrase13 = text(0..<13)
        let common13 = InMemoryCorpus(texts: (0..<11).map { "\(novel(3, "d\($0)x")) \(phrase13)" })
        #expect(try verdicts(["\(novel(2)) \(phrase13)"], corpus: common13, method: .lmeval13) == [.dirty])
    }

    @Test func gpt3ShortItemsAreDirtyOnlyWhenFoundWhole() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<50)] + (0..<11).map { "x\($0) \(text(100..<105)) y\($0)" })
        let items = [text(10..<15), text(10..<14) + " " + novel(1), text(100..<105), novel(30)]
        // N = 8 (5th percentile clamps), found whole / not whole / whole but in 11 documents / long novel item.
        #expect(try verdicts(items, corpus: corpus, method: .gpt3) == [.dirty, .clean, .clean, .clean])
    }

    @Test func lmeval13NeedsThirteenWords() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<60)])
        let items = [text(0..<13), text(0..<12), novel(3) + " " + text(30..<43) + " " + novel(3, "z"), text(0..<12) + " " + novel(1) + " " + text(13..<26)]
        #expect(try verdicts(items, corpus: corpus, method: .lmeval13) == [.dirty, .clean, .dirty, .dirty])
    }

    @Test func wordMethodsIgnorePunctuationExactlyOnADropPunctIndex() throws {
        let options = TokenizerOptions(dropPunctuation: true)
        let corpus = InMemoryCorpus(texts: ["Alpha beta, gamma delta. Epsilon zeta eta theta iota kappa lambda mu nu!"], options: options)
        let item = "ALPHA: beta gamma; delta epsilon -- zeta eta theta (iota) kappa lambda mu nu?"
        #expect(try verdicts([item], corpus: corpus, method: .lmeval13) == [.dirty])
        #expect(try verdicts([item], corpus: corpus, method: .gpt3) == [.dirty])
        // On an index that kept punctuation, the punctuation between the words must match too.
        let kept = InMemoryCorpus(texts: ["Alpha beta, gamma delta. Epsilon zeta eta theta iota kappa lambda mu nu!"])
        #expect(try verdicts([item], corpus: kept, method: .lmeval13) == [.clean])
        #expect(try verdicts(["alpha beta, gamma delta. epsilon zeta eta theta iota kappa lambda mu nu"], corpus: kept, method: .lmeval13) == [.dirty])
    }

    @Test func palmCountsEightGrams() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<100)])
        // 20 tokens = 13 8-grams. 17 copied tokens then 3 novel: 10 of 13 = 76.9% dirty; 16 + 4: 9 of 13 = 69.2% clean.
        let items = [text(0..<17) + " " + novel(3), text(0..<16) + " " + novel(4), text(40..<47), text(40..<46) + " " + novel(1)]
        #expect(try verdicts(items, corpus: corpus, method: .palm) == [.dirty, .clean, .dirty, .clean])
        let result = try run(items, corpus: corpus, methods: [.palm])
        #expect(abs(result[0].methods[0].figures["fraction"]! - 10.0 / 13.0) < 1e-12)
        #expect(abs(result[1].methods[0].figures["fraction"]! - 9.0 / 13.0) < 1e-12)
    }

    @Test func llama2BandsFromSkipgramSpans() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<60)])
        func copy(_ range: Range<Int>, replacing positions: Set<Int>) -> String {
            range.enumerated().map { positions.contains($0.offset) ? "x\($0.offset)" : words[$0.element] }.joined(separator: " ")
        }
        let items = [
            copy(0..<20, replacing: [12]),                 // 12 exact, 1 skip, 7 more: all 20 tokens (dirty)
            copy(0..<20, replacing: [5]),                  // skip inside the first 10: spans 0..<5 (too short) and 6..<20 = 14 of 20 (not clean)
            copy(0..<30, replacing: [11, 13, 15, 17, 19]), // a 5th skip ends the span at token 18: 19 of 30 (not clean)
            copy(0..<20, replacing: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]), // only the first 10 match: nothing > 10 tokens (clean)
            copy(0..<12, replacing: [11]) + " " + novel(8), // 11 exact, trailing skip not counted: 11 of 20 (not clean)
            novel(12) + " " + text(0..<4),                 // clean
        ]
        let results = try run(items, corpus: corpus, methods: [.llama2]).map { $0.methods[0] }
        #expect(results.map(\.verdict) == [.dirty, .notClean, .notClean, .clean, .notClean, .clean])
        #expect(results.map { $0.figures["contaminated_tokens"]! } == [20, 14, 19, 0, 11, 0])
    }

    /// The brute-force Llama 2 definition: every item start, every corpus position.
    func bruteForceLlama2(_ item: [String], corpus: InMemoryCorpus) -> [Bool] {
        var covered = [Bool](repeating: false, count: item.count)
        for start in item.indices {
            for document in corpus.documents {
                let tokens = document.tokens.map(\.text)
                for position in tokens.indices {
                    var i = start, j = position, mismatches = 0, end = start
                    while i < item.count && j < tokens.count {
                        if item[i] == tokens[j] { end = i + 1 } else {
                            if i - start < 10 { break }
                            mismatches += 1
                            if mismatches > 4 { break }
                        }
                        i += 1; j += 1
                    }
                    if end - start > 10 { for k in start..<end { covered[k] = true } }
                }
            }
        }
        return covered
    }

    @Test func llama2MatchesBruteForceOnPlantedCopies() throws {
        var rng = SeededRandom(seed: 31)
        for round in 0..<40 {
            let documents = (0..<3).map { _ in DetectTestSupport.randomSequence(120, alphabet: 500, using: &rng) }
            let source = documents[round % 3]
            let start = Int.random(in: 0..<60, using: &rng)
            var item = Array(source[start..<(start + 50)])
            for _ in 0..<Int.random(in: 0...10, using: &rng) { item[Int.random(in: 0..<50, using: &rng)] = Int32.random(in: 500..<600, using: &rng) }
            func text(_ ids: [Int32]) -> String { ids.map { "t\($0)" }.joined(separator: " ") }
            let corpus = InMemoryCorpus(texts: documents.map(text))
            let tokenized = DetectTestSupport.item(text(item))
            let statistics = corpus.matchingLengths(of: tokenized.strings)
            let covered = try Llama2Contamination().contaminatedTokens(tokenized, matchingLengths: statistics, documents: DocumentCache(corpus: corpus))
            #expect(covered == bruteForceLlama2(tokenized.strings, corpus: corpus), "round \(round)")
            let viaText = try Llama2Contamination().contaminatedTokens(tokenized, matchingLengths: statistics, documents: DocumentCache(corpus: StringOnlyCorpus(corpus)))
            #expect(viaText == covered, "round \(round), text path")
        }
    }

    @Test func gpt4WindowsAreSeededSnappedAndLookedUp() throws {
        let corpus = InMemoryCorpus(texts: [DetectTestSupport.prose])
        let copied = "it was the age of wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity"
        let short = "the season of Light"
        let clean = "Completely different words appear here, and none of them were ever written by Charles Dickens in any novel at all."
        #expect(try verdicts([copied, short, clean, "it was the season of darkness (apparently)"], corpus: corpus, method: .gpt4) == [.dirty, .dirty, .clean, .clean])
        let item = DetectTestSupport.item(clean)
        let windows = GPT4Windows().windows(item)
        #expect(windows.count == 3)
        #expect(windows == GPT4Windows().windows(item))
        for window in windows {
            let chars = item.strings[window].filter(TokenizedItem.isWord).reduce(0) { $0 + $1.count }
            #expect(chars <= 50 && chars >= 30, "\(window)")
        }
        #expect(GPT4Windows().windows(DetectTestSupport.item("... !!!")).isEmpty)
        #expect(GPT4Windows().windows(DetectTestSupport.item(short)) == [0..<4])
    }

    @Test func exactSubstrNeedsFiftyTokens() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<200)])
        let items = [novel(3) + " " + text(10..<60), novel(3) + " " + text(10..<59) + " " + novel(3, "q")]
        #expect(try verdicts(items, corpus: corpus, method: .exactsubstr) == [.dirty, .clean])
    }

    @Test func nearAndDefaultMethod() throws {
        let corpus = InMemoryCorpus(texts: [text(0..<200)])
        var edited = Array(words[10..<60])
        edited[20] = "changed"; edited.remove(at: 30); edited.insert("added", at: 40)
        let results = try run([edited.joined(separator: " "), novel(40)], corpus: corpus, methods: CheckOptions().methods)
        #expect(results.map { $0.methods.map(\.method) } == [[.near], [.near]])
        #expect(results.map { $0.methods[0].verdict } == [.dirty, .clean])
        #expect((results[0].near?.bestSimilarity ?? 0) > 0.9)
        #expect(results[0].isFlagged && !results[1].isFlagged)
    }

    @Test func allMethodsTogetherAndParsing() throws {
        #expect(try ContaminationMethod.parseList(["gpt3,palm", "PALM", "near"]) == [.gpt3, .palm, .near])
        #expect(try ContaminationMethod.parseList(["all"]) == ContaminationMethod.allCases)
        #expect(throws: DetectError.unknownMethod("gpt5")) { try ContaminationMethod.parseList(["gpt5"]) }
        let corpus = InMemoryCorpus(texts: [text(0..<200)])
        let results = try run([text(0..<80), novel(80)], corpus: corpus, methods: ContaminationMethod.allCases)
        #expect(results[0].methods.allSatisfy { $0.verdict == .dirty })
        #expect(results[1].methods.allSatisfy { $0.verdict == .clean })
    }
}
