import Foundation
import ContamModel
import ContamApps
import ContamCommandLine

/// `contam tabular test|scan|prompts|score`: the model side of the tabular tests.
enum TabularModelCommands {
    // MARK: Option groups (the same name means the same thing in every sub-command)

    static let modelOptions: [CommandSpec.Option] = [
        .init("--endpoint", value: "url", help: "Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1 (default: $OPENAI_BASE_URL)."),
        .init("--model", value: "name", help: "Model name sent with every request (required)."),
        .init("--chat", help: "Ask through /v1/chat/completions: system prompt, few-shot turns, then the test (default)."),
        .init("--completion", help: "Ask through /v1/completions with a raw prefix (base models)."),
        .init("--api-key-env", value: "name", help: "Environment variable holding the API key (default OPENAI_API_KEY); never printed, logged or cached."),
        .init("--concurrency", value: "n", help: "Requests in flight at most (default 4)."),
        .init("--timeout", value: "seconds", help: "Seconds without an answer before a request counts as timed out (default 300)."),
        .init("--retries", value: "n", help: "Retries after timeouts, connection errors, 429 and 5xx, with backoff (default 4)."),
        .init("--cache-dir", value: "dir", help: "Response cache directory (default $XDG_CACHE_HOME/contam, else ~/.cache/contam)."),
        .init("--no-cache", help: "Neither read nor write the response cache."),
    ]

    static let planOptions: [CommandSpec.Option] = [
        .init("--tests", value: "list", help: "Comma-separated: header,row,feature,first-token,feature-names (default all)."),
        .init("--queries", value: "n", help: "Queries of the row, feature and first-token tests (default 25)."),
        .init("--prefix-rows", value: "n", help: "Rows shown before the row to complete (default 10)."),
        .init("--feature", value: "name", help: "Target of the feature test (default: the feature with most distinct values)."),
        .init("--header-chars", value: "n", help: "Characters of continuation the header test asks for and compares (default 500)."),
        .init("--seed", value: "n", help: "Seed of every random choice; the same seed gives the same prompts (default 0)."),
        .init("--few-shot", value: "dir", help: "CSVs of other datasets for few-shot examples (default: the repository's corpora/tabular)."),
        .init("--max-rows", value: "n", help: "Rows read from each CSV at most; a longer file is sampled from its head (default 100000)."),
    ]

    static let reportOptions: [CommandSpec.Option] = [
        .init("--json", help: "Print JSON: one object per dataset, one per line."),
        .init("--html", value: "file", help: "Also write an HTML report with every answer highlighted against the truth."),
        .init("--fail-on-memorized", help: "Exit with 1 when any test says memorized (for CI)."),
        .init("--quiet", "-q", help: "No progress on stderr."),
    ]

    static let exitCodes = """
    Verdicts: count tests (row, feature, first-token) compare k hits of n with a baseline rate p0 (at least 1 %):
    memorized when k >= 2 and P(X >= k) < 0.01, inconclusive when k >= 1 and P < 0.05; the header test says
    memorized when the model continues the cut row and a complete new row verbatim; the feature-names test when
    it lists all remaining names in order.
    Exit codes: 0 done, 1 memorized (with --fail-on-memorized), 2 bad input, usage, or a failed dataset or request,
    3 internal error.
    """

    // MARK: Specs

    static let testSpec = CommandSpec(
        name: "contam tabular test",
        overview: "Run the memorization tests of one CSV against a model.",
        arguments: [.init("csv", help: "The dataset (.csv or .csv.zst; the name is the file name without extension).")],
        options: modelOptions + planOptions + reportOptions + [
            .init("--brief", help: "Only the table of verdicts, not every answer against the truth."),
        ],
        examples: [
            "contam tabular test corpora/tabular/iris.csv --endpoint http://127.0.0.1:8765/v1 --model smollm2",
            "contam tabular test adult.csv --endpoint https://api.openai.com/v1 --model gpt-4o-mini --tests row,feature --json",
        ],
        discussion: exitCodes)

    static let scanSpec = CommandSpec(
        name: "contam tabular scan",
        overview: "Test many datasets (directories are searched for .csv and .csv.zst) and summarize.",
        arguments: [.init("inputs", help: "CSV files and directories.", variadic: true)],
        options: modelOptions + planOptions + reportOptions + [
            .init("--markdown", help: "Print the summary as a Markdown table."),
        ],
        examples: [
            "contam tabular scan datasets/ --endpoint http://127.0.0.1:8000/v1 --model llama-3.1-8b --markdown",
            "contam tabular scan a.csv b.csv.zst --endpoint http://127.0.0.1:8765/v1 --model smollm2 --queries 10 --html scan.html",
        ],
        discussion: "A failing dataset is reported as failed and the scan goes on; after 3 datasets in a row whose requests could\nnot reach the endpoint the scan stops. Interrupted? Run the same command again: every answer already received\ncomes from the cache.\n" + exitCodes)

    static let promptsSpec = CommandSpec(
        name: "contam tabular prompts",
        overview: "Write every request as JSONL (OpenAI Batch input format) without calling a model.",
        arguments: [.init("inputs", help: "CSV files and directories.", variadic: true)],
        options: [modelOptions[1], modelOptions[2], modelOptions[3]] + planOptions + [
            .init("--output", "-o", value: "file", help: "Write to this file instead of standard output."),
        ],
        examples: [
            "contam tabular prompts corpora/tabular/iris.csv --model gpt-4o-mini -o requests.jsonl",
            "contam tabular score corpora/tabular/iris.csv --model gpt-4o-mini --responses answers.jsonl",
        ],
        discussion: "Each line is {\"custom_id\", \"method\", \"url\", \"body\"}; custom_id is dataset:test:query:hash. Score the answers\nwith 'contam tabular score' and the same options.")

    static let scoreSpec = CommandSpec(
        name: "contam tabular score",
        overview: "Score answers produced elsewhere (a batch API) for the requests of 'contam tabular prompts'.",
        arguments: [.init("inputs", help: "The same CSV files and directories as for 'prompts'.", variadic: true)],
        options: [modelOptions[1], modelOptions[2], modelOptions[3]] + planOptions + [
            .init("--responses", value: "file", help: "JSONL answers keyed by custom_id: OpenAI Batch output, or {\"custom_id\", \"text\"} lines (required)."),
            .init("--markdown", help: "Print the summary as a Markdown table."),
            .init("--brief", help: "Only the table of verdicts, not every answer against the truth."),
        ] + reportOptions.filter { $0.names[0] != "--quiet" },
        examples: ["contam tabular score corpora/tabular/iris.csv --model gpt-4o-mini --responses batch_output.jsonl"],
        discussion: exitCodes)

    // MARK: Parsing

    static func tabularOptions(_ a: ParsedArguments) throws -> TabularOptions {
        var options = TabularOptions()
        if a.flag("--chat") && a.flag("--completion") { throw a.error("--chat and --completion exclude each other") }
        options.mode = a.flag("--completion") ? .completion : .chat
        if let list = a.value("--tests") {
            do { options.tests = try TabularTestKind.parseList(list) } catch { throw a.error("\(error)") }
        }
        options.queries = try a.integer("--queries", default: 25, range: 1...100_000)
        options.prefixRows = try a.integer("--prefix-rows", default: 10, range: 1...1000)
        options.feature = a.value("--feature")
        options.headerCharacters = try a.integer("--header-chars", default: 500, range: 1...100_000)
        options.seed = UInt64(try a.integer("--seed", default: 0, range: 0...Int.max))
        options.maxRows = try a.integer("--max-rows", default: 100_000, range: 2...100_000_000)
        return options
    }

    static func model(_ a: ParsedArguments) throws -> String {
        guard let model = a.value("--model"), !model.isEmpty else { throw a.error("missing --model <name>: the model name to send (e.g. gpt-4o-mini, smollm2)") }
        return model
    }

    static func client(_ a: ParsedArguments) throws -> ModelClient {
        let environment = ProcessInfo.processInfo.environment
        guard let endpointText = a.value("--endpoint") ?? environment["OPENAI_BASE_URL"] else {
            throw a.error("missing --endpoint <url>: the base URL of an OpenAI-compatible API (or set OPENAI_BASE_URL)")
        }
        let endpoint: URL
        do { endpoint = try ModelClient.endpointURL(endpointText) } catch { throw a.error("\(error)") }
        let keyVariable = a.value("--api-key-env") ?? "OPENAI_API_KEY"
        let key = try APIKey.fromEnvironment(keyVariable)
        let retries = try a.integer("--retries", default: 4, range: 0...100)
        let configuration = ModelClient.Configuration(
            endpoint: endpoint, model: try model(a), apiKey: key,
            timeout: Double(try a.integer("--timeout", default: 300, range: 1...86_400)),
            concurrency: try a.integer("--concurrency", default: 4, range: 1...1024),
            retry: RetryPolicy(maxAttempts: retries + 1),
            cache: a.flag("--no-cache") ? nil : ResponseCache(directory: a.value("--cache-dir") ?? ResponseCache.defaultDirectory()))
        return ModelClient(configuration: configuration)
    }

    /// The few-shot pool; a warning (not an error) when there is none and a test would want one.
    static func fewShot(_ a: ParsedArguments, options: TabularOptions) throws -> [TabularDataset] {
        let wanted = options.tests.contains(.featureNames) || (options.tests.contains(.header) && options.mode == .chat)
        guard wanted else { return [] }
        if let directory = a.value("--few-shot") { return try TabularFewShotPool.load(directory: directory) }
        guard let directory = TabularFewShotPool.defaultDirectory() else {
            Console.err("contam: warning: no few-shot datasets found (no corpora/tabular here or above the executable); the header and feature-names tests run without examples from other datasets; pass --few-shot DIR\n")
            return []
        }
        return try TabularFewShotPool.load(directory: directory)
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw TabularError.unreadable(path: path, reason: "cannot write this file: \(String(cString: strerror(errno)))")
        }
    }

    static func exitCode(_ reports: [TabularDatasetReport], _ a: ParsedArguments) -> Int32 {
        if reports.contains(where: { $0.failure != nil }) { return 2 }
        return a.flag("--fail-on-memorized") && reports.contains(where: \.memorized) ? 1 : 0
    }

    // MARK: Commands

    @Sendable static func test(_ a: ParsedArguments) async throws -> Int32 {
        let options = try tabularOptions(a)
        let client = try client(a)
        let dataset = try TabularDataset.load(path: a.positionals[0], maxRows: options.maxRows)
        let plan = try TabularPlanner.plan(dataset, options: options, fewShot: try fewShot(a, options: options))
        let progress = ProgressDisplay(enabled: !a.flag("--quiet"))
        progress.begin("\(dataset.name): asking \(client.configuration.model)")
        let report = try await TabularRunner(client: client).run(plan) { done, total in
            progress.update(done: done, total: total, bytes: false, extra: "answers")
        }
        progress.finish()
        for warning in report.emptyAnswerWarnings { Console.err("contam: warning: \(warning)\n") }
        if a.flag("--json") {
            Console.line(TabularReportRenderer.json(report))
        } else {
            Console.out(TabularReportRenderer.human(report, colour: Console.stdoutIsTerminal, details: !a.flag("--brief")))
        }
        if let html = a.value("--html") {
            try write(TabularReportRenderer.html([report], tests: options.tests, title: "contam tabular: \(dataset.name)"), to: html)
        }
        return exitCode([report], a)
    }

    @Sendable static func scan(_ a: ParsedArguments) async throws -> Int32 {
        let options = try tabularOptions(a)
        let client = try client(a)
        let files = try TabularInputs.expand(a.positionals)
        let scan = TabularScan(options: options, fewShot: try fewShot(a, options: options), client: client)
        let progress = ProgressDisplay(enabled: !a.flag("--quiet"))
        let json = a.flag("--json")
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
                for warning in report.emptyAnswerWarnings { Console.err("contam: warning: \(warning)\n") }
                if json { Console.line(TabularReportRenderer.json(report)) }
            }
        }
        progress.finish()
        if !json {
            if a.flag("--markdown") {
                Console.out(TabularReportRenderer.markdown(reports, tests: options.tests))
            } else {
                Console.out(TabularReportRenderer.summaryTable(reports, tests: options.tests, colour: Console.stdoutIsTerminal))
            }
        }
        if let html = a.value("--html") {
            try write(TabularReportRenderer.html(reports, tests: options.tests, title: "contam tabular scan: \(client.configuration.model)"), to: html)
        }
        let statistics = client.statistics
        if !a.flag("--quiet") {
            Console.err("scanned \(reports.count) dataset\(reports.count == 1 ? "" : "s"): \(reports.filter(\.memorized).count) memorized, \(reports.filter { $0.failure != nil }.count) failed; \(statistics.requestsSent) requests sent, \(statistics.cacheHits) answers from the cache\n")
        }
        return exitCode(reports, a)
    }

    @Sendable static func prompts(_ a: ParsedArguments) async throws -> Int32 {
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
        if let output = a.value("--output") {
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
        guard let responsesPath = a.value("--responses") else { throw a.error("missing --responses <file>: the JSONL answers to score") }
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
        if a.flag("--json") {
            for report in reports { Console.line(TabularReportRenderer.json(report)) }
        } else if a.flag("--markdown") {
            Console.out(TabularReportRenderer.markdown(reports, tests: options.tests))
        } else if reports.count == 1, let report = reports.first, report.failure == nil {
            Console.out(TabularReportRenderer.human(report, colour: Console.stdoutIsTerminal, details: !a.flag("--brief")))
        } else {
            Console.out(TabularReportRenderer.summaryTable(reports, tests: options.tests, colour: Console.stdoutIsTerminal))
        }
        if let html = a.value("--html") {
            try write(TabularReportRenderer.html(reports, tests: options.tests, title: "contam tabular score: \(model)"), to: html)
        }
        return exitCode(reports, a)
    }
}

/// The progress-line prefix of the dataset being scanned (events arrive from concurrent tasks).
final class ScanProgressState: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""

    var prefix: String { lock.lock(); defer { lock.unlock() }; return value }

    func set(prefix: String) { lock.lock(); value = prefix; lock.unlock() }
}
