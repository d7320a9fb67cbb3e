import Foundation
import Testing
import ContamTestSupport

/// End-to-end: `contam check` on the sample index and the sample items in corpora/items.
@Suite(.serialized) struct CheckCLITests {
    /// The shared full index of the sample corpora (built once; a failed build fails the test with its message).
    static func index() throws -> String { try SampleIndexes.full() }

    @Test func tableFlagsTheCopiedAndEditedItemsOnly() throws {
        let result = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "all"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map(String.init)
        func row(_ id: String) -> String { rows.first { $0.hasPrefix(id + " ") } ?? "" }
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(row(copied).split(separator: " ").filter { $0 == "dirty" }.count == 7, "\(copied): \(row(copied))")
        }
        for edited in ["indentation-edited", "float-edited", "apache-notice-edited", "mpl-partial"] {
            #expect(row(edited).contains("dirty"), "\(edited) is near-verbatim: \(row(edited))")
        }
        for clean in ["gpl-question", "python-loops", "suffix-arrays", "trains", "shuffled-gpl"] {
            #expect(!row(clean).contains("dirty"), "\(clean): \(row(clean))")
        }
        #expect(result.stdout.contains("flagged by any method: 7"))
    }

    @Test func jsonCarriesTheDocumentedFields() throws {
        let result = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer", "--json", "--method", "near,llama2"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["id", "tokens", "longest_match_tokens", "coverage", "near_verbatim", "best_similarity", "methods"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            let methods = try #require(object["methods"] as? [String: String])
            #expect(Set(methods.keys) == ["near", "llama2"])
        }
    }

    @Test func failOnAndWriteCleanAreExactAndAtomic() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let clean = "\(dir)/clean.jsonl"
        let gate = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--fail-on", "near:0.1", "--write-clean", clean])
        #expect(gate.status == 1)
        let lenient = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--fail-on", "near:0.9"])
        #expect(lenient.status == 0)
        // The clean copy holds the unflagged records, byte for byte as in the input.
        let input = try String(contentsOfFile: "\(repositoryRoot)/corpora/items/benchmark.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let output = try String(contentsOfFile: clean, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(output.count == 5)
        for line in output { #expect(input.contains(Substring(line))) }
        #expect(output.allSatisfy { !$0.contains("\"gpl-preamble\"") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["clean.jsonl"])
    }

    @Test func firstPassClearsItemsHonestlyAndNoFirstPassRestoresTheFigures() throws {
        let arguments = try ["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,exactsubstr"]
        let fast = try CLI.run(arguments)
        #expect(fast.status == 0, "\(fast.stderr)")
        // Item rows: not indented (the summary's method lines are), with a verdict.
        func isRow(_ line: Substring) -> Bool { !line.hasPrefix(" ") && (line.contains(" clean ") || line.contains(" dirty ")) }
        let rows = fast.stdout.split(separator: "\n").filter(isRow).map(String.init)
        #expect(rows.count == 12)
        let cleared = rows.filter { $0.contains("<13") }
        #expect(!cleared.isEmpty && cleared.count < rows.count)
        // A cleared row: clean by both methods, no coverage or similarity made up.
        for row in cleared {
            #expect(!row.contains("dirty") && !row.contains("%"), "\(row)")
        }
        #expect(fast.stdout.contains("first pass: the 13-gram sketch cleared \(cleared.count) of 12 items"))
        #expect(fast.stdout.contains("verbatim: 7 of the \(12 - cleared.count) items fully checked share"), "\(fast.stdout)")
        #expect(fast.stdout.contains("--no-first-pass computes them"))

        let full = try CLI.run(arguments + ["--no-first-pass"])
        #expect(full.status == 0)
        #expect(!full.stdout.contains("<13") && !full.stdout.contains("first pass"))
        #expect(full.stdout.contains("verbatim: 7 items share a span"))
        // Same verdicts row by row (the first two columns after the id).
        func verdicts(_ output: String) -> [[Substring]] {
            output.split(separator: "\n").filter(isRow).map { Array($0.split(separator: " ").prefix(3)) }
        }
        #expect(verdicts(fast.stdout) == verdicts(full.stdout))

        let json = try CLI.run(arguments + ["--json"])
        #expect(json.status == 0 && json.stderr.contains("first pass: the 13-gram sketch cleared"))
        var nulls = 0
        for line in json.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let firstPass = object["first_pass"] as? [String: Any] {
                nulls += 1
                #expect(firstPass["n"] as? Int == 13)
                #expect(object["longest_match_tokens"] is NSNull && object["coverage"] is NSNull && object["best_similarity"] is NSNull)
                #expect(object["methods"] as? [String: String] == ["lmeval13": "clean", "exactsubstr": "clean"])
            } else {
                #expect(object["longest_match_tokens"] is Int)
            }
        }
        #expect(nulls == cleared.count)
        let fullJSON = try CLI.run(arguments + ["--json", "--no-first-pass"])
        #expect(!fullJSON.stdout.contains("first_pass") && !fullJSON.stdout.contains("null"))

        // The default method (near, seeds of 6 tokens) cannot use a 13-gram sketch: output as before.
        let near = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer"])
        #expect(!near.stdout.contains("first pass") && !near.stdout.contains("<13"))
        let help = try CLI.run(["check", "--help"])
        #expect(help.stdout.contains("--no-first-pass") && help.stdout.contains("FIRST PASS:"))
    }

    @Test func badItemsNameTheFileAndLine() throws {
        let dir = try temporaryDirectory("cli"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let items = "\(dir)/items.jsonl"
        try writeTestFile(atPath: items, text: "{\"question\": \"fine\"}\n{\"prompt\": \"no question here\"}\n")
        let result = try CLI.run(["check", Self.index(), items, "--field", "question"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("items.jsonl:2"))
        let missing = try CLI.run(["check", Self.index(), "\(dir)/absent.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.jsonl"))
        let wrongOptions = try CLI.run(["check", Self.index(), "corpora/items/generations.txt", "--lines", "--keep-case"])
        #expect(wrongOptions.status == 2)
        #expect(wrongOptions.stderr.contains("case"))
    }
}

/// `contam check` on a sketch-only index: the same methods and reports as on a full index, each verdict
/// the full index's or "undecided".
@Suite(.serialized) struct SketchCheckCLITests {
    /// The shared sketch-only index (8- and 13-grams) of the sample corpora.
    static func index() throws -> String { try SampleIndexes.sketchOnly() }
    private static let droppedPunctuationBuild = Result {
        try CLI.buildIndex(SampleIndexes.corpus, named: "sketch-nopunct.idx", options: ["--sketch-only", "--sketch-n", "8,13", "--drop-punct"])
    }
    /// The same with --drop-punct, where a word 13-gram is exactly 13 tokens.
    static func droppedPunctuation() throws -> String { try droppedPunctuationBuild.get() }

    /// What `contam check --json` said about each item: method -> verdict, and the methods whose sketch
    /// "dirty" carries sketch evidence (it may be a false positive).
    static func verdicts(_ result: CLI.Result) throws -> [String: (methods: [String: String], sketchBased: Set<String>)] {
        var verdicts: [String: (methods: [String: String], sketchBased: Set<String>)] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["id"] as? String)
            let details = object["method_details"] as? [String: [String: Any]] ?? [:]
            verdicts[id] = (object["methods"] as? [String: String] ?? [:], Set(details.filter { $0.value["sketch"] != nil }.keys))
        }
        return verdicts
    }

    /// The same check on a sketch-only index and on the full index of the same corpus: each sketch verdict
    /// is the full index's or "undecided", except a sketch "dirty" (marked with its sketch evidence) that a
    /// Bloom-filter false positive can explain; a sketch "clean" is always clean on the full index.
    func compareWithTheFullIndex(_ sketchIndex: String, fullOptions: [String]) throws -> [String: (methods: [String: String], sketchBased: Set<String>)] {
        let arguments = ["corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,palm", "--json"]
        let sketchResult = try CLI.run(["check", sketchIndex] + arguments)
        #expect(sketchResult.status == 0, "\(sketchResult.stderr)")
        let fullIndex = fullOptions.isEmpty ? try SampleIndexes.full() : try CLI.buildIndex(SampleIndexes.corpus, named: "full-nopunct.idx", options: fullOptions)
        let fullResult = try CLI.run(["check", fullIndex] + arguments)
        #expect(fullResult.status == 0, "\(fullResult.stderr)")
        let sketch = try Self.verdicts(sketchResult)
        let full = try Self.verdicts(fullResult)
        #expect(sketch.count == 12 && Set(sketch.keys) == Set(full.keys))
        var sketchClean = 0
        for (id, exact) in full {
            for (method, verdict) in exact.methods {
                let answer = sketch[id]?.methods[method]
                if answer == "clean" { sketchClean += 1 }
                if answer == "undecided" || answer == verdict { continue }
                #expect(answer == "dirty" && sketch[id]?.sketchBased.contains(method) == true,
                        "\(id) \(method): \(answer ?? "-") on the sketch but \(verdict) on the full index")
            }
            for line in sketchResult.stdout.split(separator: "\n") where line.contains("\"id\":\"\(id)\"") {
                #expect(line.contains("\"sketch_only\"") && line.contains("\"longest_match_tokens\":null"))
            }
        }
        // Not vacuous: the sketch clears some verdicts.
        #expect(sketchClean > 0)
        return sketch
    }

    @Test func ngramMethodsAgreeWithTheFullIndexOrSayUndecided() throws {
        // With punctuation kept a word 13-gram spans more than 13 tokens, which a 13-gram sketch cannot
        // decide; palm's 8-grams it can: the verbatim copies are dirty (no false negatives).
        let kept = try compareWithTheFullIndex(Self.index(), fullOptions: [])
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(kept[copied]?.methods["palm"] == "dirty", "\(copied)")
        }
        #expect(kept["shuffled-gpl"]?.methods["palm"] == "clean")
        // With --drop-punct, lmeval13 is decided as on the full index.
        let dropped = try compareWithTheFullIndex(Self.droppedPunctuation(), fullOptions: ["--drop-punct", "--sketch-n", "8,13"])
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(dropped[copied]?.methods == ["lmeval13": "dirty", "palm": "dirty"], "\(copied)")
        }
    }

    @Test func methodsTheSketchCannotDecideAreUndecidedAndGateTheRun() throws {
        let near = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "near"])
        #expect(near.status == 0, "\(near.stderr)")
        #expect(near.stdout.contains("undecided") && near.stdout.contains("sketch-only index"))
        let gateOnUndecided = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "near", "--fail-on", "near"])
        #expect(gateOnUndecided.status == 1)
        #expect(gateOnUndecided.stderr.contains("undecided (counted as dirty)"))
        let defaultMethod = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer"])
        #expect(defaultMethod.status == 2)
        #expect(defaultMethod.stderr.contains("pass --method lmeval13"))
        let gate = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "lmeval13", "--fail-on", "lmeval13:0.1"])
        #expect(gate.status == 1)
    }

    @Test func everyReportWorksOnASketch() throws {
        let dir = try temporaryDirectory("sketch-reports"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try CLI.run(["check", Self.droppedPunctuation(), "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,palm",
                                  "--markdown", "--html", "\(dir)/report.html", "--write-clean", "\(dir)/clean.jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| ITEM") || result.stdout.contains("|"))
        let html = try String(contentsOfFile: "\(dir)/report.html", encoding: .utf8)
        #expect(html.contains("a sketch-only index keeps no text"))
        #expect(result.stderr.contains("wrote \(dir)/clean.jsonl"))
    }
}
