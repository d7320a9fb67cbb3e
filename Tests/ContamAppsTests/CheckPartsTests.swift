import Foundation
import Testing
@testable import ContamStorage
@testable import ContamText
@testable import ContamCorpus
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// `contam check --partial` on each part of a `--shard K/N` split, then `--combine`: the oracle is one check on the
/// merged index (`contam merge` of the same parts). Reports (table, JSON, Markdown), messages and exit codes must be
/// identical, for every method, with and without the sketch first pass, on the sample items and on random ones
/// (copied, edited and spliced passages of the corpus, and word soup).
@Suite(.serialized) struct CheckPartsTests {
    static let partCount = 3

    /// The parts (small shards, so each part has several) and their merge, in a temporary directory removed with it.
    final class Fixture: @unchecked Sendable {
        let directory: String
        let parts: [String]
        let merged: Index
        let mergedPath: String
        let randomItems: String

        init(tokenizer: TokenizerOptions = TokenizerOptions()) throws {
            directory = try temporaryDirectory("check-parts")
            var parts: [String] = []
            for k in 1...CheckPartsTests.partCount {
                var options = IndexBuildOptions()
                options.tokenizer = tokenizer
                options.part = try InputPart(index: k, count: CheckPartsTests.partCount)
                options.shardTokens = 20_000
                let path = "\(directory)/part-\(k)"
                _ = try IndexBuilder(inputs: SampleIndex.inputs, outputPath: path, options: options).build()
                parts.append(path)
            }
            self.parts = parts
            mergedPath = "\(directory)/merged.idx"
            // Given out of order: the merge puts the parts in part order.
            _ = try IndexMerger.merge(inputs: parts.reversed(), outputPath: mergedPath, replaceExisting: false, buildCommand: "test")
            merged = try Index.open(path: mergedPath)
            randomItems = try Self.writeRandomItems(to: "\(directory)/random.jsonl")
        }

        /// Passages of the license texts copied whole, with words replaced, spliced from two texts, or shuffled.
        static func writeRandomItems(to path: String) throws -> String {
            var random = SeededRandom(seed: 16)
            let licenses = try FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/corpora/licenses").sorted()
            let words = try licenses.map { name in
                String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(repositoryRoot)/corpora/licenses/\(name)")), as: UTF8.self)
                    .split(whereSeparator: \.isWhitespace).map(String.init)
            }
            func passage(_ length: Int) -> [String] {
                let text = words[Int.random(in: 0..<words.count, using: &random)]
                let start = Int.random(in: 0..<max(1, text.count - length), using: &random)
                return Array(text[start..<min(text.count, start + length)])
            }
            var lines: [String] = []
            for k in 0..<40 {
                var item: [String]
                switch k % 5 {
                case 0: item = passage(Int.random(in: 5...60, using: &random))
                case 1:
                    item = passage(Int.random(in: 20...80, using: &random))
                    for _ in 0..<Int.random(in: 1...6, using: &random) where !item.isEmpty {
                        item[Int.random(in: 0..<item.count, using: &random)] = ["zebra", "quantum", "of", "the", "banana"][Int.random(in: 0..<5, using: &random)]
                    }
                case 2: item = passage(Int.random(in: 10...30, using: &random)) + passage(Int.random(in: 10...30, using: &random))
                case 3: item = passage(40).shuffled(using: &random)
                default: item = passage(Int.random(in: 8...14, using: &random))
                }
                if item.isEmpty { item = ["empty"] }
                let text = item.joined(separator: " ").replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                lines.append("{\"id\": \"random-\(k)\", \"text\": \"\(text)\"}")
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    func request(_ fixture: Fixture, items: String, fields: [String], methods: [ContaminationMethod], output: CheckRequest.Output) -> CheckRequest {
        var request = CheckRequest(indexPath: fixture.mergedPath, itemPaths: [items])
        request.reader.fields = fields
        request.options.methods = methods
        request.output = output
        return request
    }

    /// Writes every part's partial result and combines them (given in reverse order); returns the combined outcome.
    func combined(_ fixture: Fixture, _ request: CheckRequest, label: String) throws -> CheckOutcome {
        var paths: [String] = []
        for (k, part) in fixture.parts.enumerated() {
            var partRequest = request
            partRequest.indexPath = part
            partRequest.failOn = []
            partRequest.output = .table
            let path = "\(fixture.directory)/\(label)-\(k + 1).json"
            _ = try CheckPipeline.writePartial(partRequest, index: try OpenedIndex.open(path: part), partialPath: path)
            paths.append(path)
        }
        return try CheckPipeline.combine(request, partialPaths: paths.reversed())
    }

    func expectSame(_ combined: CheckOutcome, _ merged: CheckOutcome, _ what: String) {
        #expect(combined.standardOutput == merged.standardOutput, "\(what): the combined report differs from the merged index's")
        #expect(combined.messages == merged.messages, "\(what)")
        #expect(combined.exitCode == merged.exitCode, "\(what)")
        #expect(combined.report.results.map { $0.methods.map(\.verdict) } == merged.report.results.map { $0.methods.map(\.verdict) }, "\(what)")
    }

    @Test(arguments: [CheckRequest.Output.json, .table, .markdown])
    func sampleItemsCombineIntoTheMergedIndexsReport(output: CheckRequest.Output) throws {
        let fixture = try Fixture()  // removed with its directory when the test ends
        var request = request(fixture, items: "\(repositoryRoot)/corpora/items/benchmark.jsonl", fields: ["question", "answer"],
                              methods: ContaminationMethod.allCases, output: output)
        request.failOn = [try FailOnRule(parsing: "gpt3:0.2")]
        let merged = try CheckPipeline.run(request, membership: .suffixArray(fixture.merged))
        let combined = try combined(fixture, request, label: "sample-\(output.rawValue)")
        expectSame(combined, merged, "sample items, \(output.rawValue)")
        #expect(merged.exitCode == 1, "gpt3 flags half the sample items")
        #expect(merged.report.results.contains { $0.near?.isNearVerbatim == true }, "the sample has near-verbatim items")
    }

    @Test(arguments: [true, false])
    func randomItemsCombineIntoTheMergedIndexsReport(firstPass: Bool) throws {
        let fixture = try Fixture()  // removed with its directory when the test ends
        for methods in [ContaminationMethod.allCases, [.lmeval13], [.gpt3, .gpt4], [.exactsubstr, .palm, .llama2]] {
            var request = request(fixture, items: fixture.randomItems, fields: ["text"], methods: methods, output: .json)
            request.options.firstPass = firstPass
            let merged = try CheckPipeline.run(request, membership: .suffixArray(fixture.merged))
            let combined = try combined(fixture, request, label: "random-\(firstPass)-\(methods.count)")
            expectSame(combined, merged, "random items, \(methods.map(\.rawValue)), first pass \(firstPass)")
            if firstPass && methods == [.lmeval13] {
                #expect(merged.report.results.contains { $0.firstPass != nil }, "the first pass cleared some random items")
            }
        }
    }

    /// Other tokenizers change which tokens are words and what documents re-tokenize to: the same identity holds.
    @Test(arguments: ["drop-punct", "lmeval", "strip-markup keep-case"])
    func otherTokenizersCombineIntoTheMergedIndexsReport(tokenizer name: String) throws {
        let tokenizer: TokenizerOptions = switch name {
        case "drop-punct": TokenizerOptions(dropPunctuation: true)
        case "lmeval": .lmeval
        default: TokenizerOptions(keepCase: true, stripMarkup: true)
        }
        let fixture = try Fixture(tokenizer: tokenizer)
        let request = request(fixture, items: "\(repositoryRoot)/corpora/items/benchmark.jsonl", fields: ["question", "answer"],
                              methods: ContaminationMethod.allCases, output: .json)
        let merged = try CheckPipeline.run(request, membership: .suffixArray(fixture.merged))
        expectSame(try combined(fixture, request, label: "tokenizer"), merged, "sample items, \(name)")
    }

    func partials(_ fixture: Fixture, label: String, items: String = "\(repositoryRoot)/corpora/items/benchmark.jsonl", fields: [String] = ["question", "answer"]) throws -> [String] {
        var paths: [String] = []
        for (k, part) in fixture.parts.enumerated() {
            var request = request(fixture, items: items, fields: fields, methods: [.lmeval13], output: .table)
            request.indexPath = part
            let path = "\(fixture.directory)/\(label)-\(k + 1).json"
            _ = try CheckPipeline.writePartial(request, index: try OpenedIndex.open(path: part), partialPath: path)
            paths.append(path)
        }
        return paths
    }

    func combineError(_ paths: [String], allowMissing: Bool = false) -> String {
        let request = CheckRequest(indexPath: "merged", itemPaths: [])
        do {
            _ = try CheckPipeline.combine(request, partialPaths: paths, allowMissingParts: allowMissing)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func combineRefusesMissingDuplicatedAndForeignParts() throws {
        let fixture = try Fixture()  // removed with its directory when the test ends
        let paths = try partials(fixture, label: "errors")
        let missing = combineError([paths[0], paths[2]])
        #expect(missing.contains("part 2/3 is missing") && missing.contains(paths[0]), "\(missing)")
        var allowed = CheckRequest(indexPath: "merged", itemPaths: [])
        allowed.options.methods = [.lmeval13]
        let partial = try CheckPipeline.combine(allowed, partialPaths: [paths[0], paths[2]], allowMissingParts: true)
        #expect(partial.messages.first?.contains("part 2/3 is missing") == true)
        let twice = combineError([paths[0], paths[1], paths[2], paths[1]])
        #expect(twice.contains("part 2/3 is given twice") && twice.contains(paths[1]), "\(twice)")

        // A part of another split: the same corpus dealt into 3 parts without the CSV file.
        let other = "\(fixture.directory)/other-part-2"
        var options = IndexBuildOptions()
        options.part = try InputPart(index: 2, count: 3)
        _ = try IndexBuilder(inputs: Array(SampleIndex.inputs.prefix(2)), outputPath: other, options: options).build()
        var request = request(fixture, items: "\(repositoryRoot)/corpora/items/benchmark.jsonl", fields: ["question", "answer"], methods: [.lmeval13], output: .table)
        request.indexPath = other
        let otherPartial = "\(fixture.directory)/other-2.json"
        _ = try CheckPipeline.writePartial(request, index: try OpenedIndex.open(path: other), partialPath: otherPartial)
        let foreign = combineError([paths[0], otherPartial, paths[2]])
        #expect(foreign.contains(otherPartial) && foreign.contains("another split"), "\(foreign)")

        // Other items, and a file that is not a partial result.
        let otherItems = try partials(fixture, label: "other-items", items: fixture.randomItems, fields: ["text"])
        let items = combineError([paths[0], otherItems[1], paths[2]])
        #expect(items.contains(otherItems[1]) && items.contains("other items"), "\(items)")
        let notPartial = "\(fixture.directory)/not-partial.json"
        try Data("{\"format\": \"something\"}".utf8).write(to: URL(fileURLWithPath: notPartial))
        let bad = combineError([paths[0], notPartial, paths[2]])
        #expect(bad.contains(notPartial) && bad.contains("not a partial check result"), "\(bad)")
        // A figure out of range is refused on reading, naming the file (no trap).
        var tampered = try PartialCheckResult.read(path: paths[1])
        tampered.answers[0].matchingLengths[0] = 1_000_000
        let tamperedPath = "\(fixture.directory)/tampered.json"
        try tampered.write(to: tamperedPath)
        let damaged = combineError([paths[0], tamperedPath, paths[2]])
        #expect(damaged.contains(tamperedPath) && damaged.contains("matching length"), "\(damaged)")
        // A first pass without its sketch answers would clear items on no evidence: refused.
        var unsketched = try PartialCheckResult.read(path: paths[1])
        if unsketched.firstPassNgramLength != nil {
            unsketched.answers[0].sketchHits = nil
            try unsketched.write(to: tamperedPath)
            let noHits = combineError([paths[0], tamperedPath, paths[2]])
            #expect(noHits.contains(tamperedPath) && noHits.contains("sketch answer"), "\(noHits)")
        }
        #expect(unsketched.firstPassNgramLength == 13, "lmeval13 on a default index runs the first pass")
    }

    @Test func mergeOrdersPartsAndRefusesMissingDuplicatedAndForeignOnes() throws {
        let fixture = try Fixture()  // removed with its directory when the test ends
        func mergeError(_ inputs: [String]) -> String {
            do {
                _ = try IndexMerger.merge(inputs: inputs, outputPath: "\(fixture.directory)/never.idx", replaceExisting: false, buildCommand: "test")
                return ""
            } catch { return "\(error)" }
        }
        let missing = mergeError([fixture.parts[2], fixture.parts[0]])
        #expect(missing.contains("part 2/3 is missing"), "\(missing)")
        let twice = mergeError(fixture.parts + [fixture.parts[0]])
        #expect(twice.contains("part 1/3 is given twice") && twice.contains(fixture.parts[0]), "\(twice)")
        let other = "\(fixture.directory)/foreign-part-3"
        var options = IndexBuildOptions()
        options.part = try InputPart(index: 3, count: 3)
        _ = try IndexBuilder(inputs: Array(SampleIndex.inputs.prefix(2)), outputPath: other, options: options).build()
        let foreign = mergeError([fixture.parts[0], fixture.parts[1], other])
        #expect(foreign.contains(other) && foreign.contains("another split"), "\(foreign)")
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.directory)/never.idx"))
        // The merge of the parts in any order lists the parts' shards in part order.
        let sources = fixture.merged.manifest.shards.map(\.sources)
        var expected: [[String]] = []
        for part in fixture.parts { expected += try IndexManifest.read(directory: part).shards.map(\.sources) }
        #expect(sources == expected)
        #expect(try IndexManifest.read(directory: fixture.parts[0]).splitFingerprint == (try IndexManifest.read(directory: fixture.parts[1]).splitFingerprint))
    }
}
