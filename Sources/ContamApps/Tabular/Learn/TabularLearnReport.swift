import Foundation
import ContamStatistics
import ContamModel

/// The verdict of `contam tabular learn`: does the model predict the original rows better than the perturbed ones?
public enum TabularLearnVerdict: String, Codable, Sendable {
    /// Accuracy drops from original to perturbed with p < `TabularLearnScorer.inflatedP`.
    case inflated = "accuracy inflated by memorization"
    /// A drop with p < `TabularLearnScorer.inconclusiveP`, or a version the model gave no usable answer in.
    case inconclusive
    /// No drop, or one chance explains.
    case noEvidence = "no evidence"
}

/// One answer of the learn test, scored.
public struct TabularLearnOutcome: Sendable {
    public var index: Int
    /// The row's 1-based line in the file.
    public var line: Int
    /// The test row as shown.
    public var prompt: String
    /// The true class (original spelling).
    public var truth: String
    /// The class as this version spells it.
    public var versionTruth: String
    public var answer: String
    /// The value read from the answer (`TabularScorer.featureValue`).
    public var predicted: String
    /// The original class `predicted` stands for; nil when it is no class of this version.
    public var predictedClass: String?
    public var correct: Bool
    /// Why the answer could not be scored as a class ("empty answer", "not a class"), nil when it could.
    public var problem: String?
    public var cached: Bool
}

/// The accuracy on one version.
public struct TabularLearnVersionResult: Sendable {
    public var version: TabularLearnVersion
    public var correct: Int
    public var n: Int
    public var accuracy: Double
    /// 95 % Wilson interval of the accuracy.
    public var ciLow: Double
    public var ciHigh: Double
    /// Answers that were empty.
    public var empty: Int
    /// Answers whose value is no class of this version.
    public var notAClass: Int
    /// What the transform did.
    public var transform: String
    public var outcomes: [TabularLearnOutcome]

    /// Answers that named a class.
    public var parseable: Int { n - empty - notAClass }

    /// The note of the report's table: unusable answers, if any.
    public var note: String {
        if n > 0 && parseable == 0 { return "no answer named a class (\(empty) empty, \(notAClass) not a class)" }
        var parts = [String]()
        if empty > 0 { parts.append("\(empty) empty") }
        if notAClass > 0 { parts.append("\(notAClass) not a class") }
        return parts.joined(separator: ", ")
    }
}

/// The result of `contam tabular learn` on one dataset.
public struct TabularLearnReport: Sendable {
    public var dataset: String
    public var path: String
    public var rows: Int
    public var target: String
    public var classes: [String]
    public var model: String
    public var endpoint: String
    public var mode: TabularMode
    public var seed: UInt64
    public var fewShot: Int
    /// One per version, in `TabularLearnVersion.allCases` order.
    public var versions: [TabularLearnVersionResult]
    /// Original minus perturbed accuracy.
    public var drop: Double
    /// Rows right in the original and wrong in the perturbed version, and the other way round.
    public var originalOnly: Int
    public var perturbedOnly: Int
    /// One-sided exact McNemar test (the sign test on the discordant rows).
    public var dropPValue: Double
    public var verdict: TabularLearnVerdict
    public var reason: String
    public var majorityClass: String
    /// Accuracy of always answering `majorityClass` on the test rows.
    public var majorityAccuracy: Double
    public var perturbedRowsInOriginal: Int
    public var requestsSent: Int
    public var cacheHits: Int

    /// The result of `version`.
    public func result(_ version: TabularLearnVersion) -> TabularLearnVersionResult? { versions.first { $0.version == version } }

    /// True when the verdict is accuracy inflated by memorization (`--fail-on-inflated`).
    public var inflated: Bool { verdict == .inflated }
}

/// Scores the answers of a learn plan. Pure: the same plan and answers give the same report.
///
/// An answer is read like the feature test's (`TabularScorer.featureValue`: after "Target =", to the line end),
/// mapped back to the original class through the version's spelling, and is right when that class is the true one
/// (exact, after trimming). An empty answer or a value that is no class of the version counts as wrong and is listed.
/// The drop is original − perturbed accuracy; its p-value the one-sided exact McNemar test on the per-row
/// correctness (`PairedTests.signTest`). **accuracy inflated by memorization** when drop > 0 and p < `inflatedP`,
/// **inconclusive** when drop > 0 and p < `inconclusiveP`, or when no answer of the original or the perturbed
/// version named a class; otherwise **no evidence**.
public enum TabularLearnScorer {
    /// p-value under which a drop says accuracy inflated by memorization.
    public static let inflatedP = 0.01
    /// p-value under which a drop says inconclusive.
    public static let inconclusiveP = 0.05

    /// The report of `plan` given one answer per query of `plan.allQueries` (same order).
    public static func report(plan: TabularLearnPlan, answers: [ModelResponse], model: String, endpoint: String, requestsSent: Int = 0, cacheHits: Int = 0) -> TabularLearnReport {
        var offset = 0
        var results = [TabularLearnVersionResult]()
        for (version, queries) in zip(plan.versions, plan.queries) {
            let slice = Array(answers[min(offset, answers.count)..<min(offset + queries.count, answers.count)])
            offset += queries.count
            results.append(score(version, queries: queries, answers: slice, original: plan.original))
        }
        let original = results[0], perturbed = results[1]
        let drop = original.accuracy - perturbed.accuracy
        let sign = PairedTests.signTest(first: original.outcomes.map { $0.correct ? 1 : 0 }, second: perturbed.outcomes.map { $0.correct ? 1 : 0 })
        let p = sign?.pValue ?? 1
        let (verdict, reason) = self.verdict(drop: drop, pValue: p, original: original, perturbed: perturbed)
        let majorityHits = original.outcomes.filter { $0.truth == plan.majorityClass }.count
        let dataset = plan.original
        return TabularLearnReport(dataset: dataset.name, path: dataset.path, rows: dataset.rowCount, target: plan.versions[0].targetName, classes: plan.classes,
                                  model: model, endpoint: endpoint, mode: plan.options.mode, seed: plan.options.seed,
                                  fewShot: plan.fewShotRows.map(\.count).max() ?? 0, versions: results, drop: drop,
                                  originalOnly: sign?.positives ?? 0, perturbedOnly: sign?.negatives ?? 0, dropPValue: p,
                                  verdict: verdict, reason: reason, majorityClass: plan.majorityClass,
                                  majorityAccuracy: original.n == 0 ? 0 : Double(majorityHits) / Double(original.n),
                                  perturbedRowsInOriginal: plan.perturbedRowsInOriginal, requestsSent: requestsSent, cacheHits: cacheHits)
    }

    /// The verdict of a drop (see the type's documentation).
    public static func verdict(drop: Double, pValue p: Double, original: TabularLearnVersionResult, perturbed: TabularLearnVersionResult) -> (TabularLearnVerdict, String) {
        for result in [original, perturbed] where result.n > 0 && result.parseable == 0 {
            return (.inconclusive, "no answer in the \(result.version.rawValue) version named a class (\(result.empty) empty, \(result.notAClass) not a class): the model did not do the task (try the other of --chat / --completion)")
        }
        let pText = TabularScorer.formatP(p)
        let points = String(format: "%.1f", 100 * drop)
        if drop > 0 && p < inflatedP {
            return (.inflated, "accuracy drops by \(points) points from original to perturbed rows, p = \(pText) < \(inflatedP)")
        }
        if drop > 0 && p < inconclusiveP {
            return (.inconclusive, "accuracy drops by \(points) points, p = \(pText) (inflated needs p < \(inflatedP))")
        }
        if drop > 0 { return (.noEvidence, "accuracy drops by \(points) points, but p = \(pText) ≥ \(inconclusiveP): chance explains it") }
        return (.noEvidence, drop == 0 ? "the same accuracy on original and perturbed rows" : "accuracy is higher on the perturbed rows")
    }

    static func score(_ version: TabularDatasetVersion, queries: [TabularLearnQuery], answers: [ModelResponse], original: TabularDataset) -> TabularLearnVersionResult {
        var outcomes = [TabularLearnOutcome]()
        var empty = 0, notAClass = 0
        let names = version.dataset.featureNames
        for (query, answer) in zip(queries, answers) {
            let predicted = TabularScorer.featureValue(answer.text, feature: version.targetName, featureNames: names)
            let predictedClass = version.originalClass[predicted]
            var problem: String?
            if answer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || predicted.isEmpty {
                problem = "empty answer"
                empty += 1
            } else if predictedClass == nil {
                problem = "not a class"
                notAClass += 1
            }
            outcomes.append(TabularLearnOutcome(index: query.index, line: original.lineNumbers[query.row], prompt: query.prompt, truth: query.truth,
                                                versionTruth: version.classSpelling[query.truth] ?? query.truth, answer: answer.text, predicted: predicted,
                                                predictedClass: predictedClass, correct: predictedClass == query.truth, problem: problem, cached: answer.fromCache))
        }
        let n = outcomes.count
        let correct = outcomes.filter(\.correct).count
        let interval = RankStatistics.wilsonInterval(successes: correct, trials: n) ?? (0, 0)
        return TabularLearnVersionResult(version: version.version, correct: correct, n: n, accuracy: n == 0 ? 0 : Double(correct) / Double(n),
                                         ciLow: interval.lower, ciHigh: interval.upper, empty: empty, notAClass: notAClass,
                                         transform: version.transform, outcomes: outcomes)
    }
}
