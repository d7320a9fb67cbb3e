import Foundation
import ContamStorage
import ContamCorpus
import ContamIndex
import ContamDetect
import ContamModel
import ContamApps
import ContamCommandLine

/// `contam probe items ITEMS`: benchmark contamination seen from the model: guided vs general completion, option
/// guessing, membership scores (docs/probe.md). The logic is `ProbeItemsRunner` in ContamApps.
enum ProbeItemsCommand {
    static let commands: [(spec: CommandSpec, run: NestedCommands.Run)] = [(spec, run)]

    // MARK: Options

    static let tests = Option.parsed("--tests", value: "list", help: "Comma-separated: guided,options,membership (default: all; a test that cannot apply says n/a and why).") {
        try ProbeItemsTest.parseList([$0])
    }
    static let index = Option.string("--index", value: "dir", help: "An index built by 'contam index': add each completion's longest match in the corpus (tokens) and its source.")
    static let control = Option.strings("--control", value: "items", help: "Items the model cannot have seen, read like ITEMS (repeatable): the baseline of option guessing and membership scores.")
    static let datasetName = Option.string("--dataset-name", value: "name", help: "The dataset the guided instruction names (default: the first items file's name without extension).")
    static let split = Option.string("--split", value: "name", help: "The split the guided instruction names (default: test); a directory in the Hugging Face Parquet layout is also read for this split only, as in check.")
    static let promptField = Option.parsed("--prompt-field", value: "path", help: "JSON field path of the first piece (and the question of option guessing); default: the first half of the item's words.") {
        try FieldPathOption.parsed($0, option: "--prompt-field")
    }
    static let answerField = Option.parsed("--answer-field", value: "path", help: "JSON field path of the second piece, or with --choices-field of the correct option (an index from 0, a letter, or its text).") {
        try FieldPathOption.parsed($0, option: "--answer-field")
    }
    static let choicesField = Option.parsed("--choices-field", value: "path", help: "JSON field path of a multiple-choice item's options, an array of strings, e.g. choices[] or 'question.choices[].text'.") {
        try FieldPathOption.parsed($0, option: "--choices-field")
    }
    static let maxTokens = Option.integer("--max-tokens", value: "n", default: ProbeItemsOptions().maxTokens, range: 1...100_000,
                                          help: "Generated tokens per completion at most; each asks for twice the truth's length plus 16, up to this (default {default}).")
    static let topLogprobs = Option.integer("--top-logprobs", value: "k", default: ProbeItemsOptions().topLogprobs, range: 1...100,
                                            help: "Alternatives per position asked with the echoed item; Min-K%++ is estimated over this top-K distribution (default {default}).")
    static let similarity = Option.number("--similarity", value: "x", default: ProbeItemsOptions().similarity, range: 0...1,
                                          help: "Token similarity (1 - edit distance / length) from which a completion counts as near-verbatim (default: {default}).")
    static let failOnMemorized = Option.flag("--fail-on-memorized", help: "Exit with 1 when any test says memorized (for CI).")

    static let spec = CommandSpec(
        name: "contam probe items",
        overview: "Ask a model whether it memorized benchmark items: guided vs general completion, option guessing, membership scores.",
        arguments: [.init("items", help: "Benchmark items, read exactly like 'contam check' reads them (JSONL, JSON, CSV, Parquet, text, .zst, directories, - for stdin).", variadic: true)],
        options: [ItemInputOptions.field, ItemInputOptions.idField, ItemInputOptions.records, ItemInputOptions.lines, ItemInputOptions.format, ItemInputOptions.columns,
                  InputOptions.include, InputOptions.exclude, InputOptions.verbose, ItemInputOptions.skipBadRecords,
                  tests, promptField, answerField, choicesField, control, datasetName, split, index]
            + ProbeCommandOptions.modelOptions()
            + [maxTokens, topLogprobs, similarity, ProbeCommandOptions.seed, ProbeCommandOptions.json, ProbeCommandOptions.markdown, ProbeCommandOptions.html,
               failOnMemorized, ProbeCommandOptions.quiet],
        examples: [
            "contam probe items corpora/items/benchmark.jsonl --field question --field answer --endpoint http://127.0.0.1:8765/v1 --model smollm2",
            "contam probe items mmlu-test.jsonl --prompt-field question --choices-field 'choices[]' --answer-field answer --control fresh.jsonl --dataset-name MMLU --endpoint http://127.0.0.1:8000/v1 --model llama-3.1-8b --json",
            "contam probe items test.jsonl --field text --tests membership --control unseen.jsonl --index corpus.idx --completion --endpoint http://127.0.0.1:8000/v1 --model base-7b --fail-on-memorized",
        ],
        discussion: """
        TESTS:
          guided      Golchin & Surdeanu 2024: each item's first piece (the first half of its words, or --prompt-field)
                      under the guided instruction (naming --dataset-name and --split) and under the general one;
                      each completion against the true second piece: exact, token similarity, longest shared run. A
                      one-sided exact sign test that guided beats general. Needs an instruction-following model.
          options     Deng et al. 2024 (TS-Guessing): a seeded wrong option of each multiple-choice item
                      (--choices-field, --answer-field) shown as [MASK]; the exact-match rate of the guesses against
                      --control items (Fisher's one-sided test). Without --control: at most inconclusive.
          membership  Loss, zlib ratio, Min-K% (k = 20 %) and Min-K%++ over the top-K distribution (an estimate:
                      the server lists only --top-logprobs alternatives) from the echoed item's token log-probabilities,
                      always through /v1/completions with echo and logprobs; AUC and Mann-Whitney p against --control.
                      n/a, with the reason, when the endpoint gives no log-probabilities.

        VERDICTS (docs/probe.md):
          guided      memorized: sign test p < 0.01 and a guided completion exact or near-verbatim; inconclusive:
                      p < 0.05, or a guided completion exact or near-verbatim where the general one is not.
          options     memorized: Fisher p < 0.01 with 2 or more hits; inconclusive: p < 0.05 with a hit.
          membership  memorized: Min-K% AUC >= 0.7 and p < 0.01 (at least 5 items in each set); inconclusive: any
                      score with AUC >= 0.6 and p < 0.05.
          Guided and option prompts use --chat by default (--completion puts the instruction in a raw prompt).
          Answers are cached: an interrupted run resumes where it stopped.

        EXIT CODES:
          0  done (no test memorized, or no --fail-on-memorized)
          1  a test says memorized and --fail-on-memorized was given
          2  usage error, bad input (the message names the file and record), or a failed request
          3  internal error
        """)

    // MARK: Running

    /// The library options the arguments describe.
    static func options(_ a: ParsedArguments, firstItems: String) throws -> ProbeItemsOptions {
        var options = ProbeItemsOptions()
        if let tests = try a[tests] { options.tests = tests }
        options.mode = try ProbeCommandOptions.mode(a, default: .chat)
        options.datasetName = try a[datasetName] ?? defaultDatasetName(firstItems)
        options.split = try a[split] ?? "test"
        options.seed = UInt64(try a[ProbeCommandOptions.seed])
        options.maxTokens = try a[maxTokens]
        options.topLogprobs = try a[topLogprobs]
        options.similarity = try a[similarity]
        return options
    }

    /// `benchmark` for `corpora/items/benchmark.jsonl.zst`; `benchmark` for stdin.
    static func defaultDatasetName(_ path: String) -> String {
        guard path != "-" else { return "benchmark" }
        var name = URL(fileURLWithPath: path).lastPathComponent
        while let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        return name
    }

    /// The field paths, refusing combinations that cannot mean anything.
    static func fields(_ a: ParsedArguments, tests: [ProbeItemsTest], explicit: Bool) throws -> ProbeItemFieldPaths {
        let fields = ProbeItemFieldPaths(prompt: try a[promptField], answer: try a[answerField], choices: try a[choicesField])
        if fields.choices != nil && fields.answer == nil { throw a.error("--choices-field needs --answer-field: the correct option (an index from 0, a letter, or its text)") }
        if fields.prompt != nil && fields.answer == nil { throw a.error("--prompt-field needs --answer-field: the second piece to complete (or leave both out to split each item's text in the middle)") }
        if explicit && tests.contains(.options) && fields.choices == nil { throw a.error("--tests options needs --choices-field (and --answer-field): option guessing is for multiple-choice items") }
        return fields
    }

    @Sendable static func run(_ a: ParsedArguments) async throws -> Int32 {
        let (wantsJSON, wantsMarkdown) = (try a[ProbeCommandOptions.json], try a[ProbeCommandOptions.markdown])
        if wantsJSON && wantsMarkdown { throw a.error("--json and --markdown cannot be combined; --html FILE can go with either") }
        let controlPaths = try a[control]
        let indexPath = try a[index]
        let htmlPath = try a[ProbeCommandOptions.html]
        if let htmlPath { try OutputPath(htmlPath).refuseOverwriting(inputs: a.positionals + controlPaths + [indexPath].compactMap { $0 }) }
        let options = try options(a, firstItems: a.positionals[0])
        let fields = try fields(a, tests: options.tests, explicit: try a.wasGiven(tests))
        let reader = try ItemInputOptions.readerOptions(a, selection: InputSelection(include: a[InputOptions.include], exclude: a[InputOptions.exclude], split: a[split]))
        let verbose = try a[InputOptions.verbose]
        let items = try read(a.positionals, reader: reader, fields: fields, verbose: verbose)
        let control = controlPaths.isEmpty ? [] : try read(controlPaths, reader: reader, fields: fields, verbose: verbose)
        let corpus = try indexPath.map { path in ProbeItemsCorpusMatcher(corpus: try OpenedIndex.open(path: path).requireFull(for: "--index (each completion's longest corpus match)")) }
        let client = try ModelClientOptions.client(a)
        let runner = ProbeItemsRunner(client: client, corpus: corpus)
        let plan = ProbeItemsPlanner.plan(items: items, control: control, options: options, tokenizer: runner.tokenizer)
        let progress = ProgressDisplay(enabled: try !a[ProbeCommandOptions.quiet])
        progress.begin("probe items: asking \(client.configuration.model)")
        let report = try await runner.run(plan) { done, total in progress.update(done: done, total: total, bytes: false, extra: "answers") }
        progress.finish()
        if wantsJSON {
            Console.out(ProbeItemsRenderer.json(report))
        } else if wantsMarkdown {
            Console.out(ProbeItemsRenderer.markdown(report))
        } else {
            Console.out(ProbeItemsRenderer.human(report, colour: Console.stdoutIsTerminal))
        }
        if let htmlPath { try ReportFile.write(ProbeItemsRenderer.html(report, title: "contam probe items: \(options.datasetName), \(client.configuration.model)"), to: htmlPath) }
        return try a[failOnMemorized] && report.memorized ? 1 : 0
    }

    /// Items with their fields; notes about skipped records and files go to stderr (even under --quiet).
    static func read(_ paths: [String], reader: ItemReaderOptions, fields: ProbeItemFieldPaths, verbose: Bool) throws -> [ProbeItem] {
        let set = try ProbeItemsInput.read(paths: paths, reader: reader, fields: fields)
        for note in set.notes { Console.err("contam: note: \(note)\n") }
        InputOptions.reportSkipped(set.skippedInputs, verbose: verbose)
        return set.items
    }
}
