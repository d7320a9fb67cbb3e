import Foundation
import Testing
import ContamTestSupport
import ContamText
import ContamCorpus
import ContamDetect
@testable import ContamModel
@testable import ContamApps

/// Multiple-choice items about made-up facts, generated from a seed, so a benchmark and a control set come from the
/// same distribution and no real model can have seen them.
enum ProbeItemsFixture {
    struct Item {
        var id: String
        var question: String
        var choices: [String]
        var answer: Int
    }

    static let words = ["amber", "basalt", "cobalt", "dune", "ember", "fjord", "granite", "harbor", "iris", "juniper", "kelp", "lagoon",
                        "marble", "nectar", "onyx", "pumice", "quartz", "river", "saffron", "tundra", "umber", "violet", "willow", "yarrow",
                        "zephyr", "alder", "birch", "cedar", "delta", "estuary", "fennel", "glacier", "heron", "inlet", "jasper", "kestrel"]

    static func items(count: Int, seed: UInt64, prefix: String) -> [Item] {
        var random = SeededRandom(seed: seed)
        func word() -> String { words[Int.random(in: 0..<words.count, using: &random)] }
        return (0..<count).map { k in
            let year = 1700 + Int.random(in: 0..<300, using: &random)
            let question = "In the \(word()) \(word()) survey of \(year), which \(word()) did the \(word()) council of \(word()) \(prefix)\(k) choose for the \(word()) ceremony?"
            var choices = [String]()
            while choices.count < 4 {
                let choice = "the \(word()) \(word()) \(word())"
                if !choices.contains(choice) { choices.append(choice) }
            }
            return Item(id: "\(prefix)-\(k)", question: question, choices: choices, answer: Int.random(in: 0..<4, using: &random))
        }
    }

    static func jsonl(_ items: [Item]) -> String {
        items.map { item in
            let object: [String: Any] = ["id": item.id, "question": item.question, "choices": item.choices, "answer": item.answer]
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
    }

    /// The reader options and fields every test reads these files with.
    static var reader: ItemReaderOptions {
        var reader = ItemReaderOptions()
        reader.fields = ["question"]
        reader.fieldsGiven = true
        return reader
    }

    static let fields = ProbeItemFieldPaths(answer: try! FieldPath(parsing: "answer"), choices: try! FieldPath(parsing: "choices[]"))

    /// `FIRST PIECE` of a guided or general prompt.
    static func firstPiece(of prompt: String) -> String? {
        guard let start = prompt.range(of: "FIRST PIECE:\n"), let end = prompt.range(of: "\n\nSECOND PIECE:") else { return nil }
        return String(prompt[start.upperBound..<end.lowerBound])
    }

    /// The echoed prompt cut into word tokens (a word with its leading space), so the tokens spell the prompt.
    static func wordTokens(_ text: String) -> [String] {
        var tokens = [String](), current = ""
        for character in text {
            if character == " " && !current.isEmpty && current != " " { tokens.append(current); current = "" }
            current.append(character)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Log-probabilities of an echoed text: `base` per token with a little variation, three alternatives each.
    static func logprobs(_ text: String, base: Double) -> [(token: String, logprob: Double?, top: [(String, Double)])] {
        wordTokens(text).enumerated().map { k, token in
            let value = base - 0.05 * Double((k * 7 + text.utf8.count) % 5)
            return (token, k == 0 ? nil : value, k == 0 ? [] : [(token, value), (" other", value - 1), (" else", value - 2.5)])
        }
    }

    /// A model that memorized `known`: it completes their second pieces under the guided instruction only, fills their
    /// masked options, and gives their echoed text high log-probabilities; everything else gets low ones.
    static func memorizing(_ known: [ProbeItem], logprobs: Bool = true) -> @Sendable (ScriptedModelServer.Request) -> ScriptedModelServer.Answer {
        let pieces = Dictionary(known.compactMap { item in item.firstPiece.map { ($0, item.secondPiece ?? "") } }, uniquingKeysWith: { a, _ in a })
        let questions = Dictionary(known.map { ($0.question ?? $0.text, $0.choices ?? []) }, uniquingKeysWith: { a, _ in a })
        let texts = Set(known.map(\.text))
        return { request in
            if request.echo {
                return .init(text: " x", promptLogprobs: logprobs ? Self.logprobs(request.prompt, base: texts.contains(request.prompt) ? -0.2 : -2.5) : nil)
            }
            let text = request.lastText
            if text.contains("[MASK]") {
                guard let question = questions.keys.first(where: { text.contains("Question: \($0)\n") }),
                      let letter = text.range(of: "in option ").map({ text[$0.upperBound] }),
                      let index = letter.asciiValue.map({ Int($0) - 65 }) else { return .init(text: "No idea.") }
                return .init(text: questions[question]?[index] ?? "No idea.")
            }
            if let first = firstPiece(of: text), let truth = pieces[first], text.contains("as EXACTLY appeared") { return .init(text: truth) }
            return .init(text: "a brand new ending that nobody wrote before")
        }
    }

    /// A model that memorized nothing: the same answer to every prompt, the same log-probabilities for every text.
    static let ignorant: @Sendable (ScriptedModelServer.Request) -> ScriptedModelServer.Answer = { request in
        if request.echo {
            return .init(text: "", promptLogprobs: wordTokens(request.prompt).enumerated().map { k, token in
                (token, k == 0 ? nil : -1.5, k == 0 ? [] : [(token, -1.5), (" other", -1.6)])
            })
        }
        return .init(text: "I do not know this one.")
    }
}

/// `contam probe items` in process against scripted servers: positive and negative controls of every test, the
/// cache, refusals and malformed answers.
@Suite struct ProbeItemsRunnerTests {
    let directory: TestDirectory
    let benchmarkPath: String
    let controlPath: String

    init() throws {
        directory = TestDirectory("probe-items")
        benchmarkPath = directory.write("bench.jsonl", ProbeItemsFixture.jsonl(ProbeItemsFixture.items(count: 10, seed: 1, prefix: "b")))
        controlPath = directory.write("fresh.jsonl", ProbeItemsFixture.jsonl(ProbeItemsFixture.items(count: 10, seed: 2, prefix: "c")))
    }

    func read(_ path: String) throws -> [ProbeItem] {
        try ProbeItemsInput.read(paths: [path], reader: ProbeItemsFixture.reader, fields: ProbeItemsFixture.fields).items
    }

    func client(_ server: ScriptedModelServer, cache: String? = nil) -> ModelClient {
        ModelClient(configuration: .init(endpoint: server.baseURL, model: "scripted", timeout: 30, concurrency: 4, retry: RetryPolicy(maxAttempts: 1),
                                         cache: cache.map { ResponseCache(directory: $0) }))
    }

    func run(_ answer: @escaping @Sendable (ScriptedModelServer.Request) -> ScriptedModelServer.Answer, control: Bool = true,
             options: ProbeItemsOptions = ProbeItemsOptions()) async throws -> (ProbeItemsReport, Int) {
        let server = try ScriptedModelServer(answer: answer)
        defer { server.stop() }
        return (try await run(on: server, control: control, options: options), server.requestCount)
    }

    func run(on server: ScriptedModelServer, control: Bool = true, options: ProbeItemsOptions = ProbeItemsOptions(), cache: String? = nil) async throws -> ProbeItemsReport {
        let items = try read(benchmarkPath), controlItems = control ? try read(controlPath) : []
        let runner = ProbeItemsRunner(client: client(server, cache: cache))
        let plan = ProbeItemsPlanner.plan(items: items, control: controlItems, options: options, tokenizer: runner.tokenizer)
        return try await runner.run(plan)
    }

    func test(_ report: ProbeItemsReport, _ test: ProbeItemsTest) throws -> ProbeTestSummary {
        try #require(report.summary.tests.first { $0.test == test })
    }

    @Test func aModelThatMemorizedTheBenchmarkIsCalledMemorizedByEveryTest() async throws {
        defer { directory.cleanup() }
        let (report, requests) = try await run(ProbeItemsFixture.memorizing(try read(benchmarkPath)))
        // 10 items × (guided, general, options, membership) + 10 control × (options, membership).
        #expect(requests == 60)
        let guided = try test(report, .guided)
        #expect(guided.verdict == .memorized, "\(guided.reason)")
        #expect(guided.guidedExact == 10 && guided.generalExact == 0 && guided.guidedWins == 10)
        #expect(abs((guided.pValue ?? 1) - 1.0 / 1024) < 1e-12)
        let options = try test(report, .options)
        #expect(options.verdict == .memorized, "\(options.reason)")
        #expect(options.hits == 10 && options.controlHits == 0)
        let membership = try test(report, .membership)
        #expect(membership.verdict == .memorized, "\(membership.reason)")
        #expect(membership.scores?.first { $0.score == "minK" }?.auc == 1)
        #expect(report.summary.verdict == .memorized && report.memorized)
        #expect(report.items.allSatisfy { $0.guided?.guided.exact == true && $0.options?.guess.exact == true && $0.notApplicable.isEmpty })
    }

    @Test func aModelThatMemorizedNothingShowsNoEvidence() async throws {
        defer { directory.cleanup() }
        let (report, _) = try await run(ProbeItemsFixture.ignorant)
        for kind in ProbeItemsTest.allCases {
            let summary = try test(report, kind)
            #expect(summary.verdict == .noEvidence, "\(kind): \(summary.reason)")
        }
        #expect(try test(report, .guided).ties == 10)
        #expect(report.summary.verdict == .noEvidence && !report.memorized)
    }

    @Test func minKOrdersMembersAboveControlsAndGivesTheAUC() async throws {
        defer { directory.cleanup() }
        // The server knows only the benchmark's texts; membership alone.
        var options = ProbeItemsOptions()
        options.tests = [.membership]
        let (report, requests) = try await run(ProbeItemsFixture.memorizing(try read(benchmarkPath)), options: options)
        #expect(requests == 20)
        let members = report.items.compactMap(\.membership), controls = report.control.compactMap(\.membership)
        #expect(members.count == 10 && controls.count == 10)
        #expect(members.map(\.minK).min()! > controls.map(\.minK).max()!)
        #expect(members.map(\.loss).max()! < controls.map(\.loss).min()!)
        #expect(members.allSatisfy { $0.minKPlusPlusTopK != nil && $0.minKPlusPlusPositions == $0.tokens })
        let scores = try #require(try test(report, .membership).scores)
        for score in scores where score.score != "minKPlusPlusTopK" { #expect(score.auc == 1, "\(score.score)") }
        #expect((try test(report, .membership).pValue ?? 1) < 0.001)
        // A tied top-K spread says nothing: Min-K%++ over the top-K distribution then is the same for both sets.
        #expect(report.summary.tests.count == 1)
    }

    @Test func membershipWithoutControlOrWithoutLogprobsIsNotApplicableWithTheReason() async throws {
        defer { directory.cleanup() }
        var options = ProbeItemsOptions()
        options.tests = [.membership]
        let (alone, _) = try await run(ProbeItemsFixture.memorizing(try read(benchmarkPath)), control: false, options: options)
        let noControl = try test(alone, .membership)
        #expect(noControl.verdict == .notApplicable && noControl.reason.contains("no --control items"))
        #expect(noControl.scores?.first { $0.score == "minK" }?.benchmarkMean != nil)

        let (silent, _) = try await run(ProbeItemsFixture.memorizing(try read(benchmarkPath), logprobs: false), options: options)
        let none = try test(silent, .membership)
        #expect(none.verdict == .notApplicable)
        #expect(none.reason.contains("answered without log-probabilities") && none.reason.contains("membership scores (echo, logprobs)"), "\(none.reason)")
        #expect(silent.items.allSatisfy { $0.membership == nil && $0.notApplicable["membership"] != nil })
    }

    @Test func echoedLogprobsShiftedByOneTokenAreRefusedWithTheReason() async throws {
        defer { directory.cleanup() }
        // llama-cpp-python's shape: the alternatives at each position are the distribution of the next token.
        let shifted: @Sendable (ScriptedModelServer.Request) -> ScriptedModelServer.Answer = { request in
            let tokens = ProbeItemsFixture.wordTokens(request.prompt)
            return .init(text: "", promptLogprobs: tokens.enumerated().map { k, token in
                let next = k + 1 < tokens.count ? tokens[k + 1] : " end"
                return (token, k == 0 ? nil : -9.0, k == 0 ? [] : [(next, -0.5), (" other", -2), (token, -9)])
            })
        }
        var options = ProbeItemsOptions()
        options.tests = [.membership]
        options.topLogprobs = 2
        let (report, _) = try await run(shifted, options: options)
        let membership = try test(report, .membership)
        #expect(membership.verdict == .notApplicable)
        #expect(membership.reason.contains("shifted by one token") && membership.reason.contains("llama-cpp-python"), "\(membership.reason)")
        #expect(report.items.allSatisfy { $0.membership == nil })
    }

    @Test func anEndpointRefusingEchoMakesMembershipNotApplicableAndTheRestStillRuns() async throws {
        defer { directory.cleanup() }
        let known = try read(benchmarkPath)
        let server = try TestHTTPServer { raw, _ in
            let body = (try? JSONSerialization.jsonObject(with: raw.body)) as? [String: Any]
            if body?["echo"] as? Bool == true { return .json(#"{"error":{"message":"echo is not supported"}}"#, status: 400) }
            return .json(raw.path.hasSuffix("chat/completions") ? chatJSON("an ending") : completionJSON("an ending"))
        }
        defer { server.stop() }
        let client = ModelClient(configuration: .init(endpoint: server.baseURL, model: "m", timeout: 30, retry: RetryPolicy(maxAttempts: 1)))
        let runner = ProbeItemsRunner(client: client)
        let report = try await runner.run(ProbeItemsPlanner.plan(items: known, control: try read(controlPath), options: ProbeItemsOptions(), tokenizer: runner.tokenizer))
        let membership = try test(report, .membership)
        #expect(membership.verdict == .notApplicable)
        #expect(membership.reason.contains("HTTP 400") && membership.reason.contains("echo is not supported"), "\(membership.reason)")
        #expect(try test(report, .guided).verdict == .noEvidence)
        #expect(try test(report, .options).verdict == .noEvidence)
    }

    @Test func aSecondRunSendsNoRequestAndGivesTheSameReport() async throws {
        defer { directory.cleanup() }
        let cache = directory.file("cache")
        let server = try ScriptedModelServer(answer: ProbeItemsFixture.memorizing(try read(benchmarkPath)))
        defer { server.stop() }
        let first = try await run(on: server, cache: cache)
        let sent = server.requestCount
        let second = try await run(on: server, cache: cache)
        #expect(sent == 60 && server.requestCount == 60)
        #expect(second.summary.requestsSent == 0 && second.summary.cacheHits == 60)
        #expect(second.summary.tests == first.summary.tests)
        #expect(second.items.allSatisfy { $0.guided?.guided.cached == true && $0.membership?.cached == true })
    }

    @Test func aMalformedAnswerIsAnErrorNamingTheItem() async throws {
        defer { directory.cleanup() }
        let server = try TestHTTPServer { _, _ in .json(#"{"choices":[]}"#) }
        defer { server.stop() }
        let items = try read(benchmarkPath)
        let runner = ProbeItemsRunner(client: ModelClient(configuration: .init(endpoint: server.baseURL, model: "m", timeout: 30, retry: RetryPolicy(maxAttempts: 1))))
        var options = ProbeItemsOptions()
        options.tests = [.guided]
        let plan = ProbeItemsPlanner.plan(items: Array(items.prefix(1)), control: [], options: options, tokenizer: runner.tokenizer)
        await #expect { _ = try await runner.run(plan) } throws: { error in
            "\(error)".hasPrefix("\(benchmarkPath): record 1 (b-0): guided completion: the answer of POST") && "\(error)".contains("\"choices\" is empty")
        }
    }

    @Test func theIndexAddsEachCompletionsLongestCorpusMatch() async throws {
        defer { directory.cleanup() }
        let index = try SampleIndex.build(directory.file("sample.idx"))
        // The GPL preamble is in the sample corpus: a model that recites it has a long corpus match, one that does not has none.
        var item = ProbeItem(id: "gpl", location: "x: record 1", text: "When we speak of free software, we are referring to freedom, not price. Our General Public Licenses are designed to make sure that you have the freedom")
        item.applyHalves()
        item.choicesNote = "none"
        var options = ProbeItemsOptions()
        options.tests = [.guided]
        let server = try ScriptedModelServer(answer: ProbeItemsFixture.memorizing([item]))
        defer { server.stop() }
        let runner = ProbeItemsRunner(client: client(server), corpus: ProbeItemsCorpusMatcher(corpus: index))
        let report = try await runner.run(ProbeItemsPlanner.plan(items: [item], control: [], options: options, tokenizer: runner.tokenizer))
        let guided = try #require(report.items.first?.guided)
        #expect((guided.guided.corpusMatchTokens ?? 0) >= runner.tokenizer.tokens(in: item.secondPiece ?? "").count)
        #expect(guided.guided.corpusMatchSource?.contains("GPL") == true, "\(guided.guided.corpusMatchSource ?? "nil")")
        #expect((guided.general.corpusMatchTokens ?? 99) < 5)
    }
}
