import Foundation
import ContamIndex
import ContamApps
import ContamCommandLine

/// `contam tabular exposure`: corpus-side exposure of tabular datasets, no model needed.
enum TabularExposureCommand {
    static let commands: [(spec: CommandSpec, run: @Sendable (ParsedArguments) async throws -> Int32)] = [(spec, run)]

    static let spec = CommandSpec(
        name: "contam tabular exposure",
        overview: "Count how many of a dataset's rows, and its header, occur verbatim in an indexed corpus.",
        arguments: [.init("inputs", help: "CSV files and directories.", variadic: true)],
        options: [
            .init("--index", value: "dir", help: "Index directory built by 'contam index' (required)."),
            .init("--check-rows", value: "n", help: "Rows looked up per dataset at most, spread over the file (default 1000)."),
            .init("--min-tokens", value: "n", help: "Skip rows shorter than n tokens: they occur anywhere by chance (default 8)."),
            .init("--max-sources", value: "n", help: "Source documents named per hit (default 3)."),
            .init("--max-rows", value: "n", help: "Rows read from each CSV at most (default 100000)."),
            .init("--json", help: "Print JSON: one object per dataset, one per line."),
            .init("--markdown", help: "Print a Markdown table."),
            .init("--fail-on-exposed", help: "Exit with 1 when any dataset has rows in the corpus (for CI)."),
        ],
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
        guard let indexPath = a.value("--index") else { throw a.error("missing --index <dir>: the index of the training corpus ('contam index')") }
        var options = TabularExposure.Options()
        options.maxRows = try a.integer("--check-rows", default: 1000, range: 1...10_000_000)
        options.minTokens = try a.integer("--min-tokens", default: 8, range: 1...10_000)
        options.maxSources = try a.integer("--max-sources", default: 3, range: 0...1000)
        let maxRows = try a.integer("--max-rows", default: 100_000, range: 2...100_000_000)
        let files = try TabularInputs.expand(a.positionals)
        let index = try Index.open(path: indexPath)
        var reports = [TabularExposure.Report]()
        for file in files {
            do {
                let report = try TabularExposure.measure(try TabularDataset.load(path: file, maxRows: maxRows), in: index, options: options)
                reports.append(report)
                if a.flag("--json") { Console.line(TabularExposureRenderer.json(report)) }
            } catch {
                Console.err("contam: \(error)\n")
                let report = TabularExposure.failedReport(path: file, error: error)
                reports.append(report)
                if a.flag("--json") { Console.line(TabularExposureRenderer.json(report)) }
            }
        }
        if a.flag("--markdown") {
            Console.out(TabularExposureRenderer.markdown(reports))
        } else if !a.flag("--json") {
            Console.out(TabularExposureRenderer.human(reports, colour: Console.stdoutIsTerminal))
        }
        if reports.contains(where: { $0.failure != nil }) { return 2 }
        return a.flag("--fail-on-exposed") && reports.contains(where: { $0.verdict == "exposed" }) ? 1 : 0
    }
}
