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

    static let spec = CommandSpec(
        name: "contam check",
        overview: "Check benchmark items or model generations against an index: verbatim and near-verbatim overlap, published contamination definitions, reports and a CI gate.",
        arguments: [
            .init("index", help: "Index directory built by 'contam index'."),
            .init("items", help: "Items: JSONL (.jsonl .json .ndjson), plain text (.txt: one item per file, or per line with --lines), .zst of either, or - for stdin.", variadic: true),
        ],
        options: [
            .init("--field", value: "name", help: "JSONL field holding the item text; repeat for several, joined by newlines (default: text).", repeatable: true),
            .init("--id-field", value: "name", help: "JSONL field holding the item id (default: id when a record has it, else file:line)."),
            .init("--lines", help: "Plain text: one item per line instead of one per file."),
            .init("--format", value: "format", help: "text or jsonl: override the format the file name implies (stdin is sniffed)."),
            .init("--skip-bad-records", help: "Skip malformed JSONL records (counted, copied unchanged by --write-clean) instead of stopping."),
            .init("--method", "-m", value: "names", help: "Methods giving verdicts, comma-separated or repeated: gpt3, lmeval13, palm, llama2, gpt4, exactsubstr, near, or all (default: near).", repeatable: true),
            .init("--min-match", value: "n", help: "Shortest verbatim span reported, in tokens (default: 8)."),
            .init("--max-sources", value: "n", help: "Source documents shown per verbatim span (default: 3)."),
            .init("--min-span", value: "n", help: "Shortest near-verbatim span, in aligned tokens (default: 20)."),
            .init("--similarity", value: "x", help: "Near-verbatim similarity threshold: matched tokens / aligned tokens, 0 to 1 (default: 0.8)."),
            .init("--seed-length", value: "n", help: "Shortest exact match that seeds a near-verbatim alignment (default: 6)."),
            .init("--max-item-tokens", value: "n", help: "Refuse items longer than this many tokens as bad input (default: 100000)."),
            .init("--keep-case", help: "Require an index built with --keep-case (an error otherwise)."),
            .init("--drop-punct", help: "Require an index built with --drop-punct (an error otherwise)."),
            .init("--json", help: "One JSON object per item (JSONL) on stdout; the summary goes to stderr. Schema: docs/check.md."),
            .init("--markdown", help: "A Markdown report for CI logs and pull requests."),
            .init("--html", value: "file", help: "Also write a self-contained HTML report: each flagged item beside its source passage, matching tokens highlighted."),
            .init("--write-clean", value: "path", help: "Write the items minus the flagged ones, records byte-identical (a directory for whole-file items; .zst compresses)."),
            .init("--fail-on", value: "method[:fraction]", help: "Exit 1 when more than FRACTION (default 0; 0.05 or 5%) of the items are dirty by METHOD; repeatable.", repeatable: true),
            .init("--flagged-only", help: "Table: list only flagged items (the summary counts all)."),
            .init("--no-first-pass", help: "Ask the suffix array about every item, even those the n-gram sketch proves clean (computes their verbatim figures)."),
            .init("--threads", value: "n", help: "Worker threads (default: 2)."),
            .init("--quiet", "-q", help: "No progress display."),
        ],
        examples: [
            "contam check sample.idx corpora/items/benchmark.jsonl --field question --field answer --method all",
            "contam check corpus.idx test.jsonl --field question --method gpt3,llama2 --fail-on gpt3:0.01 --write-clean test.clean.jsonl",
            "generate-answers | contam check corpus.idx - --lines --json > overlaps.jsonl",
            "contam check corpus.idx test.jsonl --method near --html report.html --markdown",
        ],
        discussion: """
        Every item gets the verbatim figures (longest exact match in tokens and characters, the fraction of its
        tokens inside spans of --min-match tokens, each span's corpus count and sources) and a near-verbatim
        alignment (exact seeds of --seed-length tokens locate candidate passages; a banded alignment allows
        substituted, inserted and deleted tokens). Items are tokenized with the index's own options.

        METHODS:
        \(methodHelp)

          gpt3, lmeval13 and gpt4 are defined on words with punctuation removed: each word n-gram (or window) is
          looked up as the item's tokens from its first to its last word. On an index built with --drop-punct
          that is exactly the definition; on one that kept punctuation the punctuation between the words must
          match too (may miss hits, never adds any).

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

        EXIT CODES:
          0  success; no --fail-on threshold exceeded
          1  a --fail-on threshold was exceeded (contamination found)
          2  usage error or bad input: items file missing or malformed (file:line), a field absent, an empty
             or over-long item, an index built with other tokenizer options than asked, a corrupt index
          3  internal error
        """
    )

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let request = try self.request(from: arguments)
        let index = try OpenedIndex.open(path: request.indexPath)
        let tokenizerOptions = index.manifest.tokenizer
        var asked: [String] = []
        if arguments.flag("--keep-case") && !tokenizerOptions.keepCase { asked.append("--keep-case") }
        if arguments.flag("--drop-punct") && !tokenizerOptions.dropPunctuation { asked.append("--drop-punct") }
        if !asked.isEmpty {
            throw DetectError.tokenizerMismatch(index: request.indexPath, indexOptions: tokenizerOptions.summary, asked: asked.joined(separator: " and "))
        }
        // The default method needs alignment seeds that a 13-gram sketch cannot rule out: every item
        // would come out undecided, so a sketch-only check asks for its methods explicitly.
        if index.kind == .sketchOnly && arguments.values("--method").isEmpty {
            throw IndexError.incompatibleOptions(path: index.path, detail: "this index was built with --sketch-only: the default method (near) needs a full index; pass --method lmeval13 or --method palm")
        }
        let progress = ProgressDisplay(enabled: !arguments.flag("--quiet"))
        let outcome = try CheckPipeline.run(request, membership: CheckMembership(index), progress: progress)
        Console.out(outcome.standardOutput)
        for message in outcome.messages { Console.err(message + "\n") }
        return outcome.exitCode
    }

    /// The request the arguments describe (everything but opening the index).
    static func request(from arguments: ParsedArguments) throws -> CheckRequest {
        var request = CheckRequest(indexPath: arguments.positionals[0], itemPaths: Array(arguments.positionals.dropFirst()))
        if !arguments.values("--field").isEmpty { request.reader.fields = arguments.values("--field") }
        request.reader.idField = arguments.value("--id-field")
        request.reader.linesAreItems = arguments.flag("--lines")
        request.reader.skipBadRecords = arguments.flag("--skip-bad-records")
        if let format = arguments.value("--format") {
            guard let parsed = InputFormat(rawValue: format.lowercased()), parsed != .csv else {
                throw arguments.error("--format takes text or jsonl, not '\(format)'")
            }
            request.reader.format = parsed
        }
        do {
            let methods = try ContaminationMethod.parseList(arguments.values("--method"))
            if !methods.isEmpty { request.options.methods = methods }
            request.failOn = try arguments.values("--fail-on").map { try FailOnRule(parsing: $0) }
        } catch let error as DetectError {
            throw arguments.error(error.description)
        }
        request.options.minMatch = try arguments.integer("--min-match", default: 8, range: 1...100_000)
        request.options.maxSources = try arguments.integer("--max-sources", default: 3, range: 0...1_000)
        request.options.minSpan = try arguments.integer("--min-span", default: 20, range: 1...1_000_000)
        request.options.similarity = try arguments.double("--similarity", default: 0.8, range: 0...1)
        request.options.seedLength = try arguments.integer("--seed-length", default: 6, range: 1...1_000)
        request.options.maxItemTokens = try arguments.integer("--max-item-tokens", default: 100_000, range: 1...100_000_000)
        request.options.threads = try arguments.integer("--threads", default: 2, range: 1...256)
        request.options.firstPass = !arguments.flag("--no-first-pass")
        let formats = ["--json", "--markdown"].filter { arguments.flag($0) }
        if formats.count > 1 { throw arguments.error("--json and --markdown cannot be combined; --html FILE can go with either") }
        request.output = arguments.flag("--json") ? .json : (arguments.flag("--markdown") ? .markdown : .table)
        request.htmlPath = arguments.value("--html")
        request.writeCleanPath = arguments.value("--write-clean")
        request.flaggedOnly = arguments.flag("--flagged-only")
        request.color = Console.stdoutIsTerminal && request.output == .table
        return request
    }
}
