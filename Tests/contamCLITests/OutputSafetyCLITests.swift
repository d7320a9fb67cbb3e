import Foundation
import Testing
import ContamTestSupport

/// End-to-end: no command writes over its inputs or into an index, `--force` replaces only an index or an
/// empty directory, concurrent builds to one output never both succeed, and a killed build's temporary
/// directory is cleaned up by the next build. Every fixture these tests might destroy is a private copy.
@Suite(.serialized) struct OutputSafetyCLITests {
    /// A copy of two files of corpora/licenses in `directory/corpus`.
    static func copyOfCorpus(in directory: String) throws -> String {
        let corpus = "\(directory)/corpus"
        try createTestDirectory(atPath: corpus)
        for name in ["BSD.txt", "CC0-1.0.txt"] {
            try FileManager.default.copyItem(atPath: "\(repositoryRoot)/corpora/licenses/\(name)", toPath: "\(corpus)/\(name)")
        }
        return corpus
    }

    /// The names in `directory`, sorted.
    static func listing(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func forceNeverDeletesTheCorpus() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let corpus = try Self.copyOfCorpus(in: dir)
        let over = try CLI.run(["index", corpus, "-o", corpus, "--force"])
        #expect(over.status == 2)
        #expect(over.stderr.contains("\(corpus): is also an input"), "\(over.stderr)")
        // Spelled another way, through `..`.
        let dotted = try CLI.run(["index", corpus, "-o", "\(corpus)/../corpus", "--force"])
        #expect(dotted.status == 2)
        #expect(dotted.stderr.contains("is also an input"), "\(dotted.stderr)")
        let sketchOnly = try CLI.run(["index", corpus, "--sketch-only", "-o", corpus, "--force"])
        #expect(sketchOnly.status == 2)
        #expect(sketchOnly.stderr.contains("\(corpus): is also an input"), "\(sketchOnly.stderr)")
        let inside = try CLI.run(["index", corpus, "-o", "\(corpus)/corpus.idx"])
        #expect(inside.status == 2)
        #expect(inside.stderr.contains("is inside the input directory \(corpus)"), "\(inside.stderr)")
        let around = try CLI.run(["index", "\(corpus)/BSD.txt", "-o", dir, "--force"])
        #expect(around.status == 2)
        #expect(around.stderr.contains("\(dir): contains the input \(corpus)/BSD.txt"), "\(around.stderr)")
        #expect(try Self.listing(corpus) == ["BSD.txt", "CC0-1.0.txt"])
        #expect(try Self.listing(dir) == ["corpus"])
    }

    @Test func forceReplacesOnlyAnIndexOrAnEmptyDirectory() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let bsd = "corpora/licenses/BSD.txt"
        let userDirectory = "\(dir)/mine"
        try writeTestFile(atPath: "\(userDirectory)/notes.txt", text: "keep me")
        let refused = try CLI.run(["index", bsd, "-o", userDirectory])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(userDirectory): already exists and is a non-empty directory that is not a contam index"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("old index"))
        let forced = try CLI.run(["index", bsd, "-o", userDirectory, "--force"])
        #expect(forced.status == 2)
        #expect(forced.stderr.contains("\(userDirectory): is a non-empty directory that is not a contam index"), "\(forced.stderr)")
        #expect(forced.stderr.contains("--force replaces only an index or an empty directory"))
        #expect(try String(contentsOfFile: "\(userDirectory)/notes.txt", encoding: .utf8) == "keep me")

        let file = "\(dir)/notes.txt"
        try writeTestFile(atPath: file, text: "keep me too")
        let fileRefused = try CLI.run(["index", bsd, "-o", file])
        #expect(fileRefused.stderr.contains("\(file): already exists and is a file"), "\(fileRefused.stderr)")
        let fileForced = try CLI.run(["index", bsd, "-o", file, "--force"])
        #expect(fileForced.status == 2)
        #expect(fileForced.stderr.contains("\(file): is a file;"), "\(fileForced.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me too")

        let empty = "\(dir)/empty.idx"
        try createTestDirectory(atPath: empty)
        #expect(try CLI.run(["index", bsd, "-o", empty]).stderr.contains("already exists and is an empty directory; pass --force"))
        let intoEmpty = try CLI.run(["index", bsd, "-o", empty, "--force", "--quiet"])
        #expect(intoEmpty.status == 0, "\(intoEmpty.stderr)")
        let again = try CLI.run(["index", "corpora/licenses/CC0-1.0.txt", "-o", empty])
        #expect(again.stderr.contains("already exists and is an index; pass --force to replace it"), "\(again.stderr)")
        let replaced = try CLI.run(["index", "corpora/licenses/CC0-1.0.txt", "-o", empty, "--force", "--quiet"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try CLI.run(["query", empty, "count", "regents of the university"]).stdout.hasPrefix("0"), "the new index replaced the old")
        #expect(try Self.listing(dir) == ["empty.idx", "mine", "notes.txt"])
    }

    @Test func checkNeverWritesOverItsItemsOrIntoTheIndex() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = try CLI.buildIndex(["corpora/licenses"], named: "l.idx")
        defer { try? FileManager.default.removeItem(atPath: (index as NSString).deletingLastPathComponent) }
        let items = "\(dir)/items.jsonl"
        try FileManager.default.copyItem(atPath: "\(repositoryRoot)/corpora/items/benchmark.jsonl", toPath: items)
        let original = try Data(contentsOf: URL(fileURLWithPath: items))
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/link.jsonl", withDestinationPath: items)
        try createTestDirectory(atPath: "\(dir)/sub")
        let check = ["check", index, items, "--field", "question", "--field", "answer"]
        for output in [items, "\(dir)/link.jsonl", "\(dir)/sub/../items.jsonl"] {
            for option in ["--write-clean", "--html"] {
                let result = try CLI.run(check + [option, output])
                #expect(result.status == 2, "\(option) \(output)")
                // Another spelling of the items is named with the path it resolves to.
                let named = output == items ? "\(output): is also an input;" : "\(output): is also an input (\(items));"
                #expect(result.stderr.contains(named), "\(result.stderr)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: items)) == original)
        let intoIndex = try CLI.run(check + ["--html", "\(index)/manifest.json"])
        #expect(intoIndex.status == 2)
        #expect(intoIndex.stderr.contains("\(index)/manifest.json: is inside the index"), "\(intoIndex.stderr)")
        #expect(try CLI.run(["verify", index]).status == 0, "the index is intact")
        let both = try CLI.run(check + ["--html", "\(dir)/out", "--write-clean", "\(dir)/sub/../out"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("\(dir)/out: given to both --html and --write-clean"), "\(both.stderr)")
        // A clean copy beside the items is still written.
        let clean = try CLI.run(check + ["--write-clean", "\(dir)/clean.jsonl"])
        #expect(clean.status == 0, "\(clean.stderr)")
    }

    @Test func tabularOutputsNeverOverwriteTheDataset() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let dataset = "\(dir)/x.csv"
        try FileManager.default.copyItem(atPath: "\(repositoryRoot)/corpora/tabular/iris.csv", toPath: dataset)
        let original = try Data(contentsOf: URL(fileURLWithPath: dataset))
        let prompts = try CLI.run(["tabular", "prompts", dataset, "--model", "m", "-o", dataset])
        #expect(prompts.status == 2)
        #expect(prompts.stderr.contains("\(dataset): is also an input"), "\(prompts.stderr)")
        // Refused before any request: the endpoint is never tried.
        let test = try CLI.run(["tabular", "test", dataset, "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "--no-cache", "--html", dataset])
        #expect(test.status == 2)
        #expect(test.stderr.contains("\(dataset): is also an input"), "\(test.stderr)")
        let scan = try CLI.run(["tabular", "scan", dir, "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "--no-cache", "--html", "\(dir)/scan.html"])
        #expect(scan.status == 2)
        #expect(scan.stderr.contains("is inside the input directory \(dir)"), "\(scan.stderr)")
        let responses = "\(dir)/answers.jsonl"
        try writeTestFile(atPath: responses, text: "")
        let score = try CLI.run(["tabular", "score", dataset, "--model", "m", "--responses", responses, "--html", responses])
        #expect(score.status == 2)
        #expect(score.stderr.contains("\(responses): is also an input"), "\(score.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dataset)) == original)
        #expect(try Self.listing(dir) == ["answers.jsonl", "x.csv"])
    }

    @Test func mergeNeverReplacesItsInput() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let part = "\(dir)/a.idx"
        #expect(try CLI.run(["index", "corpora/licenses/BSD.txt", "-o", part, "--quiet"]).status == 0)
        let merged = try CLI.run(["merge", part, "-o", part, "--force"])
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("\(part): is also an input"), "\(merged.stderr)")
        #expect(try CLI.run(["verify", part]).status == 0)
        let userDirectory = "\(dir)/mine"
        try writeTestFile(atPath: "\(userDirectory)/notes.txt", text: "keep me")
        let overData = try CLI.run(["merge", part, "-o", userDirectory, "--force"])
        #expect(overData.status == 2)
        #expect(overData.stderr.contains("\(userDirectory): is a non-empty directory that is not a contam index"), "\(overData.stderr)")
        #expect(try Self.listing(userDirectory) == ["notes.txt"])
        #expect(try Self.listing(dir) == ["a.idx", "mine"])
    }

    /// A `contam index -` build reading standard input, left running (its input still open) once its
    /// temporary directory exists.
    final class StalledBuild {
        let process = Process()
        let input = Pipe()
        let errors = Pipe()

        init(output: String, directory: String) throws {
            process.executableURL = URL(fileURLWithPath: try CLI.binary)
            process.arguments = ["index", "-", "--format", "text", "--lines", "-o", output, "--quiet"]
            process.standardInput = input
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data(String(repeating: "a stalled line of text\n", count: 100).utf8))
            for _ in 0..<200 where !(try OutputSafetyCLITests.listing(directory)).contains(where: { $0.contains(".tmp-") }) {
                usleep(50_000)
            }
        }

        /// Closes the input and waits; returns the exit status and what it printed on standard error.
        func finish() -> (status: Int32, stderr: String) {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    @Test func concurrentBuildsToOneOutputNeverBothSucceed() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = "\(dir)/out.idx"
        let first = try StalledBuild(output: output, directory: dir)
        let second = try CLI.run(["index", "corpora/licenses", "-o", output, "--quiet"])
        #expect(second.status == 0, "\(second.stderr)")
        let (status, stderr) = first.finish()
        #expect(status == 2)
        #expect(stderr.contains("\(output): an index appeared there while this build ran"), "\(stderr)")
        let kept = "\(output).unpublished-\(first.process.processIdentifier)"
        #expect(stderr.contains("this build's result is kept at \(kept)"))
        // The second build's index is untouched; the first one's result is whole and usable.
        #expect(try CLI.run(["query", output, "count", "regents of the university"]).stdout.hasPrefix("1"))
        #expect(try CLI.run(["query", kept, "count", "a stalled line"]).stdout.hasPrefix("100"))
        #expect(try Self.listing(dir) == ["out.idx", "out.idx.unpublished-\(first.process.processIdentifier)"])
    }

    @Test func killedBuildsTemporaryDirectoryIsRemovedByTheNextBuild() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = "\(dir)/out.idx"
        let killed = try StalledBuild(output: output, directory: dir)
        kill(killed.process.processIdentifier, SIGKILL)
        _ = killed.finish()
        let leftover = try Self.listing(dir)
        #expect(leftover.count == 1 && leftover[0].hasPrefix("out.idx.tmp-\(killed.process.processIdentifier)-"), "\(leftover)")
        let next = try CLI.run(["index", "corpora/licenses/BSD.txt", "-o", output, "--quiet"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("contam: note: removed \(dir)/\(leftover.first ?? "?"), left by an earlier build (process \(killed.process.processIdentifier), no longer running)"), "\(next.stderr)")
        #expect(try Self.listing(dir) == ["out.idx"])
    }

    @Test func missingParentDirectoryIsNamedAsGiven() throws {
        let dir = try temporaryDirectory("cli-out"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = "\(dir)/no/such/x.idx"
        let result = try CLI.run(["index", "corpora/licenses/BSD.txt", "-o", output])
        #expect(result.status == 2)
        #expect(result.stderr == "contam: error: \(output): cannot create it: the directory \(dir)/no/such does not exist\n")
    }
}
