import Foundation
import Testing
import ContamTestSupport

/// End to end: the built `contam tabular …` on corpora/tabular, without a model (offline prompts and answers,
/// dead endpoints, an index built on the spot).
@Suite struct TabularCLITests {
    @Test func helpAndUsageErrors() throws {
        let help = try CLI.run(["tabular", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS:") && help.stdout.contains("exposure"))
        let testHelp = try CLI.run(["tabular", "test", "--help"])
        #expect(testHelp.status == 0 && testHelp.stdout.hasPrefix("OVERVIEW: Run the memorization tests of one CSV against a model."))
        #expect(testHelp.stdout.contains("USAGE: contam tabular test <csv> [<options>]"))
        let missing = try CLI.run(["tabular", "test", "corpora/tabular/iris.csv", "--model", "m"], environment: ["OPENAI_BASE_URL": ""])
        #expect(missing.status == 2)
        let wrongTest = try CLI.run(["tabular", "test", "corpora/tabular/iris.csv", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--tests", "rows"])
        #expect(wrongTest.status == 2 && wrongTest.stderr.hasPrefix("contam: error: unknown test 'rows'"))
        #expect(wrongTest.stderr.contains("See 'contam tabular test --help'"))
        let unknown = try CLI.run(["tabular", "frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown tabular subcommand 'frobnicate'"))
    }

    @Test func badCSVAndDeadEndpointAreClearErrors() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ragged = directory + "/ragged.csv"
        try writeTestFile(atPath: ragged, text: "a,b,c\n1,2,3\n4,5\n")
        let bad = try CLI.run(["tabular", "test", ragged, "--endpoint", "http://127.0.0.1:9/v1", "--model", "m"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "contam: error: \(ragged):3: this row has 2 fields but the header has 3; fix the row (unbalanced quotes?) or the header\n")
        let dead = try CLI.run(["tabular", "test", "corpora/tabular/iris.csv", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "--no-cache", "--tests", "row"])
        #expect(dead.status == 2)
        #expect(dead.stderr.hasPrefix("contam: error: iris: row completion, query "))
        #expect(dead.stderr.contains("could not reach POST http://127.0.0.1:9/v1/chat/completions (1 attempt): connection refused"))
        // A scan reports the failures and goes on, then exits 2.
        let scan = try CLI.run(["tabular", "scan", ragged, "corpora/tabular/iris.csv", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "--no-cache", "--tests", "feature-names", "--markdown"])
        #expect(scan.status == 2)
        #expect(scan.stdout.contains("| ragged | – |  | **failed**: \(ragged):3: this row has 2 fields"))
        #expect(scan.stdout.contains("| iris | – |  | **failed**: iris: feature-names test: could not reach"))
    }

    @Test func promptsThenScoreMemorizedAnswers() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let requests = directory + "/requests.jsonl"
        let common = ["corpora/tabular/iris.csv", "--model", "gpt-x", "--completion", "--tests", "row,feature-names", "--queries", "6"]
        let prompts = try CLI.run(["tabular", "prompts"] + common + ["-o", requests])
        #expect(prompts.status == 0)
        #expect(prompts.stderr == "wrote 7 requests for 1 dataset to \(requests)\n")
        // Answer like a model that memorized the file.
        let lines = try String(contentsOfFile: repositoryRoot + "/corpora/tabular/iris.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        var answers = [String]()
        for line in try String(contentsOfFile: requests, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["custom_id"] as? String)
            let prompt = try #require((object["body"] as? [String: Any])?["prompt"] as? String)
            var text = ""
            if id.contains(":feature-names:") {
                text = "sepal_width, petal_length, petal_width, species\n"
            } else {
                let shown = prompt.dropLast().split(separator: "\n").map(String.init)
                for start in 0..<(lines.count - shown.count) where Array(lines[start..<(start + shown.count)]) == shown {
                    text = lines[start + shown.count] + "\n"
                    break
                }
            }
            let encoded = String(decoding: try JSONSerialization.data(withJSONObject: ["custom_id": id, "text": text]), as: UTF8.self)
            answers.append(encoded)
        }
        let responses = directory + "/responses.jsonl"
        try writeTestFile(atPath: responses, text: answers.joined(separator: "\n") + "\n")
        let scored = try CLI.run(["tabular", "score"] + common + ["--responses", responses, "--fail-on-memorized", "--brief"])
        #expect(scored.status == 1)
        #expect(scored.stdout.contains("Overall: memorized (row completion, feature-names test)."))
        #expect(scored.stdout.contains("answers read from \(responses)"))
        let json = try CLI.run(["tabular", "score"] + common + ["--responses", responses, "--json"])
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"verdict\":\"memorized\""))
        // Other options, other prompts: the answers do not fit.
        let mismatch = try CLI.run(["tabular", "score"] + common + ["--responses", responses, "--seed", "3"])
        #expect(mismatch.status == 2 && mismatch.stderr.contains("answers a different request"))
    }

    @Test func exposureAgainstAnIndex() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = directory + "/web.idx"
        let built = try CLI.run(["index", "corpora/licenses", "corpora/tabular/iris.csv", "--format", "text", "-o", index, "--quiet"])
        #expect(built.status == 0, "\(built.stderr)")
        let exposure = try CLI.run(["tabular", "exposure", "corpora/tabular/iris.csv", "corpora/tabular/uci-wine.csv", "--index", index, "--fail-on-exposed"])
        #expect(exposure.status == 1)
        #expect(exposure.stdout.contains("iris      150           150               0               yes (1×)  exposed"))
        #expect(exposure.stdout.contains("uci-wine  178           0                 0               no        not found"))
        #expect(exposure.stdout.contains("  line 2, 1× as written, 0× as F = v: 5.1,3.5,1.4,0.2,Iris-setosa\n    in corpora/tabular/iris.csv:1"))
        let clean = try CLI.run(["tabular", "exposure", "corpora/tabular/uci-wine.csv", "--index", index, "--fail-on-exposed", "--json"])
        #expect(clean.status == 0 && clean.stdout.contains("\"verdict\":\"not found\""))
        let noIndex = try CLI.run(["tabular", "exposure", "corpora/tabular/iris.csv", "--index", directory + "/none.idx"])
        #expect(noIndex.status == 2 && noIndex.stderr.contains("none.idx"))
    }
}
