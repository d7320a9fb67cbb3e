import Foundation
import Testing
import ContamTestSupport

/// `contam index --normalize lmeval | --no-fold-typography | --strip-markup`: recorded in the manifest, applied
/// to the items of `check`, and what the report says about lmeval13.
@Suite(.serialized) struct NormalizationCLITests {
    func manifestTokenizer(_ index: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(index)/manifest.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(object?["tokenizer"] as? [String: Any])
    }

    @Test func lmevalIndexIsRecordedAndLmeval13IsExactOnIt() throws {
        let dir = try temporaryDirectory("cli-normalize"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let built = try CLI.run(["index", "corpora/licenses", "--normalize", "lmeval", "-o", "\(dir)/lm.idx", "-q"])
        #expect(built.status == 0, "\(built.stderr)")
        let tokenizer = try manifestTokenizer("\(dir)/lm.idx")
        #expect(tokenizer["normalization"] as? String == "lmeval" && tokenizer["foldTypography"] as? Bool == false)
        let check = try CLI.run(["check", "\(dir)/lm.idx", "corpora/items/benchmark.jsonl", "--field", "question", "--field", "answer", "--method", "lmeval13"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("note: lmeval13: exact"))

        let plain = try CLI.run(["check", try SampleIndexes.full(), "corpora/items/benchmark.jsonl", "--field", "answer", "--method", "lmeval13"])
        #expect(plain.stdout.contains("note: lmeval13: an approximation on this index"))

        let refused = try CLI.run(["index", "corpora/licenses", "--normalize", "lmeval", "--drop-punct", "-o", "\(dir)/x.idx"])
        #expect(refused.status == 2 && refused.stderr.contains("drop --drop-punct"))
    }

    @Test func foldingAndMarkupAreRecordedAndAppliedToItems() throws {
        let dir = try temporaryDirectory("cli-fold"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let sentence = "It’s a “smart” sentence — with <b>markup</b> &amp; a [link](https://example.org) that runs on for a while longer, twenty words or so."
        let corpus = dir + "/web.jsonl"
        try writeTestFile(atPath: corpus, text: String(decoding: try JSONSerialization.data(withJSONObject: ["text": sentence]), as: UTF8.self) + "\n")
        let item = dir + "/item.txt"
        try writeTestFile(atPath: item, text: "It's a \"smart\" sentence - with markup & a link that runs on for a while longer, twenty words or so.\n")
        for (flags, name) in [([String](), "default"), (["--strip-markup"], "strip"), (["--no-fold-typography", "--strip-markup"], "nofold")] {
            let built = try CLI.run(["index", corpus, "-o", "\(dir)/\(name).idx", "-q"] + flags)
            #expect(built.status == 0, "\(built.stderr)")
            let tokenizer = try manifestTokenizer("\(dir)/\(name).idx")
            #expect(tokenizer["foldTypography"] as? Bool == (name != "nofold") && tokenizer["stripMarkup"] as? Bool == (name != "default"))
            let check = try CLI.run(["check", "\(dir)/\(name).idx", item, "--method", "exactsubstr", "--json"])
            let result = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
            let longest = result?["longest_match_tokens"] as? Int ?? 0
            // Folded and stripped, the plain item is the whole sentence; otherwise the quotes, dash and markup break it.
            if name == "strip" { #expect(longest == (result?["tokens"] as? Int), "\(check.stdout)") } else { #expect(longest < (result?["tokens"] as? Int ?? 0)) }
        }
    }
}
