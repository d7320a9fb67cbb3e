import Foundation
import ContamModel

/// Scores the sample, feature-values and dataset-name tests (planned by `TabularKnowledgePlanner`). Pure.
///
/// Verdicts:
/// - Sample: k of n generated rows equal a real row in every feature, against the rate of real rows in the
///   table with its columns shuffled (`TabularKnowledgePlanner.shuffledColumnsRate`); `TabularScorer.countVerdict`.
/// - Feature values: k of n numeric values given as written in their column, against the chance of a value
///   drawn on each column's grid of range and precision (`TabularKnowledgePlanner.gridRate`, averaged over the
///   numeric columns); `countVerdict`. Category values are a figure, not part of the verdict.
/// - Dataset name: **memorized** when the answer names the dataset and no accepted name can be read off the
///   prompt; **inconclusive** on a near miss (normalized Levenshtein distance ≤ `nearDistance`) or a name
///   that can be read off the prompt; otherwise **no evidence**.
public enum TabularKnowledgeScorer {
    /// Largest normalized Levenshtein distance between the answer and a name that counts as a near match.
    public static let nearDistance = 0.25
    /// Words dropped when names are normalized: they say how a dataset is stored or where, not which it is.
    public static let ignoredNameWords: Set<String> = ["dataset", "datasets", "data", "csv", "tsv", "train", "test", "the", "uci", "openml", "kaggle"]

    static func score(_ plan: TabularTestPlan, _ answers: [ModelResponse]) -> TabularTestResult {
        let reference = plan.knowledge ?? TabularKnowledgeReference()
        switch plan.test {
        case .sample: return scoreSample(plan, answers, reference)
        case .featureValues: return scoreFeatureValues(plan, answers, reference)
        default: return scoreDatasetName(plan, answers, reference)
        }
    }

    // MARK: Parsing generated rows

    /// The value of every feature in an answer of the form "F1 = v1, F2 = v2, …" (nil: not given). Reads the
    /// first non-empty line, or the whole answer (lines as separators) when that gives more features; a part
    /// without a known "name =" continues the previous value (values may hold commas); the first value of a
    /// feature wins; values are trimmed and one pair of surrounding quotes removed.
    public static func parsedSample(_ answer: String, featureNames: [String]) -> [String?] {
        let first = parsedLine(TabularScorer.firstLine(answer), featureNames: featureNames)
        let whole = parsedLine(answer.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).joined(separator: ","), featureNames: featureNames)
        return whole.compactMap { $0 }.count > first.compactMap { $0 }.count ? whole : first
    }

    static func parsedLine(_ line: String, featureNames: [String]) -> [String?] {
        var text = Substring(line.trimmingCharacters(in: .whitespaces))
        if text.lowercased().hasPrefix("random sample:") { text = text.dropFirst("random sample:".count) }
        var exact = [String: Int](), lowered = [String: Int]()
        for (column, name) in featureNames.enumerated() {
            if exact[name] == nil { exact[name] = column }
            if lowered[name.lowercased()] == nil { lowered[name.lowercased()] = column }
        }
        var values = [String?](repeating: nil, count: featureNames.count)
        var current: Int?
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            if let equals = part.firstIndex(of: "=") {
                let key = unquoted(part[..<equals].trimmingCharacters(in: .whitespaces))
                if let column = exact[key] ?? lowered[key.lowercased()], values[column] == nil {
                    values[column] = String(part[part.index(after: equals)...])
                    current = column
                    continue
                }
            }
            if let column = current { values[column]? += "," + String(part) }
        }
        return values.map { $0.map { unquoted($0.trimmingCharacters(in: .whitespaces)) } }
    }

    /// `text` without one pair of surrounding double or single quotes.
    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else { return text }
        return String(text.dropFirst().dropLast())
    }

    /// The row closest to `values` (most features equal, missing ones as empty) and how many features it shares.
    static func closestRow(_ values: [String?], in rows: [[String]]) -> (row: [String], matched: Int) {
        var best: [String] = rows.first ?? [], bestMatched = -1
        for row in rows {
            var matched = 0
            for (column, value) in values.enumerated() where column < row.count && (value ?? "") == row[column] { matched += 1 }
            if matched > bestMatched {
                best = row
                bestMatched = matched
                if matched == values.count { break }
            }
        }
        return (best, max(0, bestMatched))
    }

    static func serialized(_ values: [String?], _ names: [String]) -> String {
        zip(names, values).compactMap { name, value in value.map { "\(name) = \($0)" } }.joined(separator: ", ")
    }

    static func queryList(_ indices: [Int]) -> String {
        indices.prefix(10).map { String($0 + 1) }.joined(separator: ", ") + (indices.count > 10 ? ", …" : "")
    }

    // MARK: Sample

    static func scoreSample(_ plan: TabularTestPlan, _ answers: [ModelResponse], _ reference: TabularKnowledgeReference) -> TabularTestResult {
        let names = reference.featureNames
        var outcomes = [TabularQueryOutcome]()
        var hits = 0, valid = 0
        var closeness = 0.0
        var invalid = [Int](), hitRows = Set<[String]>()
        for (query, answer) in zip(plan.queries, answers) {
            let values = parsedSample(answer.text, featureNames: names)
            let given = values.compactMap { $0 }.count
            let isValid = 2 * given > names.count
            let row = values.map { $0 ?? "" }
            let hit = isValid && reference.rowSet.contains(row)
            let closest = closestRow(values, in: reference.rows)
            let fraction = names.isEmpty ? 0 : Double(closest.matched) / Double(names.count)
            if isValid {
                valid += 1
                closeness += fraction
            } else {
                invalid.append(query.index)
            }
            if hit {
                hits += 1
                hitRows.insert(row)
            }
            outcomes.append(TabularQueryOutcome(index: query.index, prompt: query.prompt, truth: TabularPlanner.serialize(closest.row, names: names),
                                                answer: answer.text, compared: serialized(values, names), correct: hit, score: fraction, cached: answer.fromCache))
        }
        let n = outcomes.count
        let rate = reference.shuffledColumnsRate
        let (verdict, p, reason) = TabularScorer.countVerdict(hits: hits, trials: n, baselineRate: rate)
        let meanCloseness = valid == 0 ? 0 : closeness / Double(valid)
        var notes = plan.notes
        notes.append(String(format: "%d of %d samples valid (more than half of the features given); the closest real row shares %.0f %% of the features on average", valid, n, meanCloseness * 100))
        if !invalid.isEmpty { notes.append("\(invalid.count) answer\(invalid.count == 1 ? "" : "s") gave no usable sample, counted as misses (quer\(invalid.count == 1 ? "y" : "ies") \(queryList(invalid)))") }
        if hits > 0 { notes.append("the hits are \(hitRows.count) distinct real row\(hitRows.count == 1 ? "" : "s")") }
        return TabularTestResult(test: .sample, verdict: verdict, statistic: Double(hits), outOf: n, statisticText: "\(hits)/\(n) samples are real rows",
                                 baseline: rate, baselineText: "\(TabularScorer.percent(rate)) (real rows in the column-shuffled table)",
                                 pValue: p, reason: reason,
                                 figures: ["valid samples": Double(valid), "mean fraction of features of the closest real row": meanCloseness, "distinct real rows": Double(hitRows.count)],
                                 notes: notes, queries: outcomes)
    }

    // MARK: Feature values

    static func scoreFeatureValues(_ plan: TabularTestPlan, _ answers: [ModelResponse], _ reference: TabularKnowledgeReference) -> TabularTestResult {
        let names = reference.featureNames
        let numeric = Set(reference.numericColumns)
        let textColumns = names.indices.filter { !numeric.contains($0) }
        var outcomes = [TabularQueryOutcome]()
        var hits = 0, trials = 0, categoryHits = 0, categoryTrials = 0
        var unparsed = [Int]()
        for (query, answer) in zip(plan.queries, answers) {
            let values = parsedSample(answer.text, featureNames: names)
            if values.allSatisfy({ $0 == nil }) { unparsed.append(query.index) }
            var answerHits = 0
            for column in reference.numericColumns {
                trials += 1
                if let value = values[column], reference.columnValues[column].contains(value) { answerHits += 1 }
            }
            for column in textColumns {
                categoryTrials += 1
                if let value = values[column], reference.columnValues[column].contains(value) { categoryHits += 1 }
            }
            hits += answerHits
            let closest = closestRow(values, in: reference.rows)
            outcomes.append(TabularQueryOutcome(index: query.index, prompt: query.prompt, truth: TabularPlanner.serialize(closest.row, names: names),
                                                answer: answer.text, compared: serialized(values, names), correct: answerHits == reference.numericColumns.count,
                                                score: Double(answerHits), cached: answer.fromCache))
        }
        let rate = reference.gridBaseline
        let (verdict, p, reason) = TabularScorer.countVerdict(hits: hits, trials: trials, baselineRate: rate)
        var notes = plan.notes
        if categoryTrials > 0 {
            notes.append("\(categoryHits) of \(categoryTrials) category values as written (not part of the verdict: knowing a feature's categories is world knowledge as much as memory)")
        }
        if !unparsed.isEmpty { notes.append("\(unparsed.count) answer\(unparsed.count == 1 ? "" : "s") gave no \"feature = value\" pair, counted as misses (quer\(unparsed.count == 1 ? "y" : "ies") \(queryList(unparsed)))") }
        notes.append("the values of one answer are not independent trials (a model that knows one row gets all of its values), so p is optimistic")
        return TabularTestResult(test: .featureValues, verdict: verdict, statistic: Double(hits), outOf: trials,
                                 statisticText: "\(hits)/\(trials) numeric values as written",
                                 baseline: rate, baselineText: "\(TabularScorer.percent(rate)) (a value drawn on each numeric feature's grid of range and precision)",
                                 pValue: p, reason: reason,
                                 figures: ["category values as written": Double(categoryHits), "category values": Double(categoryTrials), "numeric features": Double(numeric.count)],
                                 notes: notes, queries: outcomes)
    }

    // MARK: Dataset name

    /// A name as compared: lowercased, every run of characters that are not letters or digits a single space,
    /// the words of `ignoredNameWords` dropped ("UCI_Wine-Quality.csv" → "wine quality").
    public static func normalizedName(_ text: String) -> String {
        var spaced = ""
        for character in text.lowercased() {
            spaced.append(character.isLetter || character.isNumber ? character : " ")
        }
        return spaced.split(separator: " ").filter { !ignoredNameWords.contains(String($0)) }.joined(separator: " ")
    }

    /// How an answer compares with the accepted names (normalized): the names it contains as whole words or
    /// equals, and the closest name with its normalized Levenshtein distance.
    public static func nameMatch(_ answer: String, aliases: [String]) -> (normalized: String, hits: [String], closest: String?, distance: Double) {
        var line = TabularScorer.firstLine(answer).trimmingCharacters(in: .whitespaces)
        if line.lowercased().hasPrefix("dataset name:") { line = String(line.dropFirst("dataset name:".count)) }
        let normalized = normalizedName(line)
        let padded = " \(normalized) "
        let hits = normalized.isEmpty ? [] : aliases.filter { !$0.isEmpty && padded.contains(" \($0) ") }
        var closest: String?, distance = 1.0
        for alias in aliases {
            let d = Levenshtein.normalizedDistance(normalized, alias)
            if d < distance { closest = alias; distance = d }
        }
        return (normalized, hits, closest, distance)
    }

    static func scoreDatasetName(_ plan: TabularTestPlan, _ answers: [ModelResponse], _ reference: TabularKnowledgeReference) -> TabularTestResult {
        guard let query = plan.queries.first, let answer = answers.first else {
            return TabularTestResult(test: .datasetName, verdict: .notApplicable, statistic: 0, outOf: 0, statisticText: "n/a", baseline: 0, baselineText: "n/a", pValue: nil, reason: "no query")
        }
        let match = nameMatch(answer.text, aliases: reference.aliases)
        let hidden = match.hits.filter { !reference.aliasesInPrompt.contains($0) }
        let readable = !reference.aliasesInPrompt.isEmpty
        let verdict: MemorizationVerdict
        let reason: String
        let statistic: String
        if let name = hidden.first {
            verdict = .memorized
            reason = "the answer names the dataset ('\(name)'), and no accepted name can be read off the header or the rows shown"
            statistic = "named it ('\(match.normalized)')"
        } else if let name = match.hits.first {
            verdict = .inconclusive
            reason = "the answer names the dataset ('\(name)'), but that name can be read off the prompt"
            statistic = "named it ('\(match.normalized)')"
        } else if let name = match.closest, match.distance <= nearDistance, !match.normalized.isEmpty {
            verdict = .inconclusive
            reason = String(format: "the answer '%@' is near '%@' (normalized Levenshtein distance %.2f ≤ %.2f) but not it", match.normalized, name, match.distance, nearDistance)
            statistic = "near ('\(match.normalized)')"
        } else {
            verdict = .noEvidence
            reason = match.normalized.isEmpty ? "the answer gives no name" : "the answer does not name the dataset"
            statistic = "not named ('\(match.normalized)')"
        }
        let hit = !match.hits.isEmpty
        let outcome = TabularQueryOutcome(index: 0, prompt: query.prompt, truth: query.truth, answer: answer.text, compared: match.normalized,
                                          correct: hit, score: match.distance, cached: answer.fromCache)
        return TabularTestResult(test: .datasetName, verdict: verdict, statistic: hit ? 1 : 0, outOf: 1, statisticText: statistic,
                                 baseline: readable ? 1 : 0,
                                 baselineText: readable ? "readable in the prompt ('\(reference.aliasesInPrompt[0])')" : "not readable in the prompt",
                                 pValue: nil, reason: reason, figures: ["normalized Levenshtein distance to the closest name": match.distance],
                                 notes: plan.notes, queries: [outcome])
    }
}
