import Foundation
import ContamStorage
import ContamText
import ContamCorpus

/// `contam index --sketch-only`: one streaming pass that tokenizes every document, hashes its tokens and
/// inserts its n-grams into a single Bloom filter. Memory is the filter plus a bounded sample buffer;
/// no token array, suffix array, vocabulary or document store is kept.
///
/// The document store is left out on purpose: it would cost ~0.26 bytes per text byte (more than the
/// filter itself, ~0.4 bytes per token) and it only serves locate and passages, which need the suffix
/// array that a sketch-only index does not have.
///
/// Sizing: with `--sketch-ngrams` the filter is sized for that count. Otherwise the first documents
/// (up to 8 MB of text) are held, their n-grams counted, and the corpus total extrapolated by content
/// bytes (+5 %): the sources' sizes, with the decompressed sizes `.zst` frames declare, against the
/// content bytes the sample consumed (compressed bytes when a size is unknown; their ratio to text
/// drifts along a corpus: 33 % under on the 658 MB benchmark corpus). A corpus that fits in the
/// sample is sized exactly. With `--shard K/N` the sample comes from the start of the whole input, so
/// every part sizes alike (`wholeCorpusEstimate`). The work itself runs on two threads (`SketchBuildPipeline`).
public final class SketchIndexBuilder {
    private let inputs: [String]
    private let outputPath: String
    private let options: IndexBuildOptions
    private let progress: any ProgressReporter
    /// Text bytes held for sizing before the filter is made.
    static let sampleTextBytes = 8 << 20
    /// Head-room on the extrapolated n-gram count (text further on may have more tokens per byte).
    static let estimateMargin = 1.05
    /// N-grams assumed for standard input without `--sketch-ngrams`.
    static let fallbackNGrams = 100_000_000

    public init(inputs: [String], outputPath: String, options: IndexBuildOptions, progress: any ProgressReporter = SilentProgress()) {
        self.inputs = inputs
        self.outputPath = outputPath
        self.options = options
        self.progress = progress
    }

    /// The sketch options for each shard of a full build: a query answers present when any shard's
    /// filter does, so each shard gets the target rate divided by the planned shard count (the input
    /// size's token estimate, `IndexBuilder.estimatedTokens(ofInputs:)`, over `shardTokens`); unchanged when
    /// an input's size is unknown.
    static func perShardOptions(_ options: SketchBuildOptions, shardTokens: Int, sources: [String]) -> SketchBuildOptions {
        guard let estimatedTokens = IndexBuilder.estimatedTokens(ofInputs: sources) else { return options }
        let shards = max(1, (estimatedTokens + shardTokens - 1) / max(shardTokens, 1))
        var perShard = options
        perShard.targetFalsePositiveRate = options.targetFalsePositiveRate / Double(shards)
        return perShard
    }

    /// Builds the sketch-only index.
    public func build() throws -> IndexBuildSummary {
        let started = Date()
        let sketchOptions = options.sketch ?? SketchBuildOptions()
        let (reader, allSources) = try IndexBuilder.openInputs(inputs, options: options)
        let directory = try AtomicDirectory(finalPath: outputPath, replaceExisting: options.replaceExisting, inputs: inputs)
        defer { directory.discard() }
        let shardName = ShardFile.shardDirectory(number: 0)
        let shardPath = try directory.makeSubdirectory(shardName)
        let tokenizer = Tokenizer(options: options.tokenizer)

        var sketch: NGramSketch?
        var pipeline: SketchBuildPipeline?
        var sample = DocumentTexts()
        var totals = SketchBuildPipeline.Totals()

        func makeSketch(expected: Int) throws {
            let parameters = NGramSketchParameters(ngramSizes: sketchOptions.ngramSizes, expectedNGrams: max(expected, 1),
                                                   targetFalsePositiveRate: sketchOptions.targetFalsePositiveRate, seed: sketchOptions.seed)
            let made = try NGramSketch(parameters: parameters)
            sketch = made
            pipeline = SketchBuildPipeline(sketch: made, tokenizer: tokenizer)
        }
        /// Sizes the filter from the sample (extrapolated unless the input is over) and passes the sample on.
        func finishSample(inputOver: Bool) throws {
            try makeSketch(expected: Self.expectedNGrams(sample: sample, inputOver: inputOver, reader: reader,
                                                         sketchOptions: sketchOptions, tokenizer: tokenizer))
            if let pipeline { sample.forEach { _, text, sourceIndex in pipeline.add(document: text, sourceIndex: sourceIndex) } }
            sample = DocumentTexts()
        }
        if let expected = sketchOptions.expectedNGrams {
            try makeSketch(expected: expected)
        } else if options.part != nil {
            try makeSketch(expected: wholeCorpusEstimate(allSources: allSources, sketchOptions: sketchOptions, tokenizer: tokenizer))
        }

        progress.begin("hashing n-grams")
        try reader.forEachDocument { document in
            if let pipeline {
                document.text.withUnsafeBytes { pipeline.add(document: $0, sourceIndex: document.sourceIndex) }
            } else {
                if sample.isEmpty { sample.reserveCapacity(bytes: Self.sampleTextBytes + document.text.count) }
                document.text.withUnsafeBytes { sample.append($0, sourceIndex: document.sourceIndex) }
                if sample.byteCount >= Self.sampleTextBytes { try finishSample(inputOver: false) }
            }
            progress.update(done: reader.inputBytesRead, total: reader.inputBytesTotal > 0 ? reader.inputBytesTotal : nil,
                            extra: "\(Quantity.count(reader.statistics.documents)) documents")
        }
        if sketch == nil { try finishSample(inputOver: true) }
        if let pipeline { totals.add(pipeline.finish()) }
        let documents = totals.documents
        let tokens = totals.tokens
        let sources = totals.sourcesWithTokens.sorted().map { reader.sources[$0] }
        guard let sketch, documents > 0 else {
            throw IndexError.emptyCorpus(detail: "\(reader.sources.count) input file(s), \(reader.statistics.documents) document(s) read, none with a token")
        }
        let readingSeconds = Date().timeIntervalSince(started)
        progress.begin("writing sketch")
        try sketch.write(to: ShardFile.sketch.path(inShard: shardPath))

        let corpusStats = reader.statistics
        let statistics = IndexManifest.CorpusStatistics(documents: documents, tokens: tokens, inputFiles: reader.sources.count, read: corpusStats, skipped: reader.skippedInputs)
        let shard = IndexManifest.Shard(directory: shardName, documents: documents, tokens: tokens, vocabularySize: 0, tokenBits: 0,
                                        suffixBits: 0, sources: sources, sketch: sketch.parameters)
        var manifest = IndexManifest(createdAt: ISO8601DateFormatter().string(from: Date()), buildCommand: options.buildCommand,
                                     tokenizer: options.tokenizer, shards: [shard], corpus: statistics,
                                     buildSeconds: Date().timeIntervalSince(started))
        manifest.kind = .sketchOnly
        manifest.part = options.part
        try manifest.write(directory: directory.temporaryPath)
        let size = IndexBuilder.directorySize(directory.temporaryPath)
        try directory.commit()
        progress.finish()
        return IndexBuildSummary(manifest: manifest, indexBytes: size, seconds: Date().timeIntervalSince(started), outputPath: directory.finalPath,
                                 readingSeconds: readingSeconds, suffixArraySeconds: 0)
    }

    /// The n-gram count to size the filter for, from the sample read so far through `reader`: exact when
    /// the sample is the whole input, otherwise extrapolated by content bytes (+5 %).
    static func expectedNGrams(sample: DocumentTexts, inputOver: Bool, reader: CorpusReader, sketchOptions: SketchBuildOptions,
                               tokenizer: Tokenizer) throws -> Int {
        var sampleNGrams = 0
        for tokens in try tokenCounts(of: sample, tokenizer: tokenizer) {
            sampleNGrams += sketchOptions.ngramCount(documentTokens: tokens)
        }
        if inputOver {
            return sampleNGrams  // the whole corpus fit in the sample: exact
        } else if let total = reader.contentBytesTotal, reader.contentBytesRead > 0 {
            let read = reader.contentBytesRead
            return Int(Double(sampleNGrams) * Double(max(total, read)) / Double(read) * estimateMargin)
        } else if reader.inputBytesTotal > 0 {
            let read = max(reader.inputBytesRead, 1)
            return Int(Double(sampleNGrams) * Double(max(reader.inputBytesTotal, read)) / Double(read) * estimateMargin)
        } else {
            return max(fallbackNGrams, sampleNGrams * 2)
        }
    }

    /// With `--shard K/N` (and no `--sketch-ngrams`): the n-gram count of the whole corpus, estimated
    /// from a sample at the start of the path-sorted list of every input file. Every part reads the same
    /// sample, so every part's filter gets the same size and `contam merge` can OR them; it is sized for
    /// the whole corpus, which the merged filter holds.
    private func wholeCorpusEstimate(allSources: [String], sketchOptions: SketchBuildOptions, tokenizer: Tokenizer) throws -> Int {
        struct SampleFull: Error {}
        var sizingOptions = options.corpus
        sizingOptions.requireDocuments = false
        let sizingReader = try CorpusReader(inputs: allSources.sorted(), options: sizingOptions)
        var sample = DocumentTexts()
        var inputOver = true
        do {
            try sizingReader.forEachDocument { document in
                document.text.withUnsafeBytes { sample.append($0, sourceIndex: document.sourceIndex) }
                if sample.byteCount >= Self.sampleTextBytes { throw SampleFull() }
            }
        } catch is SampleFull {
            inputOver = false
        }
        return try Self.expectedNGrams(sample: sample, inputOver: inputOver, reader: sizingReader, sketchOptions: sketchOptions, tokenizer: tokenizer)
    }

    /// The token count of each document of the sizing sample, counted on all cores (the filter cannot be
    /// made before the sample is counted, so this stretch does not overlap with the rest of the build; the
    /// pipeline then tokenizes the sample again, which costs less than holding its token hashes).
    static func tokenCounts(of sample: DocumentTexts, tokenizer: Tokenizer) throws -> [Int] {
        try sample.bytes.withUnsafeBytes { all in
            try parallelMap(sample.count, threads: ProcessInfo.processInfo.activeProcessorCount) { index in
                var tokens = 0
                tokenizer.forEachToken(in: UnsafeRawBufferPointer(rebasing: all[sample.range(of: index)])) { _, _ in tokens &+= 1 }
                return tokens
            }
        }
    }
}
