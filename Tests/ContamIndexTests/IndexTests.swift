import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
import ContamTestSupport

/// The index against brute force: counts, matching statistics and occurrences computed by scanning
/// the tokenized documents, and one shard against many.
@Suite struct IndexTests {
    /// A corpus with repeats (so counts > 1), shared phrases across documents, and real license text
    /// (corpora/licenses/BSD.txt, which must be readable: the tests expect its phrases). Throws when the
    /// license cannot be read or the corpus file cannot be written.
    static func makeCorpus(_ dir: TestDirectory) throws -> (path: String, documents: [String]) {
        var rng = SeededRandom(seed: 42)
        let license = try String(contentsOfFile: "\(repositoryRoot)/corpora/licenses/BSD.txt", encoding: .utf8)
        let words = license.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        var documents: [String] = []
        for _ in 0..<60 {
            let start = Int.random(in: 0..<max(1, words.count - 40), using: &rng)
            let length = Int.random(in: 1...40, using: &rng)
            var doc = words[start..<min(words.count, start + length)].joined(separator: " ")
            if Bool.random(using: &rng) { doc += " THE the The, (copyright) é café" }
            documents.append(doc)
        }
        documents.append(license)
        let lines = try documents.map { "{\"id\": \"doc\($0.hashValue & 0xffff)\", \"text\": \(String(decoding: try JSONEncoder().encode($0), as: UTF8.self))}" }
        let path = dir.file("corpus.jsonl")
        try writeTestFile(atPath: path, text: lines.joined(separator: "\n") + "\n")
        return (path, documents)
    }

    static func build(_ corpus: String, to path: String, shardTokens: Int) throws -> Index {
        var options = IndexBuildOptions()
        options.shardTokens = shardTokens
        options.corpus.idField = "id"
        _ = try IndexBuilder(inputs: [corpus], outputPath: path, options: options).build()
        return try Index.open(path: path)
    }

    /// Brute-force count of `pattern` in the tokenized documents.
    static func bruteCount(_ pattern: [String], in documents: [[String]]) -> Int {
        guard !pattern.isEmpty else { return 0 }
        var total = 0
        for doc in documents where doc.count >= pattern.count {
            for i in 0...(doc.count - pattern.count) where Array(doc[i..<(i + pattern.count)]) == pattern { total += 1 }
        }
        return total
    }

    @Test func countsAndMatchingStatisticsAgreeWithBruteForceForOneAndManyShards() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, documents) = try Self.makeCorpus(dir)
        let tokenizer = Tokenizer()
        let tokenized = documents.map { tokenizer.tokens(in: $0).map(\.text) }
        let one = try Self.build(corpus, to: dir.file("one.idx"), shardTokens: 1 << 24)
        let many = try Self.build(corpus, to: dir.file("many.idx"), shardTokens: 400)
        #expect(one.shards.count == 1)
        #expect(many.shards.count >= 4)
        #expect(one.manifest.corpus.tokens == many.manifest.corpus.tokens)
        let vocabulary = Array(Set(tokenized.joined())).sorted()
        // The same patterns searched unguided (nothing has built the shards' search guides yet), then guided.
        for guided in [false, true] {
            if guided {
                one.prepareForMatching()
                many.prepareForMatching()
                #expect(many.shards.allSatisfy { $0.searchGuide != nil })
            }
            var rng = SeededRandom(seed: 1)
            for _ in 0..<300 {
                // Half the patterns are taken from documents (present), half are random (mostly absent).
                let pattern: [String]
                if Bool.random(using: &rng), let doc = tokenized.filter({ !$0.isEmpty }).randomElement(using: &rng) {
                    let start = Int.random(in: 0..<doc.count, using: &rng)
                    pattern = Array(doc[start..<min(doc.count, start + Int.random(in: 1...12, using: &rng))])
                } else {
                    pattern = (0..<Int.random(in: 1...4, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! }
                }
                let expected = Self.bruteCount(pattern, in: tokenized)
                #expect(one.count(of: pattern[...]) == expected, "\(pattern)")
                #expect(many.count(of: pattern[...]) == expected, "\(pattern)")
                let occurrences = many.occurrences(of: pattern[...], limit: 1000)
                #expect(occurrences.count == expected)
                for occurrence in occurrences.prefix(5) {
                    let (_, tokens) = try many.documentTokens(occurrence.document)
                    #expect(Array(tokens[occurrence.tokenOffset..<(occurrence.tokenOffset + pattern.count)].map(\.text)) == pattern)
                }
                let docs = Set(occurrences.map(\.document)).count
                #expect(many.documentCount(of: pattern[...], cap: 1000) == docs)
                #expect(many.documentCount(of: pattern[...], cap: 2) == min(docs, 2))
            }
        }
        // Matching statistics: the longest prefix at each position that occurs somewhere (brute force).
        for text in ["redistribution and use in source and binary forms THE the café unknownword", documents[3] + " " + documents[7]] {
            let query = tokenizer.tokens(in: text).map(\.text)
            let expected = query.indices.map { i -> Int in
                var length = 0
                while i + length < query.count && Self.bruteCount(Array(query[i...(i + length)]), in: tokenized) > 0 { length += 1 }
                return length
            }
            #expect(one.matchingLengths(of: query) == expected)
            #expect(many.matchingLengths(of: query) == expected)
        }
    }

    @Test func documentsComeBackInTheirOriginalText() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, documents) = try Self.makeCorpus(dir)
        let index = try Self.build(corpus, to: dir.file("i.idx"), shardTokens: 400)
        var seen: [String] = []
        for (s, shard) in index.shards.enumerated() {
            for d in 0..<shard.documents.count {
                let ref = CorpusDocumentRef(shard: s, document: d)
                seen.append(String(decoding: try index.documentText(ref), as: UTF8.self))
                let info = try index.documentInfo(ref)
                #expect(info.sourcePath == corpus)
                #expect(info.externalID?.hasPrefix("doc") == true)
            }
        }
        #expect(seen == documents.filter { !Tokenizer().tokens(in: $0).isEmpty })
        #expect(Index.verify(path: dir.file("i.idx")).isEmpty)
    }

    @Test func manifestOfAnotherVersionIsRefused() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let (corpus, _) = try Self.makeCorpus(dir)
        _ = try Self.build(corpus, to: dir.file("i.idx"), shardTokens: 1 << 20)
        let manifestPath = dir.file("i.idx/manifest.json")
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 7").write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let error = #expect(throws: IndexError.self) { try Index.open(path: dir.file("i.idx")) }
        #expect("\(error!)".contains("version 7"))
        #expect("\(error!)".contains("manifest.json"))
    }
}
