import Foundation
import ContamStorage
import ContamText
import ContamIndex

/// How often a sequence occurs in the corpus, in the buckets of Carlini et al. 2023 (*Quantifying Memorization
/// Across Neural Language Models*: memorization grows log-linearly with duplication).
public enum DuplicationBucket: String, CaseIterable, Codable, Sendable, Comparable {
    case once = "1"
    case few = "2-9"
    case tens = "10-99"
    case hundreds = "100+"

    public init(count: Int) {
        switch count {
        case ..<2: self = .once
        case 2..<10: self = .few
        case 10..<100: self = .tens
        default: self = .hundreds
        }
    }

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One extraction probe: P tokens of a corpus document to prompt with, the S tokens that follow them, both in the
/// index's normalization and in original text, and how often the whole sequence occurs in the corpus.
public struct ExtractionPrefix: Sendable, Equatable {
    public var document: CorpusDocumentRef
    /// The document token the prefix starts at.
    public var tokenOffset: Int
    public var prefixTokens: [String]
    public var continuationTokens: [String]
    /// The prefix's original text, from its first token to the end of its last (the prompt).
    public var prompt: String
    /// The true continuation's original text, from its first token to the end of its last.
    public var continuationText: String
    /// Occurrences of prefix + continuation in the corpus.
    public var duplicates: Int

    public var bucket: DuplicationBucket { DuplicationBucket(count: duplicates) }
}

/// What a sampling run found and took, per duplication bucket.
public struct ExtractionSample: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable, Codable {
        public var bucket: DuplicationBucket
        /// Distinct candidate sequences of this bucket the draws found (they stop once every share can be filled).
        public var available: Int
        /// Probes taken from them.
        public var taken: Int
    }

    public var prefixes: [ExtractionPrefix]
    public var buckets: [Bucket]
    /// Positions drawn, and how many of them were rejected because the document ends less than P+S tokens later.
    public var draws: Int
    public var tooShort: Int
}

/// Draws extraction probes from an indexed corpus, stratified by duplication: positions are drawn uniformly over
/// the corpus's tokens (so a sequence occurring c times is c times as likely to be drawn), each candidate window of
/// P+S tokens is counted in the corpus and put in its bucket, and the probe takes an equal share from every bucket
/// (the shares of buckets with too few candidates go to the others, most duplicated first).
public struct ExtractionSampler: Sendable {
    public let corpus: any CorpusQuerying
    public let prefixLength: Int
    public let continuationLength: Int
    let tokenizer: Tokenizer

    public init(corpus: any CorpusQuerying, prefixLength: Int, continuationLength: Int) {
        self.corpus = corpus
        tokenizer = Tokenizer(options: corpus.tokenizerOptions)
        self.prefixLength = max(1, prefixLength)
        self.continuationLength = max(1, continuationLength)
    }

    var window: Int { prefixLength + continuationLength }

    /// `count` probes for `seed`. Draws stop once every bucket has its share of candidates or after `maxDraws`
    /// positions (default `defaultDraws(count)`), so a corpus without highly duplicated text costs a bounded time.
    public func sample(count: Int, seed: UInt64, maxDraws: Int? = nil) throws -> ExtractionSample {
        let quotas = Self.quotas(count)
        let budget = maxDraws ?? Self.defaultDraws(count)
        let shardTokens = corpus.shardTokenCounts
        let total = shardTokens.reduce(0, +)
        var random = SplitMix64(state: seed ^ 0x7072_6F62_6500_0001)
        var candidates: [DuplicationBucket: [ExtractionPrefix]] = [:]
        var found: [DuplicationBucket: Int] = [:]
        var draws = 0
        var tooShort = 0
        func full() -> Bool { DuplicationBucket.allCases.allSatisfy { (candidates[$0]?.count ?? 0) >= quotas[$0]! } }
        func keep(_ occurrence: CorpusOccurrence, _ tokens: [String], _ duplicates: Int, _ bucket: DuplicationBucket) {
            candidates[bucket, default: []].append(ExtractionPrefix(
                document: occurrence.document, tokenOffset: occurrence.tokenOffset, prefixTokens: Array(tokens.prefix(prefixLength)),
                continuationTokens: Array(tokens.suffix(continuationLength)), prompt: "", continuationText: "", duplicates: duplicates))
        }
        if let index = corpus as? Index {
            // An index: draws are evaluated in batches on every core (ids, token hashes, the count), then taken in
            // draw order, so the sample is the same on any machine. Dedupe is by token hashes (the same in every
            // shard); strings are made only for windows kept.
            var seenHashes = Set<[UInt64]>()
            let threads = ProcessInfo.processInfo.activeProcessorCount
            while total > 0 && draws < budget && !full() {
                let positions = (0..<min(1024, budget - draws)).map { _ in Int.random(in: 0..<total, using: &random) }
                let outcomes = try parallelMap(positions.count, threads: threads) { k in evaluate(positions[k], shardTokens: shardTokens, index: index) }
                for outcome in outcomes {
                    if full() { break }
                    draws += 1
                    guard let drawn = outcome else { continue }
                    guard drawn.ids.count == window else { tooShort += 1; continue }
                    guard seenHashes.insert(drawn.hashes).inserted else { continue }
                    let bucket = DuplicationBucket(count: drawn.duplicates)
                    found[bucket, default: 0] += 1
                    // Enough kept to fill this bucket's share and any other's; the rest are only counted.
                    guard (candidates[bucket]?.count ?? 0) < count else { continue }
                    keep(drawn.occurrence, drawn.ids.map(index.shards[drawn.occurrence.document.shard].vocabulary.token), drawn.duplicates, bucket)
                }
            }
        } else {
            var seen = Set<[String]>()
            while total > 0 && draws < budget && !full() {
                draws += 1
                let (shard, position) = Self.shardPosition(Int.random(in: 0..<total, using: &random), shardTokens: shardTokens)
                guard let occurrence = corpus.occurrence(atPosition: position, shard: shard) else { continue }
                // The window is clamped to its document: shorter means the document ends first.
                let tokens = try windowTokens(occurrence)
                guard tokens.count == window else { tooShort += 1; continue }
                guard seen.insert(tokens).inserted else { continue }
                let duplicates = corpus.count(of: tokens[...])
                let bucket = DuplicationBucket(count: duplicates)
                found[bucket, default: 0] += 1
                guard (candidates[bucket]?.count ?? 0) < count else { continue }
                keep(occurrence, tokens, duplicates, bucket)
            }
        }
        let taken = Self.allocate(quotas: quotas, available: candidates.mapValues(\.count), total: count)
        var prefixes: [ExtractionPrefix] = []
        for bucket in DuplicationBucket.allCases {
            prefixes += (candidates[bucket] ?? []).prefix(taken[bucket] ?? 0)
        }
        let located = prefixes
        prefixes = try parallelMap(located.count, threads: ProcessInfo.processInfo.activeProcessorCount) { try withText(located[$0]) }
        let buckets = DuplicationBucket.allCases.map { ExtractionSample.Bucket(bucket: $0, available: found[$0] ?? 0, taken: taken[$0] ?? 0) }
        return ExtractionSample(prefixes: prefixes, buckets: buckets, draws: draws, tooShort: tooShort)
    }

    /// Probes of chosen documents: `perDocument` prefixes each, the first at the document's start and the others
    /// evenly spaced; a document shorter than P+S tokens gets one probe over what it has when it has at least two
    /// tokens (its prefix and continuation shortened in proportion), else none (`ExtractionSample.tooShort` counts it).
    public func probes(of documents: [CorpusDocumentRef], perDocument: Int = 1) throws -> ExtractionSample {
        var prefixes: [ExtractionPrefix] = []
        var tooShort = 0
        for ref in documents {
            let tokens = try corpus.documentInfo(ref).tokenCount
            guard tokens >= window else {
                tooShort += 1
                continue
            }
            let room = tokens - window
            let starts = perDocument <= 1 ? [0] : Array(Set((0..<perDocument).map { room * $0 / (perDocument - 1) })).sorted()
            for start in starts {
                let occurrence = CorpusOccurrence(document: ref, tokenOffset: start)
                let window = try windowTokens(occurrence)
                prefixes.append(try withText(ExtractionPrefix(
                    document: ref, tokenOffset: start, prefixTokens: Array(window.prefix(prefixLength)), continuationTokens: Array(window.suffix(continuationLength)),
                    prompt: "", continuationText: "", duplicates: corpus.count(of: window[...]))))
            }
        }
        var buckets = DuplicationBucket.allCases.map { ExtractionSample.Bucket(bucket: $0, available: 0, taken: 0) }
        for prefix in prefixes {
            let k = DuplicationBucket.allCases.firstIndex(of: prefix.bucket)!
            buckets[k].available += 1
            buckets[k].taken += 1
        }
        return ExtractionSample(prefixes: prefixes, buckets: buckets, draws: 0, tooShort: tooShort)
    }

    /// Positions drawn at most for `count` probes: 20 a probe, at least 10,000 (about 1 ms a probe on two cores; a
    /// sequence occurring 100+ times is about 1 in 400 positions of a 25 M-token web corpus).
    public static func defaultDraws(_ count: Int) -> Int { max(10_000, 20 * count) }

    /// Equal shares of `count` over the buckets; the remainder goes to the most duplicated buckets.
    static func quotas(_ count: Int) -> [DuplicationBucket: Int] {
        let cases = DuplicationBucket.allCases
        var quotas: [DuplicationBucket: Int] = [:]
        for (k, bucket) in cases.enumerated() {
            quotas[bucket] = count / cases.count + (cases.count - 1 - k < count % cases.count ? 1 : 0)
        }
        return quotas
    }

    /// How many to take from each bucket: its quota when it has that many, then the unfilled shares handed to
    /// buckets with spare candidates, most duplicated first.
    static func allocate(quotas: [DuplicationBucket: Int], available: [DuplicationBucket: Int], total: Int) -> [DuplicationBucket: Int] {
        var taken: [DuplicationBucket: Int] = [:]
        for bucket in DuplicationBucket.allCases { taken[bucket] = min(quotas[bucket] ?? 0, available[bucket] ?? 0) }
        var left = total - taken.values.reduce(0, +)
        for bucket in DuplicationBucket.allCases.reversed() where left > 0 {
            let spare = (available[bucket] ?? 0) - taken[bucket]!
            let more = min(spare, left)
            taken[bucket]! += more
            left -= more
        }
        return taken
    }

    /// The normalized tokens of the P+S window at `occurrence`: from the mmap'd token ids when the corpus has
    /// them (no decompression), else from the document's tokens.
    func windowTokens(_ occurrence: CorpusOccurrence) throws -> [String] {
        let range = occurrence.tokenOffset..<(occurrence.tokenOffset + window)
        if let fast = corpus as? any CorpusTokenIDs {
            return fast.documentTokenIDs(occurrence.document, range: range).map { fast.tokenText(id: $0, shard: occurrence.document.shard) }
        }
        let tokens = try corpus.documentTokens(occurrence.document).tokens
        guard range.upperBound <= tokens.count else { return [] }
        return tokens[range].map(\.text)
    }

    /// The probe with its prompt and true continuation in original text, cut at token boundaries. The document's
    /// raw text is scanned once for token offsets (no string per token); a document whose text no longer gives
    /// back its indexed token count (a damaged store) is an error, not a probe with the wrong text.
    func withText(_ probe: ExtractionPrefix) throws -> ExtractionPrefix {
        let text: [UInt8]
        var starts: [UInt32]
        let ends: [UInt32]
        let prefix = probe.tokenOffset..<(probe.tokenOffset + prefixLength)
        let continuation = prefix.upperBound..<(prefix.upperBound + continuationLength)
        let expected = probe.prefixTokens + probe.continuationTokens
        if let fast = corpus as? any CorpusTokenIDs {
            text = try fast.documentText(probe.document)
            (starts, ends) = try Self.tokenOffsets(text, through: continuation.upperBound, tokenizer: tokenizer) { k, normalized in
                // The window's tokens must be the indexed ones: anything else is a damaged store.
                k < prefix.lowerBound || normalized.elementsEqual(expected[k - prefix.lowerBound].utf8)
            }
        } else {
            let document = try corpus.documentTokens(probe.document)
            let tokens = document.tokens
            text = document.text
            starts = tokens.map { UInt32(truncatingIfNeeded: $0.byteRange.lowerBound) }
            ends = tokens.map { UInt32(truncatingIfNeeded: $0.byteRange.upperBound) }
            if continuation.upperBound <= tokens.count && tokens[prefix.lowerBound..<continuation.upperBound].map(\.text) != expected { starts = [] }
        }
        guard continuation.upperBound <= starts.count else {
            throw DetectError.inconsistentCorpus("document \(probe.document.document) of shard \(probe.document.shard): its stored text does not give back the indexed tokens at \(probe.tokenOffset); run 'contam verify' and rebuild the index")
        }
        func original(_ range: Range<Int>) -> String {
            let lower = Int(starts[range.lowerBound]), upper = Int(ends[range.upperBound - 1])
            guard lower <= upper, upper <= text.count else { return "" }
            return String(decoding: text[lower..<upper], as: UTF8.self)
        }
        var probe = probe
        probe.prompt = original(prefix)
        probe.continuationText = original(continuation)
        return probe
    }
}

extension ExtractionSampler {
    /// The documents `names` name (`--documents FILE`: one a line, from line `firstLine`): an external id, the
    /// `FILE:LINE` label `contam check` prints for documents without one, or the source file of a whole-file text
    /// document. A name no document has is an error naming its line. O(documents) to build the lookup.
    public static func documents(named names: [String], listedIn path: String, corpus: any CorpusQuerying) throws -> [CorpusDocumentRef] {
        var byName: [String: CorpusDocumentRef] = [:]
        var bySource: [String: [CorpusDocumentRef]] = [:]
        for (shard, count) in corpus.shardDocumentCounts.enumerated() {
            for document in 0..<count {
                let ref = CorpusDocumentRef(shard: shard, document: document)
                let info = try corpus.documentInfo(ref)
                if let id = info.externalID, byName[id] == nil { byName[id] = ref }
                let label = "\(info.sourcePath):\(info.recordNumber)"
                if byName[label] == nil { byName[label] = ref }
                bySource[info.sourcePath, default: []].append(ref)
            }
        }
        var refs: [CorpusDocumentRef] = []
        for (k, raw) in names.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.hasPrefix("#") else { continue }
            if let ref = byName[name] {
                refs.append(ref)
            } else if let whole = bySource[name], whole.count == 1 {
                refs.append(whole[0])
            } else {
                throw DetectError.unknownDocument(path: path, line: k + 1, id: name)
            }
        }
        return refs
    }
}

extension ExtractionSampler {
    private struct Stop: Error {}

    /// A position drawn from an index: its window's ids (fewer than P+S when the document ends first), their
    /// token hashes and the window's count in the index.
    struct Drawn {
        var occurrence: CorpusOccurrence
        var ids: [UInt32]
        var hashes: [UInt64]
        var duplicates: Int
    }

    /// The shard of global token position `position` (below the sum of `shardTokens`) and the position inside it.
    static func shardPosition(_ position: Int, shardTokens: [Int]) -> (shard: Int, position: Int) {
        var position = position
        var shard = 0
        while position >= shardTokens[shard] { position -= shardTokens[shard]; shard += 1 }
        return (shard, position)
    }

    /// The draw at global token `position` (nil for a separator position).
    func evaluate(_ position: Int, shardTokens: [Int], index: Index) -> Drawn? {
        let (shard, position) = Self.shardPosition(position, shardTokens: shardTokens)
        guard let occurrence = index.occurrence(atPosition: position, shard: shard) else { return nil }
        let ids = index.documentTokenIDs(occurrence.document, range: occurrence.tokenOffset..<(occurrence.tokenOffset + window)).map { UInt32(bitPattern: $0) }
        guard ids.count == window else { return Drawn(occurrence: occurrence, ids: ids, hashes: [], duplicates: 0) }
        return Drawn(occurrence: occurrence, ids: ids, hashes: ids.map(index.shards[shard].vocabulary.hash), duplicates: Self.count(ids, shard: shard, in: index))
    }

    /// Occurrences in `index` of the window `ids` (token ids of `shard`): counted on the ids in their own shard; in
    /// each other shard the first 8 tokens are looked up first, and only when they occur there the whole window
    /// (a drawn window is nearly always unique, and then its head is too).
    static func count(_ ids: [UInt32], shard: Int, in index: Index) -> Int {
        var total = index.shards[shard].suffixArray.count(of: ids)
        guard index.shards.count > 1 else { return total }
        let vocabulary = index.shards[shard].vocabulary
        let head = ids.prefix(8).map(vocabulary.token)
        var strings: [String]?
        for (s, other) in index.shards.enumerated() where s != shard {
            guard other.suffixArray.count(of: other.ids(of: head)) > 0 else { continue }
            if strings == nil { strings = ids.map(vocabulary.token) }
            total += other.suffixArray.count(of: other.ids(of: strings!))
        }
        return total
    }

    /// Start and end offsets of the first `count` tokens of `text` (fewer when it has fewer), scanning no further;
    /// empty when `accept(k, normalizedUTF8)` refuses token k.
    static func tokenOffsets(_ text: [UInt8], through count: Int, tokenizer: Tokenizer,
                             accept: (Int, UnsafeRawBufferPointer) -> Bool) throws -> (starts: [UInt32], ends: [UInt32]) {
        var starts: [UInt32] = []
        var ends: [UInt32] = []
        starts.reserveCapacity(count)
        ends.reserveCapacity(count)
        var refused = false
        do {
            try text.withUnsafeBytes { raw in
                try tokenizer.forEachToken(in: raw) { normalized, range in
                    guard accept(starts.count, normalized) else { refused = true; throw Stop() }
                    starts.append(UInt32(truncatingIfNeeded: range.lowerBound))
                    ends.append(UInt32(truncatingIfNeeded: range.upperBound))
                    if starts.count >= count { throw Stop() }
                }
            }
        } catch is Stop {}
        return refused ? ([], []) : (starts, ends)
    }
}
