import Foundation
import ContamStorage

/// Renders tabular test reports: a human report per dataset (with an answer-vs-truth diff per query, coloured
/// on a terminal), a summary table over datasets, Markdown, a self-contained HTML page, and JSON.
public enum TabularReportRenderer {
    typealias Colour = ReportText.Colour

    // MARK: Human

    /// The full report of one dataset: header, one line per test, then each test's reason, notes and the
    /// diff of every answer against the truth (`details`).
    public static func human(_ report: TabularDatasetReport, colour: Bool, details: Bool = true) -> String {
        var out = "\(ReportText.bold(report.dataset, colour)) — \(report.path): \(report.rows) rows\(report.truncated ? " (the head of a longer file)" : "") × \(report.features) features\n"
        if report.endpoint.hasPrefix("http://") || report.endpoint.hasPrefix("https://") {
            out += "\(report.model) at \(report.endpoint), \(report.mode.rawValue) mode, seed \(report.seed); \(report.requestsSent) request\(report.requestsSent == 1 ? "" : "s") sent, \(report.cacheHits) answer\(report.cacheHits == 1 ? "" : "s") from the cache\n"
        } else {
            out += "\(report.model), \(report.mode.rawValue) mode, seed \(report.seed); answers read from \(report.endpoint)\n"
        }
        if let failure = report.failure {
            return out + "\nFAILED: \(failure)\n"
        }
        for note in report.rowOrder?.notes ?? [] { out += "row order: \(note)\n" }
        out += "\n"
        let rows = report.tests.map { test -> [String] in
            [test.test.title, test.verdict.rawValue, test.statisticText, test.baselineText, test.pValue.map(TabularScorer.formatP) ?? "–"]
        }
        out += ReportText.table(header: ["TEST", "VERDICT", "STATISTIC", "BASELINE", "P"], rows: rows) { column, row, text in
            column == 1 ? ReportText.paint(text, verdict: report.tests[row].verdict, colour) : text
        }
        out += "\n" + overall(report, colour) + "\n"
        guard details else { return out }
        for test in report.tests {
            out += "\n\(ReportText.bold(test.test.title, colour)) — \(ReportText.paint(test.verdict.rawValue, verdict: test.verdict, colour)): \(test.reason)\n"
            for note in test.notes { out += "  \(note)\n" }
            for query in test.queries {
                out += diffBlock(query, test: test.test, colour: colour)
            }
        }
        return out
    }

    /// One line saying the strongest verdict.
    static func overall(_ report: TabularDatasetReport, _ colour: Bool) -> String {
        guard let verdict = report.overallVerdict else { return "Overall: no test applies to this dataset." }
        let memorized = report.tests.filter { $0.verdict == .memorized }.map(\.test.title)
        switch verdict {
        case .memorized: return "Overall: \(ReportText.paint("memorized", verdict: .memorized, colour)) (\(memorized.joined(separator: ", ")))."
        case .inconclusive: return "Overall: \(ReportText.paint("inconclusive", verdict: .inconclusive, colour)): some evidence, not enough to conclude."
        default: return "Overall: \(ReportText.paint("no evidence", verdict: .noEvidence, colour)) of memorization."
        }
    }

    /// "#3 truth  …" / "   answer …" lines for one query (the compared part of the answer).
    static func diffBlock(_ query: TabularQueryOutcome, test: TabularTestKind, colour: Bool) -> String {
        let limit = test == .header ? 240 : 160
        let truth = query.truth
        let answer = test == .header ? query.answer : query.compared
        let mark = query.correct ? "✓" : "✗"
        let label = test == .header ? "row \(query.cutRow ?? query.index)" : "#\(query.index + 1)"
        let pad = String(repeating: " ", count: label.count + 4)
        var out = "  \(label) \(mark) truth  \(visible(String(truth.prefix(limit))))\(truth.count > limit ? "…" : "")\n"
        let shownAnswer = String(answer.prefix(limit))
        if colour {
            out += "\(pad)answer \(colouredDiff(answer: shownAnswer, truth: String(truth.prefix(shownAnswer.count + 20))))\(answer.count > limit ? "…" : "")\n"
        } else {
            out += "\(pad)answer \(visible(shownAnswer))\(answer.count > limit ? "…" : "")\n"
            let same = Levenshtein.commonPrefixLength(shownAnswer, truth)
            if !query.correct && same < shownAnswer.count && same < limit {
                out += "\(pad)       \(String(repeating: " ", count: visible(String(shownAnswer.prefix(same))).count))^ differs from here\n"
            }
        }
        return out
    }

    /// The answer with characters equal to the truth in green, wrong or extra ones in red, and characters of
    /// the truth the answer lacks shown dimmed in place.
    public static func colouredDiff(answer: String, truth: String) -> String {
        var out = ""
        for edit in Levenshtein.alignment(answer: answer, truth: truth) {
            switch edit {
            case let .same(c): out += Colour.green + visible(String(c)) + Colour.reset
            case let .substitute(a, _): out += Colour.red + visible(String(a)) + Colour.reset
            case let .insert(a): out += Colour.red + visible(String(a)) + Colour.reset
            case let .delete(t): out += Colour.dim + Colour.yellow + visible(String(t)) + Colour.reset
            }
        }
        return out
    }

    /// Control characters made visible: newline ⏎, tab →, carriage return ␍.
    static func visible(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\n": out += "⏎"
            case "\r\n": out += "␍⏎"
            case "\t": out += "→"
            case "\r": out += "␍"
            default: out.append(c)
            }
        }
        return out
    }

    // MARK: Summary over datasets

    /// One line per dataset, one column per test: "statistic (baseline) verdict".
    public static func summaryTable(_ reports: [TabularDatasetReport], tests: [TabularTestKind], colour: Bool) -> String {
        var rows = [[String]]()
        for report in reports {
            if let failure = report.failure {
                rows.append([report.dataset, "–"] + tests.map { _ in "" } + ["failed: " + firstLine(failure)])
                continue
            }
            var row = [report.dataset, String(report.rows)]
            for kind in tests {
                guard let test = report.tests.first(where: { $0.test == kind }) else { row.append(""); continue }
                row.append(compactCell(test))
            }
            row.append(report.overallVerdict?.rawValue ?? "n/a")
            rows.append(row)
        }
        let header = ["DATASET", "ROWS"] + tests.map { $0.shortTitle.uppercased() } + ["VERDICT"]
        var out = ReportText.table(header: header, rows: rows) { column, row, text in
            guard column == header.count - 1 else { return text }
            if reports[row].failure != nil { return colour ? Colour.red + text + Colour.reset : text }
            return reports[row].overallVerdict.map { ReportText.paint(text, verdict: $0, colour) } ?? text
        }
        let failed = reports.filter { $0.failure != nil }.count
        let memorized = reports.filter(\.memorized).count
        out += "\nCells: statistic (baseline) verdict. \(reports.count) dataset\(reports.count == 1 ? "" : "s"): \(memorized) memorized, \(failed) failed.\n"
        return out
    }

    static func compactCell(_ test: TabularTestResult) -> String {
        if test.verdict == .notApplicable { return "n/a" }
        let statistic = "\(Int(test.statistic))/\(test.outOf)"
        let baseline: String
        switch test.test {
        case .header: baseline = String(format: "%.0f", test.baseline)
        case .featureNames: baseline = String(Int(test.baseline))
        case .datasetName: baseline = test.baseline > 0 ? "in prompt" : "hidden"
        default: baseline = TabularScorer.percent(test.baseline).replacingOccurrences(of: " ", with: "")
        }
        let word: String
        switch test.verdict {
        case .memorized: word = "MEMORIZED"
        case .inconclusive: word = "inconclusive"
        case .noEvidence: word = "no"
        case .notApplicable: word = "n/a"
        }
        return "\(statistic) (\(baseline)) \(word)"
    }

    // MARK: Markdown

    /// A Markdown summary table (for CI logs and pull requests), failures with their message.
    public static func markdown(_ reports: [TabularDatasetReport], tests: [TabularTestKind]) -> String {
        var out = "| dataset | rows | " + tests.map(\.title).joined(separator: " | ") + " | verdict |\n"
        out += "|---|---:|" + tests.map { _ in "---|" }.joined() + "---|\n"
        for report in reports {
            if let failure = report.failure {
                out += "| \(ReportText.markdownCell(report.dataset)) | – | " + tests.map { _ in "" }.joined(separator: " | ") + " | **failed**: \(ReportText.markdownCell(firstLine(failure))) |\n"
                continue
            }
            var cells = [ReportText.markdownCell(report.dataset), String(report.rows)]
            for kind in tests {
                guard let test = report.tests.first(where: { $0.test == kind }) else { cells.append(""); continue }
                var cell = test.verdict == .notApplicable ? "n/a" : "\(ReportText.markdownCell(test.statisticText)) vs \(ReportText.markdownCell(test.baselineText))"
                if let p = test.pValue { cell += ", p = \(TabularScorer.formatP(p))" }
                if test.verdict != .notApplicable { cell += test.verdict == .memorized ? ": **memorized**" : ": \(test.verdict.rawValue)" }
                cells.append(cell)
            }
            let overall = report.overallVerdict?.rawValue ?? "n/a"
            cells.append(report.memorized ? "**\(overall)**" : overall)
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if let first = reports.first(where: { $0.failure == nil }) {
            out += "\nModel `\(first.model)` at \(first.endpoint), \(first.mode.rawValue) mode, seed \(first.seed).\n"
        }
        return out
    }

    // MARK: HTML

    /// A self-contained HTML page: the summary table, then per dataset and test the reason, notes, and every
    /// query with its answer highlighted against the truth.
    public static func html(_ reports: [TabularDatasetReport], tests: [TabularTestKind], title: String) -> String {
        var out = ReportText.htmlPageStart(title: title, css: ".ok{color:#080}.bad{color:#a00}h2{margin-top:2em;border-bottom:1px solid #ccc}")
        if let first = reports.first(where: { $0.failure == nil }) {
            out += "<p>Model <code>\(ReportText.html(first.model))</code> at <code>\(ReportText.html(first.endpoint))</code>, \(first.mode.rawValue) mode, seed \(first.seed).</p>\n"
        }
        out += "<table><tr><th>dataset</th><th>rows</th>" + tests.map { "<th>\(ReportText.html($0.title))</th>" }.joined() + "<th>verdict</th></tr>\n"
        for report in reports {
            if let failure = report.failure {
                out += "<tr class=\"failed\"><td>\(ReportText.html(report.dataset))</td><td>–</td><td colspan=\"\(tests.count + 1)\">failed: \(ReportText.html(failure))</td></tr>\n"
                continue
            }
            out += "<tr><td><a href=\"#\(anchor(report))\">\(ReportText.html(report.dataset))</a></td><td>\(report.rows)</td>"
            for kind in tests {
                guard let test = report.tests.first(where: { $0.test == kind }) else { out += "<td></td>"; continue }
                out += "<td class=\"\(cssClass(test.verdict))\">\(ReportText.html(test.statisticText))<br><small>baseline \(ReportText.html(test.baselineText))\(test.pValue.map { ", p = \(TabularScorer.formatP($0))" } ?? "")</small><br>\(ReportText.html(test.verdict.rawValue))</td>"
            }
            let overall = report.overallVerdict ?? .notApplicable
            out += "<td class=\"\(cssClass(overall))\">\(ReportText.html(overall.rawValue))</td></tr>\n"
        }
        out += "</table>\n"
        for report in reports where report.failure == nil {
            out += "<h2 id=\"\(anchor(report))\">\(ReportText.html(report.dataset))</h2>\n<p><code>\(ReportText.html(report.path))</code>: \(report.rows) rows × \(report.features) features\(report.truncated ? " (head of a longer file)" : ""); \(report.requestsSent) requests sent, \(report.cacheHits) from the cache.</p>\n"
            if let notes = report.rowOrder?.notes, !notes.isEmpty {
                out += "<p>Row order:</p><ul>" + notes.map { "<li>\(ReportText.html($0))</li>" }.joined() + "</ul>\n"
            }
            for test in report.tests {
                out += "<h3>\(ReportText.html(test.test.title)): <span class=\"\(cssClass(test.verdict))\">\(ReportText.html(test.verdict.rawValue))</span></h3>\n"
                out += "<p>\(ReportText.html(test.statisticText)); baseline \(ReportText.html(test.baselineText))\(test.pValue.map { "; p = \(TabularScorer.formatP($0))" } ?? ""). \(ReportText.html(test.reason)).</p>\n"
                if !test.notes.isEmpty { out += "<ul>" + test.notes.map { "<li>\(ReportText.html($0))</li>" }.joined() + "</ul>\n" }
                guard !test.queries.isEmpty else { continue }
                out += "<table><tr><th>#</th><th>prompt (end)</th><th>truth</th><th>answer</th></tr>\n"
                for query in test.queries {
                    let answer = test.test == .header ? query.answer : query.compared
                    out += "<tr><td class=\"\(query.correct ? "ok" : "bad")\">\(query.cutRow.map { "row \($0)" } ?? String(query.index + 1)) \(query.correct ? "✓" : "✗")</td>"
                    out += "<td><pre>\(ReportText.html(String(query.prompt.suffix(160))))</pre></td><td><pre>\(ReportText.html(query.truth))</pre></td><td><pre>\(ReportText.htmlDiff(answer: answer, truth: query.truth))</pre></td></tr>\n"
                }
                out += "</table>\n"
            }
        }
        out += "</body></html>\n"
        return out
    }

    static func anchor(_ report: TabularDatasetReport) -> String {
        "d-" + String(report.dataset.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" })
    }

    static func cssClass(_ verdict: MemorizationVerdict) -> String {
        switch verdict {
        case .memorized: return "memorized"
        case .inconclusive: return "inconclusive"
        default: return ""
        }
    }

    // MARK: JSON

    /// One report as a single line of JSON (keys sorted).
    public static func json(_ report: TabularDatasetReport) -> String { JSONOutput.line(report) }

    // MARK: Helpers

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
