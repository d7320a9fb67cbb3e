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
