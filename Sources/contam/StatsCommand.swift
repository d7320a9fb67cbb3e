import Foundation
import ContamStorage
import ContamText
import ContamCorpus
import ContamIndex
import ContamCommandLine

/// `contam stats INDEX`: what an index holds.
enum StatsCommand: Subcommand {
    static let json = Option.flag("--json", help: "Print the figures as one JSON object.")
    static let fprProbes = Option.integer(
        "--fpr-probes", value: "n", default: SketchFalsePositiveProbe().probes, range: 0...100_000_000,
        help: "Absent n-grams (of each kind, random and shuffled) probed to measure the sketch's false-positive rate (default {default}; 0 skips).")

    static let spec = CommandSpec(
        name: "contam stats",
        overview: "Show an index's documents, tokens, vocabulary, shards, file sizes and build options.",
        arguments: [.init("index", help: "Index directory.")],
        options: [json, fprProbes],
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
        var sketchOnly: Bool
        /// "K/N" for one part of a `--shard` split.
        var part: String?
        var sketch: SketchStats?
    }

    struct SketchStats: Encodable {
        var ngramSizes: [Int]
        var bytes: Int
        var hashFunctions: [Int]
        var insertedNGrams: Int
        var bitsPerNGram: Double
        var estimatedDistinctNGrams: Int
        var fillRatio: Double
        /// For a query over all shards: the sum of the shards' targets.
        var targetFalsePositiveRate: Double
        /// Expected for a query over all shards, from the filters' actual fill.
        var theoreticalFalsePositiveRate: Double
        var measured: SketchFalsePositiveProbe.Result?
        var measuredRandomRate: Double?
        var measuredShuffledRate: Double?
    }

    static func sketchStats(_ opened: OpenedIndex, probes: Int) -> SketchStats? {
        let index = opened.sketched
        guard let first = index.sketches.first else { return nil }
        var bits = 0, set = 0.0, inserted = 0, distinct = 0, missProbability = 1.0
        for sketch in index.sketches {
            let fill = sketch.filter.fillRatio
            bits += sketch.filter.bitCount
            set += fill * Double(sketch.filter.bitCount)
            inserted += sketch.insertedNGrams
            distinct += sketch.estimatedDistinctNGrams(fill: fill)
            missProbability *= 1 - sketch.filter.falsePositiveRateFromFill
        }
        let n = index.sketchNGramSizes.last ?? first.parameters.ngramSizes[0]
        let measured = probes > 0 ? SketchFalsePositiveProbe(probes: probes).measure(opened, n: n) : nil
        return SketchStats(ngramSizes: first.parameters.ngramSizes, bytes: bits / 8, hashFunctions: index.sketches.map(\.parameters.hashFunctions),
                           insertedNGrams: inserted, bitsPerNGram: Double(bits) / Double(max(inserted, 1)), estimatedDistinctNGrams: distinct,
                           fillRatio: set / Double(max(bits, 1)), targetFalsePositiveRate: index.sketches.reduce(0) { $0 + $1.parameters.targetFalsePositiveRate },
                           theoreticalFalsePositiveRate: 1 - missProbability, measured: measured,
                           measuredRandomRate: measured?.randomRate, measuredShuffledRate: measured?.shuffledRate)
    }

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let opened = try OpenedIndex.open(path: arguments.positionals[0])
        let index = opened.sketched
        let manifest = index.manifest
        let isSketchOnly = opened.kind == .sketchOnly
        let shards: [IndexShard]
        if case .full(let full) = opened { shards = full.shards } else { shards = [] }
        var sizes: [String: Int] = [:]
        for shard in shards {
            for file in shard.files {
                sizes[(file.path as NSString).lastPathComponent, default: 0] += file.file.bytes.count
            }
        }
        for sketch in index.sketches {
            sizes[NGramSketch.fileName, default: 0] += BinaryFileHeader.size + 64 + sketch.filter.byteCount
        }
        let tokens = max(manifest.corpus.tokens, 1)
        let files = sizes.sorted { $0.value > $1.value }.map { FileSize(file: $0.key, bytes: $0.value, bytesPerToken: Double($0.value) / Double(tokens)) }
        let total = IndexBuilder.directorySize(index.path)
        let stats = Stats(path: index.path, documents: manifest.corpus.documents, tokens: manifest.corpus.tokens, textBytes: manifest.corpus.textBytes,
                          vocabulary: manifest.shards.map(\.vocabularySize), shards: manifest.shards.count, indexBytes: total, files: files,
                          tokenizer: manifest.tokenizer, createdAt: manifest.createdAt, buildCommand: manifest.buildCommand,
                          buildSeconds: manifest.buildSeconds, contamVersion: manifest.contamVersion, corpus: manifest.corpus,
                          sketchOnly: isSketchOnly, part: manifest.part?.description,
                          sketch: sketchStats(opened, probes: try arguments[fprProbes]))
        if try arguments[json] {
            Console.line(JSONOutput.pretty(stats))
            return ExitCode.ok
        }
        let c = manifest.corpus
        var lines = [
            "index        \(index.path)",
            "documents    \(c.documents) from \(c.inputFiles) input file(s)"
                + (manifest.part.map { ", part \($0) of a --shard split (contam merge combines the parts)" } ?? ""),
            "tokens       \(c.tokens) (\(String(format: "%.2f", Double(c.textBytes) / Double(tokens))) bytes of text per token)",
            "text         \(Quantity.bytes(c.textBytes))",
            isSketchOnly ? "vocabulary   not kept (sketch-only index)"
                : "vocabulary   \(manifest.shards.map { "\($0.vocabularySize)" }.joined(separator: ", ")) distinct tokens (per shard)",
            "shards       \(manifest.shards.count): " + manifest.shards.map {
                isSketchOnly ? "\($0.directory) \(Quantity.count($0.tokens)) tokens, sketch only"
                    : "\($0.directory) \(Quantity.count($0.tokens)) tokens, \($0.tokenBits)-bit ids, \($0.suffixBits)-bit suffixes" }.joined(separator: "; "),
            "index size   \(Quantity.bytes(total)) (\(String(format: "%.2f", Double(total) / Double(max(c.textBytes, 1))))x the text)",
        ]
        for file in files {
            let name = file.file.padding(toLength: 14, withPad: " ", startingAt: 0)
            let size = Quantity.bytes(file.bytes)
            lines.append("  \(name) \(String(repeating: " ", count: max(0, 10 - size.count)))\(size)  \(String(format: "%5.2f", file.bytesPerToken)) bytes/token")
        }
        if let files = isSketchOnly ? index.sketches.compactMap(\.path) : nil {
            lines.append("  (sketch only: \(files.count) sketch file(s), no suffix array, vocabulary or document store)")
        }
        if let k = stats.sketch {
            let n = k.ngramSizes.map(String.init).joined(separator: ",")
            lines.append("sketch       \(n)-grams, \(Quantity.bytes(k.bytes)), \(String(format: "%.2f", k.bitsPerNGram)) bits per n-gram (\(k.insertedNGrams) inserted, ~\(k.estimatedDistinctNGrams) distinct), \(Set(k.hashFunctions).sorted().map(String.init).joined(separator: "/")) hash functions, fill \(String(format: "%.3f", k.fillRatio))")
            var rates = "false-positive rate: target \(String(format: "%.4f", k.targetFalsePositiveRate)), theoretical \(String(format: "%.4f", k.theoreticalFalsePositiveRate)) (from the fill)"
            if let m = k.measured {
                rates += String(format: ", measured %.4f on %d random and %.4f on %d shuffled absent n-grams", m.randomRate, m.probes, m.shuffledRate, m.shuffledProbes)
            }
            lines.append("             \(rates)")
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
