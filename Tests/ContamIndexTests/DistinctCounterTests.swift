import Foundation
import Testing
@testable import ContamIndex
@testable import ContamText
import ContamTestSupport

/// `DistinctCounter` against an exact `Set`, and the full build's sketch sized for distinct n-grams.
@Suite struct DistinctCounterTests {
    @Test func estimateIsWithinThreePercentOfTheExactDistinctCount() {
        var rng = SeededRandom(seed: 4)
        for distinct in [0, 1, 2, 10, 1000, 30_000, 200_000, 1_000_000] {
            // Each key added 1-3 times, in random order, and sequential keys (a weak hash) in half the cases.
            let sequential = distinct % 2 == 0
            var keys: [UInt64] = (0..<distinct).map { sequential ? UInt64($0) : UInt64.random(in: 0...UInt64.max, using: &rng) }
            keys += keys.prefix(distinct / 2) + keys.prefix(distinct / 5)
            keys.shuffle(using: &rng)
            var counter = DistinctCounter()
            keys.withUnsafeBufferPointer { counter.add($0) }
            let exact = Set(keys).count
            let error = abs(Double(counter.estimate - exact))
            #expect(error <= max(2, 0.03 * Double(exact)), "\(counter.estimate) estimated for \(exact) distinct keys")
        }
    }

    @Test func aFullBuildSizesItsSketchForTheDistinctNGrams() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try SampleIndex.build(dir.file("s.idx"))
        let shard = index.shards[0]
        let parameters = try #require(shard.entry.sketch)
        // The exact distinct 13-gram hashes of the shard, by brute force over its documents' token hashes.
        var exact = Set<UInt64>()
        var occurrences = 0
        for document in 0..<shard.documents.count {
            let record = shard.documents.record(document)
            let hashes = (Int(record.firstToken)..<Int(record.firstToken + record.tokenCount)).map {
                shard.vocabulary.hash(UInt32(truncatingIfNeeded: shard.suffixArray.tokens[$0]))
            }
            hashes.withUnsafeBufferPointer { NGramHash.forEachNGram(of: $0, n: 13) { _, hash in exact.insert(hash); occurrences += 1 } }
        }
        #expect(exact.count < occurrences)
        let ratio = Double(parameters.expectedNGrams) / Double(exact.count)
        #expect(ratio >= 1.0 && ratio <= 1.06, "sized for \(parameters.expectedNGrams), \(exact.count) distinct")
        // The sketch on disk is the one the manifest describes, and still never misses an n-gram of the corpus.
        #expect(index.sketches[0].parameters == parameters)
        #expect(Index.verify(path: index.path).isEmpty)
    }
}
