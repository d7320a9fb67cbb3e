import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// The sketch first pass of `contam check` on real indexes of corpora/: it must never change a verdict
/// (checked against `--no-first-pass` on copied, edited, unrelated and short items), every item it clears
/// must really have no n-token match (matching statistics on the suffix array), items it does not clear
/// must get exactly the full figures, and it must turn itself off when it cannot decide the methods.
@Suite(.serialized) struct SketchFirstPassTests {
    /// One index with the default 13-gram sketch in one shard, one with 8- and 13-grams in several shards.
    /// Built once for the suite; a failed build is kept and rethrown by `index(multi:)`, so every test that
    /// needs the indexes fails with the builder's own error.
    static let indexes = Result { () throws -> (single: Index, multi: Index) in
        let dir = TestDirectory("firstpass")
        let single = try SampleIndex.build(dir.file("single.idx"))
        let multi = try SampleIndex.build(dir.file("multi.idx"), configure: { $0.shardTokens = 40_000; $0.sketch?.ngramSizes = [8, 13] })
        return (single, multi)
    }

    static func index(multi: Bool) throws -> Index {
        let pair = try indexes.get()
        return multi ? pair.multi : pair.single
    }

    /// Items of every kind, drawn from the index's own documents with a fixed seed.
    static func items(from index: Index) throws -> [CheckItem] {
        var rng = SeededRandom(seed: 41)
        var documents: [(text: [UInt8], tokens: [Token])] = []
        for shard in index.shards.indices {
            for document in 0..<index.shards[shard].documents.count {
                let doc = try index.documentTokens(CorpusDocumentRef(shard: shard, document: document))
                if doc.tokens.count >= 200 { documents.append(doc) }
            }
        }
        #expect(documents.count >= 5)
        func passage(_ tokenCount: Int) -> String {
            let doc = documents[Int.random(in: 0..<documents.count, using: &rng)]
            let start = Int.random(in: 0...(doc.tokens.count - tokenCount), using: &rng)
            let bytes = doc.tokens[start].byteRange.lowerBound..<doc.tokens[start + tokenCount - 1].byteRange.upperBound
            return String(decoding: doc.text[bytes], as: UTF8.self)
        }
        /// Every k-th word replaced by a word the corpus does not have: exact runs of at most k - 1 words.
        func edited(_ text: String, every k: Int) -> String {
            text.split(whereSeparator: \.isWhitespace).enumerated().map { word in
                word.offset % k == k - 1 ? "zqv\(Int.random(in: 0..<1000, using: &rng))" : String(word.element)
            }.joined(separator: " ")
        }
        let corpusWords = documents.flatMap { doc in doc.tokens.map(\.text).filter { TokenizedItem.isWord($0) } }
        var texts: [(id: String, text: String)] = []
        for k in 0..<8 { texts.append(("copied-\(k)", passage(Int.random(in: 15...120, using: &rng)))) }
        for every in [4, 8, 12] {
            for k in 0..<8 { texts.append(("edited\(every)-\(k)", edited(passage(80), every: every))) }
        }
        for k in 0..<8 {
            texts.append(("salad-\(k)", (0..<40).map { _ in corpusWords[Int.random(in: 0..<corpusWords.count, using: &rng)] }.joined(separator: " ")))
        }
        for k in 0..<4 { texts.append(("unrelated-\(k)", DetectTestSupport.distinctWords(30, prefix: "qx\(k)y").joined(separator: " "))) }
        for k in 0..<6 { texts.append(("short-\(k)", passage(Int.random(in: 2...12, using: &rng)))) }
        // Many tokens, few words: gpt3 looks such an item up whole, a run shorter than the sketch's n.
        for k in 0..<4 { texts.append(("padded-\(k)", ", ; , ; , ; " + passage(3) + " ; , ; , ; , ;")) }
        return texts.enumerated().map { k, entry in
            CheckItem(id: entry.id, sourcePath: "items.jsonl", recordNumber: k + 1, text: Array(entry.text.utf8), rawRecord: Array(entry.text.utf8))
        }
    }

    static func options(_ methods: [ContaminationMethod], firstPass: Bool, configure: (inout CheckOptions) -> Void = { _ in }) -> CheckOptions {
        var options = CheckOptions()
        options.methods = methods
        options.firstPass = firstPass
        options.threads = 2
        configure(&options)
        return options
    }

    /// What `compare` saw.
    struct Counts {
        var cleared = 0
        var full = 0
        /// Sketch hits of cleared items that the suffix array ruled out.
        var falsePositives = 0
    }

    /// Runs both modes and checks everything the first pass promises.
    @discardableResult
    static func compare(_ index: Index, _ items: [CheckItem], _ methods: [ContaminationMethod], expectedN: Int, maxFalsePositives: Int = 8,
                        configure: (inout CheckOptions) -> Void = { _ in }) throws -> Counts {
        let fast = ContaminationChecker(corpus: index, options: options(methods, firstPass: true, configure: configure))
        let slow = ContaminationChecker(corpus: index, options: options(methods, firstPass: false, configure: configure))
        let tokenized = try fast.tokenize(items)
        let evaluator = fast.evaluator(for: tokenized)
        var plan = try #require(fast.firstPass(for: evaluator), "\(methods)")
        plan.maxFalsePositives = maxFalsePositives
        #expect(plan.ngramLength == expectedN, "\(methods)")
        #expect(slow.firstPass(for: slow.evaluator(for: tokenized)) == nil)
        let withPass = try items.indices.map { try fast.check(items[$0], tokenized: tokenized[$0], evaluator: evaluator, firstPass: plan) }
        let without = try slow.check(items)
        let n = plan.ngramLength
        var counts = Counts()
        var clearedWithLongMatch = 0
        for (a, b) in zip(withPass, without) {
            #expect(b.firstPass == nil && b.verbatim != nil)
            #expect(a.methods.map(\.verdict) == b.methods.map(\.verdict), "\(a.item.id) \(methods)")
            #expect(a.isFlagged == b.isFlagged)
            let lengths = index.matchingLengths(of: a.tokenized.strings)
            // The slow reference for `clearance(of:)`: every n-gram asked with `sketchContains`, each hit with `count`.
            let strings = a.tokenized.strings
            let hits = strings.count < n ? [] : (0...(strings.count - n)).filter { index.sketchContains(tokens: strings[$0..<($0 + n)]) }
            let realHits = hits.filter { index.count(of: strings[$0..<($0 + n)]) > 0 }
            let expected = strings.count >= n && plan.gpt3LookupsAreLongEnough(a.tokenized) && realHits.isEmpty && hits.count <= maxFalsePositives
            #expect((a.firstPass != nil) == expected, "\(a.item.id)")
            if let clearance = a.firstPass {
                counts.cleared += 1
                counts.falsePositives += clearance.falsePositives
                #expect(clearance.ngramLength == n && clearance.falsePositives == hits.count)
                #expect((lengths.max() ?? 0) < n, "\(a.item.id): cleared but has a \(lengths.max() ?? 0)-token match")
                if (lengths.max() ?? 0) >= n / 2 { clearedWithLongMatch += 1 }
                #expect(a.verbatim == nil)
                #expect(a.methods.allSatisfy { $0.verdict == .clean })
                // Figures the first pass claims to know are the full path's.
                if clearance.spansKnownEmpty { #expect(b.verbatim?.spans.isEmpty == true && a.coverage == 0) } else { #expect(a.coverage == nil) }
                if clearance.nearKnownEmpty { #expect(a.near == b.near) } else { #expect(a.near == nil) }
                for (x, y) in zip(a.methods, b.methods) where x.method != .exactsubstr {
                    #expect(x.figures == y.figures, "\(a.item.id) \(x.method)")
                    #expect(x.evidence.hasPrefix(y.evidence), "\(x.evidence) vs \(y.evidence)")
                }
            } else {
                counts.full += 1
                #expect(a.verbatim == b.verbatim, "\(a.item.id)")
                #expect(a.near == b.near, "\(a.item.id)")
                #expect(a.methods == b.methods, "\(a.item.id)")
            }
        }
        // Both paths were taken, and some cleared items share long runs with the corpus (the bound is tight).
        #expect(counts.cleared > 0 && counts.full > 0, "\(methods): \(counts.cleared) of \(items.count) cleared")
        #expect(clearedWithLongMatch > 0, "\(methods)")
        return counts
    }

    @Test func verdictsAreTheSameWithAndWithoutTheFirstPass() throws {
        let index = try Self.index(multi: false)
        let items = try Self.items(from: index)
        let counts = try Self.compare(index, items, [.lmeval13], expectedN: 13)
        // Without suffix-array lookups of sketch hits, only items with no hit at all are cleared.
        let strict = try Self.compare(index, items, [.lmeval13], expectedN: 13, maxFalsePositives: 0)
        #expect(strict.falsePositives == 0 && strict.cleared <= counts.cleared)
        try Self.compare(index, items, [.exactsubstr], expectedN: 13)
        try Self.compare(index, items, [.lmeval13, .exactsubstr], expectedN: 13)
        // gpt3 with N = 13: only items of at least 13 words in the batch.
        let long = try ContaminationChecker(corpus: index, options: CheckOptions()).tokenize(items)
            .enumerated().filter { MethodEvaluator.wordCount($0.element) >= 13 }.map { items[$0.offset] }
        try Self.compare(index, long, [.gpt3, .lmeval13, .exactsubstr], expectedN: 13)
        // Known-empty spans and alignment when --min-match and --seed-length reach n.
        try Self.compare(index, items, [.lmeval13, .near], expectedN: 13) { $0.minMatch = 13; $0.seedLength = 13 }
    }

    @Test func severalShardsAndSizesPickTheLargestUsableN() throws {
        let index = try Self.index(multi: true)
        #expect(index.shards.count > 1 && index.sketchNGramSizes == [8, 13])
        let items = try Self.items(from: index)
        try Self.compare(index, items, [.lmeval13, .exactsubstr], expectedN: 13)
        // The batch has short items, so gpt3's N is 8: the 8-gram sketch serves, padded items are not cleared.
        try Self.compare(index, items, [.gpt3], expectedN: 8)
        try Self.compare(index, items, [.gpt3, .palm, .lmeval13], expectedN: 8)
        let counts = try Self.compare(index, items, [.llama2, .near], expectedN: 8) { $0.seedLength = 8; $0.minMatch = 8 }
        // 8-grams of this small corpus fill the filter enough for some false positives to be ruled out.
        #expect(counts.falsePositives > 0)
    }

    @Test func firstPassIsOffWhenItCannotDecide() throws {
        let single = try Self.index(multi: false)
        let multi = try Self.index(multi: true)
        let items = try Self.items(from: single)
        func plan(_ corpus: any CorpusQuerying, _ methods: [ContaminationMethod], configure: (inout CheckOptions) -> Void = { _ in }) throws -> Int? {
            let checker = ContaminationChecker(corpus: corpus, options: Self.options(methods, firstPass: true, configure: configure))
            return checker.firstPass(for: checker.evaluator(for: try checker.tokenize(items)))?.ngramLength
        }
        #expect(try plan(single, [.near]) == nil)               // seeds of 6 tokens
        #expect(try plan(single, [.gpt4]) == nil)               // windows can be one long token
        #expect(try plan(single, [.palm]) == nil)               // 8-grams on a 13-gram sketch
        #expect(try plan(single, [.llama2]) == nil)             // exact runs of 10
        #expect(try plan(single, [.gpt3]) == nil)               // N = 8 for this batch
        #expect(try plan(single, [.lmeval13, .gpt4]) == nil)
        #expect(try plan(single, [.lmeval13]) == 13)
        #expect(try plan(single, [.near]) { $0.seedLength = 13 } == 13)
        #expect(try plan(single, [.lmeval13]) { $0.firstPass = false } == nil)
        #expect(try plan(multi, [.palm]) == 8)
        #expect(try plan(multi, [.near]) { $0.seedLength = 12 } == 8)
        #expect(try plan(multi, [.near]) == nil)
        // No sketch, or not an index: nothing to probe.
        let dir = TestDirectory(); defer { dir.cleanup() }
        let none = try SampleIndex.build(dir.file("none.idx")) { $0.sketch = nil }
        #expect(try plan(none, [.lmeval13]) == nil)
        #expect(try plan(InMemoryCorpus(texts: ["a b c"]), [.lmeval13]) == nil)
        // Thresholds as documented.
        let evaluator = MethodEvaluator(methods: ContaminationMethod.allCases, gpt3NgramLength: 11)
        let thresholds = ContaminationMethod.allCases.map { SketchFirstPass.threshold(of: $0, evaluator: evaluator, seedLength: 6) }
        #expect(thresholds == [11, 13, 8, 10, nil, 50, 6])
    }

    @Test func reportsShowUnknownFiguresAsUnknown() throws {
        let index = try Self.index(multi: false)
        let items = try Self.items(from: index)
        let options = Self.options([.lmeval13, .exactsubstr], firstPass: true)
        let checker = ContaminationChecker(corpus: index, options: options)
        let results = try checker.check(items)
        let cleared = results.filter { $0.firstPass != nil }
        let report = CheckReport(indexPath: "x.idx", tokenizerOptions: index.tokenizerOptions, options: options, gpt3NgramLength: nil,
                                 firstPassNgramLength: 13, results: results)
        #expect(report.summary.cleared == cleared.count)
        #expect(report.summary.verbatimKnown == results.count - cleared.count)
        #expect(report.summary.nearKnown == results.count - cleared.count)
        let table = TableReport.render(report)
        #expect(table.contains("first pass: the 13-gram sketch cleared \(cleared.count) of \(results.count) items"))
        #expect(table.contains("verbatim: \(report.summary.withVerbatimSpan) of the \(results.count - cleared.count) items fully checked share"))
        let row = try #require(table.split(separator: "\n").first { $0.hasPrefix(cleared[0].item.id + " ") })
        #expect(row.contains("<13") && row.hasSuffix("-  -"), "\(row)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.line(cleared[0]).utf8)) as? [String: Any])
        for key in ["longest_match_tokens", "longest_match_chars", "coverage", "covered_tokens", "spans", "near_verbatim", "best_similarity"] {
            #expect(json[key] is NSNull, "\(key)")
        }
        let firstPass = try #require(json["first_pass"] as? [String: Any])
        #expect(firstPass["n"] as? Int == 13)
        let markdown = MarkdownReport.render(report)
        #expect(markdown.contains("First pass: the 13-gram sketch cleared"))
        let html = try HTMLReport.render(report, documents: checker.documents)
        #expect(html.contains("First pass: the 13-gram sketch cleared"))
        // A full item keeps its figures and has no first_pass key.
        let full = try #require(results.first { $0.firstPass == nil })
        let fullJSON = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.line(full).utf8)) as? [String: Any])
        #expect(fullJSON["first_pass"] == nil && fullJSON["longest_match_tokens"] is Int)
    }
}
