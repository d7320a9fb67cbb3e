import Foundation
import ContamApps
import ContamCommandLine
import ContamStorage

/// `contam tabular learn`: does memorization inflate few-shot accuracy? The same rows asked in four versions of
/// the dataset (Bordt et al. 2024, §5); the model options are `TabularModelCommands`' own.
enum TabularLearnCommand {
    static let commands: [(spec: CommandSpec, run: @Sendable (ParsedArguments) async throws -> Int32)] = [(spec, run)]

    static let target = Option.string("--target", value: "column", help: "The column to predict (required); at most \(TabularLearnOptions.maxClasses) distinct values.")
    static let testRows = Option.integer("--test-rows", value: "n", default: TabularLearnOptions(target: "").testRows, range: 1...100_000,
                                         help: "Test rows asked in every version (default {default}).")
    static let fewShot = Option.integer("--few-shot", value: "k", default: TabularLearnOptions(target: "").fewShot, range: 0...1000,
                                        help: "Labelled rows shown before each test row, the same in every version (default {default}).")
    static let failOnInflated = Option.flag("--fail-on-inflated", help: "Exit with 1 when the verdict is accuracy inflated by memorization (for CI).")

    static let spec = CommandSpec(
        name: "contam tabular learn",
        overview: "Does memorization inflate few-shot accuracy? Predict a target on original, perturbed, re-spelled and statistical versions.",
        arguments: [.init("dataset", help: "The dataset (.csv, .tsv, .jsonl, .parquet, optionally compressed).")],
        options: [TabularModelCommands.endpoint, TabularModelCommands.modelName, TabularModelCommands.chat, TabularModelCommands.completion]
            + ModelClientOptions.connection
            + [target, testRows, fewShot, TabularModelCommands.seed, TabularModelCommands.maxRows,
               TabularModelCommands.json, TabularModelCommands.html, failOnInflated, TabularModelCommands.quiet],
        examples: [
            "contam tabular learn corpora/tabular/iris.csv --target species --endpoint http://127.0.0.1:8765/v1 --model smollm2",
            "contam tabular learn titanic.csv --target Survived --endpoint https://api.openai.com/v1 --model gpt-4o-mini --test-rows 100 --json",
        ],
        discussion: """
        The same test rows, each with the same few-shot rows, are asked in four versions, each built on the last (seeded):
          original     the file as it is.
          perturbed    every numeric feature moved by +-1 unit of its last written digit (5.1 -> 5.0 or 5.2; 7 -> 6 or 8),
                       decimals kept (a cell written shorter than most of its column, 5 among 5.1 and 4.9, moves by
                       the column's unit: 4.9 or 5.1), never outside the column's [min, max] (a cell at a bound may
                       stay); categorical features and the target unchanged.
          task         perturbed, plus feature names in sentence case (sepal_length -> Sepal length, PassengerId ->
                       Passenger id) and categories and classes in lower-case words (Iris-setosa -> iris setosa; a
                       spelling that would not change gets "The ", "category " or "class " in front).
          statistical  task, plus numeric features as z-scores (2 decimals), categories and classes as integer codes in
                       a random order, features named X1..Xn, the target Y, the columns shuffled, no dataset name.
        Prompts follow tabmemcheck's predict: chat = system prompt, "F1 = v1, ..." / "Target = y" turns, the test row;
        completion = "F1 = v1, ..., Target = y" lines, then "F1 = v1, ..., Target =". Temperature 0.
        Accuracy per version with a 95 % Wilson interval; drop = original - perturbed accuracy, tested one-sided with the
        exact McNemar (sign) test on the rows right in one version only. Verdict: accuracy inflated by memorization when
        drop > 0 and p < \(TabularLearnScorer.inflatedP); inconclusive when drop > 0 and p < \(TabularLearnScorer.inconclusiveP), or when no answer of
        the original or perturbed version names a class; otherwise no evidence. Unusable answers count as wrong and are listed.
        Exit codes: 0 done, 1 accuracy inflated (with --fail-on-inflated), 2 bad input, usage or a failed request,
        3 internal error.
        """)

    @Sendable static func run(_ a: ParsedArguments) async throws -> Int32 {
        if let html = try a[TabularModelCommands.html] { try OutputPath(html).refuseOverwriting(inputs: a.positionals) }
        guard let targetName = try a[target], !targetName.isEmpty else { throw a.error("missing --target <column>: the column to predict") }
        var options = TabularLearnOptions(target: targetName)
        let (chat, completion) = (try a[TabularModelCommands.chat], try a[TabularModelCommands.completion])
        if chat && completion { throw a.error("--chat and --completion exclude each other") }
        options.mode = completion ? .completion : .chat
        options.testRows = try a[testRows]
        options.fewShot = try a[fewShot]
        options.seed = UInt64(try a[TabularModelCommands.seed])
        options.maxRows = try a[TabularModelCommands.maxRows]
        let client = try ModelClientOptions.client(a)
        let dataset = try TabularDataset.load(path: a.positionals[0], maxRows: options.maxRows)
        let plan = try TabularLearnPlanner.plan(dataset, options: options)
        let progress = ProgressDisplay(enabled: try !a[TabularModelCommands.quiet])
        progress.begin("\(dataset.name): asking \(client.configuration.model) in 4 versions")
        let report = try await TabularLearnRunner(client: client).run(plan) { done, total in
            progress.update(done: done, total: total, bytes: false, extra: "answers")
        }
        progress.finish()
        if try a[TabularModelCommands.json] {
            Console.line(TabularLearnRenderer.json(report))
        } else {
            Console.out(TabularLearnRenderer.human(report, colour: Console.stdoutIsTerminal))
        }
        if let html = try a[TabularModelCommands.html] {
            try ReportFile.write(TabularLearnRenderer.html(report, title: "contam tabular learn: \(dataset.name)"), to: html)
        }
        return try a[failOnInflated] && report.inflated ? 1 : 0
    }
}
