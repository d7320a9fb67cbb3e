import ContamIndex

/// Finds near-verbatim copies of an item in the corpus (docs/check.md, "What is computed for every item"): copies with words substituted,
/// inserted or deleted, with changed case or punctuation.
///
/// 1. **Seeds**: every maximal exact match of at least `seedLength` tokens (from the matching statistics
///    already computed for the verbatim figures), longest first, at most `maxSeeds`; up to
///    `seedOccurrenceLimit` corpus occurrences of each.
/// 2. **Candidate regions**: each occurrence gives a document and a diagonal (document offset − item
///    offset). Per document, occurrences whose diagonals chain within `maxDrift` of each other form one
///    region; regions are ranked by the number of item tokens their seeds cover, and the best
///    `maxCandidates` are aligned (after a near-verbatim match, only those whose seeds cover at least half
///    as many item tokens as it matched).
/// 3. **Alignment**: `BandedAligner` over token ids, band = the region's diagonals ± `bandPadding`,
///    scoring +1 match, −1 substitution, −1 per inserted or deleted token (the alignment stops where the
///    copy stops being more than half matches).
/// 4. **Evidence span**: counted in *word columns* (a column whose item token is a word, or, for a token
///    only in the source, whose source token is): punctuation and symbols are aligned, so they keep the
///    alignment on track, but count neither towards the length nor the similarity. Otherwise list
///    literals (`[1.0, 2.0, 3.0]`), argument lists and markup, half commas and brackets, align with
///    unrelated ones over 20 tokens. The span is the longest stretch (in words) of the alignment whose
///    similarity (matched words / word columns) is at least `similarity`, trimmed to start and end on a
///    matched word (an O(L) maximum-width ramp over prefix sums of +(1−s) per matched word and −s per other
///    word column). The item is near-verbatim when that span has at least `minSpan` word columns.
///
/// Shared short phrases give seeds at unrelated diagonals and alignments far shorter than `minSpan`;
/// the same words in another order leave no seed of `seedLength` tokens at all. A copy edited so densely
/// that no `seedLength` tokens survive in a row anywhere is missed (lower `seedLength` to trade speed for it).
public struct NearVerbatimAligner: Sendable {
    /// Shortest evidence span, in aligned columns (`--min-span`).
    public var minSpan: Int
    /// Similarity threshold (`--similarity`).
    public var similarity: Double
    /// Shortest exact match used as a seed.
    public var seedLength: Int
    public var maxSeeds: Int
    public var seedOccurrenceLimit: Int
    public var maxCandidates: Int
    /// Largest diagonal step between chained seeds of one region.
    public var maxDrift: Int
    /// Diagonals added on each side of a region's seed diagonals.
    public var bandPadding: Int
    /// Regions whose seed diagonals spread wider than this are split.
    public var maxBandWidth: Int
    public var scoring: AlignmentScoring
    /// Bytes of context around source passages.
    public var contextBytes: Int
    /// Fetch the best match's document for its passage in original text (else the label only).
    public var withPassages = true

    public init(minSpan: Int = 20, similarity: Double = 0.8, seedLength: Int = 6) {
        self.minSpan = minSpan
        self.similarity = similarity
        self.seedLength = seedLength
        maxSeeds = 32
        seedOccurrenceLimit = 8
        maxCandidates = 3
        maxDrift = 16
        bandPadding = 8
        maxBandWidth = 256
        scoring = AlignmentScoring()
        contextBytes = 80
    }

    /// A candidate region: one document, a range of diagonals, and how many item tokens its seeds cover.
    struct Candidate {
        var document: CorpusDocumentRef
        var diagonals: ClosedRange<Int>
        var support: Int
    }

    /// One seed occurrence.
    struct Hit {
        var document: CorpusDocumentRef
        var diagonal: Int
        var itemRange: Range<Int>
    }

    /// The near-verbatim result of one item. Compares tokens by id through `CorpusTokenIDs` when the corpus
    /// offers it (no document text is read, except the best match's when `withPassages`), else through the
    /// documents' tokens fetched via `documents`. Throws when a document cannot be read (corrupt index).
    public func align(_ item: TokenizedItem, matchingLengths lengths: [Int], documents: DocumentCache) throws -> NearVerbatimResult {
        let candidates = candidateRegions(item, matchingLengths: lengths, corpus: documents.corpus)
        guard !candidates.isEmpty else { return .none }
        let fast = documents.corpus as? any CorpusTokenIDs
        let shardIDs = fast.map { ItemTokenIDs(strings: item.strings, corpus: $0) }
        // Without ids: item tokens as small local ids; document tokens absent from the item become −1.
        var localIDs: [String: Int32] = [:]
        var itemLocalIDs: [Int32] = []
        if fast == nil {
            localIDs.reserveCapacity(item.tokenCount)
            itemLocalIDs = item.strings.map { token in
                if let id = localIDs[token] { return id }
                let id = Int32(localIDs.count)
                localIDs[token] = id
                return id
            }
        }
        let reportLength = min(minSpan, item.wordTokenIndices.count)
        var best: (match: Aligned, document: CorpusDocumentRef)?
        var aligned = 0
        for candidate in candidates {
            // Once a near-verbatim match is found, a region whose seeds cover less than half of its matched
            // tokens is not worth fetching a document for.
            if let best, best.match.isNear, candidate.support * 2 < best.match.spanWords.matches { break }
            let low = candidate.diagonals.lowerBound - bandPadding
            let high = candidate.diagonals.upperBound + bandPadding
            let columnStart = max(0, low)
            let columnEnd = item.tokenCount + high
            guard columnStart < columnEnd else { continue }
            let itemIDs: [Int32]
            let regionIDs: [Int32]
            // Whether the source token at a region offset is a word (asked only for tokens not in the item).
            let sourceIsWord: (Int) -> Bool
            if let fast, let shardIDs {
                itemIDs = shardIDs.ids(shard: candidate.document.shard)
                let ids = fast.documentTokenIDs(candidate.document, range: columnStart..<columnEnd)
                regionIDs = ids
                let shard = candidate.document.shard
                sourceIsWord = { item.everyTokenIsWord || TokenizedItem.isWord(fast.tokenText(id: ids[$0], shard: shard)) }
            } else {
                let tokens = try documents.document(candidate.document).tokens
                itemIDs = itemLocalIDs
                let region = Array(tokens[(columnStart..<columnEnd).clamped(to: 0..<tokens.count)])
                regionIDs = region.map { localIDs[$0.text] ?? -1 }
                sourceIsWord = { item.everyTokenIsWord || TokenizedItem.isWord(region[$0].text) }
            }
            guard !regionIDs.isEmpty else { continue }
            let alignment = BandedAligner.align(itemIDs, regionIDs, diagonals: (low - columnStart)...(high - columnStart), scoring: scoring)
                .shifted(item: 0, target: columnStart)
            aligned += 1
            guard alignment.columns > 0 else { continue }
            var isWordColumn: [Bool] = []
            isWordColumn.reserveCapacity(alignment.columns)
            alignment.forEachColumn { kind, i, j in
                isWordColumn.append(kind.consumesItem ? item.isWordToken(at: i) : sourceIsWord(j - columnStart))
            }
            let (span, spanWords) = evidenceSpan(of: alignment, isWordColumn: isWordColumn)
            let spanSimilarity = spanWords.columns == 0 ? 0 : Double(spanWords.matches) / Double(spanWords.columns)
            let isNear = spanWords.columns >= minSpan && spanSimilarity >= similarity
            let alignmentWords = Self.wordCounts(alignment.columnKinds, isWordColumn: isWordColumn)
            let reported: Double
            if isNear || spanWords.columns >= reportLength { reported = spanSimilarity }
            else if alignmentWords.columns >= reportLength { reported = alignmentWords.columns == 0 ? 0 : Double(alignmentWords.matches) / Double(alignmentWords.columns) }
            else { reported = 0 }
            let match = Aligned(alignment: alignment, span: span, spanWords: spanWords, isNear: isNear, similarity: reported)
            if best.map({ Self.isBetter(match, than: $0.match) }) ?? true { best = (match, candidate.document) }
            // Nothing beats every item token matched.
            if isNear && span.matches == item.tokenCount { break }
        }
        guard let best else { return NearVerbatimResult(isNearVerbatim: false, bestSimilarity: 0, best: nil, candidatesAligned: aligned) }
        let shown = best.match.span.columns > 0 ? best.match.span : best.match.alignment
        let source: SourcePassage
        if withPassages, let passage = try documents.passage(best.document, tokenRange: shown.targetRange, contextBytes: contextBytes) {
            source = passage
        } else {
            source = SourcePassage(document: best.document, label: try documents.label(best.document, tokenOffset: shown.targetRange.lowerBound), tokenRange: shown.targetRange, passage: nil)
        }
        let match = NearVerbatimMatch(source: source, alignment: best.match.alignment, span: best.match.span, isNearVerbatim: best.match.isNear,
                                      similarity: best.match.similarity, spanWords: best.match.spanWords.columns)
        return NearVerbatimResult(isNearVerbatim: match.isNearVerbatim, bestSimilarity: match.similarity, best: match, candidatesAligned: aligned)
    }

    /// One aligned candidate, before its source passage is fetched.
    struct Aligned {
        var alignment: LocalAlignment
        var span: LocalAlignment
        /// Word columns and matched words of `span`.
        var spanWords: (columns: Int, matches: Int)
        var isNear: Bool
        var similarity: Double
    }

    /// Near-verbatim matches first, by matched words in the span; then by reported similarity.
    static func isBetter(_ a: Aligned, than b: Aligned) -> Bool {
        if a.isNear != b.isNear { return a.isNear }
        if a.isNear {
            if a.spanWords.matches != b.spanWords.matches { return a.spanWords.matches > b.spanWords.matches }
            return a.similarity > b.similarity
        }
        if a.similarity != b.similarity { return a.similarity > b.similarity }
        return a.alignment.matches > b.alignment.matches
    }

    /// Word columns and matched word columns among `kinds`.
    static func wordCounts(_ kinds: [EditOperation.Kind], isWordColumn: [Bool]) -> (columns: Int, matches: Int) {
        var columns = 0, matches = 0
        for (kind, isWord) in zip(kinds, isWordColumn) where isWord {
            columns += 1
            if kind == .match { matches += 1 }
        }
        return (columns, matches)
    }

    /// Seed occurrences grouped into ranked candidate regions.
    func candidateRegions(_ item: TokenizedItem, matchingLengths lengths: [Int], corpus: any CorpusQuerying) -> [Candidate] {
        let seeds = VerbatimAnalyzer.maximalSpans(matchingLengths: lengths, minLength: seedLength)
            .sorted { ($0.count, -$0.lowerBound) > ($1.count, -$1.lowerBound) }
            .prefix(maxSeeds)
        guard !seeds.isEmpty else { return [] }
        var hitsByDocument: [CorpusDocumentRef: [Hit]] = [:]
        for seed in seeds {
            for occurrence in corpus.occurrences(of: item.strings[seed], limit: seedOccurrenceLimit) {
                hitsByDocument[occurrence.document, default: []].append(Hit(document: occurrence.document, diagonal: occurrence.tokenOffset - seed.lowerBound, itemRange: seed))
            }
        }
        var candidates: [Candidate] = []
        for (document, hits) in hitsByDocument {
            let sorted = hits.sorted { ($0.diagonal, $0.itemRange.lowerBound) < ($1.diagonal, $1.itemRange.lowerBound) }
            var group: [Hit] = []
            func close() {
                guard let first = group.first, let last = group.last else { return }
                let ranges = group.map(\.itemRange).sorted { $0.lowerBound < $1.lowerBound }
                candidates.append(Candidate(document: document, diagonals: first.diagonal...last.diagonal, support: VerbatimAnalyzer.coveredCount(ranges)))
                group.removeAll()
            }
            for hit in sorted {
                if let last = group.last, let first = group.first,
                   hit.diagonal - last.diagonal > maxDrift || hit.diagonal - first.diagonal > maxBandWidth {
                    close()
                }
                group.append(hit)
            }
            close()
        }
        candidates.sort { a, b in
            if a.support != b.support { return a.support > b.support }
            if a.document != b.document { return a.document < b.document }
            return a.diagonals.lowerBound < b.diagonals.lowerBound
        }
        return Array(candidates.prefix(maxCandidates))
    }

    /// The longest stretch of `alignment` with similarity ≥ `similarity`, trimmed to matches at both ends
    /// (every column a word column).
    public func evidenceSpan(of alignment: LocalAlignment) -> LocalAlignment {
        evidenceSpan(of: alignment, isWordColumn: Array(repeating: true, count: alignment.columns)).span
    }

    /// The longest stretch of `alignment`, in word columns, whose similarity over its word columns is ≥
    /// `similarity`, trimmed to matched words at both ends; with its word columns and matched words. The
    /// other columns weigh nothing: the stretch is found on the word columns alone and mapped back.
    public func evidenceSpan(of alignment: LocalAlignment, isWordColumn: [Bool]) -> (span: LocalAlignment, words: (columns: Int, matches: Int)) {
        let kinds = alignment.columnKinds
        let wordColumns = kinds.indices.filter { isWordColumn[$0] }
        let stretch = Self.longestStretch(wordColumns.map { kinds[$0] }, similarity: similarity)
        var lower = stretch.lowerBound
        var upper = stretch.upperBound
        while lower < upper && kinds[wordColumns[lower]] != .match { lower += 1 }
        while upper > lower && kinds[wordColumns[upper - 1]] != .match { upper -= 1 }
        guard lower < upper else { return (.empty, (0, 0)) }
        let columns = wordColumns[lower]..<(wordColumns[upper - 1] + 1)
        let words = Self.wordCounts(Array(kinds[columns]), isWordColumn: Array(isWordColumn[columns]))
        return (alignment.subAlignment(columns: columns, scoring: scoring), words)
    }

    /// The longest range of columns whose matched fraction is at least `similarity` (empty if none). O(L):
    /// with weights +(1−s) per match and −s per other column (scaled to integers), a range qualifies
    /// exactly when its weight sum is ≥ 0, and the widest (i, j) with prefix[i] ≤ prefix[j] is a
    /// maximum-width ramp: candidate starts are the strict prefix minima, scanned against ends from the right.
    public static func longestStretch(_ kinds: [EditOperation.Kind], similarity: Double) -> Range<Int> {
        guard !kinds.isEmpty else { return 0..<0 }
        let scale = 1_000_000
        let threshold = Int((min(max(similarity, 0), 1) * Double(scale)).rounded())
        var prefix = [Int](repeating: 0, count: kinds.count + 1)
        for (c, kind) in kinds.enumerated() {
            prefix[c + 1] = prefix[c] + (kind == .match ? scale - threshold : -threshold)
        }
        var starts: [Int] = []
        for i in prefix.indices where starts.last.map({ prefix[i] < prefix[$0] }) ?? true { starts.append(i) }
        var best = 0..<0
        var j = prefix.count - 1
        while j > 0 && !starts.isEmpty {
            while let i = starts.last, prefix[i] <= prefix[j] {
                if j - i > best.count { best = i..<j }
                starts.removeLast()
            }
            j -= 1
        }
        return best
    }
}
