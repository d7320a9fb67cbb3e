import ContamStorage
import ContamModel

/// Runs a learn plan against a model: every query of every version through the client (cache, bounded
/// concurrency, retries), then `TabularLearnScorer`.
public struct TabularLearnRunner: Sendable {
    public let client: ModelClient

    /// A runner that asks through `client`.
    public init(client: ModelClient) {
        self.client = client
    }

    /// Sends every query of `plan` and scores the answers. The first request that fails for good (after its
    /// retries) cancels the others and is thrown; its message names the dataset, the version and the query.
    /// `progress(done, total)` after each answer.
    public func run(_ plan: TabularLearnPlan, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> TabularLearnReport {
        let before = client.statistics
        let answers: [ModelResponse]
        do {
            answers = try await client.completeAllOrThrow(plan.allQueries.map(\.request), progress: progress)
        } catch let error as InternalError {
            throw InternalError("\(plan.original.name): \(error)")
        }
        let after = client.statistics
        return TabularLearnScorer.report(plan: plan, answers: answers, model: client.configuration.model, endpoint: client.configuration.endpoint.absoluteString,
                                         requestsSent: after.requestsSent - before.requestsSent, cacheHits: after.cacheHits - before.cacheHits)
    }
}
