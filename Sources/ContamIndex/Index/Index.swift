import Foundation
import ContamStorage
import ContamText

/// An opened full index directory: the manifest and every shard, mmap'd read-only. Queries run over all
/// shards (in parallel when there are several) and add up. A sketch-only index opens as `SketchIndex`
/// instead (`OpenedIndex.open`), so every shard here has its suffix array.
public final class Index: SketchedIndex, @unchecked Sendable {
    public let path: String
    public let manifest: IndexManifest
    /// Never empty: a build with no document fails, and a sketch-only index is not an `Index`.
    public let shards: [IndexShard]
    public let tokenizer: Tokenizer
    /// The n-gram sketches of the shards that have one (all of them unless built with --no-sketch).
    public let sketches: [NGramSketch]

    public var tokenizerOptions: TokenizerOptions { manifest.tokenizer }

    /// Opens a full index: reads the manifest, opens every shard's files and checks their headers and
    /// sizes (O(files), no checksum pass: that is `verify`). Throws `IndexError`/`StorageError` naming the
    /// file, and `IndexError.incompatibleOptions` for a sketch-only index (open it with `OpenedIndex`).
    public static func open(path: String) throws -> Index {
        switch try OpenedIndex.open(path: path) {
        case .full(let index): return index
        case .sketchOnly(let sketch): throw sketch.fullIndexNeeded(for: "this command")
        }
    }

    init(path: String, manifest: IndexManifest) throws {
        self.path = path
        self.manifest = manifest
        shards = try manifest.shards.map { try IndexShard(indexPath: path, entry: $0) }
        guard !shards.isEmpty else {
            throw IndexError.badManifest(path: "\(path)/\(IndexManifest.fileName)", detail: "a full index with no shard")
        }
        sketches = try manifest.shards.compactMap { try SketchIndex.openSketch(indexPath: path, entry: $0) }
        tokenizer = Tokenizer(options: manifest.tokenizer)
    }

    /// Runs `body` for every shard and returns the results in shard order: in parallel for work that is
    /// long enough to pay for waking threads (`parallel`), in a loop otherwise (a count takes ~4 us a
    /// shard, less than a dispatch round trip).
    func perShard<T>(parallel: Bool = true, _ body: @escaping (_ shard: IndexShard, _ number: Int) -> T) -> [T] {
        if shards.count == 1 || !parallel { return shards.indices.map { body(shards[$0], $0) } }
        let job = ShardJob(shards: shards, body: body)
        DispatchQueue.concurrentPerform(iterations: shards.count) { i in job.run(i) }
        return job.results.map { $0! }
    }

    // MARK: CorpusQuerying

    public func count(of tokens: ArraySlice<String>) -> Int {
        guard !tokens.isEmpty else { return 0 }
        let ids = shardIDs(of: Array(tokens))
        return perShard(parallel: shards.count > 4) { shard, number in shard.range(of: ids[number]).count }.reduce(0, +)
    }

    /// The ids of the tokens of query text `text` in every shard (`SuffixArray.absentToken` for a token a shard
    /// does not have), and the token count: tokenized once with the index's options, each normalized token looked
    /// up in each shard's vocabulary from the tokenizer's bytes (no `String` per token).
    public func shardIDs(ofText text: String) -> (tokenCount: Int, ids: [[UInt32]]) {
        var ids = [[UInt32]](repeating: [], count: shards.count)
        var tokenCount = 0
        var text = text
        text.withUTF8 { utf8 in
            tokenizer.forEachToken(in: UnsafeRawBufferPointer(utf8)) { normalized, _ in
                tokenCount += 1
                let hash = TokenHash.hash(normalized)
                for s in shards.indices { ids[s].append(shards[s].vocabulary.id(of: normalized, hash: hash) ?? SuffixArray.absentToken) }
            }
        }
        return (tokenCount, ids)
    }

    /// The ids of normalized tokens in every shard (`SuffixArray.absentToken` for a token a shard does not
    /// have), each token hashed once for all shards.
    public func shardIDs(of tokens: [String]) -> [[UInt32]] {
        var ids = [[UInt32]](repeating: [], count: shards.count)
        for s in shards.indices { ids[s].reserveCapacity(tokens.count) }
        for var token in tokens {
            token.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                let hash = TokenHash.hash(bytes)
                for s in shards.indices { ids[s].append(shards[s].vocabulary.id(of: bytes, hash: hash) ?? SuffixArray.absentToken) }
            }
        }
        return ids
    }

    /// Occurrences of the token sequence whose ids in each shard are `ids` (as `shardIDs(ofText:)` gives them).
    public func count(shardIDs ids: [[UInt32]]) -> Int {
        guard ids.count == shards.count, !(ids.first?.isEmpty ?? true) else { return 0 }
        var total = 0
        for s in shards.indices { total += shards[s].range(of: ids[s]).count }
        return total
    }

    /// Builds every shard's search guide now, in parallel (`IndexShard.searchGuide`), rather than at the first
    /// `matchingLengths`, where the first items of a check would build them one shard at a time.
    public func prepareForMatching() {
        _ = perShard { shard, _ in shard.searchGuide != nil }
    }

    public func matchingLengths(of tokens: [String]) -> [Int] {
        guard !tokens.isEmpty else { return [] }
        // In parallel only for long texts: `check` already runs one item per core.
        let ids = shardIDs(of: tokens)
        let perShard = perShard(parallel: tokens.count >= 2048) { shard, number in
            let ids = ids[number]
            guard let guide = shard.searchGuide else { return shard.suffixArray.matchingLengths(of: ids) }
            return shard.suffixArray.matchingLengths(of: ids, guide: guide)
        }
        var result = perShard[0]
        for other in perShard.dropFirst() {
            for i in result.indices where other[i] > result[i] { result[i] = other[i] }
        }
        return result
    }

    public func occurrences(of tokens: ArraySlice<String>, limit: Int) -> [CorpusOccurrence] {
        occurrences(of: tokens, offset: 0, limit: limit)
    }

    /// Up to `limit` occurrences after the first `offset`, for paging: occurrences are numbered shard by shard,
    /// in suffix-array order within a shard, so consecutive pages never repeat or skip one; each page is then
    /// sorted by position within a shard. Offset 0 is `occurrences(of:limit:)`. Cost: one range search per shard.
    public func occurrences(of tokens: ArraySlice<String>, offset: Int, limit: Int) -> [CorpusOccurrence] {
        guard !tokens.isEmpty else { return [] }
        return occurrences(shardIDs: shardIDs(of: Array(tokens)), offset: offset, limit: limit)
    }

    /// As `occurrences(of:offset:limit:)`, for a phrase already looked up in every shard's vocabulary.
    public func occurrences(shardIDs ids: [[UInt32]], offset: Int = 0, limit: Int) -> [CorpusOccurrence] {
        guard ids.count == shards.count, !(ids.first?.isEmpty ?? true), limit > 0 else { return [] }
        var result: [CorpusOccurrence] = []
        var skip = max(offset, 0)
        for (shardIndex, shard) in shards.enumerated() where result.count < limit {
            let sa = shard.suffixArray
            var range = shard.range(of: ids[shardIndex])
            if skip >= range.count {
                skip -= range.count
                continue
            }
            range = (range.lowerBound + skip)..<range.upperBound
            skip = 0
            // Sorted by position so the order is deterministic and reads like the corpus.
            for position in sa.positions(in: range, limit: limit - result.count).sorted() {
                // A position outside every document comes only from a damaged suffix array: skip it.
                guard let (document, offset) = shard.document(at: position) else { continue }
                result.append(CorpusOccurrence(document: CorpusDocumentRef(shard: shardIndex, document: document), tokenOffset: offset))
            }
        }
        return result
    }

    public func documentCount(of tokens: ArraySlice<String>, cap: Int) -> Int {
        guard !tokens.isEmpty, cap > 0 else { return 0 }
        var documents = Set<CorpusDocumentRef>()
        for (shardIndex, shard) in shards.enumerated() {
            let sa = shard.suffixArray
            let range = shard.range(of: shard.ids(of: tokens))
            // A document can hold the sequence many times: scan positions until `cap` distinct documents.
            for position in sa.positions(in: range, limit: range.count) where position < sa.count {
                documents.insert(CorpusDocumentRef(shard: shardIndex, document: shard.documents.document(containing: position)))
                if documents.count >= cap { return cap }
            }
        }
        return documents.count
    }

    public func documentInfo(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo {
        let shard = try self.shard(ref)
        let record = shard.documents.record(ref.document)
        return CorpusDocumentInfo(externalID: shard.documents.externalID(ref.document),
                                  sourcePath: shard.entry.sources.indices.contains(Int(record.sourceIndex)) ? shard.entry.sources[Int(record.sourceIndex)] : "?",
                                  recordNumber: Int(record.recordNumber), tokenCount: Int(record.tokenCount))
    }

    public func documentTokens(_ ref: CorpusDocumentRef) throws -> (text: [UInt8], tokens: [Token]) {
        let text = try documentText(ref)
        return (text, tokenizer.tokens(in: text))
    }

    /// The passage showing tokens `tokenRange` of a document with about `contextBytes` of context each side
    /// (`Passage.extract` of the whole document), decompressing and tokenizing only the part of the document
    /// around it (`IndexShard.passage`). nil when the range is not inside the document.
    public func passage(_ ref: CorpusDocumentRef, tokenRange: Range<Int>, contextBytes: Int) throws -> Passage? {
        try shard(ref).passage(document: ref.document, tokenRange: tokenRange, contextBytes: contextBytes, tokenizer: tokenizer)
    }

    /// The raw text of a document, from the zstd store.
    public func documentText(_ ref: CorpusDocumentRef) throws -> [UInt8] {
        try shard(ref).text(of: ref.document)
    }

    private func shard(_ ref: CorpusDocumentRef) throws -> IndexShard {
        guard shards.indices.contains(ref.shard), ref.document >= 0, ref.document < shards[ref.shard].documents.count else {
            throw IndexError.invalidArgument("no document \(ref.document) in shard \(ref.shard) of \(path)")
        }
        return shards[ref.shard]
    }

    // MARK: Exploration queries

    /// The longest span of `tokens` that occurs in the corpus: its start, length and count.
    public func longestMatch(of tokens: [String]) -> (start: Int, length: Int, count: Int) {
        let statistics = matchingLengths(of: tokens)
        var best = (start: 0, length: 0)
        for (i, length) in statistics.enumerated() where length > best.length { best = (i, length) }
        guard best.length > 0 else { return (0, 0, 0) }
        return (best.start, best.length, count(of: tokens[best.start..<(best.start + best.length)]))
    }
}

/// One fan-out over shards: each worker fills its shard's slot.
private final class ShardJob<T>: @unchecked Sendable {
    let shards: [IndexShard]
    let body: (IndexShard, Int) -> T
    let slots: ParallelResults<T?>

    init(shards: [IndexShard], body: @escaping (IndexShard, Int) -> T) {
        self.shards = shards
        self.body = body
        slots = ParallelResults(count: shards.count, initial: nil)
    }

    func run(_ i: Int) { slots.set(i, body(shards[i], i)) }

    var results: [T?] { slots.values }
}
