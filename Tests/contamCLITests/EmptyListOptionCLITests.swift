import Foundation
import Testing
import ContamTestSupport

/// A list option whose value names nothing (`--method ,`, `--sketch-n ,`) is a usage error, not the default.
@Suite struct EmptyListOptionCLITests {
    @Test func aMethodListNamingNothingIsRefused() throws {
        let index = try SampleIndexes.full()
        for value in [",", " ", ", ,"] {
            let result = try CLI.run(["check", index, "corpora/items/benchmark.jsonl", "--field", "question", "--method", value])
            #expect(result.status == 2, "--method '\(value)'")
            #expect(result.stderr.contains("names no method"), "\(result.stderr)")
        }
        // A trailing comma after a real name is still that name.
        let trailing = try CLI.run(["check", index, "corpora/items/benchmark.jsonl", "--field", "question", "--method", "gpt3,", "--json"])
        #expect(trailing.status == 0, "\(trailing.stderr)")
        #expect(trailing.stdout.contains("\"methods\":{\"gpt3\":\""), "\(trailing.stdout.prefix(300))")
    }

    @Test func anNGramSizeListNamingNothingIsRefused() throws {
        let dir = try temporaryDirectory("sketch-n"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try CLI.run(["index", "corpora/licenses", "-o", "\(dir)/x.idx", "--sketch-n", ","])
        #expect(result.status == 2)
        #expect(result.stderr.contains("names no n-gram size"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.idx"))
    }
}
