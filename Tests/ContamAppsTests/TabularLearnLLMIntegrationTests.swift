import Foundation
import Testing
import ContamTestSupport
@testable import ContamModel
@testable import ContamApps

/// `contam tabular learn` in both modes against a real model behind a real OpenAI-compatible server (SmolLM2-135M
/// through llama.cpp; `scripts/llm-integration.sh` starts it and sets CONTAM_LLM_URL). Skipped when CONTAM_LLM_URL is
/// not set. A 135M model memorized no Iris rows: a real negative control, whatever its accuracy.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] != nil, "set CONTAM_LLM_URL: scripts/llm-integration.sh starts a real model"),
       .serialized)
struct TabularLearnLLMIntegrationTests {
    let endpoint = URL(string: ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] ?? "http://127.0.0.1:9/v1")!
    let model = ProcessInfo.processInfo.environment["CONTAM_LLM_MODEL"] ?? "smollm2"

    func client(cache: String) throws -> ModelClient {
        ModelClient(configuration: .init(endpoint: try ModelClient.endpointURL(endpoint.absoluteString), model: model, timeout: 300, concurrency: 2,
                                         retry: RetryPolicy(maxAttempts: 3, initialDelay: 1), cache: ResponseCache(directory: cache)))
    }

    /// Few, short prompts: 6 test rows with 3 few-shot rows each, in 4 versions (about 150 prompt tokens each).
    @Test(arguments: [TabularMode.chat, .completion])
    func irisInFourVersionsThenEntirelyFromTheCache(mode: TabularMode) async throws {
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        var options = TabularLearnOptions(target: "species")
        options.mode = mode
        options.testRows = 6
        options.fewShot = 3
        let plan = try TabularLearnPlanner.plan(iris, options: options)
        #expect(plan.allQueries.count == 24)
        let cache = try temporaryDirectory("llm-learn-cache")
        defer { try? FileManager.default.removeItem(atPath: cache) }

        let first = try client(cache: cache)
        let report = try await TabularLearnRunner(client: first).run(plan)
        #expect(first.statistics.requestsSent >= 24 && first.statistics.cacheHits == 0)
        #expect(report.versions.map(\.n) == [6, 6, 6, 6])
        #expect(report.verdict != .inflated, "\(mode): \(report.reason)")
        let text = TabularLearnRenderer.human(report, colour: false)
        #expect(text.contains("Verdict: "))
        print("SmolLM2 learn on iris (\(mode.rawValue)): " + report.versions.map { "\($0.version.rawValue) \($0.correct)/\($0.n) (\($0.parseable) named a class)" }.joined(separator: ", ")
              + "; drop \(report.drop), p \(report.dropPValue), verdict \(report.verdict.rawValue)")

        // The same run again: no HTTP request at all, the same answers.
        let second = try client(cache: cache)
        let again = try await TabularLearnRunner(client: second).run(plan)
        #expect(second.statistics.requestsSent == 0 && second.statistics.cacheHits == 24)
        #expect(again.versions.map { $0.outcomes.map(\.answer) } == report.versions.map { $0.outcomes.map(\.answer) })
        #expect(again.verdict == report.verdict)
    }
}
