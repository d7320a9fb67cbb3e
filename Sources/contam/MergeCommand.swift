import ContamStorage
import Foundation
import ContamIndex
import ContamCommandLine

/// `contam merge OUTPUT INDEX...`: combine indexes built separately (e.g. `--shard K/N` on many machines).
enum MergeCommand: Subcommand {
    static let output = Option.string("--output", "-o", value: "index", help: "Directory to write the merged index to (required).")
    static let force = Option.flag("--force", help: "Replace an existing index or empty directory at --output (the old index stays until the new one is complete); never a file, another directory, or an input.")
    static let allowMissingParts = Option.flag("--allow-missing-parts", help: "Merge the parts of a --shard K/N split even when some are missing (noted on stderr); by default a missing part is refused.")
    static let quiet = Option.flag("--quiet", "-q", help: "No summary line.")

    static let spec = CommandSpec(
        name: "contam merge",
        overview: "Combine indexes built separately: OR identically parameterized sketches, or gather full indexes' shards under one manifest.",
        arguments: [.init("indexes", help: "Input index directories (all sketch-only, or all full).", variadic: true)],
        options: [output, force, allowMissingParts, quiet],
        examples: [
            "contam merge part-0.sketch part-1.sketch -o all.sketch",
            "contam merge shard-a.idx shard-b.idx -o all.idx --force",
            "contam merge out/part-* -o corpus.idx   # the parts of 'contam index --shard K/N', merged in part order",
        ],
        discussion: "Sketch-only inputs must have been built with the same --sketch-n, --sketch-ngrams, --sketch-fpr and --sketch-seed\n(identical filters combine by bitwise OR; others are refused, naming what differs). Full indexes' shard files are\nhard-linked when possible. Parts of one --shard K/N split are merged in part order whatever order they are given in;\na part of another split (another corpus, file list or tokenizer), a part given twice and a missing part are refused,\nnaming the file. Exit codes: 0 merged, 2 bad input or usage, 3 internal error.")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        guard let output = try arguments[Self.output] else { throw arguments.error("missing --output <index>") }
        guard !arguments.positionals.isEmpty else { throw arguments.error("give the indexes to merge") }
        let (manifest, missingParts) = try IndexMerger.merge(inputs: arguments.positionals, outputPath: output, replaceExisting: try arguments[force],
                                                             allowMissingParts: try arguments[allowMissingParts],
                                                             buildCommand: (["contam"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
        if let note = missingParts {
            Console.err("contam merge: note: \(note)\n")
        }
        if try !arguments[quiet] {
            Console.line("merged \(arguments.positionals.count) index(es): \(Quantity.count(manifest.corpus.documents)) documents, \(Quantity.count(manifest.corpus.tokens)) tokens, \(manifest.shards.count) shard(s)\(manifest.kind == .sketchOnly ? " (sketch only)" : "") -> \(output)")
        }
        return ExitCode.ok
    }
}
