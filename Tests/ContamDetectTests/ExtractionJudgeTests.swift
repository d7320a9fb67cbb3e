import Testing
import ContamText
@testable import ContamDetect
import ContamTestSupport

@Suite struct ExtractionJudgeTests {
    let judge = ExtractionJudge(tokenizerOptions: TokenizerOptions())
    let truth = ["the", "licenses", "for", "most", "software", "are", "designed", "to", "take", "away"]

    @Test func exactScoredAndNormalizedLikeTheIndex() {
        // Case and extra text after the continuation do not count against it.
        let exact = judge.judge(continuation: "The licenses for most software are designed to take away your freedom", truth: truth)
        #expect(exact.isExact && exact.memorizationScore == 1 && exact.matchingPrefixTokens == 10 && exact.trueTokens == 10)
        // One word wrong: not exact, 9 of 10 positions, the 3 before it leading.
        let one = judge.judge(continuation: "the licenses for many software are designed to take away", truth: truth)
        #expect(!one.isExact && one.memorizationScore == 0.9 && one.matchingPrefixTokens == 3)
        // A shifted continuation (one word inserted) matches few positions: the score is positional by design.
        let shifted = judge.judge(continuation: "so the licenses for most software are designed to take", truth: truth)
        #expect(!shifted.isExact && shifted.memorizationScore == 0 && shifted.matchingPrefixTokens == 0)
        // Too short, empty, and an empty truth.
        #expect(judge.judge(continuation: "the licenses for", truth: truth).memorizationScore == 0.3)
        #expect(judge.judge(continuation: "", truth: truth).memorizationScore == 0)
        #expect(!judge.judge(continuation: "anything", truth: []).isExact)
    }

    @Test func positionalScoreMatchesBruteForceOnGeneratedText() {
        var random = SeededRandom(seed: 42)
        let words = ["a", "b", "c", "d"]
        for _ in 0..<300 {
            let truth = (0..<Int.random(in: 1...12, using: &random)).map { _ in words.randomElement(using: &random)! }
            let produced = (0..<Int.random(in: 0...14, using: &random)).map { _ in words.randomElement(using: &random)! }
            let result = judge.judge(continuation: produced.joined(separator: " "), truth: truth)
            let same = truth.indices.filter { $0 < produced.count && produced[$0] == truth[$0] }.count
            let leading = zip(truth, produced).prefix { $0 == $1 }.count
            #expect(result.memorizationScore == Double(same) / Double(truth.count))
            #expect(result.matchingPrefixTokens == leading && result.isExact == (leading == truth.count))
        }
    }

    @Test func longestMatchOfTheContinuationInTheCorpus() {
        let options = TokenizerOptions()
        let tokenizer = Tokenizer(options: options)
        let corpus = InMemoryCorpus(texts: ["one two three four five", "six seven"], options: options) { tokenizer.tokens(in: $0) }
        let result = judge.judge(continuation: "zero two three four nine", truth: ["two"], corpus: corpus)
        #expect(result.longestCorpusMatchTokens == 3)
        #expect(judge.judge(continuation: "", truth: ["x"], corpus: corpus).longestCorpusMatchTokens == 0)
    }
}

@Suite struct ExtractionNearVerbatimTests {
    let judge = ExtractionJudge(tokenizerOptions: TokenizerOptions())
    let truth = (1...30).map { "w\($0)" }

    @Test func oneWordChangedOrInsertedIsNearNotExact() {
        var changed = truth
        changed[10] = "other"
        let substituted = judge.judge(continuation: changed.joined(separator: " "), truth: truth)
        #expect(!substituted.isExact && substituted.isNear)
        #expect(substituted.nearSpanTokens == 30 && abs(substituted.nearSimilarity - 29.0 / 30) < 1e-12)
        var inserted = truth
        inserted.insert("extra", at: 5)
        let shifted = judge.judge(continuation: inserted.joined(separator: " "), truth: truth)
        #expect(shifted.memorizationScore < 0.2, "positional score collapses after an insertion")
        #expect(shifted.isNear, "the aligner does not")
    }

    @Test func unrelatedOrTooShortIsNotNear() {
        #expect(!judge.judge(continuation: (1...30).map { "x\($0)" }.joined(separator: " "), truth: truth).isNear)
        // 12 of 30 right, then other words: below the 20-token span.
        let partial = (Array(truth.prefix(12)) + (1...18).map { "x\($0)" }).joined(separator: " ")
        #expect(!judge.judge(continuation: partial, truth: truth).isNear)
        // A truth shorter than the span is near when it is matched over its whole length.
        #expect(judge.judge(continuation: "w1 w2 w3 x w5", truth: ["w1", "w2", "w3", "w4", "w5"]).isNear)
    }

    /// The similarity against the plain dynamic program: every stretch of the full local alignment is brute-forced.
    @Test func agreesWithBruteForceOverRandomTexts() {
        var random = SeededRandom(seed: 7)
        let words = ["a", "b", "c"]
        for _ in 0..<200 {
            let truth = (0..<Int.random(in: 1...25, using: &random)).map { _ in words.randomElement(using: &random)! }
            let produced = (0..<Int.random(in: 1...25, using: &random)).map { _ in words.randomElement(using: &random)! }
            var judge = judge
            judge.nearSpan = 4
            let result = judge.judge(continuation: produced.joined(separator: " "), truth: truth)
            // The stretch is a stretch of a valid alignment: its matches cannot exceed the common-subsequence length.
            #expect(Double(result.nearSpanTokens) * result.nearSimilarity <= Double(lcs(truth, produced)) + 1e-9)
            if result.isExact { #expect(result.isNear) }
            if lcs(truth, produced) == 0 { #expect(!result.isNear) }
        }
    }

    func lcs(_ a: [String], _ b: [String]) -> Int {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 1...max(1, a.count) where i <= a.count {
            for j in 1...max(1, b.count) where j <= b.count {
                table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : max(table[i - 1][j], table[i][j - 1])
            }
        }
        return table[a.count][b.count]
    }

    @Test func longestMatchNamesItsSource() throws {
        let corpus = InMemoryCorpus(texts: ["alpha beta", "one two three four five"])
        let result = judge.judge(continuation: "zero two three four nine", truth: ["two"], corpus: corpus)
        #expect(result.longestCorpusMatchTokens == 3)
        let source = try #require(result.longestCorpusMatchSource)
        #expect(source.document.document == 1 && source.tokenOffset == 1)
    }
}
