import Foundation
import Testing
import ContamTestSupport
@testable import ContamModel
@testable import ContamApps

/// Runs every tabular test in both modes against a real model behind a real OpenAI-compatible server
/// (SmolLM2-135M through llama.cpp; `scripts/llm-integration.sh` starts it and sets CONTAM_LLM_URL). Skipped
/// when CONTAM_LLM_URL is not set. The model memorized nothing (0/25 on Iris rows): a real negative control.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] != nil, "set CONTAM_LLM_URL: scripts/llm-integration.sh starts a real model"),
       .serialized)
struct TabularLLMIntegrationTests {
    let endpoint = URL(string: ProcessInfo.processInfo.environment["CONTAM_LLM_URL"] ?? "http://127.0.0.1:9/v1")!
    let model = ProcessInfo.processInfo.environment["CONTAM_LLM_MODEL"] ?? "smollm2"

    /// Few, short queries: a 135M model on two CPU cores answers a 300-token prompt in a few seconds.
    var options: TabularOptions {
        var options = TabularOptions()
        options.queries = 2
        options.prefixRows = 3
        options.rowFewShot = 2
        options.featureFewShot = 2
        options.fewShotDatasets = 1
        options.headerCutRows = [2, 4]
        options.headerCharacters = 40
        return options
    }

    func client(cache: String) throws -> ModelClient {
        ModelClient(configuration: .init(endpoint: try ModelClient.endpointURL(endpoint.absoluteString), model: model, timeout: 300, concurrency: 2,
                                         retry: RetryPolicy(maxAttempts: 3, initialDelay: 1), cache: ResponseCache(directory: cache)))
    }

    @Test func everyTestInBothModesThenEntirelyFromTheCache() async throws {
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        let pool = try TabularFewShotPool.load(directory: TabularFixtures.corporaDirectory)
        let cache = try temporaryDirectory("llm-cache")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        for mode in [TabularMode.chat, .completion] {
            var options = options
            options.mode = mode
            let plan = try TabularPlanner.plan(iris, options: options, fewShot: pool)
            #expect(!plan.fewShotDatasets.contains("iris"))
            let total = plan.allQueries.count
            // header (2 cuts), row, feature, first-token (2 each), feature names (1), sample (2), feature values
            // (2: one few-shot dataset gives distinct queries), dataset name (1).
            #expect(total == 2 + 2 + 2 + 2 + 1 + 2 + 2 + 1)

            let first = try client(cache: cache)
            let report = try await TabularRunner(client: first).run(plan)
            #expect(first.statistics.requestsSent >= total, "every query went to the server")
            #expect(first.statistics.cacheHits == 0)
            #expect(report.failure == nil)
            #expect(report.tests.map(\.test) == TabularTestKind.allCases)
            for test in report.tests {
                #expect(test.verdict != .notApplicable, "\(mode) \(test.test)")
                #expect(test.queries.count == plan.tests.first { $0.test == test.test }?.queries.count)
            }
            // A real negative control: SmolLM2 does not complete Iris rows.
            let row = try #require(report.tests.first { $0.test == .row })
            #expect(row.verdict != .memorized, "\(mode): \(row.queries.map(\.answer))")
            // Nor does it produce Iris rows, numbers or a name that cannot be read off the rows shown.
            for kind in [TabularTestKind.sample, .featureValues, .datasetName] {
                let result = try #require(report.tests.first { $0.test == kind })
                #expect(result.verdict != .memorized, "\(mode) \(kind): \(result.statisticText), \(result.reason): \(result.queries.map(\.answer))")
                print("SmolLM2 \(mode) \(kind.rawValue): \(result.verdict.rawValue); \(result.statisticText) vs \(result.baselineText)\(result.pValue.map { ", p = \($0)" } ?? ""); answers \(result.queries.map(\.answer))")
            }
            let text = TabularReportRenderer.human(report, colour: false)
            for kind in TabularTestKind.allCases { #expect(text.contains(kind.title)) }
            let decoded = try JSONDecoder().decode(TabularDatasetReport.self, from: Data(TabularReportRenderer.json(report).utf8))
            #expect(decoded.tests == report.tests)

            // The same run again: no HTTP request at all, the same answers.
            let second = try client(cache: cache)
            let again = try await TabularRunner(client: second).run(plan)
            #expect(second.statistics.requestsSent == 0)
            #expect(second.statistics.cacheHits == total)
            #expect(again.tests.map { $0.queries.map(\.answer) } == report.tests.map { $0.queries.map(\.answer) })
            #expect(again.tests.allSatisfy { $0.queries.allSatisfy(\.cached) })
        }
    }

    @Test func aWrongPathIsAClearErrorNamingTheRequest() async throws {
        let iris = try TabularDataset.load(path: TabularFixtures.corporaDirectory + "/iris.csv")
        var options = options
        options.tests = [.featureNames]
        let plan = try TabularPlanner.plan(iris, options: options, fewShot: [])
        let wrong = endpoint.deletingLastPathComponent().appendingPathComponent("v9")
        let client = ModelClient(configuration: .init(endpoint: wrong, model: model, timeout: 60, retry: RetryPolicy(maxAttempts: 1)))
        await #expect { _ = try await TabularRunner(client: client).run(plan) } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("iris: feature-names test: POST \(wrong.absoluteString)/chat/completions failed with HTTP 404")
        }
    }
}
