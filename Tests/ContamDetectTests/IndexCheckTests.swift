import Foundation
import Testing
@testable import ContamText
@testable import ContamCorpus
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// `contam check` on a real index against the brute-force in-memory corpus holding the same documents:
/// the verdicts and figures must agree, for one shard and for many; and the index's `CorpusTokenIDs`
/// fast path must agree with its own documents' tokens.
@Suite struct IndexCheckTests {
    static let inputs = ["\(repositoryRoot)/corpora/licenses", "\(repositoryRoot)/corpora/python-tutorial.jsonl.zst"]

    static func build(_ dir: TestDirectory, shardTokens: Int, tokenizer: TokenizerOptions = TokenizerOptions()) throws -> Index {
        var options = IndexBuildOptions()
        options.shardTokens = shardTokens
        options.tokenizer = tokenizer
        options.corpus.idField = "id"
        let path = dir.file("sample-\(shardTokens)-\(tokenizer.keepCase)-\(tokenizer.dropPunctuation).idx")
        _ = try IndexBuilder(inputs: inputs, outputPath: path, options: options).build()
        return try Index.open(path: path)
    }

    /// The same documents, labelled the way the index labels them.
    static func memory(tokenizer: TokenizerOptions = TokenizerOptions()) throws -> InMemoryCorpus {
        let reader = try CorpusReader(inputs: inputs, options: CorpusOptions(idField: "id"))
        var texts: [String] = []
        var ids: [String?] = []
        try reader.forEachDocument { document in
            texts.append(String(decoding: document.text, as: UTF8.self))
            ids.append(document.externalID ?? "\(reader.sources[document.sourceIndex]):\(document.recordNumber)")
        }
        return InMemoryCorpus(texts: texts, ids: ids, options: tokenizer)
    }

    /// What must not depend on the corpus implementation (sources may: which of many occurrences is shown).
    struct Figures: Equatable {
        var id: String
        var longest: Int?
        var covered: Int?
        var spans: [Range<Int>]?
        var counts: [Int]?
        var near: Bool?
        var similarity: Double?
        var verdicts: [MethodVerdict]
    }

    static func figures(_ outcome: CheckOutcome) -> [Figures] {
        outcome.report.results.map {
            Figures(id: $0.item.id, longest: $0.verbatim?.longestMatchTokens, covered: $0.verbatim?.coveredTokens,
                    spans: $0.verbatim?.spans.map(\.tokenRange), counts: $0.verbatim?.spans.map(\.occurrenceCount),
                    near: $0.near?.isNearVerbatim, similarity: $0.near?.bestSimilarity, verdicts: $0.methods.map(\.verdict))
        }
    }

    @Test func indexAndBruteForceGiveTheSameVerdicts() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let memory = try Self.memory()
        var request = CheckRequest(indexPath: "sample", itemPaths: ["\(repositoryRoot)/corpora/items/benchmark.jsonl", "\(repositoryRoot)/corpora/items/generations.txt"])
        request.reader.fields = ["question", "answer"]
        request.reader.linesAreItems = true
        request.options.methods = ContaminationMethod.allCases
        request.output = .json
        let memoryOutcome = try CheckPipeline.run(request, corpus: memory)
        let expected = Self.figures(memoryOutcome)
        #expect(expected.filter { $0.near == true }.count >= 4)
        for shardTokens in [1 << 24, 20_000] {
            let index = try Self.build(dir, shardTokens: shardTokens)
            #expect(shardTokens > 100_000 || index.shards.count > 3)
            let outcome = try CheckPipeline.run(request, corpus: index)
            #expect(Self.figures(outcome) == expected, "\(index.shards.count) shards")
            // The best near-verbatim passage is the same text.
            for (a, b) in zip(outcome.report.results, memoryOutcome.report.results) where a.near?.isNearVerbatim == true {
                #expect(a.near?.best?.source.passage?.match == b.near?.best?.source.passage?.match, "\(a.item.id)")
            }
        }
    }

    @Test func tokenIDsAgreeWithDocumentTokens() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        for options in [TokenizerOptions(), TokenizerOptions(keepCase: true, dropPunctuation: true)] {
            let index = try Self.build(dir, shardTokens: 30_000, tokenizer: options)
            var rng = SeededRandom(seed: 9)
            for (shard, entry) in index.shards.enumerated() {
                for document in 0..<entry.documents.count {
                    let ref = CorpusDocumentRef(shard: shard, document: document)
                    let (text, tokens) = try index.documentTokens(ref)
                    #expect(try index.documentText(ref) == text)
                    let all = index.documentTokenIDs(ref, range: 0..<(tokens.count + 5))
                    #expect(all == index.tokenIDs(of: tokens.map(\.text), shard: shard))
                    #expect(all.allSatisfy { $0 >= 0 })
                    if !tokens.isEmpty {
                        let start = Int.random(in: 0..<tokens.count, using: &rng)
                        #expect(index.documentTokenIDs(ref, range: start..<(start + 3)) == Array(all[start..<min(all.count, start + 3)]))
                    }
                }
                #expect(index.tokenIDs(of: ["zzz-never-seen-token", "the"], shard: shard).first == -1)
            }
            #expect(index.documentTokenIDs(CorpusDocumentRef(shard: 99, document: 0), range: 0..<3).isEmpty)
        }
    }

    @Test func tokenizerMismatchAndCorruptIndexAreErrors() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let index = try Self.build(dir, shardTokens: 1 << 24)
        // A damaged shard file is refused when the index is opened (the command maps it to exit 2).
        let tokens = "\(index.path)/shard-0000/tokens.bin"
        let handle = try #require(FileHandle(forWritingAtPath: tokens))
        try handle.truncate(atOffset: 100)
        try handle.close()
        let error = #expect(throws: (any Error).self) { try Index.open(path: index.path) }
        #expect("\(error!)".contains("tokens.bin"))
        let mismatch = DetectError.tokenizerMismatch(index: "x.idx", indexOptions: TokenizerOptions().summary, asked: "--drop-punct")
        #expect(mismatch.description.contains("x.idx") && mismatch.description.contains("--drop-punct"))
    }
}
