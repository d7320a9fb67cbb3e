import Foundation
import Testing
@testable import ContamStorage
@testable import ContamIndex
import ContamTestSupport

/// `ShardFile` is the index format: these literals pin it, so a change to a name, kind or width fails
/// here before it makes existing indexes unreadable.
@Suite struct ShardLayoutTests {
    @Test func namesKindsAndWidthsAreTheFormats() {
        let expected: [(ShardFile, String, String, UInt32?)] = [
            (.tokens, "tokens.bin", "TOKN", nil), (.suffixes, "sa.bin", "SUFA", nil), (.vocabulary, "vocab.bin", "VOCB", 32),
            (.documents, "docs.bin", "DOCS", 384), (.documentIDs, "ids.bin", "DIDS", 64), (.store, "store.zst.bin", "STOR", 8),
            (.sketch, "sketch.bloom", "BLOM", 512),
        ]
        #expect(ShardFile.allCases == expected.map(\.0))
        for (file, name, kind, bits) in expected {
            #expect(file.fileName == name && file.kind == kind && file.elementBits == bits, "\(file)")
        }
        #expect(ShardFile.shardDirectory(number: 0) == "shard-0000" && ShardFile.shardDirectory(number: 12) == "shard-0012")
        #expect(NGramSketch.fileName == "sketch.bloom" && NGramSketch.fileKind == "BLOM")
    }

    @Test func builtShardsHoldExactlyTheLayoutsFilesWithItsHeaders() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, _) = try IndexTests.makeCorpus(dir)
        let index = try IndexTests.build(corpus, to: dir.file("full.idx"), shardTokens: 1 << 24)
        let entry = index.manifest.shards[0]
        let shardPath = "\(index.path)/\(entry.directory)"
        let files = ShardFile.files(of: entry, kind: .full)
        #expect(files == ShardFile.allCases)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shardPath).sorted() == files.map(\.fileName).sorted())
        for file in files {
            let header = try file.open(inShard: shardPath).header
            #expect(header.kind == file.kind)
            #expect(header.elementBits == file.elementBits ?? UInt32(file == .tokens ? entry.tokenBits : entry.suffixBits), "\(file)")
        }
        #expect(Index.verify(path: index.path).isEmpty)

        var options = IndexBuildOptions()
        options.sketchOnly = true
        _ = try IndexBuilder(inputs: [corpus], outputPath: dir.file("sketch.idx"), options: options).build()
        let sketchOnly = try OpenedIndex.open(path: dir.file("sketch.idx"))
        #expect(ShardFile.files(of: sketchOnly.manifest.shards[0], kind: .sketchOnly) == [.sketch])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("sketch.idx/shard-0000")) == ["sketch.bloom"])

        var noSketch = sketchOnly.manifest.shards[0]
        noSketch.sketch = nil
        #expect(ShardFile.files(of: noSketch, kind: .full) == [.tokens, .suffixes, .vocabulary, .documents, .documentIDs, .store])
    }
}
