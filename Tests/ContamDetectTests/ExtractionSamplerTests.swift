import Foundation
import Testing
import ContamText
import ContamIndex
@testable import ContamDetect
import ContamTestSupport

/// The probe sampler against brute force: counts of every sampled window by a plain scan of the documents, buckets,
/// shares, original text, determinism, and both the token-id and the text path.
@Suite struct ExtractionSamplerTests {
    /// 60 unique documents, one copied 5 times (2-9), one 30 times (10-99), one 120 times (100+), some short ones.
    static func corpus() -> InMemoryCorpus {
        var random = SeededRandom(seed: 11)
        func text(_ words: Int) -> String {
            (0..<words).map { _ in "w\(Int.random(in: 0..<5000, using: &random))" }.joined(separator: Bool.random(using: &random) ? " " : "  ")
        }
        var texts = (0..<60).map { _ in text(60) + ". End" }
        for (copies, body) in [(5, text(40)), (30, text(40)), (120, text(40))] { texts += Array(repeating: body, count: copies) }
        texts += ["too short", "also short here"]
        var shuffled = SeededRandom(seed: 3)
        texts.shuffle(using: &shuffled)
        return InMemoryCorpus(texts: texts, ids: texts.indices.map { "doc-\($0)" })
    }

    static let shared = corpus()

    /// Occurrences of `window` by scanning every document (the oracle).
    func bruteForceCount(_ window: [String], in corpus: InMemoryCorpus) -> Int {
        corpus.documents.reduce(0) { total, document in
            let tokens = document.tokens.map(\.text)
            guard tokens.count >= window.count else { return total }
            return total + (0...(tokens.count - window.count)).filter { Array(tokens[$0..<($0 + window.count)]) == window }.count
        }
    }

    @Test func everyProbeIsCountedBucketedAndCutLikeTheCorpus() throws {
        let corpus = Self.shared
        let sample = try ExtractionSampler(corpus: corpus, prefixLength: 8, continuationLength: 6).sample(count: 40, seed: 1)
        #expect(sample.prefixes.count == 40)
        #expect(sample.buckets.map(\.taken) == [10, 10, 10, 10], "\(sample.buckets)")
        var windows = Set<[String]>()
        for probe in sample.prefixes {
            let document = corpus.documents[probe.document.document]
            let tokens = document.tokens
            let window = probe.prefixTokens + probe.continuationTokens
            #expect(window == tokens[probe.tokenOffset..<(probe.tokenOffset + 14)].map(\.text))
            #expect(probe.duplicates == bruteForceCount(window, in: corpus))
            #expect(windows.insert(window).inserted, "a window sampled twice")
            let prompt = String(decoding: document.text[tokens[probe.tokenOffset].byteRange.lowerBound..<tokens[probe.tokenOffset + 7].byteRange.upperBound], as: UTF8.self)
            #expect(probe.prompt == prompt)
            #expect(Tokenizer(options: TokenizerOptions()).tokens(in: probe.continuationText).map(\.text) == probe.continuationTokens)
        }
        for bucket in sample.buckets { #expect(bucket.available >= bucket.taken) }
    }

    @Test func theSameSeedGivesTheSameProbesAndTheTextPathAgrees() throws {
        let corpus = Self.shared
        let a = try ExtractionSampler(corpus: corpus, prefixLength: 5, continuationLength: 5).sample(count: 20, seed: 9)
        let b = try ExtractionSampler(corpus: StringOnlyCorpus(corpus), prefixLength: 5, continuationLength: 5).sample(count: 20, seed: 9)
        let c = try ExtractionSampler(corpus: corpus, prefixLength: 5, continuationLength: 5).sample(count: 20, seed: 10)
        #expect(a == b)
        #expect(a.prefixes != c.prefixes)
    }

    @Test func missingBucketsAreReportedAndTheirSharesGoElsewhere() throws {
        let corpus = InMemoryCorpus(texts: (0..<30).map { d in (0..<40).map { "d\(d)w\($0)" }.joined(separator: " ") } + ["tiny"])
        let sample = try ExtractionSampler(corpus: corpus, prefixLength: 4, continuationLength: 4).sample(count: 12, seed: 2, maxDraws: 3000)
        #expect(sample.prefixes.count == 12)
        #expect(sample.buckets.map(\.bucket) == DuplicationBucket.allCases)
        #expect(sample.buckets[0].taken == 12 && sample.buckets.dropFirst().allSatisfy { $0.available == 0 && $0.taken == 0 })
        #expect(sample.draws == 3000, "draws stop at the budget when a bucket cannot fill")
        #expect(sample.tooShort > 0)
    }

    @Test func sharesAndAllocation() {
        #expect(ExtractionSampler.quotas(10) == [.once: 2, .few: 2, .tens: 3, .hundreds: 3])
        let taken = ExtractionSampler.allocate(quotas: ExtractionSampler.quotas(8), available: [.once: 50, .few: 1, .tens: 3, .hundreds: 0], total: 8)
        #expect(taken == [.once: 4, .few: 1, .tens: 3, .hundreds: 0])
        #expect(ExtractionSampler.allocate(quotas: ExtractionSampler.quotas(8), available: [.once: 2], total: 8)[.once] == 2)
    }

    @Test func chosenDocumentsByIdOrLabel() throws {
        let corpus = InMemoryCorpus(texts: ["one two three four five six seven eight", "a b", "x y z w v u t s"], ids: ["first", nil, "third"])
        let refs = try ExtractionSampler.documents(named: ["third", "# a comment", "", "memory:2", "first"], listedIn: "ids.txt", corpus: corpus)
        #expect(refs.map(\.document) == [2, 1, 0])
        #expect(throws: DetectError.unknownDocument(path: "ids.txt", line: 2, id: "nope")) {
            try ExtractionSampler.documents(named: ["first", "nope"], listedIn: "ids.txt", corpus: corpus)
        }
        let sampler = ExtractionSampler(corpus: corpus, prefixLength: 3, continuationLength: 3)
        let probes = try sampler.probes(of: refs, perDocument: 2)
        #expect(probes.tooShort == 1)
        #expect(probes.prefixes.map(\.tokenOffset) == [0, 2, 0, 2])
        #expect(probes.prefixes[0].prompt == "x y z" && probes.prefixes[0].continuationText == "w v u")
    }

    /// On a real index of several shards, the id-based count (own shard by ids, the others by a head lookup) equals
    /// the index's own count of the window's strings, and windows are deduplicated across shards.
    @Test func aShardedIndexCountsLikeTheStringQuery() throws {
        let directory = try temporaryDirectory("sampler-index")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = try SampleIndex.build(directory + "/index") { $0.shardTokens = 40_000 }
        #expect(index.shards.count > 2)
        let sample = try ExtractionSampler(corpus: index, prefixLength: 6, continuationLength: 6).sample(count: 60, seed: 4)
        #expect(sample.prefixes.count == 60)
        var windows = Set<[String]>()
        for probe in sample.prefixes {
            let window = probe.prefixTokens + probe.continuationTokens
            #expect(probe.duplicates == index.count(of: window[...]), "\(window)")
            #expect(windows.insert(window).inserted)
            #expect(Tokenizer(options: index.tokenizerOptions).tokens(in: probe.prompt).map(\.text) == probe.prefixTokens)
        }
        #expect(sample.buckets.filter { $0.taken > 0 }.count >= 3, "\(sample.buckets)")
    }
}
