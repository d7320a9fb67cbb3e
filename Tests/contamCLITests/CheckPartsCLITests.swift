import Foundation
import Testing
import ContamTestSupport

/// End-to-end: `contam index --shard K/N`, `contam merge`, `contam check --partial` per part and `contam check
/// --combine` through the built binary, against one check on the merged index (the same stdout, stderr and exit
/// code), and the refusals of the command line.
@Suite(.serialized) struct CheckPartsCLITests {
    static let corpus = ["corpora/licenses", "corpora/python-faq.csv", "corpora/python-tutorial.jsonl.zst"]
    static let items = ["corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer"]

    @Test func combinedPartialsGiveTheMergedIndexsOutputAndExitCode() throws {
        let dir = try temporaryDirectory("cli-parts"); defer { try? FileManager.default.removeItem(atPath: dir) }
        var partials: [String] = []
        for k in 1...3 {
            let built = try CLI.run(["index"] + Self.corpus + ["--shard", "\(k)/3", "-o", "\(dir)/part-\(k)", "--quiet"])
            #expect(built.status == 0, "\(built.stderr)")
            let partial = try CLI.run(["check", "\(dir)/part-\(k)"] + Self.items + ["--method", "all", "--partial", "\(dir)/check-\(k).json", "--quiet"])
            #expect(partial.status == 0 && partial.stderr.contains("part \(k)/3"), "\(partial.stderr)")
            partials.append("\(dir)/check-\(k).json")
        }
        let merged = try CLI.run(["merge", "\(dir)/part-3", "\(dir)/part-1", "\(dir)/part-2", "-o", "\(dir)/merged.idx", "--quiet"])
        #expect(merged.status == 0, "\(merged.stderr)")
        for output in [["--json"], ["--markdown"], []] {
            let gate = ["--fail-on", "gpt3:0.2"]
            let whole = try CLI.run(["check", "\(dir)/merged.idx"] + Self.items + ["--method", "all", "--quiet"] + output + gate)
            let combined = try CLI.run(["check", "--combine"] + partials.reversed() + ["--index-name", "\(dir)/merged.idx"] + output + gate)
            #expect(whole.status == 1 && combined.status == whole.status, "\(output): \(combined.stderr)")
            #expect(combined.stdout == whole.stdout, "\(output)")
            #expect(combined.stderr == whole.stderr, "\(output)")
        }

        let html = try CLI.run(["check", "\(dir)/merged.idx"] + Self.items + ["--method", "all", "--quiet", "--html", "\(dir)/merged.html"])
        let combinedHTML = try CLI.run(["check", "--combine"] + partials + ["--index-name", "\(dir)/merged.idx", "--html", "\(dir)/combined.html"])
        #expect(html.status == 0 && combinedHTML.status == 0, "\(combinedHTML.stderr)")
        #expect(combinedHTML.stdout == html.stdout)
        let mergedPage = try #require(FileManager.default.contents(atPath: "\(dir)/merged.html"))
        #expect(FileManager.default.contents(atPath: "\(dir)/combined.html") == mergedPage, "the HTML reports differ")

        let missing = try CLI.run(["check", "--combine", partials[0], partials[2]])
        #expect(missing.status == 2 && missing.stderr.contains("part 2/3 is missing") && missing.stderr.contains(partials[0]), "\(missing.stderr)")
        let twice = try CLI.run(["check", "--combine"] + partials + [partials[1]])
        #expect(twice.status == 2 && twice.stderr.contains("part 2/3 is given twice"), "\(twice.stderr)")
        let fixed = try CLI.run(["check", "--combine"] + partials + ["--method", "near"])
        #expect(fixed.status == 2 && fixed.stderr.contains("--method was fixed when the parts were checked"), "\(fixed.stderr)")
        let notChecked = try CLI.run(["check", "--combine"] + partials + ["--fail-on", "near"])
        #expect(notChecked.status == 0 || notChecked.status == 1, "near is among --method all: \(notChecked.stderr)")
        let shaped = try CLI.run(["check", "\(dir)/part-1"] + Self.items + ["--partial", "\(dir)/x.json", "--json"])
        #expect(shaped.status == 2 && shaped.stderr.contains("--json shapes the report"), "\(shaped.stderr)")
        let overInput = try CLI.run(["check", "\(dir)/part-1"] + Self.items + ["--partial", "corpora/items/benchmark.jsonl"])
        #expect(overInput.status == 2, "\(overInput.stderr)")
        let clean = try CLI.run(["check", "--combine"] + partials + ["--write-clean", "\(dir)/clean.jsonl"])
        #expect(clean.status == 2 && clean.stderr.contains("--write-clean needs the items files"), "\(clean.stderr)")
        let mergeMissing = try CLI.run(["merge", "\(dir)/part-1", "\(dir)/part-3", "-o", "\(dir)/never.idx"])
        #expect(mergeMissing.status == 2 && mergeMissing.stderr.contains("part 2/3 is missing"), "\(mergeMissing.stderr)")
    }
}
