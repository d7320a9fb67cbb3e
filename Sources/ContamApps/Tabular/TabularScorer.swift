import Foundation
import ContamStatistics
import ContamModel

/// Scores a test's answers and decides its verdict. Pure: the same plan and answers give the same result.
///
/// Verdicts (documented thresholds):
/// - Count tests (row, feature, first-token): k hits in n queries against a baseline hit rate p₀ (floored at
///   `baselineFloor`); p = P(X ≥ k), X ~ Binomial(n, p₀). **memorized** when k ≥ `minimumHits`, k beats the
///   baseline and p < `memorizedP`; **inconclusive** when k ≥ 1, k beats the baseline and p < `inconclusiveP`;
///   otherwise **no evidence**.
/// - Header test: **memorized** when the best completion reproduces the rest of the cut row and at least one
///   complete following row that is not a repeat of a row in the prompt; **inconclusive** when it reproduces the
///   rest of the cut row and more than twice the baseline characters; otherwise **no evidence**.
/// - Feature-names test: k of the m remaining names reproduced in order, against a baseline that extends a
///   numbered pattern (x1, x2, …). **memorized** when all m ≥ 2 are reproduced; **inconclusive** when at least
///   half are; both only when k beats the baseline; otherwise **no evidence**.
/// - Sample, feature-values and dataset-name tests: see `TabularKnowledgeScorer`.
/// - A test whose answers are all empty is **inconclusive**: the model did not do the task.
public enum TabularScorer {
    /// p-value under which a count test says memorized.
    public static let memorizedP = 0.01
    /// p-value under which a count test says inconclusive.
    public static let inconclusiveP = 0.05
    /// Lowest baseline rate used for p-values: a model guessing among the values it saw gets some right.
    public static let baselineFloor = 0.01
    /// Fewest hits for memorized: one exact row is never enough.
    public static let minimumHits = 2

    /// The result of `plan` given one answer per query (same order).
    public static func score(_ plan: TabularTestPlan, answers: [ModelResponse], featureNames: [String] = []) -> TabularTestResult {
        if let reason = plan.notApplicable {
            return TabularTestResult(test: plan.test, verdict: .notApplicable, statistic: 0, outOf: 0, statisticText: "n/a", baseline: 0, baselineText: "n/a", pValue: nil, reason: reason, notes: plan.notes)
        }
        var result: TabularTestResult
        switch plan.test {
        case .header: result = scoreHeader(plan, answers)
        case .row: result = scoreRow(plan, answers)
        case .feature: result = scoreFeature(plan, answers, featureNames: featureNames)
        case .firstToken: result = scoreFirstToken(plan, answers)
        case .featureNames: result = scoreFeatureNames(plan, answers)
        case .sample, .featureValues, .datasetName: result = TabularKnowledgeScorer.score(plan, answers)
        }
        let emptyQueries = answers.indices.filter { answers[$0].text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let empty = emptyQueries.count
        if empty > 0 {
            let which = emptyQueries.prefix(10).map { String($0 + 1) }.joined(separator: ", ") + (empty > 10 ? ", …" : "")
            result.notes.append("\(empty) of \(answers.count) answers were empty (quer\(empty == 1 ? "y" : "ies") \(which))")
            if empty == answers.count {
                result.verdict = .inconclusive
                result.reason = "every answer was empty: the model did not do the task (try the other of --chat / --completion)"
            }
        }
        return result
    }

    // MARK: Count verdicts

    /// The verdict of k hits in n queries against baseline rate `rate` (see the type's documentation).
    public static func countVerdict(hits: Int, trials: Int, baselineRate: Double, baselineHits: Int? = nil) -> (verdict: MemorizationVerdict, pValue: Double, reason: String) {
        let rate = max(baselineRate, baselineFloor)
        let p = Binomial.upperTail(successes: hits, trials: trials, probability: rate)
        let beatsBaseline = Double(hits) > (baselineHits.map(Double.init) ?? rate * Double(trials))
        let pText = formatP(p)
        if hits >= minimumHits && beatsBaseline && p < memorizedP {
            return (.memorized, p, "\(hits) hits, p = \(pText) < \(memorizedP) against a baseline rate of \(percent(rate))")
        }
        if hits >= 1 && beatsBaseline && p < inconclusiveP {
            return (.inconclusive, p, "\(hits) hit\(hits == 1 ? "" : "s"), p = \(pText) (memorized needs ≥ \(minimumHits) hits and p < \(memorizedP))")
        }
        if !beatsBaseline && hits > 0 {
            return (.noEvidence, p, "\(hits) hit\(hits == 1 ? "" : "s"), no more than the baseline")
        }
        return (.noEvidence, p, hits == 0 ? "no hits" : "p = \(pText) ≥ \(inconclusiveP)")
    }

    // MARK: Answer extraction

    /// The first non-empty line of an answer (a chat model's leading blank lines are skipped).
    public static func firstLine(_ answer: String) -> String {
        // "\r\n" is one Character in Swift, so split on both.
        for line in answer.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { return String(line) }
        }
        return ""
    }

    /// The value a feature-completion answer gives for `feature`: after "feature =" when present, up to the
    /// line end or the next ", OtherFeature =" part; one pair of surrounding quotes removed.
    public static func featureValue(_ answer: String, feature: String, featureNames: [String]) -> String {
        var line = Substring(firstLine(answer))
        if let range = line.range(of: "\(feature) =") { line = line[range.upperBound...] }
        for name in featureNames where name != feature {
            if let range = line.range(of: ", \(name) =") { line = line[..<range.lowerBound] }
        }
        var value = line.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        return value
    }

    /// The feature names listed in an answer (first line, comma-separated, a leading "Feature Names:" dropped).
    public static func listedNames(_ answer: String) -> [String] {
        var line = Substring(firstLine(answer))
        if let range = line.range(of: "Feature Names:") { line = line[range.upperBound...] }
        return line.split(separator: ",", omittingEmptySubsequences: false).map {
            var name = $0.trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            if name.hasSuffix(".") { name.removeLast() }
            return name
        }.filter { !$0.isEmpty }
    }

    // MARK: Tests

    static func scoreHeader(_ plan: TabularTestPlan, _ answers: [ModelResponse]) -> TabularTestResult {
        var outcomes = [TabularQueryOutcome]()
        var best = -1, bestQuery = 0
        for (query, answer) in zip(plan.queries, answers) {
            let matched = Levenshtein.commonPrefixLength(answer.text, query.truth)
            outcomes.append(TabularQueryOutcome(index: query.index, prompt: query.prompt, truth: query.truth, answer: answer.text, compared: answer.text, correct: matched >= (query.rowEnds.first ?? Int.max), score: Double(matched), cached: answer.fromCache, cutRow: query.cutRow))
            if matched > best { best = matched; bestQuery = outcomes.count - 1 }
        }
        guard !outcomes.isEmpty else {
            return TabularTestResult(test: .header, verdict: .notApplicable, statistic: 0, outOf: 0, statisticText: "n/a", baseline: 0, baselineText: "n/a", pValue: nil, reason: "no queries")
        }
        let query = plan.queries[bestQuery]
        let restOfRow = query.rowEnds.first ?? 0
        var newRows = 0
        for (end, isNew) in zip(query.rowEnds.dropFirst(), query.rowIsNew) where best >= end {
            if isNew { newRows += 1 }
        }
        let baseline = plan.headerBaseline
        let verdict: MemorizationVerdict
        let reason: String
        if newRows >= 1 && Double(best) > baseline {
            verdict = .memorized
            reason = "the completion of row \(query.cutRow ?? 0) reproduces the rest of the row and \(newRows) complete following row\(newRows == 1 ? "" : "s") verbatim"
        } else if best >= restOfRow && Double(best) > 2 * baseline {
            verdict = .inconclusive
            reason = "the completion reproduces the rest of the cut row (\(restOfRow) characters) but no complete following row"
        } else {
            verdict = .noEvidence
            reason = best >= restOfRow ? "no more than twice the baseline" : "the completion diverges before the end of the cut row (\(restOfRow) characters)"
        }
        return TabularTestResult(test: .header, verdict: verdict, statistic: Double(best), outOf: query.truth.count,
                                 statisticText: "\(best)/\(query.truth.count) characters (cut in row \(query.cutRow ?? 0))",
                                 baseline: baseline, baselineText: String(format: "%.1f characters (the rest of a shown or typical row)", baseline),
                                 pValue: nil, reason: reason, figures: ["complete following rows": Double(newRows)], notes: plan.notes, queries: outcomes)
    }

    static func scoreRow(_ plan: TabularTestPlan, _ answers: [ModelResponse]) -> TabularTestResult {
        var outcomes = [TabularQueryOutcome]()
        var hits = 0
        var distance = 0.0
        for (query, answer) in zip(plan.queries, answers) {
            let line = firstLine(answer.text)
            let truth = query.truth.trimmingCharacters(in: .whitespaces)
            let exact = !truth.isEmpty && line.contains(truth)
            let d = Levenshtein.normalizedDistance(line, query.truth)
            if exact { hits += 1 }
            distance += d
            outcomes.append(TabularQueryOutcome(index: query.index, prompt: query.prompt, truth: query.truth, answer: answer.text, compared: line, correct: exact, score: d, cached: answer.fromCache))
        }
        let n = outcomes.count
        let (verdict, p, reason) = countVerdict(hits: hits, trials: n, baselineRate: plan.duplicateRowRate)
        let meanDistance = n == 0 ? 0 : distance / Double(n)
        return TabularTestResult(test: .row, verdict: verdict, statistic: Double(hits), outOf: n, statisticText: "\(hits)/\(n) rows exact",
                                 baseline: plan.duplicateRowRate, baselineText: "\(percent(plan.duplicateRowRate)) duplicate rows",
                                 pValue: p, reason: reason,
                                 figures: ["mean normalized Levenshtein distance": meanDistance, "random-row Levenshtein distance": plan.randomRowDistance],
                                 notes: plan.notes + [String(format: "mean normalized Levenshtein distance %.2f (a random other row: %.2f)", meanDistance, plan.randomRowDistance)],
                                 queries: outcomes)
    }

    static func scoreFeature(_ plan: TabularTestPlan, _ answers: [ModelResponse], featureNames: [String]) -> TabularTestResult {
        var outcomes = [TabularQueryOutcome]()
        var hits = 0
        for (query, answer) in zip(plan.queries, answers) {
            let value = featureValue(answer.text, feature: query.feature ?? "", featureNames: featureNames)
            let exact = value == TabularPlanner.trimmed(query.truth)
            if exact { hits += 1 }
            outcomes.append(TabularQueryOutcome(index: query.index, prompt: query.prompt, truth: query.truth, answer: answer.text, compared: value, correct: exact, score: exact ? 1 : 0, cached: answer.fromCache))
        }
        let n = outcomes.count
        let (verdict, p, reason) = countVerdict(hits: hits, trials: n, baselineRate: plan.modeFrequency)
        return TabularTestResult(test: .feature, verdict: verdict, statistic: Double(hits), outOf: n,
                                 statisticText: "\(hits)/\(n) values exact",
                                 baseline: plan.modeFrequency, baselineText: "\(percent(plan.modeFrequency)) (always the most frequent value '\(plan.modeValue)')",
                                 pValue: p, reason: reason, figures: ["distinct fraction": plan.distinctFraction], notes: plan.notes, queries: outcomes)
    }

    static func scoreFirstToken(_ plan: TabularTestPlan, _ answers: [ModelResponse]) -> TabularTestResult {
        let length = plan.firstTokenLength
        var outcomes = [TabularQueryOutcome]()
        var hits = 0
        for (query, answer) in zip(plan.queries, answers) {
            let truthToken = String(firstToken(of: query.truth, plan).prefix(length))
            var text = Substring(answer.text)
            if !(truthToken.first?.isWhitespace ?? false) {
                while let first = text.first, first.isWhitespace { text.removeFirst() }
            }
            let token = String(firstToken(of: String(text), plan).prefix(length))
            let exact = token == truthToken
            if exact { hits += 1 }
            outcomes.append(TabularQueryOutcome(index: query.index, prompt: query.prompt, truth: query.truth, answer: answer.text, compared: token, correct: exact, score: exact ? 1 : 0, cached: answer.fromCache))
        }
        let n = outcomes.count
        let baseline = firstTokenBaseline(plan.queries, length: length, column: plan.firstTokenColumn, delimiter: plan.fieldDelimiter)
        let rate = n == 0 ? 0 : Double(baseline.hits) / Double(n)
        let (verdict, p, reason) = countVerdict(hits: hits, trials: n, baselineRate: rate, baselineHits: baseline.hits)
        return TabularTestResult(test: .firstToken, verdict: verdict, statistic: Double(hits), outOf: n,
                                 statisticText: "\(hits)/\(n) first tokens exact",
                                 baseline: rate, baselineText: "\(baseline.hits)/\(n) (\(baseline.name))",
                                 pValue: p, reason: reason, notes: plan.notes, queries: outcomes)
    }

    /// A row's text from the plan's first-token column on ("" when the row has fewer fields).
    static func firstToken(of row: String, _ plan: TabularTestPlan) -> Substring {
        TabularRowOrder.dropLeadingFields(row, count: plan.firstTokenColumn, delimiter: plan.fieldDelimiter) ?? ""
    }

    /// The best of three predictors that need no memorization, scored on the true test rows: always the most
    /// common first token of the test rows (tabmemcheck computes this from the model's answers instead, which
    /// is wrong), the previous row's first token (sorted files), and the previous row's value plus one (running
    /// ids). Tokens start at field `column` (leading predictable columns skipped).
    public static func firstTokenBaseline(_ queries: [TabularQuery], length: Int, column: Int = 0, delimiter: Character = ",") -> (hits: Int, name: String) {
        func rest(_ row: String) -> Substring { TabularRowOrder.dropLeadingFields(row, count: column, delimiter: delimiter) ?? "" }
        let truths = queries.map { String(rest($0.truth).prefix(length)) }
        var counts = [String: Int]()
        for token in truths { counts[token, default: 0] += 1 }
        let mode = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        var best = (hits: mode?.value ?? 0, name: "always the most common first token '\(mode?.key ?? "")' of the test rows")
        var copyHits = 0, incrementHits = 0
        for (query, truth) in zip(queries, truths) {
            guard let previous = query.previousRow.map(rest) else { continue }
            if String(previous.prefix(length)) == truth { copyHits += 1 }
            let firstField = previous.prefix { $0 != "," && $0 != ";" && $0 != "\t" && $0 != "|" }
            if let number = Int(firstField.trimmingCharacters(in: .whitespaces)), String(String(number + 1).prefix(length)) == truth { incrementHits += 1 }
        }
        if copyHits > best.hits { best = (copyHits, "the previous row's first token") }
        if incrementHits > best.hits { best = (incrementHits, "the previous row's first field plus one (a running id)") }
        return best
    }

    static func scoreFeatureNames(_ plan: TabularTestPlan, _ answers: [ModelResponse]) -> TabularTestResult {
        guard let query = plan.queries.first, let answer = answers.first else {
            return TabularTestResult(test: .featureNames, verdict: .notApplicable, statistic: 0, outOf: 0, statisticText: "n/a", baseline: 0, baselineText: "n/a", pValue: nil, reason: "no query")
        }
        let remaining = query.truth.components(separatedBy: ", ")
        let listed = listedNames(answer.text)
        var matched = 0
        while matched < remaining.count, matched < listed.count, listed[matched] == remaining[matched] { matched += 1 }
        let given = query.prompt.components(separatedBy: "Feature Names: ").last?.components(separatedBy: ", ") ?? []
        let baseline = numberedPatternHits(given: given, remaining: remaining)
        let m = remaining.count
        let verdict: MemorizationVerdict
        let reason: String
        if matched == m && m >= 2 && matched > baseline {
            verdict = .memorized
            reason = "all \(m) remaining feature names reproduced in order"
        } else if matched >= 1 && 2 * matched >= m && matched > baseline {
            verdict = .inconclusive
            reason = "\(matched) of \(m) remaining names reproduced in order (memorized needs all, at least 2)"
        } else {
            verdict = .noEvidence
            reason = matched > 0 && matched <= baseline ? "no more than extending the numbered pattern" : "fewer than half of the remaining names"
        }
        let outcome = TabularQueryOutcome(index: 0, prompt: query.prompt, truth: query.truth, answer: answer.text, compared: listed.joined(separator: ", "), correct: matched == m, score: Double(matched), cached: answer.fromCache)
        return TabularTestResult(test: .featureNames, verdict: verdict, statistic: Double(matched), outOf: m,
                                 statisticText: "\(matched)/\(m) names in order", baseline: Double(baseline),
                                 baselineText: baseline == 0 ? "0 (no numbered pattern to extend)" : "\(baseline) (extending the numbered pattern)",
                                 pValue: nil, reason: reason, notes: plan.notes, queries: [outcome])
    }

    /// How many remaining names a guesser gets by continuing the numbering of the last given name
    /// ("x3" → "x4", "x5", …).
    public static func numberedPatternHits(given: [String], remaining: [String]) -> Int {
        guard let last = given.last else { return 0 }
        let digits = last.reversed().prefix { $0.isNumber }
        guard !digits.isEmpty, let number = Int(String(digits.reversed())) else { return 0 }
        let stem = last.dropLast(digits.count)
        var hits = 0
        for (offset, name) in remaining.enumerated() {
            guard name == "\(stem)\(number + offset + 1)" else { break }
            hits += 1
        }
        return hits
    }

    /// A rate in percent, readable when tiny ("3.2e-05 %" rather than "0.00 %").
    static func percent(_ value: Double) -> String {
        let p = value * 100
        if p == 0 { return "0 %" }
        if p < 0.01 { return String(format: "%.1e %%", p) }
        if p < 0.1 { return String(format: "%.2f %%", p) }
        if p < 10 { return String(format: "%.1f %%", p) }
        return String(format: "%.0f %%", p)
    }

    static func formatP(_ p: Double) -> String {
        if p >= 0.001 { return String(format: "%.3f", p) }
        return String(format: "%.1e", p)
    }
}
