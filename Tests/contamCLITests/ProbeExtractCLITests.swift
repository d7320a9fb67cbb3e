import Foundation
import Testing
import ContamTestSupport

/// End to end: the built `contam probe extract` on an index of corpora/licenses against loopback models.
@Suite(.serialized) struct ProbeExtractCLITests {
    static let licenses = try? CLI.buildIndex(["corpora/licenses"], named: "licenses.idx")
    static func licenseTexts() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/corpora/licenses").sorted().map {
            try String(contentsOfFile: repositoryRoot + "/corpora/licenses/" + $0, encoding: .utf8)
        }
    }

    func index() throws -> String { try #require(Self.licenses, "the licenses index did not build") }

    @Test func helpAndUsageErrors() throws {
        let help = try CLI.run(["probe", "--help"])
        #expect(help.status == 0 && help.stdout.contains("extract"))
        let extractHelp = try CLI.run(["probe", "extract", "--help"])
        #expect(extractHelp.status == 0 && extractHelp.stdout.contains("--samples-per-prefix") && extractHelp.stdout.contains("Exit codes"))
        let both = try CLI.run(["probe", "extract", try index(), "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--chat", "--completion"])
        #expect(both.status == 2 && both.stderr.contains("--chat and --completion exclude each other"))
        let failOn = try CLI.run(["probe", "extract", try index(), "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--fail-on", "all"])
        #expect(failOn.status == 2 && failOn.stderr.contains("--fail-on takes exact[:RATE]"))
    }

    @Test func aMemorizingModelIsFoundAndFailsTheGate() throws {
        let server = try ScriptedModelServer.memorizer(try Self.licenseTexts())
        defer { server.stop() }
        let directory = try temporaryDirectory("probe-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = ["probe", "extract", try index(), "--endpoint", server.baseURL.absoluteString, "--model", "memorizer", "--probes", "12",
                      "--cache-dir", directory + "/cache", "--quiet"]
        let json = try CLI.run(common + ["--json", "--html", directory + "/report.html", "--fail-on", "exact:50%"])
        #expect(json.status == 1, "\(json.stderr)")
        let lines = json.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 13)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        // The memorizer continues the first place a prompt occurs: a prompt that occurs many times (a row of
        // asterisks) may continue elsewhere than where it was drawn, so only rare ones must be exact.
        #expect(objects.dropLast().allSatisfy { $0["kind"] as? String == "extract" && $0["verdict"] as? String != "none" })
        #expect(objects.dropLast().filter { ($0["duplicates"] as? Int ?? 0) < 10 }.allSatisfy { $0["verdict"] as? String == "exact" })
        #expect(objects.dropLast().allSatisfy { ($0["document"] as? String)?.contains("corpora/licenses/") == true })
        let summary = try #require(objects.last)
        #expect(summary["kind"] as? String == "summary" && summary["requests_sent"] as? Int == 12)
        #expect(try String(contentsOfFile: directory + "/report.html", encoding: .utf8).contains("Every probe"))
        // Again: every answer from the cache, the same table.
        let table = try CLI.run(common)
        #expect(table.status == 0)
        #expect(table.stdout.contains("0 requests sent, 12 answers from the cache"))
        #expect(table.stdout.contains("DUPLICATES") && table.stdout.contains("Extracted (12;"))
        #expect(server.requestCount == 12)
    }

    @Test func chosenDocumentsAndTheirErrors() throws {
        let server = try ScriptedModelServer.memorizer([])
        defer { server.stop() }
        let directory = try temporaryDirectory("probe-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ids = directory + "/ids.txt"
        try writeTestFile(atPath: ids, text: "corpora/licenses/GPL-3.txt\ncorpora/licenses/MIT-not-here.txt\n")
        let common = ["probe", "extract", try index(), "--endpoint", server.baseURL.absoluteString, "--model", "nothing", "--no-cache", "--quiet"]
        let unknown = try CLI.run(common + ["--documents", ids])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "contam: error: \(ids):2: no document 'corpora/licenses/MIT-not-here.txt' in the index (give external ids, or FILE:LINE as 'contam check' prints sources).\n")
        try writeTestFile(atPath: ids, text: "corpora/licenses/GPL-3.txt\ncorpora/licenses/BSD.txt:1\n")
        let chosen = try CLI.run(common + ["--documents", ids, "--per-document", "3", "--json", "--fail-on", "near"])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        let lines = chosen.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.prefix(6).allSatisfy { $0.contains(#""verdict":"none""#) })
        #expect(lines[0].contains(#""document":"corpora/licenses/GPL-3.txt:1""#) && lines[0].contains(#""token_offset":0"#))
        // An --html inside the index is refused before any request.
        let inside = try CLI.run(common + ["--html", try index() + "/report.html"])
        #expect(inside.status == 2 && inside.stderr.contains("report.html"))
        #expect(server.requestCount == 6)
    }

    @Test func aDeadEndpointIsAClearError() throws {
        let dead = try CLI.run(["probe", "extract", try index(), "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--retries", "0", "--no-cache", "--probes", "2", "--quiet"])
        #expect(dead.status == 2)
        #expect(dead.stderr.hasPrefix("contam: error: probe "), "\(dead.stderr)")
        #expect(dead.stderr.contains("connection refused"))
    }
}
