import Foundation
import ContamStorage
import ContamIndex
import ContamDetect
import ContamApps
import ContamCommandLine

/// `contam probe extract INDEX`: discoverable and probabilistic extraction of the indexed corpus.
enum ProbeExtractCommand {
    static let commands: [(spec: CommandSpec, run: NestedCommands.Run)] = [(spec, run)]

    static let probes = Option.integer("--probes", "-n", value: "n", default: ProbeExtractOptions().probes, range: 1...1_000_000,
                                       help: "Prefixes sampled from the index, stratified by duplication (default {default}).")
    static let prefixTokens = Option.integer("--prefix-tokens", value: "n", default: ProbeExtractOptions().prefixTokens, range: 1...10_000,
                                             help: "Index tokens of each prompt (default {default}).")
    static let continuationTokens = Option.integer("--continuation-tokens", value: "n", default: ProbeExtractOptions().continuationTokens, range: 1...10_000,
                                                   help: "Index tokens of the true continuation compared (default {default}).")
    static let maxTokens = Option<Int?>.integer("--max-tokens", value: "n", range: 1...100_000,
                                                help: "Model tokens asked for (default: twice --continuation-tokens; a word is one to three model tokens).")
    static let samples = Option.integer("--samples-per-prefix", value: "n", default: 0, range: 0...10_000,
                                        help: "Probabilistic extraction: also draw n samples per prefix at --temperature (default {default}: greedy only).")
    static let temperature = Option.number("--temperature", value: "t", default: ProbeExtractOptions().temperature, range: 0...5,
                                           help: "Temperature of the samples (default {default}); the greedy answer always uses 0.")
    static let extractionP = Option.number("--extraction-p", value: "p", default: ProbeExtractOptions().extractionProbability, range: 0...1,
                                           help: "The p of the (n, p) rate: a prefix counts when 1 - (1 - k/n)^n >= p (default {default}).")
    static let maxDraws = Option<Int?>.integer("--max-draws", value: "n", range: 1...1_000_000_000,
                                               help: "Positions drawn at most while looking for each bucket's share (default 20 per probe, at least 10,000); more finds more rare, highly duplicated text.")
    static let documents = Option.string("--documents", value: "file", help: "Probe these documents instead of a sample: ids, or FILE:LINE as 'contam check' prints sources, one a line.")
    static let perDocument = Option.integer("--per-document", value: "n", default: 1, range: 1...10_000,
                                            help: "With --documents: prefixes per document, the first at its start, the others evenly spaced (default {default}).")
    static let failOn = Option.parsed("--fail-on", value: "exact[:rate]", help: "Exit 1 when the exact (or near) rate exceeds RATE (0 to 1 or a percentage; default 0: any).") {
        try ExtractFailOn(parsing: $0)
    }

    static let spec = CommandSpec(
        name: "contam probe extract",
        overview: "Prompt a model with prefixes of indexed documents and judge whether it reproduces what follows.",
        arguments: [.init("index", help: "A full index directory (contam index).")],
        options: ProbeCommandOptions.modelOptions() + [probes, prefixTokens, continuationTokens, maxTokens, ProbeCommandOptions.seed, samples, temperature, extractionP,
                                                       maxDraws, documents, perDocument, ProbeCommandOptions.json, ProbeCommandOptions.markdown, ProbeCommandOptions.html, failOn, ProbeCommandOptions.quiet],
        examples: [
            "contam probe extract INDEX --endpoint http://127.0.0.1:8000/v1 --model pythia-1.4b",
            "contam probe extract INDEX --endpoint http://127.0.0.1:8000/v1 --model llama --samples-per-prefix 20 --temperature 0.8 --json",
            "contam probe extract INDEX --documents private-ids.txt --per-document 5 --endpoint … --model … --fail-on exact",
        ],
        discussion: """
        Each probe is P index tokens of a document (the prompt, its original text) and the S tokens that follow (the
        truth), drawn uniformly over the corpus and stratified by how often the P+S sequence occurs (1, 2-9, 10-99,
        100+). Completion mode (the default) sends the prompt as it is, at temperature 0; --chat asks an instruction
        model to continue verbatim. Verdicts: exact (the truth reproduced whole, normalized as the index), near (a
        stretch of >= 20 tokens at similarity >= 0.8), none; the memorization score is the fraction of truth tokens
        matched position by position. Interrupted? Run the same command again: answers come from the cache.
        Exit codes: 0 done, 1 the --fail-on rate exceeded, 2 bad input, usage or a failed request, 3 internal error.
        """)

    @Sendable static func run(_ a: ParsedArguments) async throws -> Int32 {
        let indexPath = a.positionals[0]
        let html = try a[ProbeCommandOptions.html]
        let documentsFile = try a[documents]
        let failRule = try a[failOn]
        for output in [html].compactMap({ $0 }) {
            try OutputPath(output).refuseOverwriting(inputs: [indexPath] + [documentsFile].compactMap { $0 })
        }
        var options = ProbeExtractOptions()
        options.probes = try a[probes]
        options.prefixTokens = try a[prefixTokens]
        options.continuationTokens = try a[continuationTokens]
        options.maxTokens = try a[maxTokens]
        options.seed = UInt64(try a[ProbeCommandOptions.seed])
        options.mode = try ProbeCommandOptions.mode(a, default: .completion)
        options.samplesPerPrefix = try a[samples]
        options.temperature = try a[temperature]
        options.extractionProbability = try a[extractionP]
        options.perDocument = try a[perDocument]
        options.maxDraws = try a[maxDraws]
        let client = try ModelClientOptions.client(a)
        let index = try Index.open(path: indexPath)
        if let documentsFile {
            let text: String
            do { text = try String(contentsOfFile: documentsFile, encoding: .utf8) } catch {
                throw DetectError.itemsFileUnreadable(path: documentsFile, message: "\(error.localizedDescription)")
            }
            options.documents = try ExtractionSampler.documents(named: text.components(separatedBy: "\n"), listedIn: documentsFile, corpus: index)
        }
        let progress = ProgressDisplay(enabled: try !a[ProbeCommandOptions.quiet])
        progress.begin("probing \(client.configuration.model)")
        let report = try await ProbeExtractRunner(index: index, indexPath: indexPath, client: client, options: options).run { done, total in
            progress.update(done: done, total: total, bytes: false, extra: "answers")
        }
        progress.finish()
        if try a[ProbeCommandOptions.json] {
            for line in ProbeExtractRenderer.jsonLines(report) { Console.line(line) }
        } else if try a[ProbeCommandOptions.markdown] {
            Console.out(ProbeExtractRenderer.markdown(report))
        } else {
            Console.out(ProbeExtractRenderer.human(report, colour: Console.stdoutIsTerminal))
        }
        if let html { try ReportFile.write(ProbeExtractRenderer.html(report), to: html) }
        if let failRule, failRule.fails(report.summary) { return 1 }
        return 0
    }
}
