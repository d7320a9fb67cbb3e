import Foundation
import Testing
import ContamTestSupport

/// End to end: the built `contam probe cdd` and `contam probe compress` against a loopback memorizer.
@Suite(.serialized) struct ProbeDistributionCLITests {
    @Test func cddAndCompressOnAMemorizedAndAnUnseenItem() throws {
        let memorized = (1...30).map { "alpha\($0)" }.joined(separator: " ")
        let unseen = (1...30).map { "omega\($0)" }.joined(separator: " ")
        let server = try ScriptedModelServer.memorizer([memorized])
        defer { server.stop() }
        let directory = try temporaryDirectory("probe-distribution-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let items = directory + "/items.jsonl"
        try writeTestFile(atPath: items, text: "{\"id\":\"seen\",\"text\":\"\(memorized.split(separator: " ").prefix(8).joined(separator: " "))\"}\n")
        let control = directory + "/control.jsonl"
        try writeTestFile(atPath: control, text: "{\"id\":\"fresh\",\"text\":\"\(unseen.split(separator: " ").prefix(8).joined(separator: " "))\"}\n")
        let common = ["--endpoint", server.baseURL.absoluteString, "--model", "memorizer", "--no-cache", "--quiet", "--json"]
        let cdd = try CLI.run(["probe", "cdd", items, "--control", control, "--samples", "6"] + common)
        #expect(cdd.status == 0, "\(cdd.stderr)")
        let lines = cdd.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""kind":"cdd""#) && lines[0].contains(#""verdict":"contaminated""#) && lines[0].contains(#""id":"seen""#))
        #expect(lines[1].contains(#""verdict":"clean""#) && lines[1].contains(#""control":true"#))
        #expect(lines[2].contains(#""kind":"summary""#))

        let texts = directory + "/texts.jsonl"
        try writeTestFile(atPath: texts, text: "{\"id\":\"seen\",\"text\":\"\(memorized)\"}\n{\"id\":\"fresh\",\"text\":\"\(unseen)\"}\n")
        let compress = try CLI.run(["probe", "compress", texts, "--fail-on-memorized"] + common)
        #expect(compress.status == 1, "\(compress.stderr)")
        let results = compress.stdout.split(separator: "\n")
        #expect(results[0].contains(#""kind":"compress""#) && results[0].contains(#""memorized":true"#) && results[0].contains(#""prefix_tokens":1"#))
        #expect(results[1].contains(#""memorized":false"#) && !results[1].contains(#""ratio""#))
        let bad = try CLI.run(["probe", "cdd", items, "--alpha", "2"] + common)
        #expect(bad.status == 2 && bad.stderr.contains("--alpha"))
    }
}
