import Foundation
import ContamDetect

/// The default human output of `contam check`: one row per item (id, verdict per method, longest match,
/// coverage, similarity, top source), then a summary with the counts per method and the caveats.
public enum TableReport {
    /// The table and summary. `color` adds ANSI colours (terminals only); `flaggedOnly` lists only items
    /// some method called dirty (the summary still counts all).
    public static func render(_ report: CheckReport, color: Bool = false, flaggedOnly: Bool = false) -> String {
        let methods = report.options.methods
        var header = ["ITEM"] + methods.map { $0.rawValue.uppercased() } + ["LONGEST", "COVER", "SIM", "SOURCE"]
        var rows: [[String]] = []
        for result in report.results where !flaggedOnly || result.isFlagged {
            var row = [elided(result.item.id, 32)]
            row += methods.map { method in result.result(method)?.shownVerdict ?? "-" }
            // A cleared or sketch-only item's longest match is only known to be below a bound; unknown figures show "-".
            row.append(result.verbatim.map { "\($0.longestMatchTokens)" } ?? "<\(result.longestMatchBelow ?? 0)")
            row.append(result.coverage.map { String(format: "%.0f%%", $0 * 100) } ?? "-")
            row.append(result.near.map { $0.bestSimilarity > 0 ? String(format: "%.2f", $0.bestSimilarity) : "-" } ?? "-")
            row.append(elided(CheckReport.topSource(result) ?? "-", 40))
            rows.append(row)
        }
        if rows.isEmpty { header = [] }
        var widths = header.map(\.count)
        for row in rows { for (k, cell) in row.enumerated() { widths[k] = max(widths[k], cell.count) } }
        let numeric = Set([methods.count + 1, methods.count + 2, methods.count + 3])
        func line(_ cells: [String], isHeader: Bool) -> String {
            var parts: [String] = []
            for (k, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[k] - cell.count)
                var shown = cell
                if color && !isHeader && k >= 1 && k <= methods.count {
                    if cell.hasPrefix(MethodVerdict.dirty.rawValue) { shown = "\u{1B}[1;31m\(cell)\u{1B}[0m" }
                    else if cell == MethodVerdict.notClean.rawValue { shown = "\u{1B}[33m\(cell)\u{1B}[0m" }
                }
                parts.append(numeric.contains(k) ? padding + shown : shown + (k == cells.count - 1 ? "" : padding))
            }
            let text = parts.joined(separator: "  ")
            return color && isHeader ? "\u{1B}[1m\(text)\u{1B}[0m" : text
        }
        var out: [String] = []
        if !header.isEmpty {
            out.append(line(header, isHeader: true))
            for row in rows { out.append(line(row, isHeader: false)) }
            out.append("")
        }
        out.append(contentsOf: summaryLines(report))
        return out.joined(separator: "\n") + "\n"
    }

    /// The summary block (also printed on stderr by `--json`).
    public static func summaryLines(_ report: CheckReport) -> [String] {
        let summary = report.summary
        func percent(_ count: Int) -> String {
            String(format: "%.1f%%", summary.items == 0 ? 0 : 100 * Double(count) / Double(summary.items))
        }
        var out = ["\(summary.items) item\(summary.items == 1 ? "" : "s") checked against \(report.indexPath) (\(report.tokenizerOptions.summary))"]
        let nameWidth = report.options.methods.map(\.rawValue.count).max() ?? 0
        for method in report.options.methods {
            let count = summary.dirty[method] ?? 0
            var text = "  \(method.rawValue.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(count) dirty (\(percent(count)))"
            if method == .llama2 { text += ", \(summary.llama2NotClean) not clean (\(percent(summary.llama2NotClean)))" }
            if method == .gpt3, let n = report.gpt3NgramLength { text += ", N = \(n)" }
            if let possible = summary.possiblyDirty[method], possible > 0 { text += ", \(possible) dirty? (\(percent(possible)); Bloom false positives alone would explain them)" }
            if let undecided = summary.undecided[method], undecided > 0 { text += ", \(undecided) undecided (\(percent(undecided)))" }
            out.append(text)
        }
        if let firstPass = report.firstPassSummary { out.append("first pass: \(firstPass)") }
        out.append("verbatim: \(report.verbatimSummary)")
        out.append("near-verbatim: \(report.nearVerbatimSummary) (at least \(report.options.minSpan) words aligned at similarity >= \(report.options.similarity))")
        out.append("flagged by any method: \(summary.flagged) (\(percent(summary.flagged)))")
        for note in report.notes { out.append("note: \(note)") }
        return out
    }

    /// `text` on one line in at most `limit` characters, cut in the middle: a long path keeps its file name
    /// and `:line` (`/data/c4/…/c4-train.00017.json:812`), other text its start and end.
    static func elided(_ text: String, _ limit: Int) -> String {
        let flat = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        guard flat.count > limit, limit >= 5 else { return flat }
        if let slash = flat.lastIndex(of: "/"), flat.distance(from: slash, to: flat.endIndex) <= limit - 3 {
            let tail = flat[slash...]
            return String(flat.prefix(limit - 1 - tail.count)) + "…" + tail
        }
        let head = limit / 3
        return String(flat.prefix(head)) + "…" + String(flat.suffix(limit - 1 - head))
    }
}
