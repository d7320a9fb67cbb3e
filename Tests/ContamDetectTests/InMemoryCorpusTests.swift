import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
import ContamTestSupport

@Suite struct InMemoryCorpusTests {
    let corpus = InMemoryCorpus(texts: [
        "The quick brown fox jumps over the lazy dog.",
        "A quick brown fox, and the lazy dog sleeps.",
        "Nothing in common here",
    ], ids: ["a", nil, "c"], sourcePath: "docs.jsonl")

    func words(_ text: String) -> [String] { Tokenizer().tokens(in: text).map(\.text) }

    @Test func matchingStatisticsAreLongestPrefixesThatOccur() {
        let item = words("the quick brown fox jumps high over the lazy dog sleeps")
        // the quick brown fox jumps | high | over the lazy dog . | the lazy dog sleeps
        #expect(corpus.matchingLengths(of: item) == [5, 4, 3, 2, 1, 0, 4, 4, 3, 2, 1])
    }

    @Test func matchesNeverCrossDocuments() {
        // "dog ." ends document 0 and "a quick" starts document 1.
        #expect(corpus.matchingLengths(of: words("dog. A quick")) == [2, 1, 2, 1])
    }

    @Test func countsAndOccurrences() {
        #expect(corpus.count(of: words("quick brown fox")[...]) == 2)
        #expect(corpus.count(of: words("the lazy dog")[...]) == 2)
        #expect(corpus.count(of: words("the")[...]) == 3)
        #expect(corpus.count(of: []) == 0)
        #expect(corpus.documentCount(of: words("the")[...], cap: 10) == 2)
        #expect(corpus.documentCount(of: words("the")[...], cap: 1) == 1)
        let occurrences = corpus.occurrences(of: words("lazy dog")[...], limit: 5)
        #expect(occurrences == [CorpusOccurrence(document: .init(shard: 0, document: 0), tokenOffset: 7),
                                CorpusOccurrence(document: .init(shard: 0, document: 1), tokenOffset: 7)])
        #expect(corpus.occurrences(of: words("lazy dog")[...], limit: 1).count == 1)
        #expect(corpus.occurrences(of: words("purple")[...], limit: 5).isEmpty)
    }

    @Test func documentsKeepRawTextAndLabels() throws {
        let info = try corpus.documentInfo(.init(shard: 0, document: 1))
        #expect(info.label == "docs.jsonl:2")
        #expect(try corpus.documentInfo(.init(shard: 0, document: 0)).label == "a")
        let (text, tokens) = try corpus.documentTokens(.init(shard: 0, document: 0))
        #expect(String(decoding: text[tokens[1].byteRange], as: UTF8.self) == "quick")
        #expect(tokens[0].text == "the")
        #expect(throws: IndexError.self) { try corpus.documentInfo(.init(shard: 0, document: 3)) }
    }
}
