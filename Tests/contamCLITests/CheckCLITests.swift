import Foundation
import Testing

/// End-to-end: `contam check` on the sample index and the sample items in corpora/items.
@Suite(.serialized) struct CheckCLITests {
    static let index: String = {
        let dir = CLI.temporaryDirectory()
        let path = "\(dir)/sample.idx"
        _ = try? CLI.run(["index", "corpora/licenses", "corpora/python-tutorial.jsonl.zst", "corpora/python-faq.csv", "-o", path, "--quiet"])
        return path
    }()

    @Test func tableFlagsTheCopiedAndEditedItemsOnly() throws {
        let result = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "all"])
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
        let result = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer", "--json", "--method", "near,llama2"])
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
        let dir = CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let clean = "\(dir)/clean.jsonl"
        let gate = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--fail-on", "near:0.1", "--write-clean", clean])
        #expect(gate.status == 1)
        let lenient = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--fail-on", "near:0.9"])
        #expect(lenient.status == 0)
        // The clean copy holds the unflagged records, byte for byte as in the input.
        let input = try String(contentsOfFile: "\(CLI.root)/corpora/items/benchmark.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let output = try String(contentsOfFile: clean, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(output.count == 5)
        for line in output { #expect(input.contains(Substring(line))) }
        #expect(output.allSatisfy { !$0.contains("\"gpl-preamble\"") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["clean.jsonl"])
    }

    @Test func firstPassClearsItemsHonestlyAndNoFirstPassRestoresTheFigures() throws {
        let arguments = ["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,exactsubstr"]
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
        let near = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer"])
        #expect(!near.stdout.contains("first pass") && !near.stdout.contains("<13"))
        let help = try CLI.run(["check", "--help"])
        #expect(help.stdout.contains("--no-first-pass") && help.stdout.contains("FIRST PASS:"))
    }

    @Test func badItemsNameTheFileAndLine() throws {
        let dir = CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let items = "\(dir)/items.jsonl"
        FileManager.default.createFile(atPath: items, contents: Data("{\"question\": \"fine\"}\n{\"prompt\": \"no question here\"}\n".utf8))
        let result = try CLI.run(["check", Self.index, items, "--field", "question"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("items.jsonl:2"))
        let missing = try CLI.run(["check", Self.index, "\(dir)/absent.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.jsonl"))
        let wrongOptions = try CLI.run(["check", Self.index, "corpora/items/generations.txt", "--lines", "--keep-case"])
        #expect(wrongOptions.status == 2)
        #expect(wrongOptions.stderr.contains("case"))
    }
}

/// `contam check` on a sketch-only index: the same methods and reports as on a full index, each verdict
/// the full index's or "undecided".
@Suite(.serialized) struct SketchCheckCLITests {
    static func build(_ name: String, _ extra: [String] = []) -> String {
        let dir = CLI.temporaryDirectory()
        let path = "\(dir)/\(name)"
        _ = try? CLI.run(["index", "corpora/licenses", "corpora/python-tutorial.jsonl.zst", "corpora/python-faq.csv", "-o", path, "--sketch-only", "--sketch-n", "8,13", "--quiet"] + extra)
        return path
    }

    static let index = build("sketch.idx")
    static let droppedPunctuation = build("sketch-nopunct.idx", ["--drop-punct"])

    func verdicts(_ index: String) throws -> [String: [String: String]] {
        let result = try CLI.run(["check", index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,palm", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        var verdicts: [String: [String: String]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            verdicts[object["id"] as! String] = object["methods"] as? [String: String]
            #expect(object["sketch_only"] is [String: Any])
            #expect(object["longest_match_tokens"] is NSNull)
        }
        return verdicts
    }

    @Test func ngramMethodsAgreeWithTheFullIndexOrSayUndecided() throws {
        // No false negatives: the verbatim copies are dirty by palm's 8-grams. With punctuation kept, a word
        // 13-gram spans more than 13 tokens, which a 13-gram sketch cannot decide.
        let kept = try verdicts(Self.index)
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(kept[copied]?["palm"] == "dirty", "\(copied)")
            #expect(kept[copied]?["lmeval13"] == "dirty" || kept[copied]?["lmeval13"] == "undecided", "\(copied)")
        }
        #expect(kept["shuffled-gpl"]?["palm"] == "clean")
        // With --drop-punct a word 13-gram is exactly 13 tokens: lmeval13 is decided as on the full index.
        let dropped = try verdicts(Self.droppedPunctuation)
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(dropped[copied] == ["lmeval13": "dirty", "palm": "dirty"], "\(copied)")
        }
    }

    @Test func methodsTheSketchCannotDecideAreUndecidedAndGateTheRun() throws {
        let near = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "near"])
        #expect(near.status == 0, "\(near.stderr)")
        #expect(near.stdout.contains("undecided") && near.stdout.contains("sketch-only index"))
        let gateOnUndecided = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "near", "--fail-on", "near"])
        #expect(gateOnUndecided.status == 1)
        #expect(gateOnUndecided.stderr.contains("undecided (counted as dirty)"))
        let defaultMethod = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer"])
        #expect(defaultMethod.status == 2)
        #expect(defaultMethod.stderr.contains("pass --method lmeval13"))
        let gate = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "lmeval13", "--fail-on", "lmeval13:0.1"])
        #expect(gate.status == 1)
    }

    @Test func everyReportWorksOnASketch() throws {
        let dir = CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try CLI.run(["check", Self.droppedPunctuation, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,palm",
                                  "--markdown", "--html", "\(dir)/report.html", "--write-clean", "\(dir)/clean.jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| ITEM") || result.stdout.contains("|"))
        let html = try String(contentsOfFile: "\(dir)/report.html", encoding: .utf8)
        #expect(html.contains("a sketch-only index keeps no text"))
        #expect(result.stderr.contains("wrote \(dir)/clean.jsonl"))
    }
}
