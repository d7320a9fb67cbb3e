import Foundation
import ContamText
import ContamDetect
import ContamIndex
import ContamStorage

/// `--html FILE`: a self-contained HTML page (inline CSS, no scripts or external resources) with the
/// summary and one section per flagged item, the item and the corpus passage side by side, matching
/// tokens highlighted: matched tokens yellow, substituted red, inserted in the item blue, deleted from
/// the item (present only in the source) purple.
public enum HTMLReport {
    enum Mark: String {
        case match = "m", substitution = "x", insertion = "i", deletion = "d", evidence = "e"
    }

    /// The page. Fetches the source documents again through `documents` (cached) to highlight tokens;
    /// a sketch-only index has none (nil), and its items have no passage to show.
    public static func render(_ report: CheckReport, documents: DocumentCache?, maxItems: Int = 1000, contextBytes: Int = 300) throws -> String {
        let summary = report.summary
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>contam check: \(summary.flagged) of \(summary.items) flagged</title>
        <style>\(css)</style></head><body>
        <h1>contam check</h1>
        <p class="meta">\(summary.items) items checked against <code>\(ReportText.html(report.indexPath))</code> (\(ReportText.html(report.tokenizerOptions.summary))); <b>\(summary.flagged)</b> flagged by \(report.options.methods.map { "<code>\($0.rawValue)</code>" }.joined(separator: ", ")).</p>
        <table class="summary"><thead><tr><th>method</th><th>dirty</th><th>% of items</th><th>definition</th></tr></thead><tbody>

        """
        for method in report.options.methods {
            var count = "\(summary.dirty[method] ?? 0)"
            if method == .llama2 { count += " (+\(summary.llama2NotClean) not clean)" }
            if let possible = summary.possiblyDirty[method], possible > 0 { count += " (+\(possible) dirty?)" }
            var definition = method.definition
            if method == .gpt3, let n = report.gpt3NgramLength { definition = "N = \(n); " + definition }
            html += "<tr><td><code>\(method.rawValue)</code></td><td class=\"num\">\(count)</td><td class=\"num\">\(String(format: "%.1f%%", summary.dirtyFraction(method) * 100))</td><td>\(ReportText.html(definition))<br><span class=\"src\">\(ReportText.html(method.source))</span></td></tr>\n"
        }
        html += "</tbody></table>\n"
        if let firstPass = report.firstPassSummary { html += "<p class=\"meta\">First pass: \(ReportText.html(firstPass)).</p>\n" }
        html += "<p class=\"meta\">Verbatim: \(ReportText.html(report.verbatimSummary)); near-verbatim: \(ReportText.html(report.nearVerbatimSummary)) (at least \(report.options.minSpan) tokens at similarity ≥ \(report.options.similarity)).</p>\n"
        for note in report.notes { html += "<p class=\"note\">Note: \(ReportText.html(note))</p>\n" }
        html += "<p class=\"legend\">Legend: <mark class=\"m\">matching</mark> <mark class=\"x\">substituted</mark> <mark class=\"i\">only in the item</mark> <mark class=\"d\">only in the source</mark> <mark class=\"e\">method evidence</mark></p>\n"
        let flagged = report.results.enumerated().filter { $0.element.isFlagged }
        if flagged.isEmpty { html += "<p class=\"clean\">No item was flagged.</p>\n" }
        for (number, result) in flagged.prefix(maxItems) {
            html += try section(result, number: number + 1, methods: report.options.methods, documents: documents, sketchOnly: report.sketchOnly != nil, contextBytes: contextBytes)
        }
        if flagged.count > maxItems { html += "<p class=\"note\">… and \(flagged.count - maxItems) more flagged items (see --json).</p>\n" }
        html += "</body></html>\n"
        return html
    }

    static func section(_ result: ItemResult, number: Int, methods: [ContaminationMethod], documents: DocumentCache?, sketchOnly: Bool, contextBytes: Int) throws -> String {
        let item = result.tokenized
        var html = "<section id=\"item-\(number)\"><h2>\(number). \(ReportText.html(result.item.id)) "
        for method in result.methods {
            let kind = method.verdict == .dirty ? "dirty" : (method.verdict == .clean ? "clean" : "notclean")
            html += "<span class=\"badge \(kind)\">\(method.method.rawValue): \(method.shownVerdict)</span> "
        }
        html += "</h2>\n"
        // Flagged items always took the full path; still, a figure the first pass skipped is never shown as 0.
        let similarity = result.near.map { $0.bestSimilarity > 0 ? String(format: " · similarity %.2f", $0.bestSimilarity) : "" } ?? ""
        let longest = result.verbatim.map { "\($0.longestMatchTokens) tokens (\($0.longestMatchChars) chars)" } ?? "&lt; \(result.longestMatchBelow ?? 0) tokens"
        let coverage = result.coverage.map { String(format: "%.0f%%", $0 * 100) } ?? "unknown"
        html += "<p class=\"meta\"><code>\(ReportText.html(result.item.location))</code> · \(item.tokenCount) tokens · longest match \(longest) · coverage \(coverage)\(similarity)</p>\n<ul class=\"evidence\">"
        for method in result.methods where method.verdict != .clean {
            html += "<li><b>\(method.method.rawValue)</b>: \(ReportText.html(method.evidence))</li>"
        }
        html += "</ul>\n"
        var itemMarks: [Int: Mark] = [:]
        var documentMarks: [Int: Mark] = [:]
        var source: (document: CachedDocument, tokens: Range<Int>, title: String)?
        let spans = result.spans ?? []
        if let best = result.near?.best, best.isNearVerbatim || (spans.allSatisfy({ $0.sources.isEmpty }) && best.similarity > 0) {
            best.alignment.forEachColumn { kind, i, j in
                switch kind {
                case .match: itemMarks[i] = .match; documentMarks[j] = .match
                case .substitution: itemMarks[i] = .substitution; documentMarks[j] = .substitution
                case .insertion: itemMarks[i] = .insertion
                case .deletion: documentMarks[j] = .deletion
                }
            }
            let title = String(format: "%@ — aligned %d tokens, similarity %.2f (%@)", best.source.label, best.alignment.columns, best.alignment.similarity, EditOperation.cigar(best.alignment.operations))
            source = (try document(best.source.document, documents), best.alignment.targetRange, title)
        } else if let span = spans.filter({ !$0.sources.isEmpty }).max(by: { $0.tokenCount < $1.tokenCount }), let first = span.sources.first {
            for k in span.tokenRange { itemMarks[k] = .match }
            for k in first.tokenRange { documentMarks[k] = .match }
            // Other verbatim spans of the item, lighter, so the coverage is visible.
            for other in spans where other.tokenRange != span.tokenRange {
                for k in other.tokenRange where itemMarks[k] == nil { itemMarks[k] = .evidence }
            }
            source = (try document(first.document, documents), first.tokenRange, "\(first.label) — verbatim span of \(span.tokenCount) tokens, \(span.occurrenceCount) occurrence\(span.occurrenceCount == 1 ? "" : "s") in the corpus")
        }
        for method in result.methods where method.isDirty {
            if let range = method.tokenRange { for k in range where itemMarks[k] == nil { itemMarks[k] = .evidence } }
        }
        html += "<div class=\"pair\"><div class=\"side\"><h3>Item</h3><div class=\"text\">"
        html += highlighted(text: item.text, tokens: item.tokens, marks: itemMarks, byteRange: 0..<item.text.count)
        html += "</div></div>\n<div class=\"side\"><h3>"
        if let source {
            let tokens = source.document.tokens
            var start = source.tokens.isEmpty ? 0 : tokens[source.tokens.lowerBound].byteRange.lowerBound
            var end = source.tokens.isEmpty ? 0 : tokens[source.tokens.upperBound - 1].byteRange.upperBound
            start = max(0, start - contextBytes)
            end = min(source.document.text.count, end + contextBytes)
            html += "Source: \(ReportText.html(source.title))</h3><p class=\"where\"><code>\(ReportText.html(try documents?.location(source.document.ref, tokenOffset: source.tokens.lowerBound) ?? "\(source.document.info.sourcePath):\(source.document.info.recordNumber)"))</code></p><div class=\"text\">"
            html += highlighted(text: source.document.text, tokens: tokens, marks: documentMarks, byteRange: start..<end)
        } else {
            html += sketchOnly
                ? "Source</h3><div class=\"text none\">No source passage: a sketch-only index keeps no text; the evidence is an n-gram or window in its n-gram sketch (highlighted in the item)."
                : "Source</h3><div class=\"text none\">No source passage: the evidence is an n-gram or window found in the corpus (highlighted in the item)."
        }
        html += "</div></div></div>\n</section>\n"
        return html
    }

    /// `text[byteRange]` (widened to whole UTF-8 characters) as HTML, tokens with a mark wrapped in
    /// `<mark>`; runs of tokens with the same mark share one element.
    static func highlighted(text: [UInt8], tokens: [Token], marks: [Int: Mark], byteRange: Range<Int>) -> String {
        var start = min(max(0, byteRange.lowerBound), text.count)
        var end = min(max(start, byteRange.upperBound), text.count)
        while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
        while end < text.count && text[end] & 0xC0 == 0x80 { end += 1 }
        var out = start > 0 ? "…" : ""
        var cursor = start
        var open: Mark?
        var k = tokens.partitioningIndex { $0.byteRange.lowerBound >= start }
        while k < tokens.count && tokens[k].byteRange.upperBound <= end {
            let token = tokens[k]
            let mark = marks[k]
            let gap = ReportText.html(String(decoding: text[cursor..<token.byteRange.lowerBound], as: UTF8.self))
            if let current = open, current == mark {
                out += gap
            } else {
                if open != nil { out += "</mark>"; open = nil }
                out += gap
                if let mark { out += "<mark class=\"\(mark.rawValue)\">"; open = mark }
            }
            out += ReportText.html(String(decoding: text[token.byteRange], as: UTF8.self))
            cursor = token.byteRange.upperBound
            k += 1
        }
        if open != nil { out += "</mark>" }
        out += ReportText.html(String(decoding: text[cursor..<end], as: UTF8.self))
        if end < text.count { out += "…" }
        return out
    }

    static let css = """
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1400px;padding:0 1.5em;color:#1d2127;background:#fff}
    h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.15em;margin:0 0 .4em}h3{font-size:.95em;margin:0 0 .4em;color:#444}
    code{font:13px ui-monospace,Menlo,Consolas,monospace;background:#f2f3f5;padding:0 .25em;border-radius:3px}
    .meta{color:#555;margin:.3em 0}.note{color:#7a5b00;background:#fff8e1;padding:.4em .7em;border-radius:4px}
    .summary{border-collapse:collapse;margin:1em 0}.summary th,.summary td{border:1px solid #d8dbe0;padding:.35em .6em;text-align:left;vertical-align:top}
    .summary th{background:#f4f5f7}.num{text-align:right;white-space:nowrap}.src{color:#777;font-size:.9em}
    section{border:1px solid #d8dbe0;border-radius:6px;padding:1em 1.2em;margin:1.4em 0}
    .badge{display:inline-block;font-size:.75em;font-weight:600;padding:.1em .5em;border-radius:9px;margin-left:.3em;vertical-align:middle}
    .badge.dirty{background:#fde2e1;color:#a4161a}.badge.notclean{background:#fff1c2;color:#7a5b00}.badge.clean{background:#e8f5e9;color:#2e6b30}
    .evidence{margin:.4em 0 .8em;padding-left:1.3em;color:#333}
    .pair{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}
    .side{min-width:0}.where{margin:-.3em 0 .4em;font-size:.85em;color:#666}
    .text{white-space:pre-wrap;word-wrap:break-word;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#fafbfc;border:1px solid #e3e5e8;border-radius:4px;padding:.7em;max-height:32em;overflow:auto}
    .text.none{color:#777;font-family:inherit}
    mark{border-radius:2px;padding:0 1px}mark.m{background:#ffe27a}mark.x{background:#ffb3b0}mark.i{background:#b8dcff}mark.d{background:#dcc4ff;text-decoration:line-through}mark.e{background:#fff2bd}
    .legend mark{padding:0 .3em}.clean{color:#2e6b30}
    """
}

extension Array {
    /// The first index whose element satisfies `belongs` (which must be false then true over the array). O(log n).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension HTMLReport {
    /// A source document, which only a suffix-array check has.
    static func document(_ ref: CorpusDocumentRef, _ documents: DocumentCache?) throws -> CachedDocument {
        guard let documents else { throw InternalError("an HTML report asked for a source passage without a document store") }
        return try documents.document(ref)
    }
}
