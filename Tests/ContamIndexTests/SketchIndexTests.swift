import Foundation
import Testing
@testable import ContamIndex
import ContamTestSupport

/// The sketch inside real indexes of corpora/: no false negatives, agreement with the suffix array,
/// the measured false-positive rate, sketch-only builds and verify.
@Suite(.serialized) struct SketchIndexTests {
    @Test func everyNGramOfEveryDocumentIsFoundAndAgreesWithSuffixArray() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try SampleIndex.build(dir.file("full.idx")) { $0.shardTokens = 40_000 }  // several shards
        #expect(index.shards.count > 1 && index.sketches.count == index.shards.count)
        let only = try SampleIndex.buildSketchOnly(dir.file("only.idx"))
        var checked = 0
        for (shardIndex, shard) in index.shards.enumerated() {
            for document in 0..<shard.documents.count {
                let tokens = try index.documentTokens(CorpusDocumentRef(shard: shardIndex, document: document)).tokens.map(\.text)
                guard tokens.count >= 13 else { continue }
                for start in stride(from: 0, through: tokens.count - 13, by: 1) {
                    let gram = tokens[start..<(start + 13)]
                    // Present in the suffix array (it is in the corpus), so the sketch must say present.
                    if checked % 50 == 0 { #expect(index.count(of: gram) > 0) }
                    guard index.sketchContains(tokens: gram), only.sketchContains(tokens: gram) else {
                        Issue.record("false negative: \(gram.joined(separator: " "))")
                        return
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 100_000)
    }

    @Test func fullAndSketchOnlyBuildsGiveTheSameBits() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        // Sized alike (a full build sizes for distinct n-grams by default, a sketch-only one for the occurrences
        // its sample predicts), both insert the same n-grams into the same bits.
        let full = try SampleIndex.build(dir.file("full.idx")) { $0.sketch?.expectedNGrams = 150_000 }
        let only = try SampleIndex.buildSketchOnly(dir.file("only.idx")) { $0.sketch?.expectedNGrams = 150_000 }
        #expect(full.sketches.count == 1 && only.sketches.count == 1)
        #expect(full.sketches[0].parameters == only.sketches[0].parameters)
        #expect(full.sketches[0].filter.withUnsafeBytes { Array($0) } == only.sketches[0].filter.withUnsafeBytes { Array($0) })
        #expect(full.sketches[0].insertedNGrams == only.sketches[0].insertedNGrams)
    }

    @Test func measuredFalsePositiveRateIsNearTarget() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try SampleIndex.build(dir.file("full.idx"))
        let sketch = index.sketches[0]
        let vocabulary = (1...min(index.shards[0].vocabulary.count, 3000)).map { index.shards[0].vocabulary.token(UInt32($0)) }
        let result = SketchFalsePositiveProbe(probes: 20_000).measure(sketch, n: 13, words: vocabulary) { index.count(of: $0[...]) > 0 }
        let overIndex = SketchFalsePositiveProbe(probes: 20_000).measure(.full(index), n: 13)
        #expect(overIndex.randomRate == result.randomRate)
        let target = sketch.parameters.targetFalsePositiveRate
        #expect(result.randomRate <= 1.5 * target, "random \(result.randomRate)")
        #expect(result.shuffledRate <= 1.5 * target, "shuffled \(result.shuffledRate)")
        #expect(result.randomRate > 0, "a 1 % filter answering no false positive in 20000 probes is suspicious")
        #expect(abs(sketch.filter.falsePositiveRateFromFill - result.randomRate) < 0.005)
    }

    @Test func sketchOnlyIndexAnswersHasAndRefusesSuffixArrayQueries() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try SampleIndex.buildSketchOnly(dir.file("only.idx"))
        #expect(index.manifest.kind == .sketchOnly)
        #expect(throws: IndexError.self) { _ = try Index.open(path: dir.file("only.idx")) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("only.idx/shard-0000/store.zst.bin")))
        let answers = try index.sketchAnswers(for: "This program is free software: you can redistribute it and/or modify it under the terms")
        #expect(answers.count > 1 && answers.allSatisfy(\.present))
        let absent = try index.sketchAnswers(for: "zqxj wvut zqxj wvut zqxj wvut zqxj wvut zqxj wvut zqxj wvut zqxj")
        #expect(absent.count == 1 && !absent[0].present)
        #expect(throws: IndexError.self) { _ = try index.sketchAnswers(for: "too short") }
        do {
            _ = try OpenedIndex.open(path: dir.file("only.idx")).requireFull(for: "count")
            Issue.record("a sketch-only index gave out a suffix array")
        } catch {
            #expect("\(error)".contains("built with --sketch-only; count needs a full index"))
        }
        #expect(Index.verify(path: dir.file("only.idx")).isEmpty)
    }

    @Test func noSketchAndMultipleSizes() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let none = try SampleIndex.build(dir.file("none.idx")) { $0.sketch = nil }
        #expect(none.sketches.isEmpty && none.manifest.shards[0].sketch == nil)
        #expect(throws: IndexError.self) { _ = try none.sketchAnswers(for: "a b c d e f g h i j k l m n") }
        let two = try SampleIndex.buildSketchOnly(dir.file("two.idx")) { $0.sketch?.ngramSizes = [8, 13] }
        let answers8 = try two.sketchAnswers(for: "you may convey verbatim copies of the program")
        #expect(answers8.count == 1 && answers8[0].n == 8 && answers8[0].present)
        let answers13 = try two.sketchAnswers(for: "you may convey verbatim copies of the program's source code as you receive it")
        #expect(answers13.allSatisfy { $0.n == 13 && $0.present })
    }

    @Test func verifyDetectsCorruptSketch() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        _ = try SampleIndex.build(dir.file("full.idx"))
        let path = dir.file("full.idx/shard-0000/sketch.bloom")
        var bytes = try #require(FileManager.default.contents(atPath: path).map(Array.init))
        bytes[bytes.count / 2] ^= 0xFF
        _ = dir.write("full.idx/shard-0000/sketch.bloom", bytes: bytes)
        let problems = Index.verify(path: dir.file("full.idx"))
        #expect(problems.count == 1 && problems[0].contains("sketch.bloom") && problems[0].contains("checksum"), "\(problems)")
    }
}
