import ContamStorage
import ContamCorpus
import ContamIndex
import ContamDetect
import ContamApps
import ContamCommandLine


/// `contam check INDEX ITEMS… [options]`: verbatim and near-verbatim overlap of benchmark items or model
/// generations with the indexed corpus, published contamination definitions, reports and a CI gate.
enum CheckCommand: Subcommand {
    static let methodHelp: String = ContaminationMethod.allCases.map { method in
        let lines = wrapped("\(method.definition). Source: \(method.source).", width: 92)
        return lines.enumerated().map { k, line in
            (k == 0 ? "  " + method.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) : String(repeating: " ", count: 14)) + line
        }.joined(separator: "\n")
    }.joined(separator: "\n")

    /// Splits text into lines of at most `width` characters at spaces.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    // MARK: Options (defaults from the library's `ItemReaderOptions` and `CheckOptions`)

    static let field = ItemInputOptions.field
    static let idField = ItemInputOptions.idField
    static let records = ItemInputOptions.records
    static let lines = ItemInputOptions.lines
    static let format = ItemInputOptions.format
    static let columns = ItemInputOptions.columns
    static let skipBadRecords = ItemInputOptions.skipBadRecords
    /// Empty when not given (the sketch-only path needs to know); the request then keeps `CheckOptions().methods`.
    static let method = Option<[ContaminationMethod]>(
        "--method", "-m", value: "names",
        help: "Methods giving verdicts, comma-separated or repeated: gpt3, lmeval13, palm, llama2, gpt4, exactsubstr, near, or all (default: {default}).",
        shownDefault: CheckOptions().methods.map(\.rawValue).joined(separator: ","), repeatable: true) { try ContaminationMethod.parseList($0) }
    static let minMatch = Option.integer("--min-match", value: "n", default: CheckOptions().minMatch, range: 1...100_000,
                                         help: "Shortest verbatim span reported, in tokens (default: {default}).")
    static let maxSources = Option.integer("--max-sources", value: "n", default: CheckOptions().maxSources, range: 0...1_000,
                                           help: "Source documents shown per verbatim span (default: {default}).")
    static let minSpan = Option.integer("--min-span", value: "n", default: CheckOptions().minSpan, range: 1...1_000_000,
                                        help: "Shortest near-verbatim span, in aligned words: punctuation is aligned but not counted (default: {default}).")
    static let similarity = Option.number("--similarity", value: "x", default: CheckOptions().similarity, range: 0...1,
                                          help: "Near-verbatim similarity threshold: matched words / aligned words, 0 to 1 (default: {default}).")
    static let seedLength = Option.integer("--seed-length", value: "n", default: CheckOptions().seedLength, range: 1...1_000,
                                           help: "Shortest exact match that seeds a near-verbatim alignment (default: {default}).")
    static let maxItemTokens = Option.integer("--max-item-tokens", value: "n", default: CheckOptions().maxItemTokens, range: 1...100_000_000,
                                              help: "Refuse items longer than this many tokens as bad input (default: {default}).")
    static let keepCase = Option.flag("--keep-case", help: "Require an index built with --keep-case (an error otherwise).")
    static let dropPunct = Option.flag("--drop-punct", help: "Require an index built with --drop-punct (an error otherwise).")
    static let json = Option.flag("--json", help: "One JSON object per item (JSONL) on stdout; the summary goes to stderr. Schema: docs/check.md.")
    static let markdown = Option.flag("--markdown", help: "A Markdown report for CI logs and pull requests.")
    static let html = Option.string("--html", value: "file", help: "Also write a self-contained HTML report: each flagged item beside its source passage, matching tokens highlighted.")
    static let writeClean = Option.string("--write-clean", value: "path", help: "Write the items minus the flagged ones, records byte-identical (a directory for whole-file items; .zst compresses).")
    static let failOn = Option<[FailOnRule]>(
        "--fail-on", value: "method[:fraction]",
        help: "Exit 1 when more than FRACTION (default 0; 0.05 or 5%) of the items are dirty by METHOD; repeatable.",
        repeatable: true) { try $0.map { try FailOnRule(parsing: $0) } }
    static let failOnPossible = Option.flag("--fail-on-possible", help: "Sketch-only index: let --fail-on count \"dirty?\" items (hits Bloom-filter false positives alone would explain) as dirty; by default only certain ones count.")
    static let flaggedOnly = Option.flag("--flagged-only", help: "Table: list only flagged items (the summary counts all).")
    static let noFirstPass = Option.flag("--no-first-pass", help: "Ask the suffix array about every item, even those the n-gram sketch proves clean (computes their verbatim figures).")
    static let threads = Option.integer("--threads", value: "n", default: CheckOptions().threads, range: 1...256, help: "Worker threads (default: {default}).")
    static let quiet = Option.flag("--quiet", "-q", help: "No progress display.")
    static let partial = Option.string("--partial", value: "file", help: "Check against one part of a --shard K/N split and write a partial result (JSON) to FILE instead of a report; 'contam check --combine' turns the parts' partial results into the merged index's report.")
    static let combine = Option.flag("--combine", help: "The arguments are partial results (--partial), one per part of a split: print the report, verdicts and exit code of one check on the merged index. Items and check options come from the partials.")
    static let indexName = Option.string("--index-name", value: "name", help: "With --combine: the index the report names, e.g. the merged index's path (default: 'the merged parts').")
    static let server = Option.string("--server", value: "url",
                                      help: "Check against the index a 'contam serve' at url serves (the index argument is then its name): items are read here, checked there, and the report is made here, the same as against a local index.")
    static let tokenEnv = Option.string("--token-env", value: "name", help: "With --server: send the bearer token held in environment variable name.")
    static let allowMissingParts = Option.flag("--allow-missing-parts", help: "With --combine: report on the parts given even when some are missing (noted); by default a missing part is refused.")

    static let spec = CommandSpec(
        name: "contam check",
        overview: "Check benchmark items or model generations against an index: verbatim and near-verbatim overlap, published contamination definitions, reports and a CI gate.",
        arguments: [
            .init("index", help: "Index directory built by 'contam index' (with --combine: the partial results instead).", optional: true),
            .init("items", help: "Items: JSON Lines or one JSON document (.jsonl .json .ndjson: an array of records or an object, pretty-printed or not), CSV/TSV (--field names the column), plain text (.txt .md, source code: one item per file, or per line with --lines), .zst of any, directories of them, or - for stdin.", variadic: true, optional: true),
        ],
        options: [
            field, idField, records, lines, format, columns, InputOptions.include, InputOptions.exclude, InputOptions.split, InputOptions.verbose, skipBadRecords, method, minMatch, maxSources, minSpan, similarity, seedLength,
            maxItemTokens, keepCase, dropPunct, json, markdown, html, writeClean, failOn, failOnPossible, flaggedOnly, noFirstPass, threads, quiet,
            partial, combine, indexName, allowMissingParts, server, tokenEnv,
        ],
        examples: [
            "contam check sample.idx corpora/items/benchmark.jsonl --field question --field answer --method all",
            "contam check corpus.idx test.jsonl --field question --method gpt3,llama2 --fail-on gpt3:0.01 --write-clean test.clean.jsonl",
            "contam check corpus.idx ARC-Challenge-Test.jsonl --field question.stem --field 'question.choices[].text'",
            "contam check corpus.idx dev-v2.0.json --records 'data[].paragraphs[].qas[]' --field question",
            "generate-answers | contam check corpus.idx - --lines --json > overlaps.jsonl",
            "contam check corpus.idx test.jsonl --method near --html report.html --markdown",
            "contam check out/part-3 test.jsonl --method gpt3,near --partial out/check-3.json   # one job per part, then:",
            "contam check --combine out/check-*.json --index-name corpus.idx --fail-on gpt3",
            "contam check corpus benchmark.jsonl --field question --server http://index-host:8080 --fail-on near",
        ],
        discussion: """
        Every item gets the verbatim figures (longest exact match in tokens and characters, the fraction of its
        tokens inside spans of --min-match tokens, each span's corpus count and sources) and a near-verbatim
        alignment (exact seeds of --seed-length tokens locate candidate passages; a banded alignment allows
        substituted, inserted and deleted tokens). Items are tokenized with the index's own options.

        METHODS:
        \(methodHelp)

          gpt3, lmeval13 and gpt4 are defined on words with punctuation removed: each word n-gram (or window) is
          looked up as the item's tokens from its first to its last word. lmeval13 is lm-eval's exact definition
          only on an index built with --normalize lmeval (the Janitor's words: can't -> cant, a CJK run one
          word); on others it is an approximation (the report says why), and on one that kept punctuation the
          punctuation between the words must match too (may miss hits, never adds any).

        FIRST PASS:
          On an index with an n-gram sketch (built by default, 13-grams), each item's n-grams are first probed
          in the sketch; the few the sketch may hold are looked up in the suffix array (a Bloom filter has
          false positives, never false negatives). An item with no n-gram in the corpus has no n tokens in a
          row there, so when n is at most the shortest match that can change a selected method's verdict
          (lmeval13 13, gpt3 its N, palm 8, llama2 10, exactsubstr 50, near --seed-length; gpt4 cannot be
          decided this way), every selected method is clean and the rest of the suffix-array work is skipped.
          Verdicts are exact; the skipped figures show as LONGEST <n and '-' (null in --json). Example:
          --method lmeval13 on a default index uses it; the default --method near (seed 6) does not.
          --no-first-pass checks every item in full.

        SKETCH-ONLY INDEX (contam index --sketch-only):
          The same methods and reports, from the n-gram sketch alone. Each verdict is the full index's, or
          'undecided' when a sketch cannot tell: clean is certain; dirty comes only from runs that are exactly
          one sketched n-gram (shown 'dirty?' when false positives alone would explain the hits). lmeval13 and
          palm are decided like on a full index with --drop-punct and --sketch-n 8,13; llama2, exactsubstr,
          near and gpt3's document cutoff only when the sketch rules out a long enough match. --fail-on counts
          undecided items as dirty; --write-clean leaves them out. Pass --method (the default, near, would be
          undecided for nearly every item). See docs/check.md.

        PARTS OF A SPLIT (contam index --shard K/N):
          'contam check PART ITEMS --partial FILE' checks the items against one part and writes what a check on
          the merged index could ask that part (matching statistics, counts and first occurrences of every
          maximal run, document counts, Bloom-filter hits, the source documents): one job per part. 'contam
          check --combine FILE...' gives exactly the report, verdicts and exit code of one check on the merged
          index ('contam merge' of the parts), for every method. The partials must be of one split, each part
          once, none missing, with the same items and options (each refusal names the file). See docs/scale.md.

        EXIT CODES:
          0  success; no --fail-on threshold exceeded
          1  a --fail-on threshold was exceeded (contamination found)
          2  usage error or bad input: items file missing or malformed (file:line), a field absent, an empty
             or over-long item, an index built with other tokenizer options than asked, a corrupt index
          3  internal error
        """
    )

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        if try arguments[combine] { return try runCombine(arguments) }
        guard arguments.positionals.count >= 2 else { throw arguments.error("missing argument <\(arguments.positionals.isEmpty ? "index" : "items")>") }
        for option in [indexName as any DeclaredOption, allowMissingParts] where try arguments.wasGiven(option) {
            throw arguments.error("\(option.name) goes with --combine")
        }
        let request = try self.request(from: arguments)
        if let client = try QueryCommand.serveClient(arguments, server: server, tokenEnv: tokenEnv) {
            for option in [keepCase as any DeclaredOption, dropPunct, partial] where try arguments.wasGiven(option) {
                throw arguments.error("\(option.name) does not go with --server")
            }
            let outcome = try CheckPipeline.remote(request, client: client, progress: ProgressDisplay(enabled: try !arguments[quiet]))
            Console.out(outcome.standardOutput)
            for message in outcome.messages { Console.err(message + "\n") }
            return outcome.exitCode
        }
        let index = try OpenedIndex.open(path: request.indexPath)
        let tokenizerOptions = index.manifest.tokenizer
        var asked: [String] = []
        if try arguments[keepCase] && !tokenizerOptions.keepCase { asked.append("--keep-case") }
        if try arguments[dropPunct] && !tokenizerOptions.dropPunctuation { asked.append("--drop-punct") }
        if !asked.isEmpty {
            throw DetectError.tokenizerMismatch(index: request.indexPath, indexOptions: tokenizerOptions.summary, asked: asked.joined(separator: " and "))
        }
        // The default method needs alignment seeds that a 13-gram sketch cannot rule out: every item
        // would come out undecided, so a sketch-only check asks for its methods explicitly.
        if try index.kind == .sketchOnly && arguments[method].isEmpty {
            throw IndexError.incompatibleOptions(path: index.path, detail: "this index was built with --sketch-only: the default method (near) needs a full index; pass --method lmeval13 or --method palm")
        }
        let progress = ProgressDisplay(enabled: try !arguments[quiet])
        if let partialPath = try arguments[partial] {
            for option in [json as any DeclaredOption, markdown, html, writeClean, failOn, failOnPossible, flaggedOnly] where try arguments.wasGiven(option) {
                throw arguments.error("\(option.name) shapes the report, which 'contam check --combine' writes: give it there, not with --partial")
            }
            Console.err(try CheckPipeline.writePartial(request, index: index, partialPath: partialPath, progress: progress) + "\n")
            return ExitCode.ok
        }
        let outcome = try CheckPipeline.run(request, membership: CheckMembership(index), progress: progress)
        Console.out(outcome.standardOutput)
        for message in outcome.messages { Console.err(message + "\n") }
        return outcome.exitCode
    }

    /// `--combine PARTIAL...`: the report of the merged index from the parts' partial results.
    static func runCombine(_ arguments: ParsedArguments) throws -> Int32 {
        let fixed: [any DeclaredOption] = [field, idField, records, lines, format, columns, InputOptions.include, InputOptions.exclude, InputOptions.split,
                                           InputOptions.verbose, skipBadRecords, method, minMatch, maxSources, minSpan, similarity, seedLength, maxItemTokens,
                                           keepCase, dropPunct, noFirstPass, partial]
        for option in fixed where try arguments.wasGiven(option) {
            throw arguments.error("\(option.name) was fixed when the parts were checked (--partial); give it there, not with --combine")
        }
        let paths = arguments.positionals
        guard !paths.isEmpty else {
            throw arguments.error("--combine needs the partial results, one per part ('contam check PART ITEMS --partial FILE' writes them)")
        }
        var request = CheckRequest(indexPath: try arguments[indexName] ?? "the merged parts", itemPaths: [])
        let countsPossible = try arguments[failOnPossible]
        request.failOn = try arguments[failOn].map { FailOnRule(method: $0.method, fraction: $0.fraction, countsPossible: countsPossible) }
        request.options.threads = try arguments[threads]
        let (wantsJSON, wantsMarkdown) = (try arguments[json], try arguments[markdown])
        if wantsJSON && wantsMarkdown { throw arguments.error("--json and --markdown cannot be combined; --html FILE can go with either") }
        request.output = wantsJSON ? .json : (wantsMarkdown ? .markdown : .table)
        request.htmlPath = try arguments[html]
        request.writeCleanPath = try arguments[writeClean]  // refused by the combine, with the reason
        request.flaggedOnly = try arguments[flaggedOnly]
        request.color = Console.stdoutIsTerminal && request.output == .table
        let outcome = try CheckPipeline.combine(request, partialPaths: paths, allowMissingParts: try arguments[allowMissingParts])
        Console.out(outcome.standardOutput)
        for message in outcome.messages { Console.err(message + "\n") }
        return outcome.exitCode
    }

    /// The request the arguments describe (everything but opening the index).
    static func request(from arguments: ParsedArguments) throws -> CheckRequest {
        var request = CheckRequest(indexPath: arguments.positionals[0], itemPaths: Array(arguments.positionals.dropFirst()))
        request.reader = try ItemInputOptions.readerOptions(arguments, selection: InputOptions.selection(arguments))
        request.listSkippedInputs = try arguments[InputOptions.verbose]
        let methods = try arguments[method]
        if !methods.isEmpty { request.options.methods = methods }
        let countsPossible = try arguments[failOnPossible]
        request.failOn = try arguments[failOn].map { FailOnRule(method: $0.method, fraction: $0.fraction, countsPossible: countsPossible) }
        request.options.minMatch = try arguments[minMatch]
        request.options.maxSources = try arguments[maxSources]
        request.options.minSpan = try arguments[minSpan]
        request.options.similarity = try arguments[similarity]
        request.options.seedLength = try arguments[seedLength]
        request.options.maxItemTokens = try arguments[maxItemTokens]
        request.options.threads = try arguments[threads]
        request.options.firstPass = try !arguments[noFirstPass]
        let (wantsJSON, wantsMarkdown) = (try arguments[json], try arguments[markdown])
        if wantsJSON && wantsMarkdown { throw arguments.error("--json and --markdown cannot be combined; --html FILE can go with either") }
        request.output = wantsJSON ? .json : (wantsMarkdown ? .markdown : .table)
        request.htmlPath = try arguments[html]
        request.writeCleanPath = try arguments[writeClean]
        request.flaggedOnly = try arguments[flaggedOnly]
        request.color = Console.stdoutIsTerminal && request.output == .table
        return request
    }
}
