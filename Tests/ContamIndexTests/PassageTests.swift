import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
import ContamStorage
import ContamTestSupport

/// `IndexShard.passage` (a window of the store, tokenized from a token byte checkpoint) against its definition,
/// `Passage.extract` over the whole document tokenized from its start: equal for every document, many token
/// ranges and context sizes, under each tokenizer option, with and without checkpoints (an index of the
/// previous format), and over small store frames so that windows cross frames.
@Suite struct PassageTests {
    /// Documents that stress restarting the tokenizer: long ones (many checkpoints), ellipses and ligatures (one
    /// scalar, several tokens), combining marks, CJK, runs of white space, markup, and multi-byte text at the edges.
    static func documents() throws -> [String] {
        var rng = SeededRandom(seed: 17)
        let license = try String(contentsOfFile: "\(repositoryRoot)/corpora/licenses/BSD.txt", encoding: .utf8)
        let words = license.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let odd = ["……", "…", "ﬁnd", "e\u{301}cole", "日本語の文章", "  \n\t ", "<b>bold</b>", "<!-- hidden -->", "x²", "Ⅻ", "ＡＢＣ",
                   "“quoted”", "can't", "a_b", "--", "€100", "naïve", "\u{00AD}", "😀👍🏽", "Ǆ"]
        var documents: [String] = []
        for d in 0..<40 {
            let length = d % 4 == 0 ? Int.random(in: 300...1500, using: &rng) : Int.random(in: 1...120, using: &rng)
            var parts: [String] = []
            for _ in 0..<length {
                parts.append(Int.random(in: 0..<5, using: &rng) == 0 ? odd.randomElement(using: &rng)! : words.randomElement(using: &rng)!)
                parts.append(Int.random(in: 0..<8, using: &rng) == 0 ? "\n\n" : " ")
            }
            documents.append((d % 3 == 0 ? "é" : "") + parts.joined() + (d % 5 == 0 ? "日" : ""))
        }
        documents.append(license)
        return documents
    }

    static func build(_ dir: TestDirectory, name: String, tokenizer: TokenizerOptions, shardTokens: Int) throws -> Index {
        let lines = try documents().map { "{\"text\": \(String(decoding: try JSONEncoder().encode($0), as: UTF8.self))}" }
        let corpus = dir.file("\(name).jsonl")
        try writeTestFile(atPath: corpus, text: lines.joined(separator: "\n") + "\n")
        var options = IndexBuildOptions()
        options.shardTokens = shardTokens
        options.tokenizer = tokenizer
        let path = dir.file("\(name).idx")
        _ = try IndexBuilder(inputs: [corpus], outputPath: path, options: options).build()
        return try Index.open(path: path)
    }

    /// Every document's passages for a sample of token ranges (all starts of short documents), compared with the
    /// whole-document definition. Returns how many were compared and how many of them the windowed path
    /// handed to the whole-document one.
    @discardableResult
    static func expectPassagesMatchDefinition(_ index: Index, seed: UInt64) throws -> (compared: Int, wholeDocument: Int) {
        var rng = SeededRandom(seed: seed)
        var compared = 0, wholeDocument = 0
        for shard in index.shards {
            for document in 0..<shard.documents.count {
                let tokenCount = Int(shard.documents.record(document).tokenCount)
                let starts = tokenCount <= 40 ? Array(0..<tokenCount) : (0..<40).map { _ in Int.random(in: 0..<tokenCount, using: &rng) }
                for start in starts {
                    let length = Int.random(in: 1...min(25, tokenCount - start), using: &rng)
                    let context = [0, 1, 7, 80, 400][Int.random(in: 0..<5, using: &rng)]
                    let (fast, fellBack) = try shard.windowedPassage(document: document, tokenRange: start..<(start + length), contextBytes: context, tokenizer: index.tokenizer)
                    if fellBack { wholeDocument += 1 }
                    let slow = try shard.wholeDocumentPassage(document: document, tokenRange: start..<(start + length), contextBytes: context, tokenizer: index.tokenizer)
                    #expect(fast != nil)
                    #expect(fast == slow, "document \(document), tokens \(start)..<\(start + length), context \(context)")
                    compared += 1
                }
                // Outside the document: nil, as the definition gives.
                #expect(try shard.passage(document: document, tokenRange: tokenCount..<(tokenCount + 1), contextBytes: 80, tokenizer: index.tokenizer) == nil)
            }
        }
        return (compared, wholeDocument)
    }

    @Test(arguments: [
        ("default", TokenizerOptions()),
        ("keep-case", TokenizerOptions(keepCase: true)),
        ("drop-punct", TokenizerOptions(dropPunctuation: true)),
        ("no-fold", TokenizerOptions(foldTypography: false)),
        ("lmeval", TokenizerOptions.lmeval),
        ("strip-markup", TokenizerOptions(stripMarkup: true)),
    ])
    func passagesFromCheckpointsEqualTheWholeDocumentDefinition(_ name: String, _ options: TokenizerOptions) throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        for shardTokens in [1 << 20, 6000] {
            let index = try Self.build(dir, name: "\(name)-\(shardTokens)", tokenizer: options, shardTokens: shardTokens)
            #expect(index.shards.allSatisfy { $0.documents.checkpointStride == DocumentTable.defaultCheckpointStride })
            let (compared, wholeDocument) = try Self.expectPassagesMatchDefinition(index, seed: UInt64(shardTokens))
            #expect(compared > 1000)
            // Markup is stripped with state, so those indexes always tokenize from the start; the others only when a
            // checkpoint fails the token comparison (none should: flagged checkpoints are skipped).
            if options.stripMarkup { #expect(wholeDocument == compared) } else { #expect(wholeDocument == 0, "\(wholeDocument) of \(compared)") }
        }
    }

    @Test func everyCheckpointNamesItsTokensFirstByte() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir, name: "c", tokenizer: TokenizerOptions(), shardTokens: 1 << 20)
        let shard = index.shards[0]
        var usable = 0, unusable = 0
        for document in 0..<shard.documents.count {
            let record = shard.documents.record(document)
            let text = try shard.text(of: document)
            let tokens = index.tokenizer.tokens(in: text)
            for (offset, token) in tokens.enumerated() {
                let position = Int(record.firstToken) + offset
                guard position % DocumentTable.defaultCheckpointStride == 0 else { continue }
                if let checkpoint = shard.documents.checkpoint(atOrBefore: position), checkpoint.tokenPosition == position {
                    #expect(checkpoint.storeOffset == record.storeOffset + UInt64(token.byteRange.lowerBound))
                    usable += 1
                } else {
                    // Only a token sharing its first byte with the one before it is flagged.
                    #expect(offset > 0 && tokens[offset - 1].byteRange.lowerBound == token.byteRange.lowerBound)
                    unusable += 1
                }
            }
        }
        #expect(usable > 50)
    }

    /// An index as the previous format wrote it: `docs.bin` version 1 without checkpoints, and a manifest without
    /// file records. It opens, verifies, and shows the same passages (tokenized from each document's start).
    @Test func anIndexWithoutCheckpointsStillShowsTheSamePassages() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir, name: "old", tokenizer: TokenizerOptions(), shardTokens: 1 << 20)
        let query = PhraseQuery(index: index)
        let expected = try query.locate("the", limit: 50).occurrences
        let path = index.path
        var manifest = try IndexManifest.read(directory: path)
        manifest.manifestChecksum = nil
        for i in manifest.shards.indices { manifest.shards[i].files = nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeTestFile(atPath: "\(path)/\(IndexManifest.fileName)", contents: try encoder.encode(manifest))
        for shard in manifest.shards {
            let docs = ShardFile.documents.path(inShard: "\(path)/\(shard.directory)")
            let file = try BinaryFile(path: docs, kind: ShardFile.documents.kind, versions: ShardFile.documents.formatVersions)
            let records = file.payload.withUnsafeBytes { Array($0.prefix(Int(file.header.count) * DocumentRecord.byteSize)) }
            var header = file.header
            header.formatVersion = 1
            header.parameter = 0
            header.payloadBytes = UInt64(records.count)
            header.checksum = records.withUnsafeBytes { XXHash64.hash($0) }
            try writeTestFile(atPath: docs, contents: Data(header.encoded() + records))
        }
        let old = try Index.open(path: path)
        #expect(old.shards.allSatisfy { $0.documents.checkpointStride == 0 })
        #expect(Index.verify(path: path).isEmpty)
        #expect(try PhraseQuery(index: old).locate("the", limit: 50).occurrences == expected)
        let (compared, wholeDocument) = try Self.expectPassagesMatchDefinition(old, seed: 3)
        #expect(compared > 1000 && wholeDocument == 0)
    }

    @Test func aDocumentTableOfALaterVersionIsRefusedWithTheVersion() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir, name: "v", tokenizer: TokenizerOptions(), shardTokens: 1 << 20)
        let docs = ShardFile.documents.path(inShard: index.shards[0].directory)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: docs)))
        bytes[8] = 9  // format version 9
        try writeTestFile(atPath: docs, contents: Data(bytes))
        let error = #expect(throws: (any Error).self) { try Index.open(path: index.path) }
        #expect("\(error!)".contains("version 9"))
        #expect("\(error!)".contains("docs.bin"))
    }

    @Test func checkpointsOutOfOrderAreRefusedOnOpen() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir, name: "o", tokenizer: TokenizerOptions(), shardTokens: 1 << 20)
        let shard = index.shards[0]
        let docs = ShardFile.documents.path(inShard: shard.directory)
        // Checkpoint 1 set past the store's end (the manifest's record is of the header, so only the structure check sees it).
        let offset = BinaryFileHeader.size + shard.documents.count * DocumentRecord.byteSize + 8
        try IndexDamageTests.flip(docs, at: [offset + 6])
        let found = IndexDamageTests.damage(openingIndexAt: index.path)
        #expect(found?.path == docs)
        #expect(found?.detail.contains("checkpoint") == true)
        #expect(Index.verify(path: index.path).isEmpty == false)
    }
}
