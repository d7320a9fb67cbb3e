import Foundation
import ContamStorage
import ContamCorpus
import ContamIndex
import ContamApps
import ContamCommandLine

/// `contam probe cdd ITEMS` and `contam probe compress ITEMS`: the black-box tests that need no training data
/// (docs/probe.md). Items are read like `check` reads them.
enum ProbeDistributionCommands {
    static let commands: [(spec: CommandSpec, run: NestedCommands.Run)] = [(cddSpec, cdd), (compressSpec, compress)]

    static let itemOptions: [any DeclaredOption] = [
        ItemInputOptions.field, ItemInputOptions.idField, ItemInputOptions.records, ItemInputOptions.lines, ItemInputOptions.format,
        ItemInputOptions.columns, InputOptions.include, InputOptions.exclude, InputOptions.verbose, ItemInputOptions.skipBadRecords,
    ]
    static let outputOptions: [any DeclaredOption] = [ProbeCommandOptions.json, ProbeCommandOptions.markdown, ProbeCommandOptions.quiet]

    static let samples = Option.integer("--samples", value: "n", default: ProbeCDDOptions().samples, range: 1...10_000, help: "Samples per item beside the greedy answer (default {default}, the paper's).")
    static let temperature = Option.number("--temperature", value: "t", default: ProbeCDDOptions().temperature, range: 0.01...5, help: "Temperature of the samples (default {default}, the paper's).")
    static let alpha = Option.number("--alpha", value: "a", default: ProbeCDDOptions().alpha, range: 0...1, help: "A sample is at the greedy answer within a × the longest output's tokens of edit distance (default {default}).")
    static let xi = Option.number("--xi", value: "x", default: ProbeCDDOptions().xi, range: 0...1, help: "An item is contaminated when more than this fraction of samples is at the greedy answer (default {default}).")
    static let maxTokens = Option.integer("--max-tokens", value: "n", default: ProbeCDDOptions().maxTokens, range: 1...100_000, help: "Model tokens per answer at most (default {default}).")
    static let control = Option.strings("--control", value: "items", help: "Items the model cannot have seen, read like ITEMS (repeatable): the baseline of the test.")
    static let failOnMemorized = Option.flag("--fail-on-memorized", help: "Exit with 1 when the overall verdict is memorized (cdd) or any text has a ratio above 1 (compress).")
    static let index = Option.string("--index", value: "dir", help: "An index built by 'contam index': show how often each text occurs in the corpus beside its ratio.")
    static let maxTextTokens = Option.integer("--max-text-tokens", value: "n", default: ProbeCompressOptions().maxTextTokens, range: 2...100_000,
                                              help: "Search at most this many tokens of each text (default {default}).")

    static let cddSpec = CommandSpec(
        name: "contam probe cdd",
        overview: "Contamination from the output distribution (CDD): is a model's answer to each item unusually peaked?",
        arguments: [.init("items", help: "Benchmark items, read like 'contam check' reads them; --field picks the text sent (the question).", variadic: true)],
        options: itemOptions + [control] + ProbeCommandOptions.modelOptions() + [samples, temperature, alpha, xi, maxTokens, ProbeCommandOptions.seed] + outputOptions + [failOnMemorized],
        examples: [
            "contam probe cdd gsm8k-test.jsonl --field question --control fresh.jsonl --endpoint http://127.0.0.1:8000/v1 --model llama-3.1-8b",
            "contam probe cdd items.jsonl --field prompt --samples 20 --completion --endpoint http://127.0.0.1:8000/v1 --model base-7b --json",
        ],
        discussion: """
        Dong et al. 2024 (Generalization or Memorization): one greedy answer and --samples answers at --temperature per
        item; each sample's token edit distance to the greedy answer; peakedness = the fraction of samples within
        --alpha x l tokens of it (l: the longest output); contaminated when peakedness > --xi. Defaults are the paper's
        (n = 50, temperature 0.8, alpha 0.05, xi 0.01). Overall: with --control, memorized when Fisher's one-sided
        p < 0.01 with 2 or more contaminated items, inconclusive when p < 0.05; without, inconclusive at most. Chat mode
        by default (--completion for base models). Answers are cached: an interrupted run resumes where it stopped.
        Exit codes: 0 done, 1 memorized with --fail-on-memorized, 2 bad input, usage or a failed request, 3 internal error.
        """)

    static let compressSpec = CommandSpec(
        name: "contam probe compress",
        overview: "The shortest prefix of each text that makes the model say the rest: a prefix compression ratio above 1 is memorization.",
        arguments: [.init("items", help: "Texts, read like 'contam check' reads items.", variadic: true)],
        options: itemOptions + [index] + ProbeCommandOptions.modelOptions() + [maxTextTokens] + outputOptions + [failOnMemorized],
        examples: [
            "contam probe compress corpora/licenses/GPL-3.txt --endpoint http://127.0.0.1:8000/v1 --model pythia-1.4b",
            "contam probe compress quotes.jsonl --field text --index corpus.idx --endpoint http://127.0.0.1:8000/v1 --model base-7b --json",
        ],
        discussion: """
        The prefix form of the adversarial compression ratio (Schwarzschild et al. 2024): a binary search over prefix
        lengths (in index tokens) for the shortest prefix whose greedy continuation reproduces the rest of the text
        exactly; ratio = tokens of the rest / tokens of the prefix, memorized when above 1. An upper bound on the ratio
        their gradient search would find: a ratio at or below 1, or none, is not evidence of absence. Completion mode by
        default (--chat asks an instruction model to continue verbatim). Answers are cached.
        Exit codes: 0 done, 1 a ratio above 1 with --fail-on-memorized, 2 bad input, usage or a failed request, 3 internal error.
        """)

    typealias Text = (id: String, location: String, prompt: String)

    static func texts(_ paths: [String], _ a: ParsedArguments) throws -> [Text] {
        let reader = try ItemInputOptions.readerOptions(a, selection: InputSelection(include: try a[InputOptions.include], exclude: try a[InputOptions.exclude]))
        return try ProbeItemsCommand.read(paths, reader: reader, fields: ProbeItemFieldPaths(), verbose: try a[InputOptions.verbose]).map { ($0.id, $0.location, $0.text) }
    }

    static func refuseBoth(_ a: ParsedArguments) throws {
        if try a[ProbeCommandOptions.json] && a[ProbeCommandOptions.markdown] { throw a.error("--json and --markdown cannot be combined") }
    }

    @Sendable static func cdd(_ a: ParsedArguments) async throws -> Int32 {
        try refuseBoth(a)
        var options = ProbeCDDOptions()
        options.samples = try a[samples]
        options.temperature = try a[temperature]
        options.alpha = try a[alpha]
        options.xi = try a[xi]
        options.maxTokens = try a[maxTokens]
        options.seed = UInt64(try a[ProbeCommandOptions.seed])
        options.mode = try ProbeCommandOptions.mode(a, default: .chat)
        let items = try texts(a.positionals, a)
        let controlPaths = try a[control]
        let controls = controlPaths.isEmpty ? [] : try texts(controlPaths, a)
        let client = try ModelClientOptions.client(a)
        let progress = ProgressDisplay(enabled: try !a[ProbeCommandOptions.quiet])
        progress.begin("probe cdd: asking \(client.configuration.model)")
        let report = try await ProbeCDDRunner(client: client, options: options).run(items: items, control: controls) { done, total in
            progress.update(done: done, total: total, bytes: false, extra: "answers")
        }
        progress.finish()
        if try a[ProbeCommandOptions.json] {
            for line in ProbeCDDRenderer.jsonLines(report) { Console.line(line) }
        } else if try a[ProbeCommandOptions.markdown] {
            Console.out(ProbeCDDRenderer.markdown(report))
        } else {
            Console.out(ProbeCDDRenderer.human(report, colour: Console.stdoutIsTerminal))
        }
        return try a[failOnMemorized] && report.summary.verdict == .memorized ? 1 : 0
    }

    @Sendable static func compress(_ a: ParsedArguments) async throws -> Int32 {
        try refuseBoth(a)
        var options = ProbeCompressOptions()
        options.mode = try ProbeCommandOptions.mode(a, default: .completion)
        options.maxTextTokens = try a[maxTextTokens]
        let corpus = try a[index].map { try OpenedIndex.open(path: $0).requireFull(for: "--index (each text's count in the corpus)") }
        let texts = try texts(a.positionals, a).map { (id: $0.id, location: $0.location, text: $0.prompt) }
        let client = try ModelClientOptions.client(a)
        let progress = ProgressDisplay(enabled: try !a[ProbeCommandOptions.quiet])
        progress.begin("probe compress: asking \(client.configuration.model)")
        let report = try await ProbeCompressRunner(client: client, options: options, corpus: corpus).run(texts: texts) { done, total in
            progress.update(done: done, total: total, bytes: false, extra: "texts")
        }
        progress.finish()
        if try a[ProbeCommandOptions.json] {
            for line in ProbeCompressRenderer.jsonLines(report) { Console.line(line) }
        } else if try a[ProbeCommandOptions.markdown] {
            Console.out(ProbeCompressRenderer.markdown(report))
        } else {
            Console.out(ProbeCompressRenderer.human(report, colour: Console.stdoutIsTerminal))
        }
        return try a[failOnMemorized] && report.summary.memorized.count > 0 ? 1 : 0
    }
}
