import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
import ContamTestSupport

/// `PhraseQuery.count` and `locate` (query text tokenized once, ids looked up per shard from the tokenizer's
/// bytes) against brute force over the tokenized documents and against the string-token path they replaced.
@Suite struct PhraseQueryTests {
    @Test func countAndLocateOfQueryTextAgreeWithBruteForceOnOneAndManyShards() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, documents) = try IndexTests.makeCorpus(dir)
        let tokenizer = Tokenizer()
        let tokenized = documents.map { tokenizer.tokens(in: $0).map(\.text) }
        var rng = SeededRandom(seed: 9)
        var phrases = ["", "   ", "zzzunseenword", "the zzzunseenword", "THE the The,", "café", "(copyright)", "Redistribution and use"]
        for _ in 0..<300 {
            let document = documents.randomElement(using: &rng)!
            let bytes = Array(document.utf8)
            let start = Int.random(in: 0..<bytes.count, using: &rng)
            let end = min(bytes.count, start + Int.random(in: 1...120, using: &rng))
            // Arbitrary byte cuts: a word may be cut in two, a multi-byte character split (repaired to U+FFFD).
            phrases.append(String(decoding: bytes[start..<end], as: UTF8.self))
        }
        for shardTokens in [1 << 24, 400] {
            let index = try IndexTests.build(corpus, to: dir.file("i-\(shardTokens).idx"), shardTokens: shardTokens)
            let query = PhraseQuery(index: index)
            for phrase in phrases {
                let tokens = tokenizer.tokens(in: phrase).map(\.text)
                let (tokenCount, count) = query.count(phrase)
                #expect(tokenCount == tokens.count)
                #expect(count == IndexTests.bruteCount(tokens, in: tokenized), "\(phrase)")
                #expect(count == index.count(of: tokens[...]))
                let located = try query.locate(phrase, limit: 7)
                #expect(located.count == count)
                let expected = index.occurrences(of: tokens[...], limit: 7)
                #expect(located.occurrences.map { CorpusDocumentRef(shard: $0.shard, document: $0.document) } == expected.map(\.document))
                #expect(located.occurrences.map(\.tokenOffset) == expected.map(\.tokenOffset))
                for occurrence in located.occurrences {
                    #expect(occurrence.passage.map { tokenizer.tokens(in: $0.match).map(\.text) } == tokens)
                }
            }
        }
    }
}
