import Foundation
import Testing
import ContamTestSupport

/// End to end: the built `contam probe items` against a scripted loopback model: the reports, the exit codes, the
/// cache, and the errors (usage, a bad field naming the record, an HTML output that is an input).
@Suite struct ProbeItemsCLITests {
    /// Ten multiple-choice items of twelve words each (single spaces, so the halves are easy to tell).
    static func items(prefix: String, count: Int = 10) -> [(question: String, choices: [String], answer: Int)] {
        (0..<count).map { k in
            let words = (0..<12).map { "\(prefix)\(k)w\($0)" }
            return (words.joined(separator: " "), ["\(prefix)\(k) alpha", "\(prefix)\(k) beta", "\(prefix)\(k) gamma"], k % 3)
        }
    }

    static func jsonl(_ items: [(question: String, choices: [String], answer: Int)]) -> String {
        items.enumerated().map { k, item in
            let choices = item.choices.map { "\"\($0)\"" }.joined(separator: ",")
            return #"{"id":"item-\#(k)","question":"\#(item.question)","choices":[\#(choices)],"answer":\#(item.answer)}"#
        }.joined(separator: "\n") + "\n"
    }

    /// Memorized `known`: the true second half under the guided instruction, the masked option, high log-probabilities.
    static func memorizing(_ known: [(question: String, choices: [String], answer: Int)]) -> @Sendable (ScriptedModelServer.Request) -> ScriptedModelServer.Answer {
        var halves = [String: String]()
        for item in known {
            let words = item.question.split(separator: " ")
            halves[words[..<(words.count / 2)].joined(separator: " ")] = words[(words.count / 2)...].joined(separator: " ")
        }
        let table = halves
        return { request in
            if request.echo {
                let member = known.contains { $0.question == request.prompt }
                var tokens = [(token: String, logprob: Double?, top: [(String, Double)])]()
                for (k, word) in request.prompt.split(separator: " ").enumerated() {
                    let token = k == 0 ? String(word) : " " + word
                    let value = (member ? -0.3 : -3.0) - 0.1 * Double((k + request.prompt.count) % 4)
                    tokens.append((token, k == 0 ? nil : value, [(token, value), (" z", value - 1)]))
                }
                return .init(text: "", promptLogprobs: tokens)
            }
            let text = request.lastText
            if text.contains("[MASK]") {
                guard let item = known.first(where: { text.contains($0.question) }), let range = text.range(of: "in option ") else { return .init(text: "none") }
                return .init(text: item.choices[Int(text[range.upperBound].asciiValue ?? 65) - 65])
            }
            if text.contains("as EXACTLY appeared"), let start = text.range(of: "FIRST PIECE:\n"), let end = text.range(of: "\n\nSECOND PIECE:"),
               let truth = table[String(text[start.upperBound..<end.lowerBound])] {
                return .init(text: truth)
            }
            return .init(text: "something else entirely")
        }
    }

    let directory = TestDirectory("probe-items-cli")

    func files() -> (benchmark: String, control: String) {
        (directory.write("bench.jsonl", Self.jsonl(Self.items(prefix: "b"))), directory.write("fresh.jsonl", Self.jsonl(Self.items(prefix: "c"))))
    }

    func arguments(_ server: ScriptedModelServer, _ files: (benchmark: String, control: String), cache: String) -> [String] {
        ["probe", "items", files.benchmark, "--field", "question", "--choices-field", "choices[]", "--answer-field", "answer", "--control", files.control,
         "--endpoint", server.baseURL.absoluteString, "--model", "scripted", "--cache-dir", cache, "--retries", "0", "--quiet"]
    }

    @Test func helpAndUsageErrors() throws {
        defer { directory.cleanup() }
        let probe = try CLI.run(["probe", "--help"])
        #expect(probe.status == 0 && probe.stdout.contains("  items "))
        let help = try CLI.run(["probe", "items", "--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW: Ask a model whether it memorized benchmark items"))
        #expect(help.stdout.contains("USAGE: contam probe items <items> ... [<options>]") && help.stdout.contains("Min-K%++ over the top-K distribution"))
        let bench = files().benchmark
        let common = ["probe", "items", bench, "--endpoint", "http://127.0.0.1:9/v1", "--model", "m"]
        for (extra, message) in [
            (["--json", "--markdown"], "--json and --markdown cannot be combined"),
            (["--choices-field", "choices[]"], "--choices-field needs --answer-field"),
            (["--tests", "options"], "--tests options needs --choices-field"),
            (["--tests", "guided,rows"], "unknown test 'rows'"),
            (["--prompt-field", "question"], "--prompt-field needs --answer-field"),
        ] {
            let result = try CLI.run(common + extra)
            #expect(result.status == 2, "\(extra)")
            #expect(result.stderr.contains(message) && result.stderr.contains("See 'contam probe items --help'"), "\(result.stderr)")
        }
    }

    @Test func aBadFieldIsAnErrorNamingFileAndRecord() throws {
        defer { directory.cleanup() }
        let bad = directory.write("bad.jsonl", #"{"question":"a b c","choices":["x","y"],"answer":0}"# + "\n" + #"{"question":"a b c","answer":1}"# + "\n")
        let result = try CLI.run(["probe", "items", bad, "--field", "question", "--choices-field", "choices[]", "--answer-field", "answer",
                                  "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--no-cache"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("contam: error: \(bad): record 2: --choices-field choices[]: "), "\(result.stderr)")
    }

    @Test func anHTMLReportOverAnInputIsRefusedBeforeAnyRequest() throws {
        defer { directory.cleanup() }
        let server = try ScriptedModelServer(answer: Self.memorizing([]))
        defer { server.stop() }
        let files = files()
        let result = try CLI.run(arguments(server, files, cache: directory.file("cache")) + ["--html", files.control])
        #expect(result.status == 2 && result.stderr.hasPrefix("contam: error: "), "\(result.stderr)")
        #expect(server.requestCount == 0)
    }

    @Test func aMemorizingModelFailsTheGateAndASecondRunIsAllCache() throws {
        defer { directory.cleanup() }
        let files = files()
        let server = try ScriptedModelServer(answer: Self.memorizing(Self.items(prefix: "b")))
        defer { server.stop() }
        let cache = directory.file("cache"), html = directory.file("report.html")
        let first = try CLI.run(arguments(server, files, cache: cache) + ["--json", "--fail-on-memorized", "--html", html])
        #expect(first.status == 1, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 21)
        #expect(lines.prefix(10).allSatisfy { $0?["kind"] as? String == "item" && $0?["set"] as? String == "benchmark" })
        #expect(lines[10]?["set"] as? String == "control")
        let summary = try #require(lines.last ?? nil)
        #expect(summary["kind"] as? String == "summary" && summary["verdict"] as? String == "memorized")
        let tests = try #require(summary["tests"] as? [[String: Any]])
        #expect(tests.map { $0["test"] as? String } == ["guided", "options", "membership"])
        #expect(tests.allSatisfy { $0["verdict"] as? String == "memorized" }, "\(tests.map { $0["reason"] ?? "" })")
        #expect(summary["requestsSent"] as? Int == 60)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<span class=\"same\">b0w6 b0w7"))

        let second = try CLI.run(arguments(server, files, cache: cache) + ["--markdown"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("| guided completion | **memorized** |"))
        #expect(server.requestCount == 60)
        let table = try CLI.run(arguments(server, files, cache: cache))
        #expect(table.status == 0 && table.stdout.contains("0 requests sent, 60 answers from the cache") && table.stdout.contains("Overall: memorized"))
    }

    @Test func aModelThatMemorizedNothingPassesTheGate() throws {
        defer { directory.cleanup() }
        let files = files()
        let server = try ScriptedModelServer(answer: Self.memorizing([]))
        defer { server.stop() }
        let result = try CLI.run(arguments(server, files, cache: directory.file("cache")) + ["--fail-on-memorized"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Overall: no evidence"), "\(result.stdout)")
    }

    @Test func theIndexGivesEachCompletionItsLongestCorpusMatch() throws {
        defer { directory.cleanup() }
        // The GPL preamble is in the sample corpus; a model that recites its second half matches it there.
        let text = "When we speak of free software, we are referring to freedom, not price. Our General Public Licenses are designed to make sure that you have the freedom to distribute copies"
        let words = text.split(separator: " ")
        let (first, second) = (words[..<(words.count / 2)].joined(separator: " "), words[(words.count / 2)...].joined(separator: " "))
        let items = directory.write("gpl.jsonl", #"{"id":"gpl","text":"\#(text)"}"# + "\n")
        let server = try ScriptedModelServer { request in
            request.lastText.contains("as EXACTLY appeared") && request.lastText.contains(first) ? .init(text: second) : .init(text: "no idea at all")
        }
        defer { server.stop() }
        let common = ["probe", "items", items, "--tests", "guided", "--endpoint", server.baseURL.absoluteString, "--model", "m", "--no-cache", "--quiet"]
        let result = try CLI.run(common + ["--index", try SampleIndexes.full(), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data((result.stdout.split(separator: "\n").first ?? "").utf8)) as? [String: Any])
        let guided = try #require((object["guided"] as? [String: Any])?["guided"] as? [String: Any])
        #expect((guided["corpusMatchTokens"] as? Int ?? 0) >= 14 && (guided["exact"] as? Bool) == true, "\(guided)")
        #expect((guided["corpusMatchSource"] as? String)?.contains("GPL") == true, "\(guided)")
        let sketch = try CLI.run(common + ["--index", try SampleIndexes.sketchOnly()])
        #expect(sketch.status == 2 && sketch.stderr.contains("--index (each completion's longest corpus match)"), "\(sketch.stderr)")
    }
}
