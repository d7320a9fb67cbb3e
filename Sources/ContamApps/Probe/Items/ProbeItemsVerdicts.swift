import Foundation
import ContamStatistics

/// The benchmark-level figures and verdict of each test, from the per-item outcomes (thresholds: `ProbeItemsScorer`
/// and docs/probe.md).
enum ProbeItemsVerdicts {
    static func p(_ value: Double) -> String { TabularScorer.formatP(value) }

    /// Guided vs general: a one-sided exact sign test that the guided completion is more similar to the truth than
    /// the general one on the same item. Memorized when p < 0.01 and at least one guided completion is exact or
    /// near-verbatim; inconclusive when p < 0.05, or when a guided completion is exact or near-verbatim where its
    /// general one is not.
    static func guided(_ outcomes: [ProbeGuidedOutcome], skippedReason: String?) -> ProbeTestSummary {
        guard !outcomes.isEmpty else {
            return ProbeTestSummary(test: .guided, verdict: .notApplicable, reason: skippedReason ?? "no item has a first and a second piece", items: 0)
        }
        let test = PairedTests.signTest(first: outcomes.map(\.guided.similarity), second: outcomes.map(\.general.similarity))
            ?? PairedTests.SignTest(positives: 0, negatives: 0, ties: outcomes.count, pValue: 1)
        var summary = ProbeTestSummary(test: .guided, verdict: .noEvidence, reason: "", items: outcomes.count)
        summary.pValue = test.pValue
        summary.guidedExact = outcomes.filter(\.guided.exact).count
        summary.guidedNearVerbatim = outcomes.filter(\.guided.nearVerbatim).count
        summary.generalExact = outcomes.filter(\.general.exact).count
        summary.generalNearVerbatim = outcomes.filter(\.general.nearVerbatim).count
        summary.guidedMeanSimilarity = outcomes.map(\.guided.similarity).reduce(0, +) / Double(outcomes.count)
        summary.generalMeanSimilarity = outcomes.map(\.general.similarity).reduce(0, +) / Double(outcomes.count)
        (summary.guidedWins, summary.generalWins, summary.ties) = (test.positives, test.negatives, test.ties)
        let reproduced = summary.guidedNearVerbatim ?? 0
        let onlyGuided = outcomes.filter { $0.guided.nearVerbatim && !$0.general.nearVerbatim }.count
        let figures = "guided closer on \(test.positives), general on \(test.negatives), \(test.ties) tied (sign test p = \(p(test.pValue))); \(reproduced) of \(outcomes.count) guided completions exact or near-verbatim, \(summary.generalNearVerbatim ?? 0) general"
        if test.pValue < ProbeItemsScorer.memorizedP && reproduced >= 1 {
            summary.verdict = .memorized
        } else if test.pValue < ProbeItemsScorer.inconclusiveP || onlyGuided >= 1 {
            summary.verdict = .inconclusive
        }
        summary.reason = figures + (skippedReason.map { "; \($0)" } ?? "")
        return summary
    }

    /// Option guessing: the exact-match rate of the hidden wrong option, against the control set's with Fisher's
    /// one-sided test. Memorized when p < 0.01 with at least 2 hits; inconclusive when p < 0.05 with a hit. Without
    /// a control set there is no baseline: 2 or more hits are inconclusive, fewer no evidence.
    static func options(_ outcomes: [ProbeOptionsOutcome], control: [ProbeOptionsOutcome]?, skippedReason: String?) -> ProbeTestSummary {
        guard !outcomes.isEmpty else {
            return ProbeTestSummary(test: .options, verdict: .notApplicable, reason: skippedReason ?? "no item has options", items: 0)
        }
        var summary = ProbeTestSummary(test: .options, verdict: .noEvidence, reason: "", items: outcomes.count)
        let hits = outcomes.filter(\.guess.exact).count
        summary.hits = hits
        summary.rate = Double(hits) / Double(outcomes.count)
        let rate = "\(hits) of \(outcomes.count) hidden options guessed exactly"
        guard let control, !control.isEmpty else {
            summary.verdict = hits >= 2 ? .inconclusive : .noEvidence
            summary.reason = rate + "; no --control items were given, so there is no baseline and the verdict is at most inconclusive"
            return summary
        }
        let controlHits = control.filter(\.guess.exact).count
        (summary.controlItems, summary.controlHits) = (control.count, controlHits)
        summary.controlRate = Double(controlHits) / Double(control.count)
        let value = PairedTests.fisherUpperTail(hits: hits, trials: outcomes.count, controlHits: controlHits, controlTrials: control.count) ?? 1
        summary.pValue = value
        if value < ProbeItemsScorer.memorizedP && hits >= 2 {
            summary.verdict = .memorized
        } else if value < ProbeItemsScorer.inconclusiveP && hits >= 1 {
            summary.verdict = .inconclusive
        }
        summary.reason = rate + ", \(controlHits) of \(control.count) in the control set (Fisher p = \(p(value)))"
        return summary
    }

    /// Membership: each score's AUC between the benchmark and the control set with a one-sided Mann-Whitney p.
    /// Memorized when Min-K% (the score chosen in advance) has AUC ≥ 0.7 and p < 0.01; inconclusive when any score
    /// has AUC ≥ 0.6 and p < 0.05 (four scores are looked at, so this alone never says memorized).
    static func membership(_ outcomes: [ProbeMembershipOutcome], control: [ProbeMembershipOutcome]?, refusal: String?) -> ProbeTestSummary {
        if let refusal { return ProbeTestSummary(test: .membership, verdict: .notApplicable, reason: refusal, items: 0) }
        guard !outcomes.isEmpty else {
            return ProbeTestSummary(test: .membership, verdict: .notApplicable, reason: "no item had a token with a log-probability", items: 0)
        }
        var summary = ProbeTestSummary(test: .membership, verdict: .notApplicable, reason: "", items: outcomes.count)
        let extractors: [(String, (ProbeMembershipOutcome) -> Double?)] = [
            ("loss", { -$0.loss }), ("zlib", { $0.zlib }), ("minK", { $0.minK }), ("minKPlusPlusTopK", { $0.minKPlusPlusTopK }),
        ]
        summary.scores = extractors.map { name, value in comparison(name, outcomes.compactMap(value), control?.compactMap(value)) }
        guard let control, !control.isEmpty else {
            summary.reason = "no --control items were given: membership scores mean something only against items the model cannot have seen"
            return summary
        }
        guard outcomes.count >= ProbeItemsScorer.minimumGroup, control.count >= ProbeItemsScorer.minimumGroup else {
            summary.reason = "\(outcomes.count) benchmark and \(control.count) control items scored; the comparison needs at least \(ProbeItemsScorer.minimumGroup) of each"
            return summary
        }
        let minK = summary.scores?.first { $0.score == "minK" }
        let auc = minK?.auc ?? 0.5, pValue = minK?.pValue ?? 1
        summary.pValue = pValue
        let anyInconclusive = summary.scores?.contains { ($0.auc ?? 0) >= ProbeItemsScorer.inconclusiveAUC && ($0.pValue ?? 1) < ProbeItemsScorer.inconclusiveP } ?? false
        summary.verdict = auc >= ProbeItemsScorer.memorizedAUC && pValue < ProbeItemsScorer.memorizedP ? .memorized : anyInconclusive ? .inconclusive : .noEvidence
        let listed = (summary.scores ?? []).compactMap { score in score.auc.map { "\(score.score) \(String(format: "%.2f", $0))" } }.joined(separator: ", ")
        summary.reason = "AUC benchmark vs control: \(listed); Min-K% Mann-Whitney p = \(p(pValue)) (\(outcomes.count) benchmark, \(control.count) control items)"
        return summary
    }

    /// One score's means and, with a control set, its AUC and p (loss is negated, so higher is more member-like).
    static func comparison(_ name: String, _ members: [Double], _ control: [Double]?) -> ProbeScoreComparison {
        var result = ProbeScoreComparison(score: name)
        guard !members.isEmpty else { return result }
        let mean = members.reduce(0, +) / Double(members.count)
        result.benchmarkMean = name == "loss" ? -mean : mean
        guard let control, !control.isEmpty else { return result }
        let controlMean = control.reduce(0, +) / Double(control.count)
        result.controlMean = name == "loss" ? -controlMean : controlMean
        if let test = RankStatistics.mannWhitney(members: members, nonMembers: control) {
            (result.auc, result.pValue) = (test.auc, test.pValue)
        }
        return result
    }

    /// The strongest verdict among the tests that apply; n/a when none applies.
    static func overall(_ tests: [ProbeTestSummary]) -> MemorizationVerdict {
        tests.map(\.verdict).filter { $0 != .notApplicable }.min() ?? .notApplicable
    }
}
