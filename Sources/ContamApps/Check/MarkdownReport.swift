import Foundation
import ContamDetect

/// `--markdown`: a report for CI logs and pull-request comments: the per-method counts, a table of the
/// flagged items, and the evidence for each.
public enum MarkdownReport {
    /// The Markdown text; lists at most `maxItems` flagged items in detail.
    public static func render(_ report: CheckReport, maxItems: Int = 100) -> String {
        let summary = report.summary
        let methods = report.options.methods
        var out: [String] = []
        out.append("### contam check: \(summary.flagged) of \(summary.items) item\(summary.items == 1 ? "" : "s") flagged")
        out.append("")
        out.append("Checked against `\(escapeCode(report.indexPath))` (\(report.tokenizerOptions.summary)).")
        out.append("")
        out.append("| method | dirty | % of items | definition |")
        out.append("|---|---:|---:|---|")
        for method in methods {
            var count = "\(summary.dirty[method] ?? 0)"
            if method == .llama2 { count += " (+\(summary.llama2NotClean) not clean)" }
            if let possible = summary.possiblyDirty[method], possible > 0 { count += " (+\(possible) dirty?)" }
            var definition = method.definition
            if method == .gpt3, let n = report.gpt3NgramLength { definition = "N = \(n); " + definition }
            out.append("| `\(method.rawValue)` | \(count) | \(String(format: "%.1f%%", summary.dirtyFraction(method) * 100)) | \(cell(definition)) |")
        }
        out.append("")
        if let firstPass = report.firstPassSummary { out.append("First pass: \(firstPass)."); out.append("") }
        out.append("Verbatim: \(report.verbatimSummary); near-verbatim: \(report.nearVerbatimSummary).")
        for note in report.notes { out.append(""); out.append("> Note: \(note)") }
        let flagged = report.results.filter(\.isFlagged)
        if !flagged.isEmpty {
            out.append("")
            out.append("| item | " + methods.map { "`\($0.rawValue)`" }.joined(separator: " | ") + " | longest | coverage | similarity | source |")
            out.append("|---|" + methods.map { _ in "---" }.joined(separator: "|") + "|---:|---:|---:|---|")
            for result in flagged.prefix(maxItems) {
                let verdicts = methods.map { method -> String in
                    guard let shown = result.result(method) else { return "-" }
                    return shown.verdict == .dirty ? "**\(shown.shownVerdict)**" : shown.verdict.rawValue
                }
                // Flagged items always took the full path; still, unknown figures show "-", never 0.
                let similarity = result.near.map { $0.bestSimilarity > 0 ? String(format: "%.2f", $0.bestSimilarity) : "-" } ?? "-"
                let longest = result.verbatim.map { "\($0.longestMatchTokens)" } ?? "&lt;\(result.longestMatchBelow ?? 0)"
                let coverage = result.coverage.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
                out.append("| \(cell(result.item.id)) | " + verdicts.joined(separator: " | ") + " | \(longest) | \(coverage) | \(similarity) | \(cell(CheckReport.topSource(result) ?? "-")) |")
            }
            if flagged.count > maxItems { out.append(""); out.append("… and \(flagged.count - maxItems) more flagged items (see `--json`).") }
            out.append("")
            out.append("<details><summary>Evidence</summary>")
            out.append("")
            for result in flagged.prefix(maxItems) {
                out.append("**\(cell(result.item.id))** (`\(escapeCode(result.item.location))`)")
                out.append("")
                for method in result.methods where method.verdict != .clean {
                    out.append("- `\(method.method.rawValue)` \(method.verdict.rawValue): \(cell(method.evidence))")
                }
                if let passage = evidencePassage(result) {
                    out.append("")
                    out.append("  > \(cell(passage))")
                }
                out.append("")
            }
            out.append("</details>")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The corpus passage shown for an item: the near-verbatim source, else its longest span's first source.
    static func evidencePassage(_ result: ItemResult) -> String? {
        func shown(_ source: SourcePassage) -> String? {
            guard let passage = source.passage else { return nil }
            return "\(source.label): …\(passage.before.suffix(60))**\(passage.match.prefix(400))**\(passage.after.prefix(60))…"
        }
        if let best = result.near?.best, best.isNearVerbatim { return shown(best.source) }
        guard let span = (result.spans ?? []).filter({ !$0.sources.isEmpty }).max(by: { $0.tokenCount < $1.tokenCount }), let source = span.sources.first else { return nil }
        return shown(source)
    }

    /// Text safe inside a table cell: pipes escaped, newlines folded, HTML-ish angle brackets escaped.
    static func cell(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
            .replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func escapeCode(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'")
    }
}
