import Foundation

/// Renders corpus-side exposure reports: a human table with example rows and their source documents,
/// Markdown, and JSON.
public enum TabularExposureRenderer {
    /// A table over datasets, then for each exposed dataset its header hit and example rows.
    public static func human(_ reports: [TabularExposure.Report], colour: Bool) -> String {
        let rows = reports.map { report -> [String] in
            if let failure = report.failure { return [report.dataset, "–", "–", "–", "–", "failed: " + TabularReportRenderer.firstLine(failure)] }
            return [report.dataset, "\(report.rowsChecked)", "\(report.rowsFound)", "\(report.rowsFoundAsFeatureValues)",
                    report.header.count > 0 ? "yes (\(report.header.count)×)" : "no", report.verdict]
        }
        var out = ReportText.table(header: ["DATASET", "ROWS CHECKED", "FOUND AS WRITTEN", "FOUND AS F = v", "HEADER", "VERDICT"], rows: rows) { column, row, text in
            guard colour, column == 5 else { return text }
            switch reports[row].verdict {
            case "exposed", "failed": return ReportText.Colour.bold + ReportText.Colour.red + text + ReportText.Colour.reset
            case "header only": return ReportText.Colour.yellow + text + ReportText.Colour.reset
            default: return ReportText.Colour.green + text + ReportText.Colour.reset
            }
        }
        for report in reports where report.failure == nil && (report.header.count > 0 || !report.examples.isEmpty) {
            out += "\n\(report.dataset) (\(report.path)):\n"
            if report.header.count > 0 {
                out += "  header, \(report.header.count) occurrence\(report.header.count == 1 ? "" : "s"): \(report.header.text)\n"
                for source in report.header.sources { out += "    in \(source)\n" }
            }
            for example in report.examples {
                out += "  line \(example.line), \(example.count)× as written, \(example.featureValueCount)× as F = v: \(String(example.text.prefix(120)))\n"
                for source in example.sources { out += "    in \(source)\n" }
            }
        }
        let skipped = reports.reduce(0) { $0 + $1.rowsTooShort }
        if skipped > 0 { out += "\n\(skipped) row\(skipped == 1 ? "" : "s") skipped as too short to be evidence (--min-tokens).\n" }
        return out
    }

    /// A Markdown table over datasets.
    public static func markdown(_ reports: [TabularExposure.Report]) -> String {
        var out = "| dataset | rows checked | found as written | found as F = v | header | verdict |\n|---|---:|---:|---:|---|---|\n"
        for report in reports {
            if let failure = report.failure {
                out += "| \(ReportText.markdownCell(report.dataset)) | – | – | – | – | **failed**: \(ReportText.markdownCell(TabularReportRenderer.firstLine(failure))) |\n"
                continue
            }
            let verdict = report.verdict == "exposed" ? "**exposed**" : report.verdict
            out += "| \(ReportText.markdownCell(report.dataset)) | \(report.rowsChecked) | \(report.rowsFound) | \(report.rowsFoundAsFeatureValues) | \(report.header.count > 0 ? "found (\(report.header.count)×)" : "not found") | \(verdict) |\n"
        }
        return out
    }

    /// One report as a line of JSON.
    public static func json(_ report: TabularExposure.Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
