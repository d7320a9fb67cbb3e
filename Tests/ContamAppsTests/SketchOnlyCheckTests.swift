import Foundation
import Testing
@testable import ContamStorage
@testable import ContamText
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// `check` on a sketch-only index against `check` on the full index of the same corpus: every method,
/// every item, every verdict. A sketch verdict must be the full index's verdict or `undecided`; "clean"
/// from the sketch must never hide a full-index "dirty" or "not clean".
@Suite(.serialized) struct SketchOnlyCheckTests {
    /// Items cut from the corpus's own documents (so many are dirty), some edited, some shuffled, of
    /// lengths around the sketched n, plus the sample benchmark.
    static func items(from index: Index, count: Int, seed: UInt64) throws -> [CheckItem] {
        var random = SeededRandom(seed: seed)
        var items: [CheckItem] = []
        let documents = index.shards[0].documents.count
        let lengths = [1, 3, 5, 7, 8, 9, 12, 13, 14, 20, 40, 60]
        while items.count < count {
            let ref = CorpusDocumentRef(shard: 0, document: Int.random(in: 0..<documents, using: &random))
            let (text, tokens) = try index.documentTokens(ref)
            let length = lengths[items.count % lengths.count]
            guard tokens.count > length else { continue }
            let start = Int.random(in: 0...(tokens.count - length), using: &random)
            var bytes = Array(text[tokens[start].byteRange.lowerBound..<tokens[start + length - 1].byteRange.upperBound])
            switch items.count % 4 {
            case 1:
                // One word replaced: near-verbatim, and n-grams across it are gone.
                let word = tokens[start + length / 2].byteRange
                let offset = word.lowerBound - tokens[start].byteRange.lowerBound
                bytes.replaceSubrange(offset..<(offset + word.count), with: Array("zyxwvut".utf8))
            case 2:
                // Words shuffled: the tokens occur, their order mostly does not.
                var words = String(decoding: bytes, as: UTF8.self).split(separator: " ")
                words.shuffle(using: &random)
                bytes = Array(words.joined(separator: " ").utf8)
            default: break
            }
            let id = "item-\(items.count)"
            items.append(CheckItem(id: id, sourcePath: "generated", recordNumber: items.count + 1, text: bytes, rawRecord: bytes))
        }
        var reader = ItemReaderOptions()
        reader.fields = ["question", "answer"]
        items += try ItemReader(options: reader).read(paths: ["\(repositoryRoot)/corpora/items/benchmark.jsonl"]).items
        return items
    }

    func compare(dropPunctuation: Bool, ngramSizes: [Int], seedLength: Int) throws -> (decided: Int, dirty: Int, undecided: Int) {
        let dir = TestDirectory(); defer { dir.cleanup() }
        func configure(_ options: inout IndexBuildOptions) {
            options.tokenizer.dropPunctuation = dropPunctuation
            options.sketch?.ngramSizes = ngramSizes
            // So few false positives that a sketch "dirty" the full index denies would be a bug, not chance.
            options.sketch?.targetFalsePositiveRate = 1e-7
        }
        let full = try SampleIndex.build(dir.file("full.idx"), configure: configure)
        let sketch = try SampleIndex.buildSketchOnly(dir.file("sketch.idx"), configure: configure)
        let items = try Self.items(from: full, count: 240, seed: 42)
        var options = CheckOptions()
        options.methods = ContaminationMethod.allCases
        options.seedLength = seedLength
        options.firstPass = false
        let exact = try ContaminationChecker(membership: .suffixArray(full), options: options).check(items)
        let fromSketch = try ContaminationChecker(membership: .sketch(sketch), options: options).check(items)
        var decided = 0, dirty = 0, undecided = 0
        for (a, b) in zip(exact, fromSketch) {
            #expect(a.item.id == b.item.id)
            for method in ContaminationMethod.allCases {
                let truth = try #require(a.result(method)).verdict
                let answer = try #require(b.result(method))
                if answer.verdict == .undecided {
                    undecided += 1
                    continue
                }
                decided += 1
                if answer.verdict == .dirty { dirty += 1 }
                #expect(answer.verdict == truth, "\(a.item.id) (\(a.tokenized.tokenCount) tokens) \(method): sketch says \(answer.verdict) (\(answer.evidence)), the full index \(truth)")
                if answer.verdict == .clean && truth == .clean {
                    // A clean answer decided from the sketch gives the full index's evidence where it can know it.
                    if [.llama2, .near].contains(method) { #expect(answer.evidence == a.result(method)?.evidence) }
                }
            }
            if let bound = b.sketchOnly?.longestMatchBound, let longest = a.verbatim?.longestMatchTokens {
                #expect(longest <= bound, "\(a.item.id): longest match \(longest) above the sketch's bound \(bound)")
            }
        }
        return (decided, dirty, undecided)
    }

    @Test func sketchVerdictsAreTheFullIndexVerdictsOrUndecided() throws {
        // Punctuation kept, the default sketch: word n-grams span more than 13 tokens, so gpt3/lmeval13 are
        // often undecided, but never wrong.
        let kept = try compare(dropPunctuation: false, ngramSizes: [13], seedLength: 6)
        #expect(kept.decided > 500 && kept.undecided > 0)
        // Punctuation dropped with 8- and 13-grams: lmeval13 and palm are decided from the sketch, and
        // with --seed-length 13 so is near for every item the sketch clears.
        let dropped = try compare(dropPunctuation: true, ngramSizes: [8, 13], seedLength: 13)
        #expect(dropped.decided > kept.decided && dropped.dirty > 100)
    }

    @Test func shortItemsThatOccurWholeAreNeverCleanOnASketch() throws {
        // PaLM looks an item under 8 tokens up whole; an 8-gram sketch cannot see it, so it must not say clean.
        let dir = TestDirectory(); defer { dir.cleanup() }
        let sketch = try SampleIndex.buildSketchOnly(dir.file("sketch.idx")) { $0.sketch?.ngramSizes = [8] }
        let text = Array("the GNU General Public License".utf8)
        var options = CheckOptions()
        options.methods = [.palm]
        let result = try ContaminationChecker(membership: .sketch(sketch), options: options)
            .check([CheckItem(id: "short", sourcePath: "-", recordNumber: 1, text: text, rawRecord: text)])
        #expect(result[0].result(.palm)?.verdict == .undecided)
    }

    @Test func gateAndCleanFileTreatUndecidedAsNotClean() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        _ = try SampleIndex.buildSketchOnly(dir.file("sketch.idx"))
        let index = try OpenedIndex.open(path: dir.file("sketch.idx"))
        var request = CheckRequest(indexPath: "sketch.idx", itemPaths: ["\(repositoryRoot)/corpora/items/benchmark.jsonl"])
        request.reader.fields = ["question", "answer"]
        request.options.methods = [.lmeval13]
        request.failOn = [FailOnRule(method: .lmeval13, fraction: 0.5)]
        request.writeCleanPath = dir.file("clean.jsonl")
        let outcome = try CheckPipeline.run(request, membership: CheckMembership(index))
        let summary = outcome.report.summary
        let undecided = summary.undecided[.lmeval13] ?? 0
        let dirty = summary.dirty[.lmeval13] ?? 0
        #expect(undecided > 0)
        let kept = try String(contentsOfFile: dir.file("clean.jsonl"), encoding: .utf8).split(separator: "\n").count
        #expect(kept == summary.items - summary.flagged - summary.undecidedItems)
        #expect(outcome.exitCode == (Double(dirty + undecided) / Double(summary.items) > 0.5 ? 1 : 0))
        #expect(outcome.messages.contains { $0.contains("undecided") })
        #expect(outcome.standardOutput.contains("sketch-only index"))
    }

    @Test func possibleFalsePositivesAreCountedApartAndGateOnlyWhenAsked() throws {
        // A filter sized for far fewer n-grams than it holds: many sketch hits are plausibly false positives.
        let dir = TestDirectory(); defer { dir.cleanup() }
        _ = try SampleIndex.buildSketchOnly(dir.file("loose.idx")) { $0.sketch?.expectedNGrams = 2_000; $0.sketch?.targetFalsePositiveRate = 0.3 }
        let index = try OpenedIndex.open(path: dir.file("loose.idx"))
        var request = CheckRequest(indexPath: "loose.idx", itemPaths: ["\(repositoryRoot)/corpora/items/benchmark.jsonl"])
        request.reader.fields = ["question", "answer"]
        request.options.methods = [.lmeval13]
        let summary = try CheckPipeline.run(request, membership: CheckMembership(index)).report.summary
        let possible = summary.possiblyDirty[.lmeval13] ?? 0
        #expect(possible > 0, "the loose filter should produce dirty? items")
        let certain = summary.dirtyFraction(.lmeval13) + Double(summary.undecided[.lmeval13] ?? 0) / Double(summary.items)
        #expect(summary.dirtyFraction(.lmeval13, possible: true) > summary.dirtyFraction(.lmeval13))
        // A threshold between the certain share and certain + possible: passes by default, fails when asked.
        let between = certain + Double(possible) / Double(summary.items) / 2
        request.failOn = [FailOnRule(method: .lmeval13, fraction: between)]
        let lenient = try CheckPipeline.run(request, membership: CheckMembership(index))
        #expect(lenient.exitCode == 0)
        #expect(lenient.messages.contains { $0.contains("dirty?, not counted") })
        request.failOn = [FailOnRule(method: .lmeval13, fraction: between, countsPossible: true)]
        #expect(try CheckPipeline.run(request, membership: CheckMembership(index)).exitCode == 1)
    }
}
