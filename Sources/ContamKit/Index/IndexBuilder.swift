import Foundation

/// Options of `contam index`.
public struct IndexBuildOptions: Sendable {
    public var tokenizer = TokenizerOptions()
    public var corpus = CorpusOptions()
    /// At most this many tokens (separators included) per shard.
    public var shardTokens = IndexBuildOptions.defaultShardTokens
    /// Replace an existing index at the output path (only once the new one is complete).
    public var replaceExisting = false
    /// Recorded in the manifest.
    public var buildCommand = ""

    public init() {}

    /// The largest shard: SA-IS over u32 uses the top bit of each suffix slot as a mark (as sais-lite does).
    public static let maximumShardTokens = Int(Int32.max) - 1

    /// Shards sized so that suffix-array construction (8 bytes a token: the token array and the suffix
    /// array, both u32) fits in about half of physical memory, and at most `maximumShardTokens`.
    public static var defaultShardTokens: Int {
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
}

/// The build pipeline of `contam index` (DESIGN §1): read documents, tokenize, intern tokens into
/// the shard vocabulary, append raw text to the zstd store, and, when a shard is full or the input
/// ends, build its suffix array (SA-IS) while the other core writes the token, vocabulary and
/// document files. Everything is written into a temporary directory that is renamed into place only
/// when complete.
public final class IndexBuilder {
    private let inputs: [String]
    private let outputPath: String
    private let options: IndexBuildOptions
    private let progress: ProgressDisplay

    public init(inputs: [String], outputPath: String, options: IndexBuildOptions, progress: ProgressDisplay = ProgressDisplay(enabled: false)) {
        self.inputs = inputs
        self.outputPath = outputPath
        self.options = options
        self.progress = progress
    }

    /// Builds the index. Throws (leaving any previous index at the output path untouched) on bad input.
    public func build() throws -> IndexBuildSummary {
        let started = Date()
        let reader = try CorpusReader(inputs: inputs, options: options.corpus)
        let directory = try AtomicDirectory(finalPath: outputPath, replaceExisting: options.replaceExisting)
        defer { directory.discard() }
        let tokenizer = Tokenizer(options: options.tokenizer)
        var shards: [IndexManifest.Shard] = []
        var statistics = IndexManifest.CorpusStatistics()
        var current: ShardBuilder?

        func startShard() throws -> ShardBuilder {
            let name = String(format: "shard-%04d", shards.count)
            return try ShardBuilder(directory: try directory.makeSubdirectory(name), name: name, capacity: options.shardTokens)
        }
        func finishShard(_ shard: ShardBuilder) throws {
            progress.begin("suffix array, \(shard.name) (\(ProgressDisplay.count(shard.tokenCount)) tokens)")
            shards.append(try shard.finish())
        }

        progress.begin("reading")
        try reader.forEachDocument { document in
            if current == nil { current = try startShard() }
            var added = try current!.add(document, sourcePath: reader.sources[document.sourceIndex], tokenizer: tokenizer)
            if !added {
                // The shard is full: close it and put the document into a new one.
                try finishShard(current!)
                current = try startShard()
                progress.begin("reading")
                added = try current!.add(document, sourcePath: reader.sources[document.sourceIndex], tokenizer: tokenizer)
                if !added {
                    throw IndexError.invalidArgument("\(reader.sources[document.sourceIndex]):\(document.recordNumber): this document alone has more tokens than --shard-tokens \(options.shardTokens); raise --shard-tokens")
                }
            }
            if current!.documentCount == 0 { return }
            progress.update(done: reader.inputBytesRead, total: reader.inputBytesTotal > 0 ? reader.inputBytesTotal : nil,
                            extra: "\(ProgressDisplay.count(current!.tokenCount + shards.reduce(0) { $0 + $1.tokens })) tokens")
        }
        if let shard = current, shard.documentCount > 0 {
            try finishShard(shard)
        }
        current = nil
        let corpusStats = reader.statistics
        statistics.documents = shards.reduce(0) { $0 + $1.documents }
        statistics.tokens = shards.reduce(0) { $0 + $1.tokens }
        statistics.textBytes = corpusStats.textBytes
        statistics.inputFiles = reader.sources.count
        statistics.emptyDocumentsSkipped = corpusStats.emptyDocumentsSkipped
        statistics.badRecordsSkipped = corpusStats.recordsSkipped
        statistics.badRecordReasons = corpusStats.skipReasons
        statistics.invalidUTF8Replaced = corpusStats.invalidUTF8Replaced
        guard statistics.documents > 0 else {
            throw IndexError.emptyCorpus(detail: "\(reader.sources.count) input file(s), \(corpusStats.documents) document(s) read, none with a token")
        }
        progress.begin("writing manifest")
        let seconds = Date().timeIntervalSince(started)
        let manifest = IndexManifest(createdAt: ISO8601DateFormatter().string(from: Date()), buildCommand: options.buildCommand,
                                     tokenizer: options.tokenizer, shards: shards, corpus: statistics, buildSeconds: seconds)
        try manifest.write(directory: directory.temporaryPath)
        let size = IndexBuilder.directorySize(directory.temporaryPath)
        try directory.commit()
        progress.finish()
        return IndexBuildSummary(manifest: manifest, indexBytes: size, seconds: Date().timeIntervalSince(started), outputPath: directory.finalPath)
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
final class ShardBuilder {
    let directory: String
    let name: String
    let capacity: Int
    private let tokens: AnonymousBuffer<UInt32>
    private let vocabulary = VocabularyBuilder()
    private let store: ZstdBlockStoreWriter
    private let documents: DocumentTableWriter
    private var sources: [String] = []
    private var sourceIndexByPath: [String: UInt32] = [:]

    var tokenCount: Int { tokens.count }
    var documentCount: Int { documents.count }

    init(directory: String, name: String, capacity: Int) throws {
        self.directory = directory
        self.name = name
        self.capacity = capacity
        tokens = try AnonymousBuffer(capacity: capacity)
        store = try ZstdBlockStoreWriter(path: "\(directory)/store.zst.bin")
        documents = try DocumentTableWriter(recordsPath: "\(directory)/docs.bin", idsPath: "\(directory)/ids.bin")
    }

    /// Tokenizes `document` into this shard. Returns false (and adds nothing) when it does not fit.
    /// Documents without any token are skipped (true, nothing added).
    func add(_ document: Document, sourcePath: String, tokenizer: Tokenizer) throws -> Bool {
        let firstToken = tokens.count
        var overflow = false
        let tokens = self.tokens
        let vocabulary = self.vocabulary
        document.text.withUnsafeBytes { text in
            tokenizer.forEachToken(in: text) { normalized, _ in
                guard !overflow else { return }
                // Leave room for the separator.
                guard tokens.count + 1 < tokens.capacity else { overflow = true; return }
                tokens.append(vocabulary.id(of: normalized))
            }
        }
        if overflow {
            tokens.truncate(to: firstToken)
            return false
        }
        let count = tokens.count - firstToken
        if count == 0 { return true }
        tokens.append(0)  // document separator: never matched, so no match crosses documents
        let storeOffset = try store.append(document.text)
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
        let directory = self.directory
        let vocabulary = self.vocabulary, store = self.store, documents = self.documents
        // Safe: the writer thread only reads `text` (the SA-IS thread reads it too, nobody writes it) and is
        // the only user of the vocabulary, store and document writers until `group.wait()`.
        let shared = UncheckedSendable((text, vocabulary, store, documents))
        DispatchQueue.global().async(group: group) {
            let (text, vocabulary, store, documents) = shared.value
            do {
                let writer = try BinaryFileWriter(path: "\(directory)/tokens.bin", header: BinaryFileHeader(kind: "TOKN", elementBits: UInt32(tokenBits), count: UInt64(tokenCount), parameter: UInt64(alphabetSize)))
                try PackedIntArray.write(text, bitWidth: tokenBits, to: writer)
                try writer.finish()
                try vocabulary.write(to: "\(directory)/vocab.bin")
                try store.finish()
                try documents.finish()
            } catch {
                sideResult.value = error
            }
        }
        let suffixes = try AnonymousBuffer<UInt32>(capacity: tokenCount)
        suffixes.setCount(tokenCount)
        SAIS.buildSuffixArray(text: text, alphabetSize: alphabetSize, into: suffixes.buffer)
        let writer = try BinaryFileWriter(path: "\(directory)/sa.bin", header: BinaryFileHeader(kind: "SUFA", elementBits: UInt32(suffixBits), count: UInt64(tokenCount)))
        try PackedIntArray.write(UnsafeBufferPointer(suffixes.buffer), bitWidth: suffixBits, to: writer)
        try writer.finish()
        group.wait()
        if let error = sideResult.value { throw error }
        return IndexManifest.Shard(directory: name, documents: documents.count, tokens: tokenCount, vocabularySize: vocabulary.count,
                                   tokenBits: tokenBits, suffixBits: suffixBits, sources: sources)
    }
}

/// A value shared between threads under a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: Value
    init(_ value: Value) { storage = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return storage }
        set { lock.lock(); storage = newValue; lock.unlock() }
    }
}
