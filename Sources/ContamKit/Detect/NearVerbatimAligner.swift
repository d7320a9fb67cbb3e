/// Finds near-verbatim copies of an item in the corpus (DESIGN §6): copies with words substituted,
/// inserted or deleted, with changed case or punctuation.
///
/// 1. **Seeds**: every maximal exact match of at least `seedLength` tokens (from the matching statistics
///    already computed for the verbatim figures), longest first, at most `maxSeeds`; up to
///    `seedOccurrenceLimit` corpus occurrences of each.
/// 2. **Candidate regions**: each occurrence gives a document and a diagonal (document offset − item
///    offset). Per document, occurrences whose diagonals chain within `maxDrift` of each other form one
///    region; regions are ranked by the number of item tokens their seeds cover, and the best
///    `maxCandidates` are aligned.
/// 3. **Alignment**: `BandedAligner` over token ids, band = the region's diagonals ± `bandPadding`,
///    scoring +1 match, −1 substitution, −1 per inserted or deleted token (the alignment stops where the
///    copy stops being more than half matches).
/// 4. **Evidence span**: the longest stretch of the alignment whose similarity (matched tokens / columns)
///    is at least `similarity`, trimmed to start and end on a match (an O(L) maximum-width-ramp over
///    prefix sums of +(1−s) per match and −s per other column). The item is near-verbatim when that span
///    has at least `minSpan` columns.
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

    /// The near-verbatim result of one item. Reads seed occurrences and candidate documents through
    /// `documents`; throws when a document cannot be read (corrupt index).
    public func align(_ item: TokenizedItem, matchingStatistics lengths: [Int], documents: DocumentCache) throws -> NearVerbatimResult {
        let candidates = candidateRegions(item, matchingStatistics: lengths, corpus: documents.corpus)
        guard !candidates.isEmpty else { return .none }
        // Item tokens as small ids; document tokens absent from the item become −1 and never match.
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(item.tokenCount)
        let itemIDs: [Int32] = item.strings.map { token in
            if let id = ids[token] { return id }
            let id = Int32(ids.count)
            ids[token] = id
            return id
        }
        let reportLength = min(minSpan, item.tokenCount)
        var best: NearVerbatimMatch?
        var aligned = 0
        for candidate in candidates {
            let document = try documents.document(candidate.document)
            let low = candidate.diagonals.lowerBound - bandPadding
            let high = candidate.diagonals.upperBound + bandPadding
            let columnStart = max(0, low)
            let columnEnd = min(document.tokens.count, item.tokenCount - 1 + high + 1)
            guard columnStart < columnEnd else { continue }
            var regionIDs = [Int32](repeating: -1, count: columnEnd - columnStart)
            for k in regionIDs.indices {
                if let id = ids[document.tokens[columnStart + k].text] { regionIDs[k] = id }
            }
            let alignment = BandedAligner.align(itemIDs, regionIDs, diagonals: (low - columnStart)...(high - columnStart), scoring: scoring)
                .shifted(item: 0, target: columnStart)
            aligned += 1
            guard alignment.columns > 0 else { continue }
            let span = evidenceSpan(of: alignment)
            let isNear = span.columns >= minSpan && span.similarity >= similarity
            let reported: Double
            if isNear || span.columns >= reportLength { reported = span.similarity }
            else if alignment.columns >= reportLength { reported = alignment.similarity }
            else { reported = 0 }
            let shown = span.columns > 0 ? span : alignment
            guard let source = SourcePassage(document: document, tokenRange: shown.targetRange, contextBytes: contextBytes) else { continue }
            let match = NearVerbatimMatch(source: source, alignment: alignment, span: span, isNearVerbatim: isNear, similarity: reported)
            if best.map({ Self.isBetter(match, than: $0) }) ?? true { best = match }
            // Nothing beats every item token matched.
            if isNear && span.matches == item.tokenCount { break }
        }
        guard let best else { return NearVerbatimResult(isNearVerbatim: false, bestSimilarity: 0, best: nil, candidatesAligned: aligned) }
        return NearVerbatimResult(isNearVerbatim: best.isNearVerbatim, bestSimilarity: best.similarity, best: best, candidatesAligned: aligned)
    }

    /// Near-verbatim matches first, by matched tokens in the span; then by reported similarity.
    static func isBetter(_ a: NearVerbatimMatch, than b: NearVerbatimMatch) -> Bool {
        if a.isNearVerbatim != b.isNearVerbatim { return a.isNearVerbatim }
        if a.isNearVerbatim {
            if a.span.matches != b.span.matches { return a.span.matches > b.span.matches }
            return a.span.similarity > b.span.similarity
        }
        if a.similarity != b.similarity { return a.similarity > b.similarity }
        return a.alignment.matches > b.alignment.matches
    }

    /// Seed occurrences grouped into ranked candidate regions.
    func candidateRegions(_ item: TokenizedItem, matchingStatistics lengths: [Int], corpus: any CorpusQuerying) -> [Candidate] {
        let seeds = VerbatimAnalyzer.maximalSpans(matchingStatistics: lengths, minLength: seedLength)
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

    /// The longest stretch of `alignment` with similarity ≥ `similarity`, trimmed to matches at both ends.
    public func evidenceSpan(of alignment: LocalAlignment) -> LocalAlignment {
        let kinds = alignment.columnKinds
        let stretch = Self.longestStretch(kinds, similarity: similarity)
        var lower = stretch.lowerBound
        var upper = stretch.upperBound
        while lower < upper && kinds[lower] != .match { lower += 1 }
        while upper > lower && kinds[upper - 1] != .match { upper -= 1 }
        return alignment.subAlignment(columns: lower..<upper, scoring: scoring)
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
