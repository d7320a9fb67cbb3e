import Foundation
import ContamStorage
import ContamText
import ContamCorpus

/// Options of `contam index`.
public struct IndexBuildOptions: Sendable {
    public var tokenizer = TokenizerOptions()
    public var corpus = CorpusOptions()
    /// At most this many tokens (separators included) per shard; nil plans shards from the input size
    /// (see `IndexBuilder.plannedShardTokens`).
    public var shardTokens: Int?
    /// Replace an existing index at the output path (only once the new one is complete).
    public var replaceExisting = false
    /// Recorded in the manifest.
    public var buildCommand = ""
    /// The n-gram sketch built beside the suffix array (nil: `--no-sketch`).
    public var sketch: SketchBuildOptions? = SketchBuildOptions()
    /// Build only the sketch, streaming (`--sketch-only`, see `SketchIndexBuilder`).
    public var sketchOnly = false
    /// Index only this part of the input files (`--shard K/N`, see `InputPart`).
    public var part: InputPart?

    public init() {}

    /// The largest shard: SA-IS over u32 uses the top bit of each suffix slot as a mark (as sais-lite does).
    public static let maximumShardTokens = Int(Int32.max) - 1

    /// The most tokens a shard may hold on this machine: suffix-array construction (8 bytes a token: the
    /// token array and the suffix array, both u32) fits in about half of physical memory, and at most
    /// `maximumShardTokens`.
    public static var memoryShardTokens: Int {
        let halfMemory = Int(ProcessInfo.processInfo.physicalMemory / 2)
        return max(1 << 20, min(halfMemory / 8, maximumShardTokens))
    }
}

/// What a build did, for the summary line and the manifest.
public struct IndexBuildSummary: Sendable {
    public var manifest: IndexManifest
    public var indexBytes: Int
    public var seconds: Double
    public var outputPath: String
    /// Reading, tokenizing and storing documents (everything but the suffix-array phase).
    public var readingSeconds: Double
    /// Building suffix arrays and writing the shard files (overlapped on two threads).
    public var suffixArraySeconds: Double
}

/// The build pipeline of `contam index` (README.md, "contam index"): read documents, tokenize, intern tokens into
/// the shard vocabulary, append raw text to the zstd store, and, when a shard is full or the input
/// ends, build its suffix array (SA-IS) while the other core writes the token, vocabulary and
/// document files. Everything is written into a temporary directory that is renamed into place only
/// when complete.
public final class IndexBuilder {
    private let inputs: [String]
    private let outputPath: String
    private let options: IndexBuildOptions
    private let progress: any ProgressReporter

    public init(inputs: [String], outputPath: String, options: IndexBuildOptions, progress: any ProgressReporter = SilentProgress()) {
        self.inputs = inputs
        self.outputPath = outputPath
        self.options = options
        self.progress = progress
    }

    /// The reader over this build's inputs (with `--shard K/N`, over that part's files only) and every
    /// resolved input file, once each (shard planning and sketch sizing look at the whole corpus, alike
    /// in every part).
    static func openInputs(_ inputs: [String], options: IndexBuildOptions) throws -> (reader: CorpusReader, allSources: [String]) {
        let all = try CorpusReader(inputs: inputs, options: options.corpus)
        guard let part = options.part else { return (all, all.sources) }
        var seen = Set<String>()
        let files = all.sources.filter { seen.insert($0).inserted }
        let sized = files.map { path in
            (path: path, bytes: (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
        }
        let partReader = try CorpusReader(inputs: try part.select(from: sized), options: options.corpus)
        partReader.skippedInputs = all.skippedInputs
        return (partReader, files)
    }

    /// Builds the index. Throws (leaving any previous index at the output path untouched) on bad input.
    public func build() throws -> IndexBuildSummary {
        if options.sketchOnly {
            return try SketchIndexBuilder(inputs: inputs, outputPath: outputPath, options: options, progress: progress).build()
        }
        let started = Date()
        let (reader, allSources) = try Self.openInputs(inputs, options: options)
        let directory = try AtomicDirectory(finalPath: outputPath, replaceExisting: options.replaceExisting, inputs: inputs)
        defer { directory.discard() }
        let tokenizer = Tokenizer(options: options.tokenizer)
        var shards: [IndexManifest.Shard] = []
        var current: ShardBuilder?
        let shardTokens = Self.plannedShardTokens(explicit: options.shardTokens, sources: reader.sources)
        // A query asks every shard's sketch: split the false-positive budget over the planned shards (of
        // every part, with --shard, so the merged index keeps the target).
        let shardSketch = options.sketch.map { SketchIndexBuilder.perShardOptions($0, shardTokens: shardTokens, sources: allSources) }

        // A full shard's suffix array is built on a second thread while this one reads the next shard;
        // at most one shard is being finished at a time, which bounds memory.
        var pending: (group: DispatchGroup, result: LockedBox<Result<IndexManifest.Shard, Error>?>)?
        var suffixArraySeconds = 0.0
        let secondsBox = LockedBox(0.0)
        func waitForPendingShard() throws {
            guard let job = pending else { return }
            pending = nil
            job.group.wait()
            if let result = job.result.value { shards.append(try result.get()) }
        }
        defer { pending?.group.wait() }  // never leave a writer running into a discarded directory
        var shardNumber = 0
        let memoryCap = IndexBuildOptions.memoryShardTokens
        /// A shard for `document` onwards. Without --shard-tokens the plan is only an estimate from file sizes
        /// (token-dense text such as `a,a,a,…` or lists of numbers runs 2 bytes a token or less), so a shard
        /// grows to hold a document of any size memory allows: its byte count bounds its tokens.
        func startShard(for document: Document) throws -> ShardBuilder {
            let name = ShardFile.shardDirectory(number: shardNumber)
            shardNumber += 1
            let capacity = options.shardTokens != nil ? shardTokens : max(shardTokens, min(memoryCap, document.text.count + 16))
            return try ShardBuilder(directory: try directory.makeSubdirectory(name), name: name, capacity: capacity, sketch: shardSketch)
        }
        func finishShardInBackground(_ shard: ShardBuilder) throws {
            try waitForPendingShard()
            let group = DispatchGroup()
            let result = LockedBox<Result<IndexManifest.Shard, Error>?>(nil)
            DispatchQueue.global().async(group: group) {
                let shardStarted = Date()
                result.value = Result { try shard.finish() }
                secondsBox.value += Date().timeIntervalSince(shardStarted)
            }
            pending = (group, result)
        }

        progress.begin("reading")
        try reader.forEachDocument { document in
            if current == nil { current = try startShard(for: document) }
            var added = try current!.add(document, sourcePath: reader.sources[document.sourceIndex], tokenizer: tokenizer)
            if !added {
                // The shard is full: close it and put the document into a new one.
                if current!.documentCount > 0 { try finishShardInBackground(current!) }
                current = try startShard(for: document)
                added = try current!.add(document, sourcePath: reader.sources[document.sourceIndex], tokenizer: tokenizer)
                if !added {
                    let place = "\(reader.sources[document.sourceIndex]):\(document.recordNumber)"
                    if let explicit = options.shardTokens {
                        throw IndexError.invalidArgument("\(place): this document alone has more tokens than --shard-tokens \(explicit) lets a shard hold; raise --shard-tokens or leave it out")
                    }
                    throw IndexError.invalidArgument("\(place): this document alone (\(Quantity.bytes(document.text.count))) has more tokens than a shard can hold in memory (\(Quantity.count(memoryCap)) tokens, half of RAM at 8 bytes a token); split it into smaller documents (for text, --lines) or build on a machine with more memory")
                }
            }
            progress.update(done: reader.inputBytesRead, total: reader.inputBytesTotal > 0 ? reader.inputBytesTotal : nil,
                            extra: "\(Quantity.count(current!.tokenCount)) tokens in \(current!.name)")
        }
        let readingSeconds = Date().timeIntervalSince(started)
        if let shard = current, shard.documentCount > 0 {
            try finishShardInBackground(shard)
        }
        current = nil
        progress.begin("suffix arrays")
        try waitForPendingShard()
        suffixArraySeconds = secondsBox.value
        let corpusStats = reader.statistics
        let statistics = IndexManifest.CorpusStatistics(documents: shards.reduce(0) { $0 + $1.documents }, tokens: shards.reduce(0) { $0 + $1.tokens },
                                                        inputFiles: reader.sources.count, read: corpusStats, skipped: reader.skippedInputs)
        guard statistics.documents > 0 else {
            throw IndexError.emptyCorpus(detail: "\(reader.sources.count) input file(s), \(corpusStats.documents) document(s) read, none with a token")
        }
        progress.begin("writing manifest")
        let seconds = Date().timeIntervalSince(started)
        var manifest = IndexManifest(createdAt: ISO8601DateFormatter().string(from: Date()), buildCommand: options.buildCommand,
                                     tokenizer: options.tokenizer, shards: shards, corpus: statistics, buildSeconds: seconds)
        manifest.part = options.part
        manifest.splitFingerprint = options.part.map { IndexManifest.splitFingerprint(files: allSources, part: $0, tokenizer: options.tokenizer) }
        manifest.inputFormat = options.corpus.format?.rawValue
        manifest.linesAreDocuments = options.corpus.linesAreDocuments ? true : nil
        try manifest.write(directory: directory.temporaryPath)
        let size = IndexBuilder.directorySize(directory.temporaryPath)
        try directory.commit()
        progress.finish()
        let total = Date().timeIntervalSince(started)
        return IndexBuildSummary(manifest: manifest, indexBytes: size, seconds: total, outputPath: directory.finalPath,
                                 readingSeconds: readingSeconds, suffixArraySeconds: suffixArraySeconds)
    }

    /// Tokens per shard. An explicit `--shard-tokens` wins. Otherwise the input's token estimate
    /// (`estimatedTokens(ofInputs:)`) decides: shards are as few as memory allows, but at least two once the
    /// corpus is large enough, so the first shard's suffix array builds on the second core while the next
    /// shard is read (the build is about 40 % faster on two cores; a count then costs two binary searches).
    /// Inputs of unknown size get the largest shard memory allows.
    public static func plannedShardTokens(explicit: Int?, sources: [String]) -> Int {
        if let explicit { return explicit }
        let cap = IndexBuildOptions.memoryShardTokens
        guard let estimatedTokens = estimatedTokens(ofInputs: sources) else { return cap }
        var shardCount = max(1, (estimatedTokens + cap - 1) / cap)
        if estimatedTokens >= 4_000_000 && ProcessInfo.processInfo.activeProcessorCount >= 2 { shardCount = max(shardCount, 2) }
        return min(cap, max(1 << 16, estimatedTokens / shardCount + estimatedTokens / 20))
    }

    /// The number of tokens the input files are expected to hold, from their sizes alone (nothing is read):
    /// the size a `.zst` file declares in its frame header (else its compressed size times 4, as for Parquet), the file size
    /// of anything else, and 3 bytes a token over the total (real text and code run 3-4 bytes a token; 3
    /// errs toward more tokens). Nil when a size is unknown (standard input, an unreadable path). Shard
    /// planning and the per-shard sketch budget (`SketchIndexBuilder.perShardOptions`) both use it, so
    /// they agree on the shard count.
    static func estimatedTokens(ofInputs sources: [String]) -> Int? {
        var bytes = 0
        for source in sources {
            guard source != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: source),
                  let size = attributes[.size] as? Int else { return nil }
            if InputFormat.detect(path: source)?.format == .parquet {
                bytes += size * 4  // compressed inside (its columns' codecs): text runs ~4x its compressed size
            } else {
                bytes += InputFormat.isCompressed(path: source) ? (Zstd.declaredContentSize(ofFileAt: source) ?? size * 4) : size
            }
        }
        return bytes / 3
    }

    /// Total bytes of the regular files under `path`.
    public static func directorySize(_ path: String) -> Int {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let name as String in enumerator {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: "\(path)/\(name)"),
               attributes[.type] as? FileAttributeType == .typeRegular,
               let size = attributes[.size] as? Int {
                total += size
            }
        }
        return total
    }
}

/// One shard being built: its token array, vocabulary, document store and document table.
/// @unchecked Sendable: a shard is filled by the reading thread, then handed whole to one finishing thread.
final class ShardBuilder: @unchecked Sendable {
    let directory: String
    let name: String
    let capacity: Int
    private let tokens: AnonymousBuffer<UInt32>
    private let vocabulary = VocabularyBuilder()
    private let store: ZstdBlockStoreWriter
    private let documents: DocumentTableWriter
    private var sources: [String] = []
    private var sourceIndexByPath: [String: UInt32] = [:]
    private let sketchOptions: SketchBuildOptions?
    /// N-gram occurrences of the documents so far (sizes the sketch exactly).
    private var ngramCount = 0
    /// Store offset of the text of every `checkpointStride`-th token position (`DocumentTable` checkpoints).
    private var checkpoints: [UInt64] = []
    private static let checkpointStride = DocumentTable.defaultCheckpointStride

    var tokenCount: Int { tokens.count }
    var documentCount: Int { documents.count }

    init(directory: String, name: String, capacity: Int, sketch: SketchBuildOptions? = nil) throws {
        self.directory = directory
        sketchOptions = sketch
        self.name = name
        self.capacity = capacity
        tokens = try AnonymousBuffer(capacity: capacity)
        store = try ZstdBlockStoreWriter(path: ShardFile.store.path(inShard: directory), kind: ShardFile.store.kind)
        documents = try DocumentTableWriter(recordsPath: ShardFile.documents.path(inShard: directory), idsPath: ShardFile.documentIDs.path(inShard: directory))
    }

    /// Tokenizes `document` into this shard. Returns false (and adds nothing) when it does not fit.
    /// Documents without any token are skipped (true, nothing added).
    func add(_ document: Document, sourcePath: String, tokenizer: Tokenizer) throws -> Bool {
        let firstToken = tokens.count
        var overflow = false
        // The hot loop: tokenize, intern, append, on local pointers and counts (no class property access per token).
        let base = tokens.base
        let limit = tokens.capacity - 1  // room for the separator
        var end = firstToken
        // The store offset this document's text will get, and the checkpoint mask (the stride is a power of two).
        let textBase = store.byteCount
        let mask = Self.checkpointStride - 1
        var checkpoints = self.checkpoints
        self.checkpoints = []
        var previousStart = -1
        vocabulary.withTable { table in
            document.text.withUnsafeBytes { text in
                tokenizer.forEachToken(in: text) { normalized, range in
                    guard end < limit else { overflow = true; return }
                    // Safe: end < limit < capacity, and `tokens` (a stored let of self) keeps the buffer mapped.
                    base[end] = table.id(of: normalized)
                    if end & mask == 0 {
                        // A token that starts where the one before it does (one scalar made several tokens, as "…"
                        // folds to three dots) is no place to restart tokenizing: flagged unusable.
                        let flag: UInt64 = range.lowerBound == previousStart ? DocumentTable.unusableCheckpoint : 0
                        checkpoints.append((textBase + UInt64(range.lowerBound)) | flag)
                    }
                    previousStart = range.lowerBound
                    end &+= 1
                }
            }
        }
        tokens.setCount(end)
        if overflow {
            tokens.truncate(to: firstToken)
            checkpoints.removeLast(checkpoints.count - (firstToken + mask) / Self.checkpointStride)
            self.checkpoints = checkpoints
            return false
        }
        let count = tokens.count - firstToken
        if count == 0 { self.checkpoints = checkpoints; return true }
        if let sketchOptions { ngramCount += sketchOptions.ngramCount(documentTokens: count) }
        // The separator's checkpoint (never used to cut text) is the end of the document's text: still nondecreasing.
        if tokens.count & mask == 0 { checkpoints.append(textBase + UInt64(document.text.count)) }
        self.checkpoints = checkpoints
        tokens.append(0)  // document separator: never matched, so no match crosses documents
        let storeOffset = try store.append(document.text)
        assert(storeOffset == textBase, "the store moved while a document was tokenized")
        let sourceIndex: UInt32
        if let known = sourceIndexByPath[sourcePath] {
            sourceIndex = known
        } else {
            sourceIndex = UInt32(sources.count)
            sources.append(sourcePath)
            sourceIndexByPath[sourcePath] = sourceIndex
        }
        try documents.append(DocumentRecord(firstToken: UInt64(firstToken), tokenCount: UInt64(count), storeOffset: storeOffset,
                                            byteLength: UInt64(document.text.count), recordNumber: UInt64(document.recordNumber),
                                            sourceIndex: sourceIndex, hasExternalID: document.externalID != nil),
                             externalID: document.externalID)
        return true
    }

    /// Builds the suffix array on this thread while a second thread writes the other files; returns the manifest entry.
    func finish() throws -> IndexManifest.Shard {
        let tokenCount = tokens.count
        let alphabetSize = vocabulary.count + 1
        let tokenBits = PackedIntArray.bitWidth(forMaxValue: UInt64(alphabetSize - 1))
        let suffixBits = PackedIntArray.bitWidth(forMaxValue: UInt64(max(tokenCount - 1, 0)))
        let text = UnsafeBufferPointer(tokens.buffer)

        let group = DispatchGroup()
        let sideResult = LockedBox<Error?>(nil)
        let writtenSketch = LockedBox<NGramSketchParameters?>(nil)
        let directory = self.directory
        let sketchParameters = sketchOptions.map {
            NGramSketchParameters(ngramSizes: $0.ngramSizes, expectedNGrams: $0.expectedNGrams ?? ngramCount,
                                  targetFalsePositiveRate: $0.targetFalsePositiveRate, seed: $0.seed)
        }
        // Safe (ShardBuilder is @unchecked Sendable): the writer thread only reads the token buffer (the SA-IS
        // thread reads it too, nobody writes it) and is the only user of the vocabulary, store and document
        // writers until `group.wait()`.
        DispatchQueue.global().async(group: group) { [self] in
            let text = UnsafeBufferPointer(tokens.buffer)
            do {
                let writer = try BinaryFileWriter(path: ShardFile.tokens.path(inShard: directory),
                                                  header: ShardFile.tokens.header(elementBits: UInt32(tokenBits), count: UInt64(tokenCount), parameter: UInt64(alphabetSize)))
                try PackedIntArray.write(text, bitWidth: tokenBits, to: writer)
                try writer.finish()
                try vocabulary.write(to: ShardFile.vocabulary.path(inShard: directory))
                try store.finish()
                try documents.finish(checkpoints: checkpoints, stride: Self.checkpointStride)
                if let sketchParameters {
                    // Without an explicit --sketch-ngrams the filter is sized for the shard's distinct n-grams.
                    writtenSketch.value = try ShardSketchWriter.write(parameters: sketchParameters, sizedForDistinct: sketchOptions?.expectedNGrams == nil,
                                                                      tokens: text, vocabulary: vocabulary, to: ShardFile.sketch.path(inShard: directory))
                }
            } catch {
                sideResult.value = error
            }
        }
        // Never return (e.g. throw on a failed write) while the writer thread still reads `text`: the
        // token buffer is unmapped when this builder goes away.
        defer { group.wait() }
        let suffixes = try AnonymousBuffer<UInt32>(capacity: tokenCount)
        suffixes.setCount(tokenCount)
        SAIS.buildSuffixArray(text: text, alphabetSize: alphabetSize, into: suffixes.buffer)
        let writer = try BinaryFileWriter(path: ShardFile.suffixes.path(inShard: directory),
                                          header: ShardFile.suffixes.header(elementBits: UInt32(suffixBits), count: UInt64(tokenCount)))
        try PackedIntArray.write(UnsafeBufferPointer(suffixes.buffer), bitWidth: suffixBits, to: writer)
        try writer.finish()
        group.wait()
        if let error = sideResult.value { throw error }
        return IndexManifest.Shard(directory: name, documents: documents.count, tokens: tokenCount, vocabularySize: vocabulary.count,
                                   tokenBits: tokenBits, suffixBits: suffixBits, sources: sources, sketch: writtenSketch.value)
    }
}
