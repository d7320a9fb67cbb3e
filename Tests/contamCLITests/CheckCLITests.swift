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

/// `contam check` on a sketch-only index: the n-gram methods, marked probabilistic; the others refused.
@Suite(.serialized) struct SketchCheckCLITests {
    /// The shared sketch-only index (8- and 13-grams) of the sample corpora.
    static func index() throws -> String { try SampleIndexes.sketchOnly() }

    /// What `contam check --json` said about one item: each method's verdict, and on a sketch-only index
    /// whether the record is marked probabilistic and which methods' dirty verdicts may be false positives.
    struct ItemVerdicts {
        var methods: [String: String]
        var probabilistic: Bool
        var possibleFalsePositives: [String]
    }

    static func verdicts(_ result: CLI.Result) throws -> [String: ItemVerdicts] {
        var verdicts: [String: ItemVerdicts] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["id"] as? String)
            verdicts[id] = ItemVerdicts(methods: object["methods"] as? [String: String] ?? [:], probabilistic: object["probabilistic"] as? Bool == true,
                                        possibleFalsePositives: object["possibleFalsePositive"] as? [String] ?? [])
        }
        return verdicts
    }

    /// The same check on the sketch-only index and on the full index of the same corpus: a clean verdict of
    /// the sketch is exact (a Bloom filter has no false negatives), so every item the sketch clears is clean
    /// on the full index too; where the sketch says dirty and the suffix arrays say clean, the record says the
    /// verdict may be a false positive.
    @Test func ngramMethodsAgreeWithTheFullIndexOnCleanItems() throws {
        let arguments = ["corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,palm", "--json"]
        let sketchResult = try CLI.run(["check", Self.index()] + arguments)
        #expect(sketchResult.status == 0, "\(sketchResult.stderr)")
        let fullResult = try CLI.run(["check", SampleIndexes.full()] + arguments)
        #expect(fullResult.status == 0, "\(fullResult.stderr)")
        let sketch = try Self.verdicts(sketchResult)
        let full = try Self.verdicts(fullResult)
        #expect(sketch.count == 12 && Set(sketch.keys) == Set(full.keys))
        #expect(sketch.values.allSatisfy { $0.probabilistic }, "every sketch-only record is marked probabilistic")
        var sketchClean = 0
        for (id, exact) in full {
            for (method, verdict) in exact.methods {
                let probable = sketch[id]?.methods[method]
                if probable == "clean" {
                    sketchClean += 1
                    #expect(verdict == "clean", "\(id) \(method): clean on the sketch but \(verdict) on the full index")
                } else if verdict == "clean" {
                    #expect(sketch[id]?.possibleFalsePositives.contains(method) == true,
                            "\(id) \(method): dirty on the sketch, clean on the full index, not marked a possible false positive")
                }
            }
        }
        // Not vacuous: the sketch clears some verdicts.
        #expect(sketchClean > 0)
        // The verbatim copies are dirty under both rules.
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(sketch[copied]?.methods == ["lmeval13": "dirty", "palm": "dirty"], "\(copied)")
        }
        #expect(sketch["shuffled-gpl"]?.methods["palm"] == "clean")
    }

    @Test func suffixArrayMethodsAreRefused() throws {
        let near = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "near"])
        #expect(near.status == 2)
        #expect(near.stderr.contains("--sketch-only"))
        let defaultMethod = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer"])
        #expect(defaultMethod.status == 2)
        #expect(defaultMethod.stderr.contains("pass --method lmeval13"))
        let gate = try CLI.run(["check", Self.index(), "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "lmeval13", "--fail-on", "lmeval13:0.1"])
        #expect(gate.status == 1)
    }
}
