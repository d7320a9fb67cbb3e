import Foundation
import ContamStorage

/// Renders a `contam probe items` report: a human table (coloured on a terminal), JSON lines (one per item, then the
/// summary), Markdown for CI logs, and a self-contained HTML page with every completion beside the truth.
public enum ProbeItemsRenderer {
    static func p(_ value: Double?) -> String { value.map(TabularScorer.formatP) ?? "–" }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", $0 * 100) } ?? "–" }

    /// The one-line figure of a test for tables.
    static func statistic(_ test: ProbeTestSummary) -> String {
        switch test.test {
        case .guided:
            guard let guided = test.guidedNearVerbatim, let general = test.generalNearVerbatim else { return "–" }
            return "\(guided)/\(test.items) guided vs \(general)/\(test.items) general exact or near"
        case .options:
            guard let hits = test.hits else { return "–" }
            let control = test.controlHits.map { ", control \($0)/\(test.controlItems ?? 0)" } ?? ", no control"
            return "\(hits)/\(test.items) guessed\(control)"
        case .membership:
            guard let auc = test.scores?.first(where: { $0.score == "minK" })?.auc else { return test.items > 0 ? "\(test.items) items scored" : "–" }
            return String(format: "Min-K%% AUC %.2f", auc)
        }
    }

    // MARK: Human

    /// The summary table, each test's reason, then the items whose completions were exact or near-verbatim.
    public static func human(_ report: ProbeItemsReport, colour: Bool) -> String {
        let s = report.summary
        var out = "\(ReportText.bold("probe items", colour)) — \(s.dataset) (\(s.split) split): \(s.items) item\(s.items == 1 ? "" : "s")\(s.controlItems > 0 ? ", \(s.controlItems) control" : "")\n"
        out += "\(s.model) at \(s.endpoint), \(s.mode.rawValue) mode, seed \(s.seed); \(s.requestsSent) request\(s.requestsSent == 1 ? "" : "s") sent, \(s.cacheHits) answer\(s.cacheHits == 1 ? "" : "s") from the cache\n\n"
        let rows = s.tests.map { [$0.test.title, $0.verdict.rawValue, statistic($0), p($0.pValue)] }
        out += ReportText.table(header: ["TEST", "VERDICT", "STATISTIC", "P"], rows: rows) { column, row, text in
            column == 1 ? ReportText.paint(text, verdict: s.tests[row].verdict, colour) : text
        }
        out += "\nOverall: \(ReportText.paint(s.verdict.rawValue, verdict: s.verdict, colour))\n"
        for test in s.tests { out += "\n\(ReportText.bold(test.test.title, colour)): \(test.reason)\n" }
        let reproduced = report.items.filter { $0.guided.map { $0.guided.nearVerbatim || $0.general.nearVerbatim } == true || $0.options?.guess.exact == true }
        if !reproduced.isEmpty {
            out += "\n\(ReportText.bold("Reproduced", colour)) (exact or near-verbatim):\n"
            for item in reproduced { out += reproducedLines(item) }
        }
        return out
    }

    /// The lines of one item whose completion or guess reproduced the truth.
    static func reproducedLines(_ item: ProbeItemOutcome) -> String {
        var out = ""
        if let guided = item.guided {
            out += "  \(item.id) (\(item.location)): guided \(String(format: "%.2f", guided.guided.similarity)), general \(String(format: "%.2f", guided.general.similarity))\n"
            out += "    truth    \(short(guided.truth))\n    guided   \(short(guided.guided.answer))\n    general  \(short(guided.general.answer))\n"
            if let tokens = guided.guided.corpusMatchTokens { out += "    corpus   longest match \(tokens) tokens\(guided.guided.corpusMatchSource.map { " in \($0)" } ?? "")\n" }
        }
        if let options = item.options, options.guess.exact {
            out += "  \(item.id): option \(options.hiddenLetter) guessed: \(short(options.truth))\n"
        }
        return out
    }

    static func short(_ text: String, limit: Int = 160) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }

    // MARK: JSON

    /// One line per benchmark item, then per control item, then the summary (`"kind": "summary"`); keys sorted.
    public static func json(_ report: ProbeItemsReport) -> String {
        (report.items + report.control).map(JSONOutput.line).joined(separator: "\n") + "\n" + JSONOutput.line(report.summary) + "\n"
    }

    // MARK: Markdown

    /// The summary as a Markdown table with each test's reason.
    public static func markdown(_ report: ProbeItemsReport) -> String {
        let s = report.summary
        var out = "### contam probe items: \(ReportText.markdownCell(s.dataset)) (\(ReportText.markdownCell(s.split)))\n\n"
        out += "Model `\(s.model)`, \(s.mode.rawValue) mode; \(s.items) items, \(s.controlItems) control. **Overall: \(s.verdict.rawValue)**\n\n"
        out += "| test | verdict | statistic | p | reason |\n|---|---|---|---|---|\n"
        for test in s.tests {
            let verdict = test.verdict == .memorized ? "**memorized**" : test.verdict.rawValue
            out += "| \(test.test.title) | \(verdict) | \(ReportText.markdownCell(statistic(test))) | \(p(test.pValue)) | \(ReportText.markdownCell(test.reason)) |\n"
        }
        return out
    }

    // MARK: HTML

    /// A self-contained page: the summary, then every item's completions beside the truth, differences marked.
    public static func html(_ report: ProbeItemsReport, title: String) -> String {
        let s = report.summary
        var out = ReportText.htmlPageStart(title: title)
        out += """
        <p>Model <code>\(ReportText.html(s.model))</code> at <code>\(ReportText.html(s.endpoint))</code>, \(s.mode.rawValue) mode, seed \(s.seed); dataset \(ReportText.html(s.dataset)), \(ReportText.html(s.split)) split; \(s.items) items, \(s.controlItems) control.</p>

        """
        out += "<table><tr><th>test</th><th>verdict</th><th>statistic</th><th>p</th><th>reason</th></tr>\n"
        for test in s.tests {
            out += "<tr><td>\(ReportText.html(test.test.title))</td><td class=\"\(cssClass(test.verdict))\">\(ReportText.html(test.verdict.rawValue))</td><td>\(ReportText.html(statistic(test)))</td><td>\(p(test.pValue))</td><td>\(ReportText.html(test.reason))</td></tr>\n"
        }
        out += "</table>\n<p>Overall: <span class=\"\(cssClass(s.verdict))\">\(ReportText.html(s.verdict.rawValue))</span></p>\n"
        out += itemsTable(report.items + report.control, sharedReasons: s.tests.map(\.reason))
        return out + "</body></html>\n"
    }

    static func cssClass(_ verdict: MemorizationVerdict) -> String {
        verdict == .memorized ? "memorized" : verdict == .inconclusive ? "inconclusive" : ""
    }

    /// One row per completion (guided, general, option guess) beside its truth, and the membership scores; an item's
    /// n/a reason is listed unless a test's reason already says it (a refused echo would repeat on every item).
    static func itemsTable(_ items: [ProbeItemOutcome], sharedReasons: [String]) -> String {
        var out = "<h2>Items</h2>\n<table><tr><th>item</th><th>prompt</th><th>truth</th><th>answer (differences marked)</th><th>similarity</th></tr>\n"
        func row(_ item: ProbeItemOutcome, _ label: String, _ truth: String, _ score: ProbeCompletionScore) -> String {
            let corpus = score.corpusMatchTokens.map { "<br><small>corpus: \($0) tokens\(score.corpusMatchSource.map { " in " + ReportText.html($0) } ?? "")</small>" } ?? ""
            return "<tr><td>\(ReportText.html(item.id))<br><small>\(ReportText.html(item.set))</small></td><td>\(label)</td><td><pre>\(ReportText.html(truth))</pre></td><td><pre>\(ReportText.htmlDiff(answer: score.answer, truth: truth))</pre></td><td>\(String(format: "%.2f", score.similarity))\(score.exact ? " exact" : "")\(corpus)</td></tr>\n"
        }
        for item in items {
            if let guided = item.guided {
                let shown = "<br><small>first piece:</small><pre>\(ReportText.html(guided.firstPiece))</pre>"
                out += row(item, "guided" + shown, guided.truth, guided.guided) + row(item, "general", guided.truth, guided.general)
            }
            if let options = item.options { out += row(item, "option \(ReportText.html(options.hiddenLetter))", options.truth, options.guess) }
            if let m = item.membership {
                let plus = m.minKPlusPlusTopK.map { String(format: "%.3f", $0) } ?? "–"
                out += "<tr><td>\(ReportText.html(item.id))<br><small>\(ReportText.html(item.set))</small></td><td>membership</td><td colspan=\"3\">\(m.tokens) tokens: loss \(String(format: "%.3f", m.loss)), zlib \(String(format: "%.4f", m.zlib)), Min-K% \(String(format: "%.3f", m.minK)), Min-K%++ (top-K) \(plus)</td></tr>\n"
            }
            for (test, reason) in item.notApplicable.sorted(by: { $0.key < $1.key }) where !sharedReasons.contains(where: { $0.contains(reason) }) {
                out += "<tr><td>\(ReportText.html(item.id))</td><td>\(ReportText.html(test))</td><td colspan=\"3\">n/a: \(ReportText.html(reason))</td></tr>\n"
            }
        }
        return out + "</table>\n"
    }
}
