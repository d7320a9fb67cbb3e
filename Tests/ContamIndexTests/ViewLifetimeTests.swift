import Foundation
import Testing
@testable import ContamStorage
@testable import ContamText
@testable import ContamIndex
import ContamTestSupport

/// A shard's views (its suffix array, vocabulary, document table and store) keep reading correct data after
/// the index that made them is released: each holds its mapping, so nothing it reads can be unmapped.
@Suite struct ViewLifetimeTests {
    /// What a shard answered while its index was open, to compare with what the kept views answer later.
    struct Answers: Equatable {
        var tokens: [UInt64]
        var suffixes: [UInt64]
        var counts: [Int]
        var firstDocument: DocumentRecord
        var firstText: [UInt8]
        var firstToken: String
    }

    static func answers(suffixArray: SuffixArray, vocabulary: Vocabulary, documents: DocumentTable, store: ZstdBlockStoreReader,
                        patterns: [[String]]) throws -> Answers {
        let record = documents.record(0)
        return Answers(tokens: (0..<suffixArray.count).map { suffixArray.tokens[$0] },
                       suffixes: (0..<suffixArray.count).map { suffixArray.suffixes[$0] },
                       counts: patterns.map { pattern in suffixArray.count(of: pattern.map { vocabulary.id(of: $0) ?? SuffixArray.absentToken }) },
                       firstDocument: record,
                       firstText: try store.bytes(offset: record.storeOffset, length: Int(record.byteLength)),
                       firstToken: vocabulary.token(1))
    }

    @Test func viewsKeptAfterTheIndexIsReleasedReadTheirFiles() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, _) = try IndexTests.makeCorpus(dir)
        _ = try IndexTests.build(corpus, to: dir.file("lifetime.idx"), shardTokens: 1 << 24)
        let patterns = [["the"], ["redistribution", "and", "use"], ["copyright"], ["no", "such", "phrase", "anywhere"]]
        weak var releasedIndex: Index?
        weak var releasedShard: IndexShard?
        weak var tokensMapping: MappedFile?
        // Opens the index and returns only the shard's views (and what they answer while it is open): the
        // index and the shard are released when this returns.
        func openViews() throws -> (SuffixArray, Vocabulary, DocumentTable, ZstdBlockStoreReader, Answers) {
            let index = try Index.open(path: dir.file("lifetime.idx"))
            let shard = index.shards[0]
            releasedIndex = index
            releasedShard = shard
            tokensMapping = shard.tokensFile.file
            let answers = try Self.answers(suffixArray: shard.suffixArray, vocabulary: shard.vocabulary, documents: shard.documents,
                                           store: shard.store, patterns: patterns)
            return (shard.suffixArray, shard.vocabulary, shard.documents, shard.store, answers)
        }
        let (suffixArray, vocabulary, documents, store, expected) = try openViews()
        #expect(expected.counts[0] > 0 && expected.counts[3] == 0)
        #expect(releasedIndex == nil && releasedShard == nil, "the index and its shard are gone")
        #expect(tokensMapping != nil, "the suffix array keeps tokens.bin mapped")
        let later = try Self.answers(suffixArray: suffixArray, vocabulary: vocabulary, documents: documents, store: store, patterns: patterns)
        #expect(later == expected)
    }

    @Test func mappedSketchOutlivesItsIndex() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, _) = try IndexTests.makeCorpus(dir)
        var options = IndexBuildOptions()
        options.sketchOnly = true
        _ = try IndexBuilder(inputs: [corpus], outputPath: dir.file("sketch.idx"), options: options).build()
        var index: (any SketchedIndex)? = try OpenedIndex.open(path: dir.file("sketch.idx")).sketched
        let filter = try #require(index?.sketches.first?.filter)
        let expected = filter.withUnsafeBytes { Array($0) }
        index = nil
        #expect(filter.withUnsafeBytes { Array($0) } == expected)
        #expect(filter.fillRatio > 0)
    }
}
