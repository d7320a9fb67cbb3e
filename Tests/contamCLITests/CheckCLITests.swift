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

/// `contam check` on a sketch-only index: the n-gram methods, marked probabilistic; the others refused.
@Suite(.serialized) struct SketchCheckCLITests {
    static let index: String = {
        let dir = CLI.temporaryDirectory()
        let path = "\(dir)/sketch.idx"
        _ = try? CLI.run(["index", "corpora/licenses", "corpora/python-tutorial.jsonl.zst", "corpora/python-faq.csv", "-o", path, "--sketch-only", "--sketch-n", "8,13", "--quiet"])
        return path
    }()

    @Test func ngramMethodsAgreeWithTheFullIndexOnCleanItems() throws {
        let result = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13,palm", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        var verdicts: [String: [String: String]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            verdicts[object["id"] as! String] = object["methods"] as? [String: String]
            #expect(object["probabilistic"] as? Bool == true)
        }
        // No false negatives: the verbatim copies are dirty under both rules.
        for copied in ["gpl-preamble", "range-end-point", "lambda-statements"] {
            #expect(verdicts[copied] == ["lmeval13": "dirty", "palm": "dirty"], "\(copied)")
        }
        #expect(verdicts["shuffled-gpl"]?["palm"] == "clean")
    }

    @Test func suffixArrayMethodsAreRefused() throws {
        let near = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "near"])
        #expect(near.status == 2)
        #expect(near.stderr.contains("--sketch-only"))
        let defaultMethod = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer"])
        #expect(defaultMethod.status == 2)
        #expect(defaultMethod.stderr.contains("pass --method lmeval13"))
        let gate = try CLI.run(["check", Self.index, "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "lmeval13", "--fail-on", "lmeval13:0.1"])
        #expect(gate.status == 1)
    }
}
