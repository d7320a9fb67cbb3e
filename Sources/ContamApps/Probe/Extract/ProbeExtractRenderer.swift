import Foundation

/// Renders an extraction probe: a human summary with the rates per duplication bucket and the extracted probes,
/// Markdown, JSON lines (one object per probe, then the summary) and a self-contained HTML page with every
/// continuation beside the true text.
public enum ProbeExtractRenderer {
    /// The human report: setup, the bucket table, sampling, then the probes that reproduced something.
    public static func human(_ report: ExtractReport, colour: Bool, shown: Int = 10) -> String {
        let s = report.summary
        var out = ReportText.bold("contam probe extract", colour) + " — \(s.index): \(s.probes) probe\(s.probes == 1 ? "" : "s") of \(s.prefixTokens) + \(s.continuationTokens) tokens\n"
        out += "\(s.model) at \(s.endpoint), \(s.mode) mode, seed \(s.seed); \(s.requestsSent) request\(s.requestsSent == 1 ? "" : "s") sent, \(s.cacheHits) answer\(s.cacheHits == 1 ? "" : "s") from the cache\n\n"
        out += ReportText.table(header: ["DUPLICATES", "AVAILABLE", "PROBED", "EXACT", "NEAR", "MEAN SCORE"], rows: bucketRows(s)) { column, _, text in
            column == 3 && !text.hasPrefix("0/") && text != "–" ? ReportText.styled(text, ReportText.Colour.red, colour) : text
        }
        out += "\n" + notes(s).map { $0 + "\n" }.joined()
        let extracted = report.results.filter { $0.verdict != .none }.sorted { ($0.verdict == .exact ? 0 : 1, -$0.duplicates) < ($1.verdict == .exact ? 0 : 1, -$1.duplicates) }
        guard !extracted.isEmpty else { return out + "\nNo continuation reproduced its true text.\n" }
        out += "\nExtracted (\(extracted.count); the first \(min(shown, extracted.count)), exact first):\n"
        for result in extracted.prefix(shown) {
            out += "\n" + ReportText.paint(result.verdict.rawValue, verdict: .memorized, colour) + "  \(result.id.map { "\($0) " } ?? "")\(result.document)  ×\(result.duplicates)  score \(String(format: "%.2f", result.memorizationScore))\n"
            out += "  prompt  " + oneLine(String(result.prompt.suffix(120))) + "\n"
            out += "  truth   " + oneLine(String(result.truth.prefix(160))) + "\n"
            out += "  model   " + oneLine(String(result.continuation.prefix(160))) + "\n"
        }
        return out
    }

    static func bucketRows(_ s: ExtractSummary) -> [[String]] {
        var rows = s.buckets.map { bucket in
            [bucket.bucket.rawValue, String(bucket.available), String(bucket.probed), bucket.exact.text, bucket.near.text,
             bucket.meanMemorizationScore.map { String(format: "%.3f", $0) } ?? "–"]
        }
        rows.append(["all", "", String(s.probes), s.exact.text, s.near.text, s.meanMemorizationScore.map { String(format: "%.3f", $0) } ?? "–"])
        return rows
    }

    /// What a reader must know besides the table: sampling, short documents, thin buckets.
    static func notes(_ s: ExtractSummary) -> [String] {
        var notes: [String] = []
        if let sampling = s.sampling {
            notes.append("Sampling (\(sampling.samplesPerPrefix) per prefix at temperature \(sampling.temperature)): per sample \(sampling.perSample.text); extracted within \(sampling.samplesPerPrefix) samples \(sampling.withinSamples.text); (n, p) rate at p = \(sampling.p): \(sampling.npRate.text).")
        }
        if s.draws > 0 {
            let thin = s.buckets.filter { $0.available == 0 }.map(\.bucket.rawValue)
            notes.append("\(s.draws) positions drawn; \(s.tooShort) too close to their document's end." + (thin.isEmpty ? "" : " No sequence found occurring \(thin.joined(separator: ", ")) times: those shares went to the other buckets."))
        } else if s.tooShort > 0 {
            notes.append("\(s.tooShort) chosen document\(s.tooShort == 1 ? " is" : "s are") shorter than \(s.prefixTokens + s.continuationTokens) tokens and not probed.")
        }
        notes.append("Exact: the true continuation reproduced whole (normalized as the index); near: a stretch of ≥ 20 tokens at similarity ≥ 0.8; score: the fraction of continuation tokens matched position by position. Intervals: 95 % Wilson.")
        return notes
    }

    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "⏎ ")
    }

    // MARK: Markdown

    public static func markdown(_ report: ExtractReport) -> String {
        let s = report.summary
        var out = "### contam probe extract: `\(s.model)`\n\n\(s.probes) probes of \(s.prefixTokens) + \(s.continuationTokens) tokens from `\(s.index)`, \(s.mode) mode, seed \(s.seed).\n\n"
        out += "| duplicates | available | probed | exact | near | mean score |\n|---|---:|---:|---|---|---:|\n"
        for row in bucketRows(s) { out += "| " + row.map(ReportText.markdownCell).joined(separator: " | ") + " |\n" }
        out += "\n" + notes(s).map { "- \($0)\n" }.joined()
        return out
    }

    // MARK: JSON

    /// One line per probe, then the summary line (keys sorted).
    public static func jsonLines(_ report: ExtractReport) -> [String] {
        report.results.map(ReportText.jsonLine) + [ReportText.jsonLine(report.summary)]
    }

    // MARK: HTML

    public static func html(_ report: ExtractReport) -> String {
        let s = report.summary
        let e = ReportText.html
        var out = ReportText.htmlPageStart(title: "contam probe extract: \(s.model)", css: ".exact{background:#fdd;font-weight:bold}.near{background:#ffd}.prompt{color:#555}")
        out += """
        <p>\(s.probes) probes of \(s.prefixTokens) + \(s.continuationTokens) tokens from <code>\(e(s.index))</code>; \(e(s.endpoint)), \(s.mode) mode, seed \(s.seed); \(s.requestsSent) requests sent, \(s.cacheHits) from the cache.</p>
        <table><tr><th>duplicates</th><th>available</th><th>probed</th><th>exact</th><th>near</th><th>mean score</th></tr>

        """
        for row in bucketRows(s) { out += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        out += "</table>\n" + notes(s).map { "<p>\(e($0))</p>\n" }.joined()
        out += "<h2>Every probe</h2>\n<p>The model's continuation is marked against the true one: <span class=\"same\">same</span>, <span class=\"wrong\">different</span>, <span class=\"missing\">missing</span>.</p>\n"
        out += "<table><tr><th>#</th><th>document</th><th>duplicates</th><th>verdict</th><th>prompt (end)</th><th>true continuation</th><th>model</th></tr>\n"
        for (k, result) in report.results.enumerated() {
            let cls = result.verdict == .none ? "" : result.verdict.rawValue
            out += "<tr><td>\(k + 1)</td><td>\(e(result.id ?? result.document))</td><td>\(result.duplicates)</td>"
            out += "<td class=\"\(cls)\">\(result.verdict.rawValue)<br><small>score \(String(format: "%.2f", result.memorizationScore))\(result.sampledExact.map { ", \($0)/\(result.samples ?? 0) samples" } ?? "")</small></td>"
            out += "<td><pre class=\"prompt\">\(e(String(result.prompt.suffix(200))))</pre></td><td><pre>\(e(result.truth))</pre></td>"
            out += "<td><pre>\(ReportText.htmlDiff(answer: result.continuation, truth: result.truth))</pre></td></tr>\n"
        }
        return out + "</table>\n</body></html>\n"
    }
}
