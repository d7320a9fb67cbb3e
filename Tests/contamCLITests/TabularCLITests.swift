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
        #expect(testHelp.stdout.contains("--aliases <list>") && testHelp.stdout.contains("--aliases-file <file>") && testHelp.stdout.contains("--sample-temperature <t>"))
        #expect(testHelp.stdout.contains("first-token,feature-names,sample,feature-values,dataset-name (default all)"))
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

    /// A loopback model that memorized Iris: a real row (chosen by the request's seed) for the sample and
    /// feature-values prompts, "Fisher's Iris data" for the dataset-name prompt, nothing otherwise.
    func irisMemorizer() throws -> TestHTTPServer {
        let lines = try String(contentsOfFile: repositoryRoot + "/corpora/tabular/iris.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let names = lines[0].split(separator: ",").map(String.init)
        return try TestHTTPServer { request, _ in
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else { return .json("{}", status: 400) }
            let chat = request.path.hasSuffix("/chat/completions")
            let messages = body["messages"] as? [[String: String]] ?? []
            let prompt = chat ? messages.map { $0["content"] ?? "" }.joined(separator: "\n") : body["prompt"] as? String ?? ""
            var text = ""
            if prompt.contains("Feature Names: sepal_length, sepal_width, petal_length, petal_width, species") {
                let row = 1 + ((body["seed"] as? Int ?? prompt.count) % (lines.count - 1))
                text = zip(names, lines[row].split(separator: ",")).map { "\($0) = \($1)" }.joined(separator: ", ")
            } else if chat ? (messages.first?["content"] ?? "").contains("provide the name of the dataset") : prompt.hasSuffix("Dataset name:") {
                text = "Fisher's Iris data"
            }
            return .json(chat ? chatJSON(text) : completionJSON(text))
        }
    }

    @Test func sampleFeatureValuesAndDatasetNameWithAliases() throws {
        let directory = try temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try irisMemorizer()
        defer { server.stop() }
        let common = ["corpora/tabular/iris.csv", "--endpoint", server.baseURL.absoluteString, "--model", "m", "--cache-dir", directory + "/cache",
                      "--tests", "sample,feature-values,dataset-name", "--queries", "6"]
        for mode in ["--chat", "--completion"] {
            let named = try CLI.run(["tabular", "test"] + common + [mode, "--aliases", "Fisher's Iris, Anderson's Iris", "--brief", "--fail-on-memorized"])
            #expect(named.status == 1, "\(named.stderr)")
            let lines = named.stdout.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("sample test ") && $0.contains(" memorized ") && $0.contains("6/6 samples are real rows") }, "\(named.stdout)")
            // Iris's numbers are nearly all on their grid (87 %): 20 of 20 (5 queries × 4 numbers) is p = 0.056.
            #expect(lines.contains { $0.hasPrefix("feature-values test ") && $0.contains(" no evidence ") && $0.contains("20/20 numeric values as written") }, "\(named.stdout)")
            #expect(lines.contains { $0.hasPrefix("dataset-name test ") && $0.contains(" memorized ") && $0.contains("named it ('fisher s iris')") }, "\(named.stdout)")
            // Without the alias the answer only says "iris", which the rows shown say too.
            let plain = try CLI.run(["tabular", "test"] + common + [mode, "--brief"])
            #expect(plain.status == 0)
            #expect(plain.stdout.split(separator: "\n").contains { $0.hasPrefix("dataset-name test ") && $0.contains(" inconclusive ") && $0.contains("readable in the prompt ('iris')") }, "\(plain.stdout)")
        }
        // The aliases file, in a scan; a bad line is an error naming the file and line, before any request.
        let aliases = directory + "/aliases.txt"
        try writeTestFile(atPath: aliases, text: "# other names\niris: Fisher's Iris\n")
        let scan = try CLI.run(["tabular", "scan"] + common + ["--aliases-file", aliases, "--markdown", "--quiet"])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stdout.hasPrefix("| dataset | rows | sample test | feature-values test | dataset-name test | verdict |"))
        #expect(scan.stdout.contains("6/6 samples are real rows vs ") && scan.stdout.contains("named it ('fisher s iris') vs readable in the prompt ('iris'): **memorized**"), "\(scan.stdout)")
        try writeTestFile(atPath: aliases, text: "iris: Fisher's Iris\nwine Wine Quality\n")
        let before = server.requestCount
        let bad = try CLI.run(["tabular", "scan"] + common + ["--aliases-file", aliases, "--no-cache"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("contam: error: \(aliases):2: expected 'name: alias, alias, …' (a dataset's name, a colon, its other names), found 'wine Wine Quality'"), "\(bad.stderr)")
        #expect(server.requestCount == before)
        let missing = try CLI.run(["tabular", "test"] + common + ["--aliases-file", directory + "/none.txt"])
        #expect(missing.status == 2 && missing.stderr.contains("none.txt: cannot read the aliases file"))
    }
}
