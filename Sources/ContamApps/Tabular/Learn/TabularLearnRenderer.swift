import Foundation

/// Writes a learn report for people (terminal table), machines (one JSON object) and browsers (HTML with every
/// query of every version, the answer against the truth).
public enum TabularLearnRenderer {
    static func percent(_ value: Double) -> String { String(format: "%.1f %%", 100 * value) }

    /// The report as a terminal table: one line per version, then the drop, p, verdict, baseline and transforms.
    public static func human(_ report: TabularLearnReport, colour: Bool) -> String {
        var out = ReportText.bold("\(report.dataset) (\(report.path))", colour) + ": does memorization inflate few-shot accuracy?\n"
        out += "target '\(report.target)' (\(report.classes.count) classes), model \(report.model) (\(report.mode.rawValue)), "
        out += "\(report.versions.first?.n ?? 0) test rows with \(report.fewShot) few-shot rows each, the same in every version, seed \(report.seed)\n\n"
        let rows = report.versions.map { result in
            [result.version.rawValue, percent(result.accuracy), "\(percent(result.ciLow)) – \(percent(result.ciHigh))", "\(result.correct)/\(result.n)", result.note]
        }
        // An empty note would leave the padding of the column before it at the end of the line.
        let table = ReportText.table(header: ["VERSION", "ACCURACY", "95 % CI", "CORRECT", "NOTE"], rows: rows)
        out += table.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = Substring(line)
            while line.last == " " { line.removeLast() }
            return String(line)
        }.joined(separator: "\n")
        out += "\n"
        out += String(format: "Drop (original − perturbed): %.1f points; ", 100 * report.drop)
        out += "\(report.originalOnly) row\(report.originalOnly == 1 ? "" : "s") right only in the original, \(report.perturbedOnly) only in the perturbed version; "
        out += "one-sided exact McNemar p = \(TabularScorer.formatP(report.dropPValue))\n"
        out += "Verdict: " + paint(report.verdict.rawValue, report.verdict, colour) + " (\(report.reason))\n"
        out += "Majority-class baseline: \(percent(report.majorityAccuracy)) (always '\(report.majorityClass)')\n"
        out += "\nTransforms:\n"
        for result in report.versions { out += "  \(result.version.rawValue): \(result.transform)\n" }
        let unusable = report.versions.flatMap { result in result.outcomes.compactMap { outcome in outcome.problem.map { (result.version, outcome, $0) } } }
        if !unusable.isEmpty {
            out += "\nAnswers counted wrong because they name no class (\(unusable.count)):\n"
            for (version, outcome, problem) in unusable.prefix(20) {
                out += "  \(version.rawValue), query \(outcome.index + 1) (line \(outcome.line)): \(problem): \(quotedLine(outcome.answer))\n"
            }
            if unusable.count > 20 { out += "  … and \(unusable.count - 20) more (see --json or --html)\n" }
        }
        out += "\n\(report.requestsSent) requests sent, \(report.cacheHits) answers from the cache\n"
        return out
    }

    static func paint(_ text: String, _ verdict: TabularLearnVerdict, _ colour: Bool) -> String {
        switch verdict {
        case .inflated: return ReportText.paint(text, verdict: .memorized, colour)
        case .inconclusive: return ReportText.paint(text, verdict: .inconclusive, colour)
        case .noEvidence: return ReportText.paint(text, verdict: .noEvidence, colour)
        }
    }

    /// The first line of an answer, quoted, at most 80 characters.
    static func quotedLine(_ text: String) -> String {
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).first.map(String.init) ?? ""
        return "\"" + (line.count > 80 ? String(line.prefix(80)) + "…" : line) + "\""
    }

    // MARK: JSON

    /// The report as one JSON object (keys sorted). Contract keys: `kind` ("learn"), `dataset`, `accuracy`
    /// (`original`, `perturbed`, `task`, `statistical`, each with `accuracy`, `correct`, `n`, `ci_low`, `ci_high`),
    /// `drop_p_value`, `verdict`; the others are documented in docs/tabular.md.
    public static func json(_ report: TabularLearnReport, queries: Bool = false) -> String {
        ReportText.jsonLine(JSONReport(report, queries: queries))
    }

    struct JSONVersion: Encodable {
        var accuracy: Double
        var correct: Int
        var n: Int
        var ciLow: Double
        var ciHigh: Double
        var empty: Int
        var notAClass: Int
        var transform: String
        var queries: [JSONQuery]?

        enum CodingKeys: String, CodingKey {
            case accuracy, correct, n, empty, transform, queries
            case ciLow = "ci_low", ciHigh = "ci_high", notAClass = "not_a_class"
        }
    }

    struct JSONQuery: Encodable {
        var index: Int
        var line: Int
        var truth: String
        var answer: String
        var predicted: String
        var correct: Bool
        var problem: String?
    }

    struct JSONReport: Encodable {
        var kind = "learn"
        var dataset: String
        var path: String
        var rows: Int
        var target: String
        var classes: [String]
        var model: String
        var endpoint: String
        var mode: String
        var seed: UInt64
        var testRows: Int
        var fewShot: Int
        var accuracy: [String: JSONVersion]
        var drop: Double
        var dropPValue: Double
        var originalOnly: Int
        var perturbedOnly: Int
        var verdict: String
        var reason: String
        var majorityClass: String
        var majorityAccuracy: Double
        var perturbedRowsInOriginal: Int
        var requestsSent: Int
        var cacheHits: Int

        enum CodingKeys: String, CodingKey {
            case kind, dataset, path, rows, target, classes, model, endpoint, mode, seed, accuracy, drop, verdict, reason
            case testRows = "test_rows", fewShot = "few_shot", dropPValue = "drop_p_value", originalOnly = "original_only",
                 perturbedOnly = "perturbed_only", majorityClass = "majority_class", majorityAccuracy = "majority_accuracy",
                 perturbedRowsInOriginal = "perturbed_rows_in_original", requestsSent = "requests_sent", cacheHits = "cache_hits"
        }

        init(_ report: TabularLearnReport, queries: Bool) {
            dataset = report.dataset
            path = report.path
            rows = report.rows
            target = report.target
            classes = report.classes
            model = report.model
            endpoint = report.endpoint
            mode = report.mode.rawValue
            seed = report.seed
            testRows = report.versions.first?.n ?? 0
            fewShot = report.fewShot
            accuracy = Dictionary(uniqueKeysWithValues: report.versions.map { result in
                (result.version.rawValue, JSONVersion(accuracy: result.accuracy, correct: result.correct, n: result.n, ciLow: result.ciLow, ciHigh: result.ciHigh,
                                                      empty: result.empty, notAClass: result.notAClass, transform: result.transform,
                                                      queries: queries ? result.outcomes.map {
                                                          JSONQuery(index: $0.index, line: $0.line, truth: $0.truth, answer: $0.answer, predicted: $0.predicted, correct: $0.correct, problem: $0.problem)
                                                      } : nil))
            })
            drop = report.drop
            dropPValue = report.dropPValue
            originalOnly = report.originalOnly
            perturbedOnly = report.perturbedOnly
            verdict = report.verdict.rawValue
            reason = report.reason
            majorityClass = report.majorityClass
            majorityAccuracy = report.majorityAccuracy
            perturbedRowsInOriginal = report.perturbedRowsInOriginal
            requestsSent = report.requestsSent
            cacheHits = report.cacheHits
        }
    }

    // MARK: HTML

    /// A self-contained page: the summary table, the verdict, then each version's queries: the answer, and the value
    /// read from it highlighted against the true class (as that version spells it).
    public static func html(_ report: TabularLearnReport, title: String) -> String {
        let h = ReportText.html
        var out = ReportText.htmlPageStart(title: title, css: ".right{background:#dfd}.wrongrow{background:#fdd}")
        out += "<p>\(h(report.dataset)) (\(h(report.path))): target <code>\(h(report.target))</code> (\(report.classes.count) classes), model \(h(report.model)) (\(report.mode.rawValue)), "
        out += "\(report.versions.first?.n ?? 0) test rows with \(report.fewShot) few-shot rows each, seed \(report.seed).</p>\n"
        out += "<table><tr><th>version</th><th>accuracy</th><th>95 % CI</th><th>correct</th><th>note</th><th>transform</th></tr>\n"
        for result in report.versions {
            out += "<tr><td><a href=\"#\(result.version.rawValue)\">\(result.version.rawValue)</a></td><td>\(percent(result.accuracy))</td>"
            out += "<td>\(percent(result.ciLow)) – \(percent(result.ciHigh))</td><td>\(result.correct)/\(result.n)</td><td>\(h(result.note))</td><td>\(h(result.transform))</td></tr>\n"
        }
        out += "</table>\n"
        let cls = report.verdict == .inflated ? "memorized" : report.verdict == .inconclusive ? "inconclusive" : ""
        out += "<p>Drop (original − perturbed): \(String(format: "%.1f", 100 * report.drop)) points; \(report.originalOnly) rows right only in the original, "
        out += "\(report.perturbedOnly) only in the perturbed version; one-sided exact McNemar p = \(TabularScorer.formatP(report.dropPValue)).</p>\n"
        out += "<p>Verdict: <span class=\"\(cls)\">\(h(report.verdict.rawValue))</span> (\(h(report.reason))). "
        out += "Majority-class baseline: \(percent(report.majorityAccuracy)) (always '\(h(report.majorityClass))').</p>\n"
        for result in report.versions {
            out += "<h2 id=\"\(result.version.rawValue)\">\(result.version.rawValue): \(result.correct)/\(result.n)</h2>\n"
            out += "<table><tr><th>#</th><th>line</th><th>test row</th><th>truth</th><th>answer</th><th>read as</th><th>right</th></tr>\n"
            for outcome in result.outcomes {
                out += "<tr class=\"\(outcome.correct ? "right" : "wrongrow")\"><td>\(outcome.index + 1)</td><td>\(outcome.line)</td><td><code>\(h(outcome.prompt))</code></td>"
                out += "<td><code>\(h(outcome.versionTruth))</code>\(outcome.versionTruth == outcome.truth ? "" : " (\(h(outcome.truth)))")</td>"
                out += "<td><pre>\(h(String(outcome.answer.prefix(2000))))</pre></td>"
                out += "<td><code>\(ReportText.htmlDiff(answer: outcome.predicted, truth: outcome.versionTruth))</code>\(outcome.problem.map { " — \(h($0))" } ?? "")</td><td>\(outcome.correct ? "yes" : "no")</td></tr>\n"
            }
            out += "</table>\n"
        }
        return out + "</body></html>\n"
    }
}
