import Foundation
import Testing
@testable import ContamStorage
@testable import ContamIndex
import ContamTestSupport

/// Damaged indexes are refused on open with `IndexError.damaged` naming the file, in process (the
/// end-to-end matrix is `CorruptionMatrixTests`); indexes from before the manifest's file records still open.
@Suite struct IndexDamageTests {
    /// Builds the shared small corpus into `dir/i.idx` (several shards when `shardTokens` is small).
    static func build(_ dir: TestDirectory, shardTokens: Int = 1 << 20) throws -> String {
        let (corpus, _) = try IndexTests.makeCorpus(dir)
        let path = dir.file("i.idx")
        _ = try IndexTests.build(corpus, to: path, shardTokens: shardTokens)
        return path
    }

    /// XORs `mask` into the bytes of `path` at `offsets`.
    static func flip(_ path: String, at offsets: some Sequence<Int>, mask: UInt8 = 0xFF) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for offset in offsets { bytes[offset] ^= mask }
        try writeTestFile(atPath: path, contents: Data(bytes))
    }

    /// The error opening `path` throws, as `IndexError.damaged`'s parts (nil when it throws something else).
    static func damage(openingIndexAt path: String) -> (path: String, index: String, detail: String)? {
        do {
            _ = try OpenedIndex.open(path: path)
            return nil
        } catch IndexError.damaged(let file, let index, let detail) {
            return (file, index, detail)
        } catch {
            return nil
        }
    }

    @Test func damagedVocabularyGivesTheDamagedMessage() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        let vocabulary = "\(index)/shard-0000/vocab.bin"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: vocabulary)[.size] as? Int)
        // The top bit of every 8-byte word: offsets no Int holds (what trapped Vocabulary.init before).
        try Self.flip(vocabulary, at: stride(from: 64 + 7, to: size, by: 8), mask: 0x80)
        let error = #expect(throws: IndexError.self) { try OpenedIndex.open(path: index) }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.hasPrefix("\(vocabulary): index damaged: "), "\(message)")
        #expect(message.hasSuffix("; run 'contam verify \(index)' and rebuild the index"), "\(message)")
    }

    @Test func aDamagedVocabularyStringIsRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        let vocabulary = "\(index)/shard-0000/vocab.bin"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vocabulary)))
        // A string in the pool (the last bytes of the file), changed in place: sizes and offsets stay sound.
        let word = Array("software".utf8)
        let at = try #require((0...(bytes.count - word.count)).last { Array(bytes[$0..<($0 + word.count)]) == word })
        try Self.flip(vocabulary, at: [at], mask: 0x20)
        let found = try #require(Self.damage(openingIndexAt: index))
        #expect(found.path == vocabulary)
        #expect(found.detail.contains("does not match its hash"), "\(found.detail)")
    }

    @Test func documentTableOutOfItsFilesIsRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        let records = "\(index)/shard-0000/docs.bin"
        // Document 1's first token (bytes 48..<56 of the payload) made huge.
        try Self.flip(records, at: [64 + 48 + 7], mask: 0x80)
        let found = try #require(Self.damage(openingIndexAt: index))
        #expect(found.path == records)
        #expect(found.detail.contains("document 1"), "\(found.detail)")
    }

    @Test func externalIDOffsetsOutsideThePoolAreRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        let ids = "\(index)/shard-0000/ids.bin"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: ids)[.size] as? Int)
        // The high byte of the last offset (what `externalID` trapped on).
        try Self.flip(ids, at: [size - 1])
        let found = try #require(Self.damage(openingIndexAt: index))
        #expect(found.path == ids)
        #expect(found.detail.contains("external id offset"), "\(found.detail)")
    }

    @Test func aFileOfAnotherShardIsRefusedByTheManifestsRecord() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir, shardTokens: 1500)
        let manifest = try IndexManifest.read(directory: index)
        try #require(manifest.shards.count >= 2, "the build should have made several shards")
        let target = "\(index)/shard-0000/docs.bin"
        try FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: "\(index)/shard-0001/docs.bin", toPath: target)
        let found = try #require(Self.damage(openingIndexAt: index))
        #expect(found.path == target)
        #expect(found.detail.contains("not the file this index was built with"), "\(found.detail)")
        #expect(Index.verify(path: index).contains { $0.contains("docs.bin") && $0.contains("not the file") })
    }

    @Test func anEditedManifestIsRefusedByItsChecksum() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        let path = "\(index)/\(IndexManifest.fileName)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let manifest = try IndexManifest.read(directory: index)
        let edited = text.replacingOccurrences(of: "\"textBytes\" : \(manifest.corpus.textBytes)", with: "\"textBytes\" : \(manifest.corpus.textBytes + 1)")
        try #require(edited != text)
        try writeTestFile(atPath: path, text: edited)
        let found = try #require(Self.damage(openingIndexAt: index))
        #expect(found.path == path)
        #expect(found.detail.contains("checksum mismatch"))
    }

    @Test func aManifestWithoutRecordsAndChecksumStillOpens() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        var manifest = try IndexManifest.read(directory: index)
        #expect(manifest.manifestChecksum != nil)
        #expect(manifest.shards.allSatisfy { $0.files?.count == ShardFile.files(of: $0, kind: .full).count })
        let expected = try Index.open(path: index).count(of: ["the"])
        // What an index written before the records looks like.
        manifest.manifestChecksum = nil
        for i in manifest.shards.indices { manifest.shards[i].files = nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeTestFile(atPath: "\(index)/\(IndexManifest.fileName)", contents: try encoder.encode(manifest))
        #expect(try Index.open(path: index).count(of: ["the"]) == expected)
        #expect(Index.verify(path: index).isEmpty)
    }

    @Test func aShardListedTwiceIsRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir)
        var manifest = try IndexManifest.read(directory: index)
        manifest.shards.append(manifest.shards[0])
        // Written (and sealed) by the manifest's own writer, so only the shard list is wrong.
        try manifest.write(directory: index)
        let found = try #require(Self.damage(openingIndexAt: index))
        #expect(found.detail.contains("listed twice"), "\(found.detail)")
        manifest.shards = []
        try manifest.write(directory: index)
        #expect(Self.damage(openingIndexAt: index)?.detail == "no shard")
    }

    @Test func openSamplesAtMostABoundedNumberOfDocuments() {
        #expect(IndexShard.sample(10) == Array(0..<10))
        let many = IndexShard.sample(1_000_003)
        #expect(many.count == IndexShard.sampledDocuments)
        #expect(many.first == 0 && many.last == 1_000_002)
        #expect(zip(many, many.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func storeFrameTableAndFramesAreChecked() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let path = dir.file("store.bin")
        let writer = try ZstdBlockStoreWriter(path: path, kind: ShardFile.store.kind, frameBytes: 64)
        let text = [UInt8]((0..<1000).flatMap { Array("line \($0) of the store\n".utf8) })
        try writer.append(text)
        try writer.finish()
        let reader = try ZstdBlockStoreReader(path: path, kind: ShardFile.store.kind)
        #expect(try reader.bytes(offset: 100, length: 500) == Array(text[100..<600]))
        // A damaged frame is a clear error, never a trap.
        try Self.flip(path, at: [64 + 20])
        let damagedFrame = try ZstdBlockStoreReader(path: path, kind: ShardFile.store.kind)
        #expect(throws: StorageError.self) {
            for offset in stride(from: 0, to: text.count, by: 64) { _ = try damagedFrame.bytes(offset: UInt64(offset), length: 64) }
        }
        // A frame table whose offsets go backwards is refused on open.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let frames = Int(reader.file.header.parameter)
        let entryOne = size - 8 - (frames + 1) * 16 + 16
        try Self.flip(path, at: [entryOne + 7], mask: 0x40)
        #expect(throws: StorageError.self) { try ZstdBlockStoreReader(path: path, kind: ShardFile.store.kind) }
    }
}
