import Foundation
import Testing
import ContamTestSupport

/// Nothing a walk leaves unread is silent; directories and CSV items check like files.
@Suite struct InputWalkCLITests {
    @Test func indexSaysWhatItDidNotReadEvenWhenQuiet() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        dir.write("code/src/core.py", "def add(left, right):\n    return left + right\n")
        dir.write("code/README.md", "A small package that adds numbers.\n")
        dir.write("code/Makefile", "all:\n\ttrue\n")
        dir.write("code/.git/HEAD", "ref: refs/heads/main\n")
        dir.write("code/__pycache__/core.pyc", "\u{0}\u{0}")
        let index = dir.file("code.idx")
        let plain = try CLI.run(["index", dir.file("code"), "-o", index, "--quiet"])
        #expect(plain.status == 0)
        #expect(plain.stderr.contains("contam: note: 3 entries in the input directories not read") && plain.stderr.contains("--verbose"), "\(plain.stderr)")
        let manifest = try String(contentsOfFile: index + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"skippedInputCount\"") && manifest.contains("Makefile"))
        let verbose = try CLI.run(["index", dir.file("code"), "-o", index, "--force", "--quiet", "--exclude", "__pycache__", "--verbose"])
        #expect(verbose.status == 0 && verbose.stderr.contains("/code/Makefile  (unknown format)") && verbose.stderr.contains("(excluded)"), "\(verbose.stderr)")
        // --format text reads every file; the binary one is then an error naming it.
        let forced = try CLI.run(["index", dir.file("code"), "-o", index, "--force", "--quiet", "--format", "text"])
        #expect(forced.status == 2 && forced.stderr.contains("core.pyc:1: contains a NUL byte") && forced.stderr.contains("--exclude"), "\(forced.stderr)")
        let bad = try CLI.run(["index", dir.file("code"), "-o", index, "--force", "--include", "[src"])
        #expect(bad.status == 2 && bad.stderr.contains("'[src'"), "\(bad.stderr)")
    }

    @Test func checkReadsDirectoriesAndCSVItems() throws {
        let index = try SampleIndexes.full()
        let dir = TestDirectory(); defer { dir.cleanup() }
        // The first item is copied from an answer in corpora/python-faq.csv, the second is new.
        let question = "Guido van Rossum believes that using indentation for grouping is extremely elegant and contributes a lot to the clarity of the average Python program."
        dir.write("items/faq.csv", "id,question\nfaq1,\"\(question)\"\nnew1,\"A question about otters and their river dams written today\"\n")
        dir.write("items/notes.bin", "?")
        let result = try CLI.run(["check", index, dir.file("items"), "--field", "question", "--method", "near", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("\"faq1\"") && $0.contains("\"dirty\"") }, "\(result.stdout)")
        #expect(lines.contains { $0.contains("\"new1\"") && $0.contains("\"clean\"") }, "\(result.stdout)")
        #expect(result.stderr.contains("1 entry in the input directories not read"), "\(result.stderr)")
        let text = try CLI.run(["check", index, "corpora/items/generations.txt", "--field", "text"])
        #expect(text.status == 2 && text.stderr.contains("plain-text file"), "\(text.stderr)")
    }

    @Test func matchesInWholeFileTextShowTheirLine() throws {
        let index = try SampleIndexes.full()
        let license = try String(contentsOfFile: "corpora/licenses/GPL-3.txt", encoding: .utf8)
        let lines = license.components(separatedBy: "\n")
        let dir = TestDirectory(); defer { dir.cleanup() }
        // Lines 300-303 of the file, joined: the match starts on line 300, not on the document's line 1.
        let item = dir.write("generation.txt", lines[299...302].joined(separator: " "))
        let result = try CLI.run(["check", index, item])
        #expect(result.status == 0 && result.stdout.contains("corpora/licenses/GPL-3.txt:300"), "\(result.stdout)\(result.stderr)")
        let json = try CLI.run(["check", index, item, "--json"])
        #expect(json.stdout.contains("\"document\":\"corpora/licenses/GPL-3.txt:300\""), "\(json.stdout)")
    }
}
