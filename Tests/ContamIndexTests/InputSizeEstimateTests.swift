import Foundation
import Testing
@testable import ContamStorage
@testable import ContamIndex
import ContamTestSupport

/// The input-size token estimate that shard planning and the per-shard sketch budget share.
@Suite struct InputSizeEstimateTests {
    @Test func threeBytesATokenOverTheFileSizes() {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let a = dir.write("a.txt", String(repeating: "x", count: 3000))
        let b = dir.write("b.jsonl", String(repeating: "y", count: 1500))
        #expect(IndexBuilder.estimatedTokens(ofInputs: [a, b]) == 1500)
        #expect(IndexBuilder.estimatedTokens(ofInputs: []) == 0)
        #expect(IndexBuilder.estimatedTokens(ofInputs: [a, "-"]) == nil)
        #expect(IndexBuilder.estimatedTokens(ofInputs: [dir.file("missing.txt")]) == nil)
    }

    @Test func compressedInputsCountTheirDeclaredSize() throws {
        // The sample tutorial is zstd-compressed with its content size in the frame header.
        let path = "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst"
        let declared = try #require(Zstd.declaredContentSize(ofFileAt: path))
        #expect(IndexBuilder.estimatedTokens(ofInputs: [path]) == declared / 3)
    }

    @Test func planningAndTheSketchBudgetAgreeOnTheShardCount() {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let input = dir.write("big.txt", String(repeating: "word ", count: 60_000))  // 300 KB: ~100 K tokens
        let shardTokens = 30_000
        let perShard = SketchIndexBuilder.perShardOptions(SketchBuildOptions(), shardTokens: shardTokens, sources: [input])
        #expect(perShard.targetFalsePositiveRate == SketchBuildOptions().targetFalsePositiveRate / 4)
        #expect(IndexBuilder.plannedShardTokens(explicit: 1234, sources: [input]) == 1234)
        #expect(IndexBuilder.plannedShardTokens(explicit: nil, sources: ["-"]) == IndexBuildOptions.memoryShardTokens)
        let unknown = SketchIndexBuilder.perShardOptions(SketchBuildOptions(), shardTokens: shardTokens, sources: ["-"])
        #expect(unknown.targetFalsePositiveRate == SketchBuildOptions().targetFalsePositiveRate)
    }

    @Test func tokenDenseDocumentsFitWithoutShardTokens() throws {
        // One 400 KB line of `a,a,a,…` is one token a byte: three times the plan's 3-bytes-a-token estimate.
        let dir = TestDirectory(); defer { dir.cleanup() }
        let dense = dir.write("dense.txt", String(repeating: "a,", count: 200_000))
        let small = dir.write("small.txt", "a few words of ordinary text")
        let planned = IndexBuilder.plannedShardTokens(explicit: nil, sources: [dense, small])
        #expect(planned < 400_000)
        let summary = try IndexBuilder(inputs: [dense, small], outputPath: dir.file("dense.idx"), options: IndexBuildOptions()).build()
        #expect(summary.manifest.corpus.documents == 2 && summary.manifest.corpus.tokens == 400_000 + 6 + 2, "\(summary.manifest.corpus.tokens)")  // and a separator after each document
        let index = try Index.open(path: dir.file("dense.idx"))
        #expect(index.count(of: ["a", ",", "a"]) == 199_999)
        // A size the user chose is the user's: the document is refused, naming it and the option.
        var explicit = IndexBuildOptions()
        explicit.shardTokens = 100_000
        #expect {
            try IndexBuilder(inputs: [dense], outputPath: dir.file("explicit.idx"), options: explicit).build()
        } throws: { "\($0)".contains("dense.txt:1") && "\($0)".contains("--shard-tokens 100000") }
    }
}
