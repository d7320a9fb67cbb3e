import Foundation
import Testing
@testable import ContamIndex
@testable import ContamDetect
import ContamTestSupport

@Suite struct VerbatimAnalyzerTests {
    /// The obviously-correct maximal spans: every item range that occurs in the corpus, minus those
    /// contained in a longer occurring range.
    func bruteForceSpans(_ item: [String], corpus: InMemoryCorpus, minLength: Int) -> [Range<Int>] {
        var occurring: [Range<Int>] = []
        for i in item.indices {
            for j in (i + 1)...item.count where corpus.count(of: item[i..<j]) > 0 { occurring.append(i..<j) }
        }
        let maximal = occurring.filter { range in
            !occurring.contains { $0 != range && $0.lowerBound <= range.lowerBound && $0.upperBound >= range.upperBound }
        }
        return maximal.filter { $0.count >= minLength }.sorted { $0.lowerBound < $1.lowerBound }
    }

    @Test func maximalSpansAndCoverageMatchBruteForce() {
        var rng = SeededRandom(seed: 42)
        for round in 0..<150 {
            let alphabet = [2, 3, 5, 8][round % 4]
            let documents = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                DetectTestSupport.randomWords(Int.random(in: 0...40, using: &rng), alphabet: alphabet, using: &rng).joined(separator: " ")
            }
            let corpus = InMemoryCorpus(texts: documents)
            let item = DetectTestSupport.randomWords(Int.random(in: 0...30, using: &rng), alphabet: alphabet + 1, using: &rng)
            let statistics = corpus.matchingLengths(of: item)
            for minLength in [1, 2, 3, 5] {
                let expected = bruteForceSpans(item, corpus: corpus, minLength: minLength)
                let spans = VerbatimAnalyzer.maximalSpans(matchingLengths: statistics, minLength: minLength)
                #expect(spans == expected, "round \(round), min \(minLength)")
                var covered = Set<Int>()
                for span in expected { covered.formUnion(span) }
                #expect(VerbatimAnalyzer.coveredCount(spans) == covered.count)
            }
        }
    }

    @Test func adversarialStatistics() {
        // All-equal tokens: every start matches to the end of the one document.
        let corpus = InMemoryCorpus(texts: [Array(repeating: "a", count: 10).joined(separator: " ")])
        let item = Array(repeating: "a", count: 25)
        let statistics = corpus.matchingLengths(of: item)
        #expect(statistics.prefix(16).allSatisfy { $0 == 10 })
        let spans = VerbatimAnalyzer.maximalSpans(matchingLengths: statistics, minLength: 8)
        #expect(spans == (0...15).map { $0..<($0 + 10) })
        #expect(VerbatimAnalyzer.coveredCount(spans) == 25)
        #expect(VerbatimAnalyzer.maximalSpans(matchingLengths: [], minLength: 8).isEmpty)
    }

    @Test func analysisReportsSpansCountsAndSourcesInOriginalText() throws {
        let source = "Everyone is permitted to copy and distribute verbatim copies of this license document, but changing it is not allowed."
        let corpus = InMemoryCorpus(texts: ["Preamble. " + source + " The end.", "Other text; " + source, "unrelated words only"],
                                    ids: ["gpl", nil, "x"], sourcePath: "licenses.jsonl")
        let item = DetectTestSupport.item("QUESTION: EVERYONE is permitted to copy and distribute VERBATIM copies of this license document? Yes.")
        let statistics = corpus.matchingLengths(of: item.strings)
        let analysis = try VerbatimAnalyzer(minMatch: 8, maxSources: 1).analyze(item, matchingLengths: statistics, documents: DocumentCache(corpus: corpus))
        #expect(analysis.tokenCount == 18)
        #expect(analysis.spans.count == 1)
        let span = try #require(analysis.spans.first)
        #expect(span.tokenRange == 2..<15)
        #expect(String(decoding: item.text[span.byteRange], as: UTF8.self) == "EVERYONE is permitted to copy and distribute VERBATIM copies of this license document")
        #expect(span.charCount == 85)
        #expect(span.occurrenceCount == 2)
        #expect(span.sources.count == 1)
        #expect(span.sources[0].label == "gpl")
        #expect(span.sources[0].tokenRange == 2..<15)
        #expect(span.sources[0].passage?.match == "Everyone is permitted to copy and distribute verbatim copies of this license document")
        #expect(span.sources[0].passage?.before == "Preamble. ")
        #expect(analysis.longestMatchTokens == 13)
        #expect(analysis.longestMatchChars == 85)
        #expect(analysis.coveredTokens == 13)
        #expect(abs(analysis.coverage - 13.0 / 18.0) < 1e-12)
    }

    @Test func shortMatchesAreNotSpansButCountAsLongest() throws {
        let corpus = InMemoryCorpus(texts: ["alpha beta gamma delta"])
        let item = DetectTestSupport.item("x alpha beta gamma y")
        let analysis = try VerbatimAnalyzer().analyze(item, matchingLengths: corpus.matchingLengths(of: item.strings), documents: DocumentCache(corpus: corpus))
        #expect(analysis.spans.isEmpty)
        #expect(analysis.longestMatchTokens == 3)
        #expect(analysis.longestMatchChars == 16)
        #expect(analysis.coverage == 0)
    }

    @Test func onlyTheLongestSpansGetSources() throws {
        let words = DetectTestSupport.distinctWords(60)
        let corpus = InMemoryCorpus(texts: [words.joined(separator: " ")])
        // Three separate copied runs of 8, 12 and 9 tokens.
        let item = DetectTestSupport.item(words: Array(words[0..<8]) + ["x"] + Array(words[20..<32]) + ["y"] + Array(words[40..<49]))
        var analyzer = VerbatimAnalyzer(minMatch: 8, maxSources: 2)
        analyzer.sourceSpanLimit = 2
        let analysis = try analyzer.analyze(item, matchingLengths: corpus.matchingLengths(of: item.strings), documents: DocumentCache(corpus: corpus))
        #expect(analysis.spans.map(\.tokenCount) == [8, 12, 9])
        #expect(analysis.spans.map { $0.sources.count } == [0, 1, 1])
        #expect(analysis.spans.map(\.occurrenceCount) == [1, 1, 1])
    }

    @Test func withoutPassagesNoDocumentIsRead() throws {
        let words = DetectTestSupport.distinctWords(40)
        let corpus = InMemoryCorpus(texts: [words.joined(separator: " ")], ids: ["doc"])
        let item = DetectTestSupport.item(words: Array(words[5..<20]))
        let documents = DocumentCache(corpus: corpus)
        let analysis = try VerbatimAnalyzer(withPassages: false).analyze(item, matchingLengths: corpus.matchingLengths(of: item.strings), documents: documents)
        #expect(analysis.spans.first?.sources == [SourcePassage(document: .init(shard: 0, document: 0), label: "doc", tokenRange: 5..<20, passage: nil)])
        #expect(documents.misses == 0)
    }

    @Test func passagesFromTextScanEqualPassagesFromTokens() throws {
        let texts = [DetectTestSupport.prose, "Ünïcödé — «quotes», 日本語のテキスト, emoji 👍🏽 and e\u{301}tude; ＡＢＣ ½ x² ﬁne.", "short"]
        let corpus = InMemoryCorpus(texts: texts, ids: ["a", "b", "c"])
        let fast = DocumentCache(corpus: corpus)
        let slow = DocumentCache(corpus: StringOnlyCorpus(corpus))
        var rng = SeededRandom(seed: 5)
        for d in 0..<texts.count {
            let ref = CorpusDocumentRef(shard: 0, document: d)
            let count = corpus.documents[d].tokens.count
            for _ in 0..<30 {
                let start = Int.random(in: 0..<count, using: &rng)
                let range = start..<Int.random(in: (start + 1)...min(count, start + 12), using: &rng)
                let context = Int.random(in: 0...40, using: &rng)
                let viaScan = try fast.passage(ref, tokenRange: range, contextBytes: context)
                #expect(viaScan != nil)
                #expect(viaScan == (try slow.passage(ref, tokenRange: range, contextBytes: context)), "doc \(d) \(range)")
            }
            #expect(try fast.passage(ref, tokenRange: count..<(count + 1), contextBytes: 10) == nil)
        }
    }
}
