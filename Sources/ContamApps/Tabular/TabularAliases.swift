import Foundation

/// Other names of datasets for the dataset-name test (`--aliases-file`): one dataset a line,
/// `name: alias, alias, …`, where `name` is the dataset's name (its file name without extension); blank
/// lines and lines starting with `#` are skipped.
public enum TabularAliases {
    /// The aliases of `text`, by dataset name (a name given twice collects both lines' aliases). A line without
    /// `:`, with no name or with no alias is an error naming `path` and the line.
    public static func parse(_ text: String, path: String) throws -> [String: [String]] {
        var aliases = [String: [String]]()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw TabularError.aliases(path: path, line: offset + 1, reason: "expected 'name: alias, alias, …' (a dataset's name, a colon, its other names), found '\(line)'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let names = line[line.index(after: colon)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !name.isEmpty else {
                throw TabularError.aliases(path: path, line: offset + 1, reason: "no dataset name before the colon; write 'name: alias, alias, …'")
            }
            guard !names.isEmpty else {
                throw TabularError.aliases(path: path, line: offset + 1, reason: "no alias after '\(name):'; write 'name: alias, alias, …'")
            }
            aliases[name, default: []].append(contentsOf: names)
        }
        return aliases
    }

    /// Reads and parses an aliases file.
    public static func load(path: String) throws -> [String: [String]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TabularError.aliases(path: path, line: 0, reason: "cannot read the aliases file (no such file, or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TabularError.aliases(path: path, line: 0, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// `--aliases A,B,…`: the names given, trimmed, empty ones dropped.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
