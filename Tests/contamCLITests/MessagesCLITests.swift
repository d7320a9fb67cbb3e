import Foundation
import Testing
import ContamTestSupport

/// One error style, and messages that say what is in the way (issue: unclear errors).
@Suite struct MessagesCLITests {
    @Test func usageAndRunErrorsShareOneStyle() throws {
        let usage = try CLI.run(["index", "corpora/licenses"])
        #expect(usage.status == 2 && usage.stderr.hasPrefix("contam: error: missing --output"), "\(usage.stderr)")
        let unknown = try CLI.run(["nosuchcommand"])
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix("contam: error: unknown subcommand"), "\(unknown.stderr)")
        let input = try CLI.run(["check", "/nonexistent.idx", "corpora/items/benchmark.jsonl"])
        #expect(input.status == 2 && input.stderr.hasPrefix("contam: error: "), "\(input.stderr)")
    }

    @Test func aCacheDirThatIsAFileIsNamedBeforeAnyRequest() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let file = dir.write("not-a-directory", "x")
        // Port 1 refuses connections: had the cache been tried only after a request, the error would be the network's.
        let result = try CLI.run(["tabular", "test", "corpora/tabular/iris.csv", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m",
                                  "--cache-dir", file + "/cache", "--quiet"])
        #expect(result.status == 2 && result.stderr.contains("\(file) is a file, not a directory") && !result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
    }

    @Test func aSketchSizedFarTooSmallIsReportedEvenWhenQuiet() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let result = try CLI.run(["index", "corpora/licenses", "-o", dir.file("small.idx"), "--sketch-ngrams", "1", "--quiet"])
        #expect(result.status == 0 && result.stderr.contains("--sketch-ngrams 1 is far below") && result.stderr.contains("leave it out"), "\(result.stderr)")
        let fine = try CLI.run(["index", "corpora/licenses", "-o", dir.file("fine.idx"), "--quiet"])
        #expect(fine.status == 0 && !fine.stderr.contains("far below"))
    }

    @Test func csvRowsTooShortAndUnclosedQuotesSayWhatIsWrong() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let ragged = dir.write("ragged.csv", "id,question,answer\n1,q,a\n2,short\n")
        let result = try CLI.run(["index", ragged, "--field", "answer", "-o", dir.file("r.idx"), "--quiet"])
        #expect(result.status == 2 && result.stderr.contains("ragged.csv:3: this row has 2 fields but the header has 3 columns"), "\(result.stderr)")
        let unclosed = dir.write("quote.csv", "id,text\n1,\"never closed\n2,b\n")
        let quote = try CLI.run(["index", unclosed, "--field", "text", "-o", dir.file("q.idx"), "--quiet", "--skip-bad-records"])
        #expect(quote.status == 2 && quote.stderr.contains("quote.csv:2:") && quote.stderr.contains("cannot skip this one"), "\(quote.stderr)")
    }
}
