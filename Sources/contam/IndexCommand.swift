import Foundation
import ContamText
import ContamCorpus
import ContamIndex
import ContamCommandLine
import ContamStorage

/// `contam index`: build an index of a corpus.
enum IndexCommand: Subcommand {
    // MARK: Options (defaults from the library's `CorpusOptions` and `SketchBuildOptions`)

    static let output = Option.string("--output", "-o", value: "index", help: "Directory to write the index to (required).")
    static let format = Option.choice("--format", value: "format", among: InputFormat.allCases,
                                      help: "Input format for every input, every file of a directory included: text, jsonl or csv (default: from each file's extension; .zst is decompressed).") { name, text in
        "\(name) must be one of \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'"
    }
    /// No default value: a CSV input without --field indexes whole rows; JSONL inputs then read `CorpusOptions().textFields`.
    static let field = Option<[String]>(
        "--field", value: "path",
        help: "JSON: field path of the text (default: {default}): a key, a.b (nested), a[] (every element), a[0]; repeat to join several with newlines (docs/field-paths.md). CSV: column to index (default: the whole row).",
        shownDefault: CorpusOptions().textFields.joined(separator: ","), repeatable: true) { try FieldPathOption.checked($0, option: "--field") }
    static let idField = Option<String?>(
        "--id-field", value: "path",
        help: "JSON: field path of each document's id, shown in reports (default: id when a record has it). CSV: id column.") {
        try FieldPathOption.checked($0, option: "--id-field").last
    }
    static let records = FieldPathOption.records(
        help: "JSON: path of the records inside each document or line, e.g. data[].paragraphs[] for SQuAD (default: the elements of a top-level array, else the object; each JSONL line).")
    static let lines = Option.flag("--lines", help: "Text files: one document per line instead of one per file.")
    static let keepCase = Option.flag("--keep-case", help: "Do not lowercase (the default folds case).")
    static let dropPunct = Option.flag("--drop-punct", help: "Drop punctuation tokens (GPT-3 style word n-grams).")
    static let normalize = Option.choice(
        "--normalize", value: "scheme", among: TokenizerOptions.Normalization.allCases,
        help: "Token definition: contam (default: words, ideographs and punctuation marks, NFKC, lowercase) or lmeval (lm-evaluation-harness's Janitor exactly: ASCII punctuation deleted inside words, ASCII lowercased, split at white space; for --method lmeval13).")
    static let stripMarkup = Option.flag(
        "--strip-markup",
        help: "Strip HTML tags, comments, scripts and styles, decode character references, and remove Markdown emphasis, link syntax, inline code and code fences before tokenizing (for text scraped from the web; items are stripped too).")
    static let noFoldTypography = Option.flag(
        "--no-fold-typography",
        help: "Do not fold typographic variants (by default curly quotes become ASCII quotes, dashes '-', '…' three '.', and soft hyphens and zero-width characters are removed).")
    static let shardTokens = Option.integer(
        "--shard-tokens", value: "n", range: 16...IndexBuildOptions.maximumShardTokens,
        help: "At most this many tokens per shard (accepts 500M, 2G). Default: planned from the input size; as few shards as half of RAM allows (8 bytes a token), but two once the corpus passes ~4 M tokens, so suffix arrays build on a second core while reading goes on.")
    static let noSketch = Option.flag("--no-sketch", help: "Do not build the n-gram sketch (Bloom filter) beside the suffix array.")
    static let sketchOnly = Option.flag("--sketch-only", help: "Build only the n-gram sketch, in one streaming pass (memory: the filter plus ~64 MiB): for corpora too big for a suffix array. Answers 'query has' and n-gram checks, probabilistically.")
    /// Empty when not given (the sketch keeps `SketchBuildOptions().ngramSizes`); sorted and without repeats.
    static let sketchN = Option<[Int]>(
        "--sketch-n", value: "n",
        help: "N-gram size of the sketch (default {default}; repeat or give a comma list, e.g. 8,13, to hold several sizes in one filter).",
        shownDefault: SketchBuildOptions().ngramSizes.map(String.init).joined(separator: ","), repeatable: true) { given in
        // A value that names no size (",") would otherwise leave the default in place without a word.
        if let empty = given.first(where: { $0.split(separator: ",").allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }) {
            throw InvalidOptionValue("--sketch-n '\(empty)' names no n-gram size; give whole numbers from 1 to 64, e.g. 13 or 8,13")
        }
        let sizes = try given.flatMap { $0.split(separator: ",") }.map { piece in
            let text = piece.trimmingCharacters(in: .whitespaces)
            guard let n = Int(text), (1...64).contains(n) else { throw InvalidOptionValue("--sketch-n must be whole numbers from 1 to 64, not '\(text)'") }
            return n
        }
        return Array(Set(sizes)).sorted()
    }
    static let sketchFPR = Option.number("--sketch-fpr", value: "rate", default: SketchBuildOptions().targetFalsePositiveRate, range: 1e-9...0.5,
                                         help: "Target false-positive rate of the sketch (default {default}).")
    static let sketchNGrams = Option.integer(
        "--sketch-ngrams", value: "n", range: 1...(1 << 50),
        help: "Size the sketch for this many n-grams (accepts 500M, 2G). Default: exact per shard; --sketch-only estimates from the input size. Sketches that 'contam merge' combines need the same size: parts of one --shard K/N split get it by themselves; otherwise give the same value (and --sketch-n/-fpr/-seed) on every machine.")
    static let sketchSeed = Option.parsed("--sketch-seed", value: "n", help: "Seed of the sketch's hash functions (default fixed; must match to merge).") { text in
        guard let seed = UInt64(text) else { throw InvalidOptionValue("--sketch-seed must be a non-negative integer, not '\(text)'") }
        return seed
    }
    static let shard = Option.parsed("--shard", value: "K/N", help: "Index only part K of N (1 <= K <= N) of the input files, for building on N machines or array jobs; combine the parts with 'contam merge'. Every machine computes the same split from the same files (sorted by path, dealt by size); a file is never split. A sketch-only part sizes its filter for the whole corpus, so the parts merge without --sketch-ngrams.") {
        try InputPart(parsing: $0)
    }
    static let skipBadRecords = Option.flag("--skip-bad-records", help: "Skip malformed records (counted and reported) instead of stopping at the first.")
    static let force = Option.flag("--force", help: "Replace an existing index or empty directory at --output (the old index stays until the new one is complete); never a file, another directory, or an input.")
    static let quiet = Option.flag("--quiet", "-q", help: "No progress display and no summary line.")

    static let spec = CommandSpec(
        name: "contam index",
        overview: "Build a suffix-array index (token array, suffix array, vocabulary, zstd document store) of a corpus.",
        arguments: [.init("corpus", help: "Files or directories (searched recursively) to index; '-' reads standard input.", variadic: true)],
        options: [
            output, format, field, idField, records, lines, InputOptions.include, InputOptions.exclude, InputOptions.split, InputOptions.verbose, keepCase, dropPunct, normalize, noFoldTypography, stripMarkup, shardTokens, noSketch, sketchOnly, sketchN, sketchFPR, sketchNGrams,
            sketchSeed, shard, skipBadRecords, force, quiet,
        ],
        examples: [
            "contam index corpora/licenses -o /tmp/licenses.idx",
            "contam index pile-sample.jsonl.zst --normalize lmeval -o pile.idx   # then: contam check pile.idx items.jsonl --method lmeval13",
            "contam index train.jsonl.zst --field text --id-field id -o train.idx --force",
            "contam index squad/train-v2.0.json --records 'data[].paragraphs[]' --field context -o squad.idx",
            "contam index huge.jsonl.zst --sketch-only --sketch-fpr 0.001 -o huge.sketch",
            "contam index shards/ --sketch-only --shard $((JOB_COMPLETION_INDEX + 1))/8 -o part-$JOB_COMPLETION_INDEX.sketch",
        ],
        discussion: """
            The build writes into a temporary directory beside --output and renames it into place when complete: an
            interrupted or failed build leaves any previous index intact, and the next build to --output removes the
            temporary directory of one that was killed. The rename never replaces what another build published
            meanwhile (that build's index stays; this one's is kept under a name the error gives). --force replaces
            only an index or an empty directory; --output may not be, hold or lie inside an input, nor lie inside an
            index. Exit codes: 0 built, 2 bad input or usage, 3 internal error.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        guard let output = try arguments[Self.output] else { throw arguments.error("missing --output <index>") }
        var options = IndexBuildOptions()
        options.corpus.format = try arguments[format]
        let fields = try arguments[field]
        if !fields.isEmpty {
            options.corpus.textFields = fields
            // A CSV column is one name: the path's key when it is one (so a quoted "odd key" works), else as written.
            options.corpus.csvColumn = fields.first.map { (try? FieldPath(parsing: $0))?.topLevelKey ?? $0 }
        }
        options.corpus.idField = try arguments[idField]
        options.corpus.records = try arguments[records]
        options.corpus.linesAreDocuments = try arguments[lines]
        options.corpus.skipBadRecords = try arguments[skipBadRecords]
        options.corpus.selection = try InputOptions.selection(arguments)
        options.tokenizer = TokenizerOptions(keepCase: try arguments[keepCase], dropPunctuation: try arguments[dropPunct],
                                             foldTypography: try !arguments[noFoldTypography], stripMarkup: try arguments[stripMarkup])
        if try arguments[normalize] == .lmeval {
            // The Janitor's definition is fixed: its own case and punctuation rules, no folding.
            for flag in [keepCase, dropPunct, noFoldTypography, stripMarkup] {
                if try arguments[flag] {
                    throw arguments.error("--normalize lmeval fixes case, punctuation and typography as lm-eval's Janitor does; drop \(flag.name)")
                }
            }
            options.tokenizer = .lmeval
        }
        options.shardTokens = try arguments[shardTokens]
        if try arguments[noSketch] {
            guard try !arguments[sketchOnly] else { throw arguments.error("--no-sketch and --sketch-only contradict each other") }
            options.sketch = nil
        } else {
            var sketch = SketchBuildOptions()
            let sizes = try arguments[sketchN]
            if !sizes.isEmpty { sketch.ngramSizes = sizes }
            sketch.targetFalsePositiveRate = try arguments[sketchFPR]
            sketch.expectedNGrams = try arguments[sketchNGrams]
            if let seed = try arguments[sketchSeed] { sketch.seed = seed }
            options.sketch = sketch
            options.sketchOnly = try arguments[sketchOnly]
        }
        options.part = try arguments[shard]
        options.replaceExisting = try arguments[force]
        options.buildCommand = (["contam"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let quiet = try arguments[Self.quiet]
        let progress = ProgressDisplay(enabled: !quiet)
        let builder = IndexBuilder(inputs: arguments.positionals, outputPath: output, options: options, progress: progress)
        let summary: IndexBuildSummary
        do {
            summary = try builder.build()
        } catch {
            progress.finish()
            throw error
        }
        let corpus = summary.manifest.corpus
        InputOptions.reportSkipped(corpus.skippedInputs ?? [], verbose: try arguments[InputOptions.verbose], total: corpus.skippedInputCount)
        if let given = try arguments[sketchNGrams], let sketch = summary.manifest.shards.first?.sketch {
            // Occurrences over-count distinct n-grams (repeats), so warn only when even a tenth would overfill it.
            let occurrences = corpus.tokens * sketch.ngramSizes.count
            if given < occurrences / 10 {
                let bits = Double(summary.manifest.shards.compactMap(\.sketch).reduce(0) { $0 + $1.blockCount * 512 })
                let k = Double(sketch.hashFunctions)
                let rate = pow(1 - exp(-k * Double(occurrences / 10) / max(bits, 1)), k)
                Console.err(String(format: "contam: note: --sketch-ngrams %@ is far below the corpus's ~%@ n-gram occurrences: the sketch's false-positive rate is about %.2g or worse, not the target %g; rebuild with --sketch-ngrams %d or leave it out\n",
                                   Quantity.count(given), Quantity.count(occurrences), rate, sketch.targetFalsePositiveRate, occurrences))
            }
        }
        if !quiet {
            let megabytes = Double(corpus.textBytes) / 1e6
            Console.line(String(format: "indexed %@ documents, %@ tokens, %d shard%@ -> %@ (%@, %.2fx the text) in %.1fs (%.1f MB/s, %@ tokens/s)",
                                Quantity.count(corpus.documents), Quantity.count(corpus.tokens), summary.manifest.shards.count,
                                summary.manifest.shards.count == 1 ? "" : "s", summary.outputPath, Quantity.bytes(summary.indexBytes),
                                Double(summary.indexBytes) / Double(max(corpus.textBytes, 1)), summary.seconds, megabytes / summary.seconds,
                                Quantity.count(Int(Double(corpus.tokens) / summary.seconds))))
            if let part = options.part {
                // A file whose documents fill several shards is listed by each: name it once.
                var seen = Set<String>()
                let files = summary.manifest.shards.flatMap(\.sources).filter { seen.insert($0).inserted }
                Console.line("  part \(part) of the input files: \(corpus.inputFiles) file(s) (\(files.prefix(3).joined(separator: ", "))\(files.count > 3 ? ", …" : "")); combine the parts with 'contam merge'")
            }
            if options.sketchOnly {
                Console.line(String(format: "  sketch only: reading, tokenizing and hashing %.1fs; peak memory %@", summary.readingSeconds,
                                    Quantity.bytes(ResourceUsage.peakResidentBytes)))
            } else {
                Console.line(String(format: "  reading and tokenizing %.1fs; suffix arrays and shard files %.1fs (on a second thread); peak memory %@",
                                    summary.readingSeconds, summary.suffixArraySeconds, Quantity.bytes(ResourceUsage.peakResidentBytes)))
            }
            if let sketch = summary.manifest.shards.first?.sketch {
                let bits = summary.manifest.shards.compactMap(\.sketch).reduce(0) { $0 + $1.blockCount * 512 }
                let ngrams = summary.manifest.shards.compactMap(\.sketch).reduce(0) { $0 + $1.expectedNGrams }
                Console.line(String(format: "  n-gram sketch: n = %@, %@, %.1f bits per n-gram sized for, %d hash functions, target false-positive rate %g",
                                    sketch.ngramSizes.map(String.init).joined(separator: ","), Quantity.bytes(bits / 8),
                                    Double(bits) / Double(max(ngrams, 1)), sketch.hashFunctions, summary.manifest.shards.compactMap(\.sketch).reduce(0) { $0 + $1.targetFalsePositiveRate }))
            }
            if corpus.invalidUTF8Replaced > 0 {
                Console.line("note: \(corpus.invalidUTF8Replaced) invalid UTF-8 sequence(s) were replaced by U+FFFD")
            }
            if corpus.badRecordsSkipped > 0 {
                Console.line("note: \(corpus.badRecordsSkipped) bad record(s) skipped (--skip-bad-records):")
                for reason in corpus.badRecordReasons { Console.line("  \(reason)") }
            }
            if corpus.emptyDocumentsSkipped > 0 {
                Console.line("note: \(corpus.emptyDocumentsSkipped) empty document(s) skipped")
            }
        }
        return ExitCode.ok
    }
}
