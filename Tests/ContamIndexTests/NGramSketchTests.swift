import Foundation
import Testing
@testable import ContamStorage
@testable import ContamText
@testable import ContamIndex
import ContamTestSupport

@Suite struct NGramSketchTests {
    /// The sliding window agrees with the reference definition for every n-gram (and its end index) of
    /// random documents, including documents shorter than n, empty ones and adversarial hash values.
    @Test func slidingWindowMatchesReferenceHash() {
        var random = SeededRandom(seed: 7)
        for n in [1, 2, 3, 13, 63, 64] {
            for length in [0, 1, n - 1, n, n + 1, 150] + (0..<4).map({ _ in Int.random(in: 0...300, using: &random) }) where length >= 0 {
                // Repeated, zero and all-ones hashes besides random ones.
                let hashes: [UInt64] = (0..<length).map { i in
                    switch i % 7 { case 0: return 0; case 1: return 42; case 2: return .max; default: return random.next() }
                }
                var got: [(Int, UInt64)] = []
                hashes.withUnsafeBufferPointer { document in NGramHash.forEachNGram(of: document, n: n) { got.append(($0, $1)) } }
                let expected = hashes.count < n ? [] : (n - 1..<hashes.count).map { end in
                    (end, NGramHash.hash(tokenHashes: hashes[(end + 1 - n)...end]))
                }
                #expect(got.map(\.0) == expected.map(\.0), "n \(n), length \(length)")
                #expect(got.map(\.1) == expected.map(\.1), "n \(n), length \(length)")
            }
        }
    }

    /// Rolling in place over a document inside a larger buffer gives the sliding window's hashes in order
    /// and leaves the rest of the buffer alone.
    @Test func rollingInPlaceMatchesTheSlidingWindow() {
        var random = SeededRandom(seed: 17)
        for n in [1, 2, 13, 64] {
            for length in [0, 1, n - 1, n, n + 1, 200] where length >= 0 {
                for offset in [0, 1, 5] {
                    let hashes = (0..<length).map { i in i % 5 == 0 ? 7 : random.next() }
                    var expected: [UInt64] = []
                    hashes.withUnsafeBufferPointer { document in NGramHash.forEachNGram(of: document, n: n) { expected.append($1) } }
                    let sentinel: UInt64 = 0xDEAD_BEEF
                    var buffer = [UInt64](repeating: sentinel, count: offset) + hashes + [sentinel]
                    let written = buffer.withUnsafeMutableBufferPointer { NGramHash.rollInPlace($0.baseAddress! + offset, count: length, n: n) }
                    #expect(written == expected.count && Array(buffer[offset..<(offset + written)]) == expected, "n \(n), length \(length), offset \(offset)")
                    #expect(buffer.prefix(offset).allSatisfy { $0 == sentinel } && buffer.last == sentinel)
                }
            }
        }
    }

    @Test func ngramHashDependsOnOrderAndSize() {
        let a = NGramHash.hash(tokens: ["a", "b", "c"])
        #expect(a != NGramHash.hash(tokens: ["b", "a", "c"]))
        #expect(a != NGramHash.hash(tokens: ["a", "b"]))
        #expect(a == NGramHash.hash(tokenHashes: ["a", "b", "c"].map { TokenHash.hash($0) }))
    }

    @Test func bloomFilterHasNoFalseNegativesAndTheModeledRate() throws {
        var random = SeededRandom(seed: 11)
        let keys = (0..<20_000).map { _ in random.next() }
        let sizing = BloomFilter.sizing(keys: keys.count, targetRate: 0.01)
        let filter = try BloomFilter(blockCount: sizing.blockCount, hashFunctions: sizing.hashFunctions, seed: 3)
        for key in keys { filter.insert(key) }
        #expect(keys.allSatisfy { filter.contains($0) })
        let probes = 100_000
        let falsePositives = (0..<probes).filter { _ in filter.contains(random.next()) }.count
        let rate = Double(falsePositives) / Double(probes)
        #expect(rate <= 0.015, "measured \(rate)")
        #expect(rate >= 0.005, "measured \(rate): far below the model, the probes are not independent")
        #expect(abs(filter.falsePositiveRateFromFill - rate) < 0.004)
        let bitsPerKey = Double(filter.bitCount) / Double(keys.count)
        #expect(bitsPerKey < 11, "\(bitsPerKey) bits per key at 1 %")
    }

    /// The binary search returns the smallest block count that meets the target, found here by trying
    /// every count from 1 (the oracle), and the best k for it.
    @Test func sizingIsTheSmallestFilterMeetingTheTarget() {
        for (keys, target) in [(1, 0.01), (40, 0.01), (3000, 0.01), (3000, 0.1), (2000, 0.001), (500, 0.5)] {
            func best(_ blocks: Int) -> (rate: Double, k: Int) {
                (1...16).map { (BloomFilter.falsePositiveRate(blockCount: blocks, keys: Double(keys), hashFunctions: $0), $0) }.min { $0.0 < $1.0 }!
            }
            var smallest = 1
            while best(smallest).rate > target { smallest += 1 }
            let sizing = BloomFilter.sizing(keys: keys, targetRate: target)
            #expect(sizing.blockCount == smallest, "\(keys) keys at \(target)")
            #expect(sizing.hashFunctions == best(smallest).k, "\(keys) keys at \(target)")
        }
    }

    @Test func sizingMeetsTargets() {
        for (keys, target) in [(1, 0.01), (1000, 0.01), (1_000_000, 0.01), (1_000_000, 0.001), (10_000, 0.1)] {
            let s = BloomFilter.sizing(keys: keys, targetRate: target)
            let rate = BloomFilter.falsePositiveRate(blockCount: s.blockCount, keys: Double(keys), hashFunctions: s.hashFunctions)
            #expect(rate <= target)
            if s.blockCount > 1 {
                #expect(BloomFilter.falsePositiveRate(blockCount: s.blockCount - 1, keys: Double(keys), hashFunctions: s.hashFunctions) > target * 0.999)
            }
        }
    }

    @Test func writeReadRoundTripAndUnion() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let parameters = NGramSketchParameters(ngramSizes: [3, 5], expectedNGrams: 5000, targetFalsePositiveRate: 0.01)
        let a = try NGramSketch(parameters: parameters), b = try NGramSketch(parameters: parameters), both = try NGramSketch(parameters: parameters)
        var random = SeededRandom(seed: 5)
        let docs = (0..<40).map { _ in (0..<60).map { _ in random.next() % 500 } }
        for (i, doc) in docs.enumerated() {
            (i % 2 == 0 ? a : b).insert(documentTokenHashes: doc)
            both.insert(documentTokenHashes: doc)
        }
        try a.write(to: dir.file("a.bloom"))
        try b.write(to: dir.file("b.bloom"))
        let readA = try NGramSketch(path: dir.file("a.bloom"))
        #expect(readA.parameters == parameters)
        #expect(readA.insertedNGrams == a.insertedNGrams)
        #expect(readA.filter.withUnsafeBytes { Array($0) } == a.filter.withUnsafeBytes { Array($0) })
        try readA.verifyChecksum()
        let merged = try NGramSketch(parameters: parameters)
        try merged.formUnion(readA, otherName: "a")
        try merged.formUnion(try NGramSketch(path: dir.file("b.bloom")), otherName: "b")
        #expect(merged.filter.withUnsafeBytes { Array($0) } == both.filter.withUnsafeBytes { Array($0) })
        #expect(merged.insertedNGrams == both.insertedNGrams)
        // Mismatched parameters are refused with a message naming the part and what differs.
        let other = try NGramSketch(parameters: NGramSketchParameters(ngramSizes: [3, 5], expectedNGrams: 9000, targetFalsePositiveRate: 0.01))
        #expect(throws: IndexError.self) { try merged.formUnion(other, otherName: "part-2.idx") }
        do { try merged.formUnion(other, otherName: "part-2.idx") } catch {
            #expect("\(error)".contains("part-2.idx") && "\(error)".contains("bits"))
        }
    }

    @Test func corruptAndForeignFilesAreRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let sketch = try NGramSketch(parameters: NGramSketchParameters(ngramSizes: [13], expectedNGrams: 100, targetFalsePositiveRate: 0.01))
        sketch.insert(documentTokenHashes: Array(0..<40))
        let path = dir.file("s.bloom")
        try sketch.write(to: path)
        var bytes = try #require(FileManager.default.contents(atPath: path).map(Array.init))
        bytes[200] ^= 0x10
        _ = dir.write("flipped.bloom", bytes: bytes)
        let flipped = try NGramSketch(path: dir.file("flipped.bloom"))
        #expect(throws: StorageError.checksumMismatch(path: dir.file("flipped.bloom"))) { try flipped.verifyChecksum() }
        _ = dir.write("short.bloom", bytes: Array(bytes.dropLast(64)))
        #expect(throws: StorageError.self) { _ = try NGramSketch(path: dir.file("short.bloom")) }
        do { _ = try NGramSketch(path: dir.file("short.bloom")) } catch { #expect("\(error)".contains("short.bloom")) }
        var badK = bytes
        badK[64] = 0  // hash functions = 0
        _ = dir.write("badk.bloom", bytes: badK)
        do { _ = try NGramSketch(path: dir.file("badk.bloom")); Issue.record("accepted k = 0") } catch {
            #expect("\(error)".contains("badk.bloom") && "\(error)".contains("hash functions"))
        }
    }
}
