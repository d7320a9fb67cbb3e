import Foundation
import Testing
import ContamTestSupport

/// End to end: the built `contam tabular learn` against a loopback model that memorized Iris (right on verbatim
/// rows, a copy of the first example's class otherwise) and one that always says the same: the JSON contract, the
/// exit codes, the HTML report, and the errors.
@Suite struct TabularLearnCLITests {
    let directory = TestDirectory("learn-cli")

    /// Iris's rows as the prompts write them ("sepal_length = 5.1, …") and their classes.
    static func irisMemory() throws -> [String: String] {
        let lines = try String(contentsOfFile: repositoryRoot + "/corpora/tabular/iris.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let names = lines[0]
        var memory = [String: String]()
        for cells in lines.dropFirst() where cells.count == names.count {
            memory[zip(names.dropLast(), cells.dropLast()).map { "\($0) = \($1)" }.joined(separator: ", ")] = cells.last
        }
        return memory
    }

    /// The chat memorizer: the last user turn (without a "Dataset:" line) looked up; else the first example's class.
    static func memorizer() throws -> ScriptedModelServer {
        let memory = try irisMemory()
        return try ScriptedModelServer { request in
            var row = request.messages.last { $0.role == "user" }?.content ?? ""
            if row.hasPrefix("Dataset: ") { row = String(row.split(separator: "\n", maxSplits: 1).last ?? "") }
            let shot = request.messages.first { $0.role == "assistant" }?.content ?? " = "
            let target = shot.components(separatedBy: " = ")[0]
            return .init(text: "\(target) = \(memory[row] ?? shot.components(separatedBy: " = ").dropFirst().joined(separator: " = "))")
        }
    }

    func arguments(_ server: ScriptedModelServer, _ extra: [String] = []) -> [String] {
        ["tabular", "learn", "corpora/tabular/iris.csv", "--target", "species", "--endpoint", server.baseURL.absoluteString, "--model", "scripted",
         "--test-rows", "30", "--few-shot", "4", "--cache-dir", directory.file("cache"), "--retries", "0", "--quiet"] + extra
    }

    @Test func helpAndUsageErrors() throws {
        defer { directory.cleanup() }
        let tabular = try CLI.run(["tabular", "--help"])
        #expect(tabular.status == 0 && tabular.stdout.contains("  learn "))
        let help = try CLI.run(["tabular", "learn", "--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW: Does memorization inflate few-shot accuracy?"))
        #expect(help.stdout.contains("USAGE: contam tabular learn <dataset> [<options>]"))
        #expect(help.stdout.contains("drop > 0 and p < 0.01") && help.stdout.contains("Exit codes: 0 done, 1 accuracy inflated"))
        let common = ["tabular", "learn", "corpora/tabular/iris.csv", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--no-cache", "--retries", "0"]
        let noTarget = try CLI.run(common)
        #expect(noTarget.status == 2 && noTarget.stderr.contains("missing --target <column>"))
        let unknown = try CLI.run(common + ["--target", "colour"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "contam: error: corpora/tabular/iris.csv: no column 'colour' for --target; the columns are: sepal_length, sepal_width, petal_length, petal_width, species\n")
        let regression = try CLI.run(common + ["--target", "petal_length"])
        #expect(regression.status == 2 && regression.stderr.contains("the target 'petal_length' has 43 distinct values, more than the 20"))
        let both = try CLI.run(common + ["--target", "species", "--chat", "--completion"])
        #expect(both.status == 2 && both.stderr.contains("--chat and --completion exclude each other"))
        let dead = try CLI.run(common + ["--target", "species", "--test-rows", "2", "--concurrency", "1"])
        #expect(dead.status == 2)
        // Which query fails first depends on the scheduler (even at concurrency 1 the first to finish is not
        // always the first sent); each names its version and number.
        #expect(["original", "perturbed", "task", "statistical"].contains { dead.stderr.hasPrefix("contam: error: iris: learn, \($0) version, query ") }, "\(dead.stderr)")
        #expect(dead.stderr.contains(" of 2: could not reach POST http://127.0.0.1:9/v1/chat/completions (1 attempt): connection refused"))
        // An HTML report over its own input is refused before any request.
        let copy = directory.write("iris.csv", try String(contentsOfFile: repositoryRoot + "/corpora/tabular/iris.csv", encoding: .utf8))
        let overwrite = try CLI.run(["tabular", "learn", copy, "--target", "species", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--html", copy])
        #expect(overwrite.status == 2 && overwrite.stderr.contains(copy))
        #expect(try String(contentsOfFile: copy, encoding: .utf8).hasPrefix("sepal_length,"))
    }

    @Test func aMemorizerFailsTheCheckAndAGuesserPasses() throws {
        defer { directory.cleanup() }
        let server = try Self.memorizer()
        defer { server.stop() }
        let json = try CLI.run(arguments(server, ["--json"]))
        #expect(json.status == 0, "\(json.stderr)")
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 1, "one JSON object")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "learn" && object["dataset"] as? String == "iris")
        #expect(object["verdict"] as? String == "accuracy inflated by memorization")
        let p = try #require(object["drop_p_value"] as? Double)
        #expect(p < 0.01)
        let accuracy = try #require(object["accuracy"] as? [String: [String: Any]])
        #expect(Set(accuracy.keys) == ["original", "perturbed", "task", "statistical"])
        for (name, version) in accuracy {
            for key in ["accuracy", "correct", "n", "ci_low", "ci_high"] { #expect(version[key] != nil, "\(name).\(key)") }
            #expect(version["n"] as? Int == 30)
        }
        #expect(accuracy["original"]?["correct"] as? Int == 30)
        #expect(object["requests_sent"] as? Int == 120)

        // Again from the cache, with the gate and an HTML report.
        let before = server.requestCount
        let html = directory.file("learn.html")
        let gated = try CLI.run(arguments(server, ["--fail-on-inflated", "--html", html]))
        #expect(gated.status == 1)
        #expect(server.requestCount == before, "the rerun is served from the cache")
        #expect(gated.stdout.contains("Verdict: accuracy inflated by memorization"))
        #expect(gated.stdout.contains("0 requests sent, 120 answers from the cache"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<h2 id=\"perturbed\">") && page.contains("Iris-setosa"))

        // A model that always answers the same class: the same accuracy on original and perturbed rows.
        let guesser = try ScriptedModelServer { _ in .init(text: "species = Iris-versicolor") }
        defer { guesser.stop() }
        let guessed = try CLI.run(arguments(guesser, ["--fail-on-inflated"]))
        #expect(guessed.status == 0, "\(guessed.stdout)\(guessed.stderr)")
        #expect(guessed.stdout.contains("Verdict: no evidence (the same accuracy on original and perturbed rows)"))
        #expect(guessed.stdout.contains("not a class"), "the re-spelled versions have no class 'Iris-versicolor'")
    }
}
