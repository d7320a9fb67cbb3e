import ContamKit
import Foundation

/// `contam stats INDEX`: what an index holds.
enum StatsCommand: Subcommand {
    static let spec = CommandSpec(
        name: "contam stats",
        overview: "Show an index's documents, tokens, vocabulary, shards, file sizes and build options.",
        arguments: [.init("index", help: "Index directory.")],
        options: [.init("--json", help: "Print the figures as one JSON object.")],
        examples: ["contam stats /tmp/licenses.idx"],
        discussion: "Exit codes: 0 ok, 2 not a (valid) index.")

    struct FileSize: Encodable {
        var file: String
        var bytes: Int
        var bytesPerToken: Double
    }

    struct Stats: Encodable {
        var path: String
        var documents: Int
        var tokens: Int
        var textBytes: Int
        var vocabulary: [Int]
        var shards: Int
        var indexBytes: Int
        var files: [FileSize]
        var tokenizer: TokenizerOptions
        var createdAt: String
        var buildCommand: String
        var buildSeconds: Double
        var contamVersion: String
        var corpus: IndexManifest.CorpusStatistics
    }

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let index = try Index.open(path: arguments.positionals[0])
        let manifest = index.manifest
        var sizes: [String: Int] = [:]
        for shard in index.shards {
            for file in shard.files {
                sizes[(file.path as NSString).lastPathComponent, default: 0] += file.file.bytes.count
            }
        }
        let tokens = max(manifest.corpus.tokens, 1)
        let files = sizes.sorted { $0.value > $1.value }.map { FileSize(file: $0.key, bytes: $0.value, bytesPerToken: Double($0.value) / Double(tokens)) }
        let total = IndexBuilder.directorySize(index.path)
        let stats = Stats(path: index.path, documents: manifest.corpus.documents, tokens: manifest.corpus.tokens, textBytes: manifest.corpus.textBytes,
                          vocabulary: manifest.shards.map(\.vocabularySize), shards: manifest.shards.count, indexBytes: total, files: files,
                          tokenizer: manifest.tokenizer, createdAt: manifest.createdAt, buildCommand: manifest.buildCommand,
                          buildSeconds: manifest.buildSeconds, contamVersion: manifest.contamVersion, corpus: manifest.corpus)
        if arguments.flag("--json") {
            Console.line(JSONOutput.pretty(stats))
            return ExitCode.ok
        }
        let c = manifest.corpus
        var lines = [
            "index        \(index.path)",
            "documents    \(c.documents) from \(c.inputFiles) input file(s)",
            "tokens       \(c.tokens) (\(String(format: "%.2f", Double(c.textBytes) / Double(tokens))) bytes of text per token)",
            "text         \(ProgressDisplay.bytes(c.textBytes))",
            "vocabulary   \(manifest.shards.map { "\($0.vocabularySize)" }.joined(separator: ", ")) distinct tokens (per shard)",
            "shards       \(manifest.shards.count): " + manifest.shards.map { "\($0.directory) \(ProgressDisplay.count($0.tokens)) tokens, \($0.tokenBits)-bit ids, \($0.suffixBits)-bit suffixes" }.joined(separator: "; "),
            "index size   \(ProgressDisplay.bytes(total)) (\(String(format: "%.2f", Double(total) / Double(max(c.textBytes, 1))))x the text)",
        ]
        for file in files {
            let name = file.file.padding(toLength: 14, withPad: " ", startingAt: 0)
            let size = ProgressDisplay.bytes(file.bytes)
            lines.append("  \(name) \(String(repeating: " ", count: max(0, 10 - size.count)))\(size)  \(String(format: "%5.2f", file.bytesPerToken)) bytes/token")
        }
        lines.append("tokenizer    \(manifest.tokenizer.summary)")
        lines.append("built        \(manifest.createdAt) in \(String(format: "%.1f", manifest.buildSeconds)) s by contam \(manifest.contamVersion)")
        lines.append("command      \(manifest.buildCommand)")
        if c.invalidUTF8Replaced + c.badRecordsSkipped + c.emptyDocumentsSkipped > 0 {
            lines.append("input notes  \(c.invalidUTF8Replaced) invalid UTF-8 sequence(s) replaced, \(c.badRecordsSkipped) bad record(s) skipped, \(c.emptyDocumentsSkipped) empty document(s) skipped")
        }
        Console.line(lines.joined(separator: "\n"))
        return ExitCode.ok
    }
}
