import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
import ContamTestSupport

/// The two-thread sketch-only pipeline against a one-thread oracle: same bits, same counts, whatever the
/// batch size and whichever thread tokenized a batch.
@Suite struct SketchBuildPipelineTests {
    /// Documents that stress the batch and document boundaries: empty, punctuation only, shorter than an
    /// n-gram, one longer than many batches, and punctuation runs (a token per byte, more token hashes than
    /// a batch reserves up front).
    static func documents() -> [(text: [UInt8], source: Int)] {
        var random = SeededRandom(seed: 21)
        let words = ["the", "Cat", "sat", "on", "a", "mat", ",", "naïve", "café", "ﬁsh", "東京", "x1", "..."]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        var documents: [(String, Int)] = [("", 0), (text(20), 0), ("?!", 1), (text(5), 1), (text(3000), 1), ("", 2),
                                          (String(repeating: ",;", count: 3000), 2), (text(13), 3), (text(12), 3)]
        for i in 0..<60 { documents.append((text(Int(random.next() % 200)), 3 + i % 2)) }
        return documents.map { (Array($0.0.utf8), $0.1) }
    }

    /// One thread, one n-gram at a time: every n-gram hashed by the reference definition
    /// (`NGramHash.hash(tokenHashes:)`) and inserted alone.
    static func reference(_ documents: [(text: [UInt8], source: Int)], parameters: NGramSketchParameters,
                          tokenizer: Tokenizer) throws -> (NGramSketch, SketchBuildPipeline.Totals) {
        let sketch = try NGramSketch(parameters: parameters)
        var totals = SketchBuildPipeline.Totals()
        for document in documents {
            let hashes = tokenizer.tokens(in: document.text).map { TokenHash.hash($0.text) }
            for n in parameters.ngramSizes where hashes.count >= n {
                for end in n - 1..<hashes.count {
                    sketch.filter.insert(NGramHash.hash(tokenHashes: hashes[(end + 1 - n)...end]))
                    sketch.insertedNGrams += 1
                }
            }
            totals.record(tokens: hashes.count, sourceIndex: document.source)
        }
        return (sketch, totals)
    }

    @Test(arguments: [1, 64, 4096, 1 << 20], [SketchBuildPipeline.Tokenizing.whicheverIsFree, .readingThread, .queue])
    func pipelineMatchesOneThreadInsertion(batchTextBytes: Int, tokenizing: SketchBuildPipeline.Tokenizing) throws {
        let documents = Self.documents()
        let tokenizer = Tokenizer()
        let dense = documents.first { $0.text.starts(with: Array(",;".utf8)) }!
        #expect(tokenizer.tokens(in: dense.text).count == dense.text.count)
        // One size (n-grams rolled in place where a batch is tokenized) and several (rolled by the queue).
        for sizes in [[13], [3, 13], [1]] {
            let parameters = NGramSketchParameters(ngramSizes: sizes, expectedNGrams: 20_000, targetFalsePositiveRate: 0.01, seed: 5)
            let (expected, expectedTotals) = try Self.reference(documents, parameters: parameters, tokenizer: tokenizer)
            let sketch = try NGramSketch(parameters: parameters)
            let pipeline = SketchBuildPipeline(sketch: sketch, tokenizer: tokenizer, batchTextBytes: batchTextBytes, tokenizing: tokenizing)
            for document in documents { document.text.withUnsafeBytes { pipeline.add(document: $0, sourceIndex: document.source) } }
            let totals = pipeline.finish()

            #expect(sketch.filter.withUnsafeBytes { Array($0) } == expected.filter.withUnsafeBytes { Array($0) }, "sizes \(sizes)")
            #expect(sketch.insertedNGrams == expected.insertedNGrams, "sizes \(sizes)")
            #expect(totals.documents == expectedTotals.documents && totals.tokens == expectedTotals.tokens)
            #expect(totals.sourcesWithTokens == expectedTotals.sourcesWithTokens)
            #expect(totals.documents <= documents.count - 2)  // the two empty ones have no token
        }
    }

    /// Batched (prefetched) inserts set exactly the bits of one-by-one inserts.
    @Test func batchInsertEqualsSingleInserts() throws {
        var random = SeededRandom(seed: 8)
        let keys = (0..<5000).map { _ in random.next() }
        let single = try BloomFilter(blockCount: 300, hashFunctions: 9, seed: 4)
        let batched = try BloomFilter(blockCount: 300, hashFunctions: 9, seed: 4)
        for key in keys { single.insert(key) }
        keys.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let count = min(256, buffer.count - start, 1 + start % 257)
                batched.insert(batch: buffer.baseAddress! + start, count: count)
                start += count
            }
        }
        #expect(single.withUnsafeBytes { Array($0) } == batched.withUnsafeBytes { Array($0) })
    }
}
