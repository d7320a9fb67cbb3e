import Foundation
import ContamStorage
import ContamCorpus

/// `contam merge`: combines indexes built separately (shard by shard, on several machines) into one.
/// - Sketch-only indexes: their sketches are OR'd into one filter (they must have identical parameters:
///   built with the same --sketch-n, --sketch-ngrams, --sketch-fpr and --sketch-seed); the result is a
///   sketch-only index with one shard, as if built over all inputs at once.
/// - Full indexes: their shards' files (those `ShardFile` lists) are hard-linked (copied when links fail) into the output,
///   renumbered, and one manifest lists them all; queries then run over every shard.
/// Inputs must share tokenizer options and kind (all full or all sketch-only). The output is written
/// atomically.
public enum IndexMerger {
    /// Merges `inputs` into a new index at `outputPath`; returns its manifest, and a note naming
    /// the missing parts when `allowMissingParts` let an incomplete split through.
    /// Parts of one `--shard K/N` split are merged in part order, whatever order they are given in; a part of
    /// another split, a part given twice, and (unless `allowMissingParts`) a missing part are refused.
    public static func merge(inputs given: [String], outputPath: String, replaceExisting: Bool, allowMissingParts: Bool = false,
                             buildCommand: String) throws -> (manifest: IndexManifest, missingParts: String?) {
        guard given.count >= 1 else { throw IndexError.invalidArgument("contam merge needs at least one input index") }
        let started = Date()
        let givenManifests = try given.map { try IndexManifest.read(directory: $0) }
        let order: [Int]
        let missingNote: String?
        do {
            (order, missingNote) = try SplitParts.check(zip(given, givenManifests).map { SplitParts.Input(path: $0, part: $1.part, split: $1.splitFingerprint) },
                                                        allowMissing: allowMissingParts)
        } catch {
            throw IndexError.incompatibleOptions(path: error.path, detail: error.detail)
        }
        let inputs = order.map { given[$0] }
        let manifests = order.map { givenManifests[$0] }
        let first = manifests[0]
        for (path, manifest) in zip(inputs, manifests).dropFirst() {
            guard manifest.tokenizer == first.tokenizer else {
                throw IndexError.incompatibleOptions(path: path, detail: "built with tokenizer options '\(manifest.tokenizer.summary)', but \(inputs[0]) with '\(first.tokenizer.summary)'; indexes to merge must be tokenized alike")
            }
            guard manifest.kind == first.kind else {
                throw IndexError.incompatibleOptions(path: path, detail: "cannot merge a sketch-only index with a full one (\(inputs[0]) is \(first.kind == .sketchOnly ? "sketch-only" : "full"))")
            }
        }
        try checkDisjointSources(inputs: inputs, manifests: manifests)
        let directory = try AtomicDirectory(finalPath: outputPath, replaceExisting: replaceExisting, inputs: inputs)
        defer { directory.discard() }
        var corpus = IndexManifest.CorpusStatistics()
        for m in manifests {
            corpus.documents += m.corpus.documents
            corpus.tokens += m.corpus.tokens
            corpus.textBytes += m.corpus.textBytes
            corpus.inputFiles += m.corpus.inputFiles
            corpus.emptyDocumentsSkipped += m.corpus.emptyDocumentsSkipped
            corpus.badRecordsSkipped += m.corpus.badRecordsSkipped
            corpus.badRecordReasons += m.corpus.badRecordReasons
            corpus.invalidUTF8Replaced += m.corpus.invalidUTF8Replaced
        }
        corpus.badRecordReasons = Array(corpus.badRecordReasons.prefix(10))
        // The parts of one `--shard K/N` build each record the same walk: a union, not a sum.
        if manifests.contains(where: { $0.corpus.skippedInputCount != nil }) {
            var seen = Set<String>()
            let union = manifests.flatMap { $0.corpus.skippedInputs ?? [] }.filter { seen.insert($0.path).inserted }
            corpus.skippedInputCount = max(union.count, manifests.compactMap(\.corpus.skippedInputCount).max() ?? 0)
            corpus.skippedInputs = Array(union.prefix(IndexManifest.CorpusStatistics.maximumSkippedInputsListed))
        }
        var shards: [IndexManifest.Shard] = []
        if first.kind == .sketchOnly {
            var merged: NGramSketch?
            var documents = 0, tokens = 0
            var sources: [String] = []
            for (path, manifest) in zip(inputs, manifests) {
                for entry in manifest.shards {
                    guard let part = try NGramSketch.open(indexPath: path, entry: entry) else {
                        throw IndexError.badManifest(path: "\(path)/\(IndexManifest.fileName)", detail: "sketch-only shard \(entry.directory) has no sketch")
                    }
                    if let merged {
                        try merged.formUnion(part, otherName: "\(path)/\(entry.directory)")
                    } else {
                        let copy = try NGramSketch(parameters: part.parameters)
                        try copy.formUnion(part, otherName: path)
                        merged = copy
                    }
                    documents += entry.documents
                    tokens += entry.tokens
                    sources += entry.sources
                }
            }
            guard let merged else { throw IndexError.invalidArgument("the input indexes have no shards") }
            let name = ShardFile.shardDirectory(number: 0)
            let shardPath = try directory.makeSubdirectory(name)
            try merged.write(to: ShardFile.sketch.path(inShard: shardPath))
            shards.append(IndexManifest.Shard(directory: name, documents: documents, tokens: tokens, vocabularySize: 0, tokenBits: 0,
                                              suffixBits: 0, sources: sources, sketch: merged.parameters))
        } else {
            for (path, manifest) in zip(inputs, manifests) {
                for entry in manifest.shards {
                    let name = ShardFile.shardDirectory(number: shards.count)
                    let target = try directory.makeSubdirectory(name)
                    let source = "\(path)/\(entry.directory)"
                    // The files the layout says this shard has (a missing one fails the merge here, not a later query).
                    for file in ShardFile.files(of: entry, kind: .full) {
                        do {
                            try FileManager.default.linkItem(atPath: file.path(inShard: source), toPath: file.path(inShard: target))
                        } catch {
                            try FileManager.default.copyItem(atPath: file.path(inShard: source), toPath: file.path(inShard: target))
                        }
                    }
                    var renamed = entry
                    renamed.directory = name
                    shards.append(renamed)
                }
            }
        }
        var manifest = IndexManifest(createdAt: ISO8601DateFormatter().string(from: Date()), buildCommand: buildCommand, tokenizer: first.tokenizer,
                                     shards: shards, corpus: corpus, buildSeconds: Date().timeIntervalSince(started))
        manifest.kind = first.kind
        // Parts read with different --format overrides fall back to formats by name.
        if Set(manifests.map(\.inputFormat)).count == 1 { manifest.inputFormat = first.inputFormat }
        if manifests.allSatisfy({ $0.linesAreDocuments == true }) { manifest.linesAreDocuments = true }
        try manifest.write(directory: directory.temporaryPath)
        try directory.commit()
        return (manifest, missingNote)
    }

    /// Refuses two inputs that index the same file (a part given twice, overlapping builds): the merged
    /// index would count its n-grams twice.
    static func checkDisjointSources(inputs: [String], manifests: [IndexManifest]) throws {
        var owner: [String: Int] = [:]
        for (i, manifest) in manifests.enumerated() {
            for source in Set(manifest.shards.flatMap(\.sources)) where source != "-" {
                if let other = owner[source] {
                    let parts = [manifests[other].part, manifest.part].compactMap { $0.map { "part \($0)" } }
                    throw IndexError.incompatibleOptions(path: inputs[i], detail: "it indexes \(source), which \(inputs[other]) indexes too\(parts.count == 2 ? " (\(parts[0]) and \(parts[1]))" : ""); merge each input file once")
                }
                owner[source] = i
            }
        }
    }
}
