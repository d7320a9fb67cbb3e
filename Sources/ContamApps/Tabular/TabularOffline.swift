import Foundation
import ContamModel

/// Model access through files, for models behind batch APIs: `prompts` writes every request of every dataset
/// as a line of an OpenAI Batch input file; `score` reads the answers back (matched by `custom_id`) and scores
/// them exactly as a live run would. Both rebuild the same plan from the same CSV and options.
public enum TabularOffline {
    /// The batch-input lines of one dataset's plan.
    public static func promptLines(_ plan: TabularPlan, model: String) -> [String] {
        plan.allQueries.map { OpenAIBatch.requestLine(customID: $0.customID(dataset: plan.dataset.name, model: model), request: $0.request, model: model) }
    }

    /// Scores one dataset's plan from answers keyed by `custom_id`. Throws when answers are missing, answer other
    /// prompts (same dataset, test and query number, different request), or report an error.
    public static func score(_ plan: TabularPlan, answers: [String: OpenAIBatch.Answer], model: String, source: String) throws -> TabularDatasetReport {
        var responses = [ModelResponse]()
        var missing = [String]()
        let queries = plan.allQueries
        for query in queries {
            let id = query.customID(dataset: plan.dataset.name, model: model)
            switch answers[id] {
            case let .text(text)?:
                responses.append(ModelResponse(text: text, finishReason: nil, fromCache: false))
            case let .failed(message)?:
                throw TabularError.responses(path: source, line: 0, reason: "\(query.request.label) (\(id)) failed in the batch: \(message)")
            case nil:
                let stem = id.split(separator: ":").dropLast().joined(separator: ":") + ":"
                if answers.keys.contains(where: { $0.hasPrefix(stem) }) {
                    throw TabularError.requestMismatch(dataset: plan.dataset.name, customID: id)
                }
                missing.append(id)
            }
        }
        if let first = missing.first {
            throw TabularError.missingResponses(dataset: plan.dataset.name, missing: missing.count, total: queries.count, firstID: first)
        }
        return TabularRunner.report(plan: plan, answers: responses, model: model, endpoint: source)
    }
}
