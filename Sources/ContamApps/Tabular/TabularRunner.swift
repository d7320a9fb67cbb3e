import Foundation
import ContamStorage
import ContamModel

/// Runs the plan of one dataset against a model and scores it: every query through the client (cache, bounded
/// concurrency, retries), then `TabularScorer` per test.
public struct TabularRunner: Sendable {
    public let client: ModelClient

    public init(client: ModelClient) {
        self.client = client
    }

    /// Sends every query of `plan` and scores the answers. The first request that fails for good (after its
    /// retries) cancels the others and is thrown; its message names the dataset and the query.
    /// `progress(done, total)` after each answer.
    public func run(_ plan: TabularPlan, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> TabularDatasetReport {
        let queries = plan.allQueries
        let before = client.statistics
        let answers: [ModelResponse]
        do {
            answers = try await client.completeAllOrThrow(queries.map(\.request), progress: progress)
        } catch let error as InternalError {
            throw InternalError("\(plan.dataset.name): \(error)")
        }
        let after = client.statistics
        return Self.report(plan: plan, answers: answers, model: client.configuration.model, endpoint: client.configuration.endpoint.absoluteString,
                           requestsSent: after.requestsSent - before.requestsSent, cacheHits: after.cacheHits - before.cacheHits)
    }

    /// Scores answers (one per query of `plan.allQueries`, in order) into a report.
    public static func report(plan: TabularPlan, answers: [ModelResponse], model: String, endpoint: String, requestsSent: Int = 0, cacheHits: Int = 0) -> TabularDatasetReport {
        var offset = 0
        var results = [TabularTestResult]()
        for test in plan.tests {
            let count = test.queries.count
            let slice = Array(answers[min(offset, answers.count)..<min(offset + count, answers.count)])
            offset += count
            results.append(TabularScorer.score(test, answers: slice, featureNames: plan.dataset.featureNames))
        }
        let dataset = plan.dataset
        return TabularDatasetReport(dataset: dataset.name, path: dataset.path, rows: dataset.rowCount, features: dataset.featureNames.count,
                                    truncated: dataset.truncated, model: model, endpoint: endpoint, mode: plan.options.mode, seed: plan.options.seed,
                                    tests: results, rowOrder: plan.rowOrder, requestsSent: requestsSent, cacheHits: cacheHits)
    }

    /// A report for a dataset that could not be tested.
    public static func failedReport(path: String, error: Error, options: TabularOptions, model: String, endpoint: String) -> TabularDatasetReport {
        TabularDatasetReport(dataset: TabularDataset.name(forPath: path), path: path, rows: 0, features: 0, truncated: false, model: model, endpoint: endpoint,
                             mode: options.mode, seed: options.seed, tests: [], failure: "\(error)")
    }
}
