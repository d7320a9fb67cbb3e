import Foundation
import ContamStorage

/// What every report renderer (check, tabular, probe) writes the same way: terminal colours, aligned tables,
/// HTML escaping and a character diff of an answer against the truth.
public enum ReportText {
    /// ANSI styles, used only when standard output is a terminal.
    public enum Colour {
        public static let reset = "\u{1B}[0m"
        public static let bold = "\u{1B}[1m"
        public static let red = "\u{1B}[31m"
        public static let green = "\u{1B}[32m"
        public static let yellow = "\u{1B}[33m"
        public static let dim = "\u{1B}[2m"
    }

    /// `text` in `style` when `colour`, as it is otherwise.
    public static func styled(_ text: String, _ style: String, _ colour: Bool) -> String { colour ? style + text + Colour.reset : text }

    public static func bold(_ text: String, _ colour: Bool) -> String { styled(text, Colour.bold, colour) }

    /// Left-aligned columns separated by two spaces; `style(column, row, text)` may colour a cell (widths are
    /// measured before styling).
    public static func table(header: [String], rows: [[String]], style: (Int, Int, String) -> String = { $2 }) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String], styled: (Int, String) -> String) -> String {
            var parts = [String]()
            for (i, cell) in cells.enumerated() {
                let padding = i == cells.count - 1 ? "" : String(repeating: " ", count: max(0, (i < widths.count ? widths[i] : 0) - cell.count))
                parts.append(styled(i, cell) + padding)
            }
            return parts.joined(separator: "  ")
        }
        var out = line(header) { $1 } + "\n"
        for (r, row) in rows.enumerated() { out += line(row) { style($0, r, $1) } + "\n" }
        return out
    }

    /// Text safe inside HTML elements and attribute values.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The start of a self-contained report page (no external assets): the head with the styles every report
    /// shares (tables, the answer diff classes of `htmlDiff`, verdict colours) plus `css`, then the title as `<h1>`.
    public static func htmlPageStart(title: String, css: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>\(html(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em auto;max-width:90em;padding:0 1.5em;color:#222}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}
        th{background:#f3f3f3}.memorized{background:#fdd;font-weight:bold}.inconclusive{background:#ffd}.failed{background:#fcc}
        pre,code{font-family:ui-monospace,monospace;font-size:90%;white-space:pre-wrap;word-break:break-word;margin:0}
        .same{background:#dfd}.wrong{background:#fbb}.missing{background:#eee;color:#999;text-decoration:line-through}
        \(css)
        </style></head><body>
        <h1>\(html(title))</h1>

        """
    }

    /// `answer` as HTML with each character marked against `truth` (classes `same`, `wrong`, `missing`) by the
    /// Levenshtein alignment; long answers are cut at 2,000 characters.
    public static func htmlDiff(answer: String, truth: String) -> String {
        let shown = String(answer.prefix(2000))
        var out = ""
        var currentClass = ""
        var run = ""
        func flush() {
            if !run.isEmpty { out += "<span class=\"\(currentClass)\">\(html(run))</span>" }
            run = ""
        }
        for edit in Levenshtein.alignment(answer: shown, truth: String(truth.prefix(shown.count + 40))) {
            let (cls, text): (String, String)
            switch edit {
            case let .same(c): (cls, text) = ("same", String(c))
            case let .substitute(a, _): (cls, text) = ("wrong", String(a))
            case let .insert(a): (cls, text) = ("wrong", String(a))
            case let .delete(t): (cls, text) = ("missing", String(t))
            }
            if cls != currentClass { flush(); currentClass = cls }
            run += text
        }
        flush()
        return out
    }

    /// A Markdown table cell: pipes escaped, newlines as spaces.
    public static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// A verdict in its colour: memorized red, inconclusive yellow, no evidence green.
    public static func paint(_ text: String, verdict: MemorizationVerdict, _ colour: Bool) -> String {
        guard colour else { return text }
        switch verdict {
        case .memorized: return Colour.bold + Colour.red + text + Colour.reset
        case .inconclusive: return Colour.yellow + text + Colour.reset
        case .noEvidence: return Colour.green + text + Colour.reset
        case .notApplicable: return Colour.dim + text + Colour.reset
        }
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped, everything else as is.
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One JSON line (keys sorted, slashes unescaped): the `--json` output of every report.
    public static func jsonLine<T: Encodable>(_ value: T) -> String { JSONOutput.line(value) }
}
