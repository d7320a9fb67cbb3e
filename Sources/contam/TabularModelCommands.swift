import Foundation
import ContamModel
import ContamApps
import ContamCommandLine
import ContamStorage

/// `contam tabular test|scan|prompts|score`: the model side of the tabular tests.
enum TabularModelCommands {
    // MARK: Option groups (the same name means the same thing in every sub-command)

    static let endpoint = ModelClientOptions.endpoint
    static let modelName = ModelClientOptions.modelName
    static let chat = Option.flag("--chat", help: "Ask through /v1/chat/completions: system prompt, few-shot turns, then the test (default).")
    static let completion = Option.flag("--completion", help: "Ask through /v1/completions with a raw prefix (base models).")

    static let tests = Option.parsed("--tests", value: "list", help: "Comma-separated: header,row,feature,first-token,feature-names,sample,feature-values,dataset-name (default all).") {
        try TabularTestKind.parseList($0)
    }
    static let queries = Option.integer("--queries", value: "n", default: TabularOptions().queries, range: 1...100_000,
                                        help: "Queries of the row, feature and first-token tests, samples of the sample test; the feature-values test asks at most 5 (default {default}).")
    static let prefixRows = Option.integer("--prefix-rows", value: "n", default: TabularOptions().prefixRows, range: 1...1000,
                                           help: "Rows shown before the row to complete (default {default}).")
    static let feature = Option.string("--feature", value: "name", help: "Target of the feature test (default: the feature with most distinct values).")
    static let headerChars = Option.integer("--header-chars", value: "n", default: TabularOptions().headerCharacters, range: 1...100_000,
                                            help: "Characters of continuation the header test asks for and compares (default {default}).")
    static let seed = Option.integer("--seed", value: "n", default: Int(TabularOptions().seed), range: 0...Int.max,
                                     help: "Seed of every random choice; the same seed gives the same prompts (default {default}).")
    static let fewShotDirectory = Option.string("--few-shot", value: "dir", help: "CSVs of other datasets for few-shot examples (default: the repository's corpora/tabular).")
    static let sampleTemperature = Option.number("--sample-temperature", value: "t", default: TabularOptions().sampleTemperature, range: 0...5,
                                                 help: "Temperature of the sample test's samples, each with its own seed (default {default}, tabmemcheck's).")
    static let aliases = Option.string("--aliases", value: "list", help: "Comma-separated other names of the dataset for the dataset-name test (its file name always counts).")
    static let aliasesFile = Option.string("--aliases-file", value: "file", help: "Other names of datasets for the dataset-name test: lines 'name: alias, alias'.")
    static let maxRows = Option.integer("--max-rows", value: "n", default: TabularOptions().maxRows, range: 2...100_000_000,
                                        help: "Rows read from each CSV at most; a longer file is sampled from its head (default {default}).")

    static let json = Option.flag("--json", help: "Print JSON: one object per dataset, one per line.")
    static let html = Option.string("--html", value: "file", help: "Also write an HTML report with every answer highlighted against the truth.")
    static let failOnMemorized = Option.flag("--fail-on-memorized", help: "Exit with 1 when any test says memorized (for CI).")
    static let quiet = Option.flag("--quiet", "-q", help: "No progress on stderr.")

    static let brief = Option.flag("--brief", help: "Only the table of verdicts, not every answer against the truth.")
    static let markdown = Option.flag("--markdown", help: "Print the summary as a Markdown table.")
    static let output = Option.string("--output", "-o", value: "file", help: "Write to this file instead of standard output.")
    static let responses = Option.string("--responses", value: "file", help: "JSONL answers keyed by custom_id: OpenAI Batch output, or {\"custom_id\", \"text\"} lines (required).")

    static let modelOptions: [any DeclaredOption] = [endpoint, modelName, chat, completion] + ModelClientOptions.connection
    /// The options of the offline sub-commands (prompts, score): no endpoint, key or cache.
    static let offlineModelOptions: [any DeclaredOption] = [modelName, chat, completion]
    static let planOptions: [any DeclaredOption] = [tests, queries, prefixRows, feature, headerChars, sampleTemperature, aliasesFile, seed, fewShotDirectory, maxRows]
    static let reportOptions: [any DeclaredOption] = [json, html, failOnMemorized, quiet]

    static let exitCodes = """
    Verdicts: count tests (row, feature, first-token, sample, feature-values) compare k hits of n with a baseline
    rate p0 (at least 1 %): memorized when k >= 2 and P(X >= k) < 0.01, inconclusive when k >= 1 and P < 0.05.
    Sample: generated rows equal to a real row, against the column-shuffled table; feature-values: numeric values
    as written in their column, against a value drawn on the column's grid of range and precision. The header
    test says memorized when the model continues the cut row and a complete new row verbatim; the feature-names
    test when it lists all remaining names in order; the dataset-name test when it names the dataset and no
    accepted name (file name, --aliases) can be read off the rows shown (inconclusive: readable, or near).
    Exit codes: 0 done, 1 memorized (with --fail-on-memorized), 2 bad input, usage, or a failed dataset or request,
    3 internal error.
    """

    // MARK: Specs

    static let testSpec = CommandSpec(
        name: "contam tabular test",
        overview: "Run the memorization tests of one CSV against a model.",
        arguments: [.init("csv", help: "The dataset (.csv or .csv.zst; the name is the file name without extension).")],
        options: modelOptions + planOptions + [aliases] + reportOptions + [brief],
        examples: [
            "contam tabular test corpora/tabular/iris.csv --endpoint http://127.0.0.1:8765/v1 --model smollm2",
            "contam tabular test pima.csv --endpoint http://127.0.0.1:8765/v1 --model smollm2 --tests sample,dataset-name --aliases 'pima indians diabetes'",
            "contam tabular test adult.csv --endpoint https://api.openai.com/v1 --model gpt-4o-mini --tests row,feature --json",
        ],
        discussion: exitCodes)

    static let scanSpec = CommandSpec(
        name: "contam tabular scan",
        overview: "Test many datasets (directories are searched for .csv and .csv.zst) and summarize.",
        arguments: [.init("inputs", help: "CSV files and directories.", variadic: true)],
        options: modelOptions + planOptions + reportOptions + [markdown],
        examples: [
            "contam tabular scan datasets/ --endpoint http://127.0.0.1:8000/v1 --model llama-3.1-8b --markdown",
            "contam tabular scan a.csv b.csv.zst --endpoint http://127.0.0.1:8765/v1 --model smollm2 --queries 10 --html scan.html",
        ],
        discussion: "A failing dataset is reported as failed and the scan goes on; after 3 datasets in a row whose requests could\nnot reach the endpoint the scan stops. Interrupted? Run the same command again: every answer already received\ncomes from the cache.\n" + exitCodes)

    static let promptsSpec = CommandSpec(
        name: "contam tabular prompts",
        overview: "Write every request as JSONL (OpenAI Batch input format) without calling a model.",
        arguments: [.init("inputs", help: "CSV files and directories.", variadic: true)],
        options: offlineModelOptions + planOptions + [output],
        examples: [
            "contam tabular prompts corpora/tabular/iris.csv --model gpt-4o-mini -o requests.jsonl",
            "contam tabular score corpora/tabular/iris.csv --model gpt-4o-mini --responses answers.jsonl",
        ],
        discussion: "Each line is {\"custom_id\", \"method\", \"url\", \"body\"}; custom_id is dataset:test:query:hash. Score the answers\nwith 'contam tabular score' and the same options.")

    static let scoreSpec = CommandSpec(
        name: "contam tabular score",
        overview: "Score answers produced elsewhere (a batch API) for the requests of 'contam tabular prompts'.",
        arguments: [.init("inputs", help: "The same CSV files and directories as for 'prompts'.", variadic: true)],
        options: offlineModelOptions + planOptions + [responses, markdown, brief, json, html, failOnMemorized],
        examples: ["contam tabular score corpora/tabular/iris.csv --model gpt-4o-mini --responses batch_output.jsonl"],
        discussion: exitCodes)

    // MARK: Parsing

    static func tabularOptions(_ a: ParsedArguments) throws -> TabularOptions {
        var options = TabularOptions()
        let (chat, completion) = (try a[Self.chat], try a[Self.completion])
        if chat && completion { throw a.error("--chat and --completion exclude each other") }
        options.mode = completion ? .completion : .chat
        if let tests = try a[Self.tests] { options.tests = tests }
        options.queries = try a[queries]
        options.prefixRows = try a[prefixRows]
        options.feature = try a[feature]
        options.headerCharacters = try a[headerChars]
        options.seed = UInt64(try a[seed])
        options.maxRows = try a[maxRows]
        options.sampleTemperature = try a[sampleTemperature]
        if let path = try a[aliasesFile] { options.datasetAliases = try TabularAliases.load(path: path) }
        return options
    }

    static func model(_ a: ParsedArguments) throws -> String { try ModelClientOptions.model(a) }

    static func client(_ a: ParsedArguments) throws -> ModelClient { try ModelClientOptions.client(a) }

    /// The few-shot pool; a warning (not an error) when there is none and a test would want one.
    static func fewShot(_ a: ParsedArguments, options: TabularOptions) throws -> [TabularDataset] {
        let wanted = options.tests.contains { [.featureNames, .sample, .featureValues, .datasetName].contains($0) } || (options.tests.contains(.header) && options.mode == .chat)
        guard wanted else { return [] }
        if let directory = try a[fewShotDirectory] { return try TabularFewShotPool.load(directory: directory) }
        guard let directory = TabularFewShotPool.defaultDirectory() else {
            Console.err("contam: warning: no few-shot datasets found (no corpora/tabular here or above the executable); the header, feature-names, sample, feature-values and dataset-name tests run without examples from other datasets; pass --few-shot DIR\n")
            return []
        }
        return try TabularFewShotPool.load(directory: directory)
    }

    /// Refuses an output file (`-o`, `--html`) that is one of the command's inputs (the datasets, `--few-shot`,
    /// and `extraInputs` such as `--responses`), lies in an input directory, or lies in an index; checked
    /// before any request is sent, so a refused run costs nothing.
    static func refuseOverwritingInputs(_ a: ParsedArguments, outputs: [String?], extraInputs: [String] = []) throws {
        let inputs = a.positionals + [try a[fewShotDirectory]].compactMap { $0 } + extraInputs
        for output in outputs.compactMap({ $0 }) { try OutputPath(output).refuseOverwriting(inputs: inputs) }
    }

    static func write(_ text: String, to path: String) throws { try ReportFile.write(text, to: path) }

    static func exitCode(_ reports: [TabularDatasetReport], _ a: ParsedArguments) throws -> Int32 {
        if reports.contains(where: { $0.failure != nil }) { return 2 }
        return try a[failOnMemorized] && reports.contains(where: \.memorized) ? 1 : 0
    }

    // MARK: Commands

    @Sendable static func test(_ a: ParsedArguments) async throws -> Int32 {
        try refuseOverwritingInputs(a, outputs: [try a[html]])
        var options = try tabularOptions(a)
        let client = try client(a)
        let dataset = try TabularDataset.load(path: a.positionals[0], maxRows: options.maxRows)
        if let given = try a[aliases] { options.datasetAliases[dataset.name, default: []] += TabularAliases.list(given) }
        let plan = try TabularPlanner.plan(dataset, options: options, fewShot: try fewShot(a, options: options))
        let progress = ProgressDisplay(enabled: try !a[quiet])
        progress.begin("\(dataset.name): asking \(client.configuration.model)")
        let report = try await TabularRunner(client: client).run(plan) { done, total in
            progress.update(done: done, total: total, bytes: false, extra: "answers")
        }
        progress.finish()
        for warning in report.rowOrderWarnings + report.emptyAnswerWarnings { Console.err("contam: warning: \(warning)\n") }
        if try a[json] {
            Console.line(TabularReportRenderer.json(report))
        } else {
            Console.out(TabularReportRenderer.human(report, colour: Console.stdoutIsTerminal, details: try !a[brief]))
        }
        if let html = try a[html] {
            try write(TabularReportRenderer.html([report], tests: options.tests, title: "contam tabular: \(dataset.name)"), to: html)
        }
        return try exitCode([report], a)
    }

    @Sendable static func scan(_ a: ParsedArguments) async throws -> Int32 {
        try refuseOverwritingInputs(a, outputs: [try a[html]])
        let options = try tabularOptions(a)
        let client = try client(a)
        let files = try TabularInputs.expand(a.positionals)
        let scan = TabularScan(options: options, fewShot: try fewShot(a, options: options), client: client)
        let progress = ProgressDisplay(enabled: try !a[quiet])
        let json = try a[Self.json]
        let state = ScanProgressState()
        let reports = await scan.run(files: files) { event in
            switch event {
            case let .datasetStarted(index, count, path):
                state.set(prefix: "[\(index + 1)/\(count)] \(TabularDataset.name(forPath: path))")
                progress.begin(state.prefix)
            case let .answers(done, total):
                progress.update(done: done, total: total, bytes: false, extra: "answers")
            case let .datasetFinished(report):
                progress.finish()
                if let failure = report.failure { Console.err("contam: \(report.dataset) failed: \(failure)\n") }
                for warning in report.rowOrderWarnings + report.emptyAnswerWarnings { Console.err("contam: warning: \(warning)\n") }
                if json { Console.line(TabularReportRenderer.json(report)) }
            }
        }
        progress.finish()
        if !json {
            if try a[markdown] {
                Console.out(TabularReportRenderer.markdown(reports, tests: options.tests))
            } else {
                Console.out(TabularReportRenderer.summaryTable(reports, tests: options.tests, colour: Console.stdoutIsTerminal))
            }
        }
        if let html = try a[html] {
            try write(TabularReportRenderer.html(reports, tests: options.tests, title: "contam tabular scan: \(client.configuration.model)"), to: html)
        }
        let statistics = client.statistics
        if try !a[quiet] {
            Console.err("scanned \(reports.count) dataset\(reports.count == 1 ? "" : "s"): \(reports.filter(\.memorized).count) memorized, \(reports.filter { $0.failure != nil }.count) failed; \(statistics.requestsSent) requests sent, \(statistics.cacheHits) answers from the cache\n")
        }
        return try exitCode(reports, a)
    }

    @Sendable static func prompts(_ a: ParsedArguments) async throws -> Int32 {
        try refuseOverwritingInputs(a, outputs: [try a[output]])
        let options = try tabularOptions(a)
        let model = try model(a)
        let files = try TabularInputs.expand(a.positionals)
        let pool = try fewShot(a, options: options)
        var lines = [String]()
        var failed = 0
        for file in files {
            do {
                let plan = try TabularPlanner.plan(try TabularDataset.load(path: file, maxRows: options.maxRows), options: options, fewShot: pool)
                lines += TabularOffline.promptLines(plan, model: model)
            } catch {
                failed += 1
                Console.err("contam: \(error)\n")
            }
        }
        let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        if let output = try a[output] {
            try write(text, to: output)
            Console.err("wrote \(lines.count) requests for \(files.count - failed) dataset\(files.count - failed == 1 ? "" : "s") to \(output)\n")
        } else {
            Console.out(text)
        }
        return failed > 0 ? 2 : 0
    }

    @Sendable static func score(_ a: ParsedArguments) async throws -> Int32 {
        let options = try tabularOptions(a)
        let model = try model(a)
        guard let responsesPath = try a[responses] else { throw a.error("missing --responses <file>: the JSONL answers to score") }
        try refuseOverwritingInputs(a, outputs: [try a[html]], extraInputs: [responsesPath])
        let answers = try OpenAIBatch.readAnswers(path: responsesPath)
        let files = try TabularInputs.expand(a.positionals)
        let pool = try fewShot(a, options: options)
        var reports = [TabularDatasetReport]()
        for file in files {
            do {
                let plan = try TabularPlanner.plan(try TabularDataset.load(path: file, maxRows: options.maxRows), options: options, fewShot: pool)
                reports.append(try TabularOffline.score(plan, answers: answers, model: model, source: responsesPath))
            } catch {
                Console.err("contam: \(error)\n")
                reports.append(TabularRunner.failedReport(path: file, error: error, options: options, model: model, endpoint: responsesPath))
            }
        }
        if try a[json] {
            for report in reports { Console.line(TabularReportRenderer.json(report)) }
        } else if try a[markdown] {
            Console.out(TabularReportRenderer.markdown(reports, tests: options.tests))
        } else if reports.count == 1, let report = reports.first, report.failure == nil {
            Console.out(TabularReportRenderer.human(report, colour: Console.stdoutIsTerminal, details: try !a[brief]))
        } else {
            Console.out(TabularReportRenderer.summaryTable(reports, tests: options.tests, colour: Console.stdoutIsTerminal))
        }
        if let html = try a[html] {
            try write(TabularReportRenderer.html(reports, tests: options.tests, title: "contam tabular score: \(model)"), to: html)
        }
        return try exitCode(reports, a)
    }
}

/// The progress-line prefix of the dataset being scanned (events arrive from concurrent tasks).
final class ScanProgressState: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""

    var prefix: String { lock.lock(); defer { lock.unlock() }; return value }

    func set(prefix: String) { lock.lock(); value = prefix; lock.unlock() }
}
