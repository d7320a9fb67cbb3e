import Foundation
import ContamIndex
import ContamApps
import ContamCommandLine

/// `contam tabular exposure`: corpus-side exposure of tabular datasets, no model needed.
enum TabularExposureCommand {
    static let commands: [(spec: CommandSpec, run: @Sendable (ParsedArguments) async throws -> Int32)] = [(spec, run)]

    // MARK: Options (defaults from the library's `TabularExposure.Options` and `TabularOptions`)

    static let index = Option.string("--index", value: "dir", help: "Index directory built by 'contam index' (required).")
    static let checkRows = Option.integer("--check-rows", value: "n", default: TabularExposure.Options().maxRows, range: 1...10_000_000,
                                          help: "Rows looked up per dataset at most, spread over the file (default {default}).")
    static let minTokens = Option.integer("--min-tokens", value: "n", default: TabularExposure.Options().minTokens, range: 1...10_000,
                                          help: "Skip rows shorter than n tokens: they occur anywhere by chance (default {default}).")
    static let maxSources = Option.integer("--max-sources", value: "n", default: TabularExposure.Options().maxSources, range: 0...1000,
                                           help: "Source documents named per hit (default {default}).")
    static let maxRows = Option.integer("--max-rows", value: "n", default: TabularOptions().maxRows, range: 2...100_000_000,
                                        help: "Rows read from each CSV at most (default {default}).")
    static let json = Option.flag("--json", help: "Print JSON: one object per dataset, one per line.")
    static let markdown = Option.flag("--markdown", help: "Print a Markdown table.")
    static let failOnExposed = Option.flag("--fail-on-exposed", help: "Exit with 1 when any dataset has rows in the corpus (for CI).")

    static let spec = CommandSpec(
        name: "contam tabular exposure",
        overview: "Count how many of a dataset's rows, and its header, occur verbatim in an indexed corpus.",
        arguments: [.init("inputs", help: "CSV files and directories.", variadic: true)],
        options: [index, checkRows, minTokens, maxSources, maxRows, json, markdown, failOnExposed],
        examples: [
            "contam index corpora/tabular -o /tmp/tabular.idx && contam tabular exposure corpora/tabular --index /tmp/tabular.idx",
            "contam tabular exposure datasets/ --index /data/pile.idx --markdown",
        ],
        discussion: """
        Rows are looked up as written in the file and as "F1 = v1, F2 = v2, ..." text, tokenized like the corpus
        (the index's own normalization). The verdict is "exposed" when any row is found, "header only" when only the
        header is, else "not found".
        Exit codes: 0 done, 1 exposed (with --fail-on-exposed), 2 bad input or usage, or a failed dataset, 3 internal error.
        """)

    @Sendable static func run(_ a: ParsedArguments) async throws -> Int32 {
        guard let indexPath = try a[index] else { throw a.error("missing --index <dir>: the index of the training corpus ('contam index')") }
        var options = TabularExposure.Options()
        options.maxRows = try a[checkRows]
        options.minTokens = try a[minTokens]
        options.maxSources = try a[maxSources]
        let maxRows = try a[Self.maxRows]
        let (json, markdown) = (try a[Self.json], try a[Self.markdown])
        let files = try TabularInputs.expand(a.positionals)
        let corpus = try OpenedIndex.open(path: indexPath).requireFull(for: "tabular exposure")
        var reports = [TabularExposure.Report]()
        for file in files {
            do {
                let report = try TabularExposure.measure(try TabularDataset.load(path: file, maxRows: maxRows), in: corpus, options: options)
                reports.append(report)
                if json { Console.line(TabularExposureRenderer.json(report)) }
            } catch {
                Console.err("contam: \(error)\n")
                let report = TabularExposure.failedReport(path: file, error: error)
                reports.append(report)
                if json { Console.line(TabularExposureRenderer.json(report)) }
            }
        }
        if markdown {
            Console.out(TabularExposureRenderer.markdown(reports))
        } else if !json {
            Console.out(TabularExposureRenderer.human(reports, colour: Console.stdoutIsTerminal))
        }
        if reports.contains(where: { $0.failure != nil }) { return 2 }
        return try a[failOnExposed] && reports.contains(where: { $0.verdict == "exposed" }) ? 1 : 0
    }
}
