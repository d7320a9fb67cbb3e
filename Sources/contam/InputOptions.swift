import ContamCorpus
import ContamCommandLine

/// The input options every command that reads files shares, declared once so `index`, `check` and
/// `tabular` accept the same files with the same words.
enum InputOptions {
    static let include = Option<[PathGlob]>(
        "--include", value: "glob",
        help: "In directories, read only files matching this pattern (repeatable): *.py matches names, src/**/*.py paths under the directory given.",
        shownDefault: nil, repeatable: true) { try globs($0, option: "--include") }
    static let exclude = Option<[PathGlob]>(
        "--exclude", value: "glob",
        help: "In directories, skip files and directories matching this pattern (repeatable), e.g. --exclude '__pycache__' --exclude '*.min.js'.",
        shownDefault: nil, repeatable: true) { try globs($0, option: "--exclude") }
    static let split = Option.string("--split", value: "name", help: "A directory is a Parquet dataset in the Hugging Face layout (data/train-00000-of-00004.parquet, …): read only this split's files.")
    static let verbose = Option.flag("--verbose", help: "List every file the directory walks did not read, with the reason.")

    @Sendable static func globs(_ patterns: [String], option: String) throws -> [PathGlob] {
        try patterns.map { pattern in
            do {
                return try PathGlob(pattern)
            } catch let error as CorpusError {
                throw InvalidOptionValue("\(option): \(error)")
            }
        }
    }

    /// The `--include` / `--exclude` selection given.
    static func selection(_ arguments: ParsedArguments) throws -> InputSelection {
        InputSelection(include: try arguments[include], exclude: try arguments[exclude], split: try arguments[split])
    }

    /// Tells on stderr what the walks did not read (a count by reason; every name with `--verbose`). Printed
    /// even under --quiet: an unread file must never pass for a clean one.
    static func reportSkipped(_ skipped: [SkippedInput], verbose: Bool, total: Int? = nil) {
        let count = total ?? skipped.count
        guard let summary = SkippedInput.summary(skipped, total: count, listed: verbose) else { return }
        Console.err("contam: note: \(summary)\n")
        guard verbose else { return }
        for entry in skipped { Console.err("  \(entry.path)  (\(entry.reason.phrase))\n") }
        if count > skipped.count { Console.err("  … and \(count - skipped.count) more not listed\n") }
    }
}
