import Foundation
import Testing
@testable import ContamStorage
@testable import ContamText
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

@Suite struct CheckPipelineTests {
    func request(_ paths: [String] = [SampleCorpus.itemsPath], methods: [ContaminationMethod] = ContaminationMethod.allCases) -> CheckRequest {
        var request = CheckRequest(indexPath: "sample.idx", itemPaths: paths)
        request.reader.fields = ["answer"]
        request.options.methods = methods
        return request
    }

    func verdicts(_ outcome: CheckOutcome, _ method: ContaminationMethod) -> [String: MethodVerdict] {
        Dictionary(uniqueKeysWithValues: outcome.report.results.map { ($0.item.id, $0.result(method)?.verdict ?? .clean) })
    }

    @Test func sampleItemsGetTheVerdictsTheyWereBuiltFor() throws {
        let corpus = try SampleCorpus.shared()
        let outcome = try CheckPipeline.run(request(), corpus: corpus)
        let near = verdicts(outcome, .near)
        for id in ["gpl-preamble", "range-end-point", "lambda-statements", "indentation-edited", "float-edited", "apache-notice-edited"] {
            #expect(near[id] == .dirty, "\(id) should be near-verbatim")
        }
        for id in ["gpl-question", "python-loops", "suffix-arrays", "trains", "shuffled-gpl"] {
            #expect(near[id] == .clean, "\(id) should be clean")
            #expect(outcome.report.results.first { $0.item.id == id }?.isFlagged == false, "\(id) flagged")
        }
        // Verbatim copies are dirty by every n-gram definition; the edited ones are not by exactsubstr.
        let exact = verdicts(outcome, .exactsubstr)
        #expect(exact["gpl-preamble"] == .dirty && exact["indentation-edited"] == .clean)
        #expect(verdicts(outcome, .lmeval13)["gpl-preamble"] == .dirty)
        #expect(verdicts(outcome, .llama2)["gpl-preamble"] == .dirty)
        #expect(verdicts(outcome, .palm)["mpl-partial"] == .clean)
        #expect(verdicts(outcome, .gpt3)["mpl-partial"] == .dirty)
        #expect(outcome.exitCode == 0)
    }

    @Test func tableJsonAndMarkdownOutputs() throws {
        let corpus = try SampleCorpus.shared()
        var table = request(methods: [.near, .gpt3, .llama2])
        let tableOutcome = try CheckPipeline.run(table, corpus: corpus)
        let text = tableOutcome.standardOutput
        #expect(text.hasPrefix("ITEM"))
        #expect(text.contains("gpl-preamble") && text.contains("dirty") && text.contains("NEAR") && text.contains("GPT3"))
        #expect(text.contains("12 items checked against sample.idx (lowercase, punctuation kept, typography folded)"))
        #expect(text.contains("note: gpt3: the index keeps punctuation"))
        table.flaggedOnly = true
        #expect(!(try CheckPipeline.run(table, corpus: corpus).standardOutput.contains("suffix-arrays")))

        var json = request(methods: [.near, .palm])
        json.output = .json
        let jsonOutcome = try CheckPipeline.run(json, corpus: corpus)
        let lines = jsonOutcome.standardOutput.split(separator: "\n")
        #expect(lines.count == 12)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["id", "tokens", "longest_match_tokens", "coverage", "near_verbatim", "best_similarity", "methods", "spans", "near", "method_details"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(first["id"] as? String == "gpl-preamble")
        #expect(first["near_verbatim"] as? Bool == true)
        #expect((first["methods"] as? [String: String]) == ["near": "dirty", "palm": "dirty"])
        let spans = try #require(first["spans"] as? [[String: Any]])
        let source = try #require((spans.first?["sources"] as? [[String: Any]])?.first)
        #expect(source["document"] as? String == "GPL-3.txt:1")
        #expect((source["match"] as? String)?.hasPrefix("When we speak of free software") == true)
        let near = try #require(first["near"] as? [String: Any])
        #expect((near["alignment"] as? [String: Any])?["cigar"] as? String != nil)
        #expect(jsonOutcome.messages.first?.contains("12 items checked") == true)

        var markdown = request(methods: [.near])
        markdown.output = .markdown
        let md = try CheckPipeline.run(markdown, corpus: corpus).standardOutput
        #expect(md.hasPrefix("### contam check: "))
        #expect(md.contains("| `near` |") && md.contains("| gpl-preamble |") && md.contains("<details>"))
        #expect(!md.contains("| trains |"))
    }

    @Test func failOnSetsTheExitCode() throws {
        let corpus = try SampleCorpus.shared()
        var strict = request(methods: [.near])
        strict.failOn = [try FailOnRule(parsing: "near")]
        let failed = try CheckPipeline.run(strict, corpus: corpus)
        #expect(failed.exitCode == 1)
        #expect(failed.messages.last?.contains("failing") == true)
        var lenient = request(methods: [.near])
        lenient.failOn = [try FailOnRule(parsing: "near:0.9")]
        #expect(try CheckPipeline.run(lenient, corpus: corpus).exitCode == 0)
        // A --fail-on method is evaluated even when --method did not name it.
        var added = request(methods: [.near])
        added.failOn = [try FailOnRule(parsing: "exactsubstr:50%")]
        let outcome = try CheckPipeline.run(added, corpus: corpus)
        #expect(outcome.report.options.methods == [.near, .exactsubstr])
        #expect(outcome.exitCode == 0)
    }

    @Test func failOnParsing() throws {
        #expect(try FailOnRule(parsing: "near") == FailOnRule(method: .near, fraction: 0))
        #expect(try FailOnRule(parsing: "gpt3:0.05") == FailOnRule(method: .gpt3, fraction: 0.05))
        #expect(try FailOnRule(parsing: "palm:5%") == FailOnRule(method: .palm, fraction: 0.05))
        #expect(throws: DetectError.unknownMethod("gpt5")) { try FailOnRule(parsing: "gpt5:0.1") }
        #expect(throws: DetectError.invalidFailOn("near:2")) { try FailOnRule(parsing: "near:2") }
        #expect(throws: DetectError.invalidFailOn("near:x")) { try FailOnRule(parsing: "near:x") }
        var summary = CheckSummary(results: [], methods: [.near])
        summary.items = 10
        summary.dirty[.near] = 1
        #expect(FailOnRule(method: .near, fraction: 0.1).isViolated(by: summary) == false)
        #expect(FailOnRule(method: .near, fraction: 0.09).isViolated(by: summary) == true)
    }

    @Test func writeCleanKeepsRecordsByteIdentical() throws {
        let corpus = try SampleCorpus.shared()
        let dir = TestDirectory(); defer { dir.cleanup() }
        // CRLF endings, a blank line and no final newline must survive.
        let lines = try String(contentsOfFile: SampleCorpus.itemsPath, encoding: .utf8).split(separator: "\n").map(String.init)
        let input = lines[0] + "\r\n\n" + lines[7] + "\n" + lines[9] + "\r\n" + lines[2]
        let path = dir.write("items.jsonl", input)
        var clean = request([path], methods: [.near])
        clean.writeCleanPath = dir.file("clean.jsonl")
        let outcome = try CheckPipeline.run(clean, corpus: corpus)
        let written = try String(contentsOfFile: dir.file("clean.jsonl"), encoding: .utf8)
        #expect(written == "\n" + lines[7] + "\n" + lines[9] + "\r\n")
        #expect(outcome.messages.contains { $0.contains("2 items kept, 2 flagged items left out") })
        // Compressed output for a .zst name.
        clean.writeCleanPath = dir.file("clean.jsonl.zst")
        _ = try CheckPipeline.run(clean, corpus: corpus)
        let compressed = try ItemReader.readAll(ZstdStreamReader(FileByteSource(path: dir.file("clean.jsonl.zst")), path: "clean.jsonl.zst"))
        #expect(compressed == Array(written.utf8))
        #expect(!FileManager.default.fileExists(atPath: dir.file("clean.jsonl.tmp")))
    }

    @Test func writeCleanOfWholeFileItemsMakesADirectory() throws {
        let corpus = try SampleCorpus.shared()
        let dir = TestDirectory(); defer { dir.cleanup() }
        let copied = dir.write("in/copied.txt", "Everyone is permitted to copy and distribute verbatim copies of this license document, but changing it is not allowed.")
        let fresh = dir.write("in/fresh.txt", "A completely new sentence about trains, timetables and the colour of station benches in winter.")
        var clean = request([copied, fresh], methods: [.gpt3])
        clean.writeCleanPath = dir.file("clean")
        _ = try CheckPipeline.run(clean, corpus: corpus)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file("clean"))
        #expect(names == ["fresh.txt"])
        #expect(try String(contentsOfFile: dir.file("clean/fresh.txt"), encoding: .utf8).hasPrefix("A completely new sentence"))
        let error = #expect(throws: DetectError.self) { try CheckPipeline.run(clean, corpus: corpus) }
        #expect("\(error!)".contains(dir.file("clean")))
        var mixed = request([copied, SampleCorpus.itemsPath], methods: [.gpt3])
        mixed.writeCleanPath = dir.file("other")
        #expect(throws: DetectError.self) { try CheckPipeline.run(mixed, corpus: corpus) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("other")))
    }

    @Test func htmlReportIsSelfContainedWithHighlights() throws {
        let corpus = try SampleCorpus.shared()
        let dir = TestDirectory(); defer { dir.cleanup() }
        var html = request(methods: [.near, .gpt3])
        html.htmlPath = dir.file("report.html")
        _ = try CheckPipeline.run(html, corpus: corpus)
        let page = try String(contentsOfFile: dir.file("report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("<link"))
        #expect(page.contains("<section id=\"item-1\">"))
        #expect(page.contains("<mark class=\"m\">"))
        #expect(page.contains("<mark class=\"x\">") || page.contains("<mark class=\"i\">") || page.contains("<mark class=\"d\">"))
        #expect(!page.contains("<h2>10. suffix-arrays"))
        #expect(page.components(separatedBy: "<mark").count == page.components(separatedBy: "</mark>").count)
    }

    @Test func highlightingWrapsRunsAndEscapes() {
        let text = Array("a <b> & c d".utf8)
        let tokens = Tokenizer().tokens(in: text)
        let html = HTMLReport.highlighted(text: text, tokens: tokens, marks: [0: .match, 1: .match, 2: .match, 6: .substitution], byteRange: 0..<text.count)
        #expect(html == "<mark class=\"m\">a &lt;b</mark>&gt; &amp; c <mark class=\"x\">d</mark>")
        let cut = HTMLReport.highlighted(text: text, tokens: tokens, marks: [:], byteRange: 2..<5)
        #expect(cut == "…&lt;b&gt;…")
    }

    @Test func errorsFromItemsAndOptions() throws {
        let corpus = try SampleCorpus.shared()
        let dir = TestDirectory(); defer { dir.cleanup() }
        let long = dir.write("long.txt", String(repeating: "word ", count: 200))
        var tooLong = request([long], methods: [.near])
        tooLong.options.maxItemTokens = 100
        let error = #expect(throws: DetectError.self) { try CheckPipeline.run(tooLong, corpus: corpus) }
        #expect("\(error!)".contains("\(long):1") && "\(error!)".contains("200 tokens"))
        let punctuation = dir.write("p.txt", "?!?")
        let dropPunct = InMemoryCorpus(texts: ["some text"], options: TokenizerOptions(dropPunctuation: true))
        let empty = #expect(throws: DetectError.self) { try CheckPipeline.run(request([punctuation]), corpus: dropPunct) }
        #expect("\(empty!)".contains("\(punctuation):1") && "\(empty!)".contains("no tokens"))
    }
}
