import Foundation
import ContamStatistics

/// Evaluates the selected `ContaminationMethod`s on one item from what the checker already computed
/// (matching statistics, verbatim analysis, near-verbatim result). Most methods need nothing more than
/// the matching statistics (an n-gram `item[a..<b]` occurs exactly when `L[a] >= b - a`); `gpt3` adds
/// document counts for its frequency cutoff and `llama2` reads candidate documents.
public struct MethodEvaluator: Sendable {
    public var methods: [ContaminationMethod]
    /// N for `gpt3`, computed over all items with `gpt3NgramLength(wordCounts:)`.
    public var gpt3NgramLength: Int
    /// `gpt3` ignores N-grams found in more than this many documents.
    public var gpt3DocumentCap = 10
    public var lmevalNgramLength = 13
    public var palmNgramLength = 8
    public var palmThreshold = 0.7
    public var exactSubstrTokens = 50
    public var llama2 = Llama2Contamination()
    public var gpt4 = GPT4Windows()

    public init(methods: [ContaminationMethod], gpt3NgramLength: Int = 13) {
        self.methods = methods
        self.gpt3NgramLength = gpt3NgramLength
    }

    /// GPT-3's N: the 5th percentile (nearest rank) of the items' lengths in words, clamped to [8, 13].
    public static func gpt3NgramLength(wordCounts: [Int]) -> Int {
        guard !wordCounts.isEmpty else { return 13 }
        let sorted = wordCounts.sorted()
        let rank = max(1, Int((0.05 * Double(sorted.count)).rounded(.up)))
        return min(13, max(8, sorted[rank - 1]))
    }

    /// Number of word tokens (tokens starting with a letter or digit) of an item.
    public static func wordCount(_ item: TokenizedItem) -> Int {
        item.wordTokenIndices.count
    }

    /// The results of every selected method on the suffix array's answers, in `methods` order.
    public func evaluate(_ item: TokenizedItem, matchingLengths lengths: [Int], verbatim: VerbatimAnalysis, near: NearVerbatimResult, documents: DocumentCache) throws -> [MethodResult] {
        let membership = ExactMembership(matchingLengths: lengths)
        return try methods.map { method in
            switch method {
            case .gpt3: return wordNgrams(method, item, membership, n: gpt3NgramLength, documentCap: gpt3DocumentCap, wholeIfShort: true, corpus: documents.corpus)
            case .lmeval13: return wordNgrams(method, item, membership, n: lmevalNgramLength, documentCap: nil, wholeIfShort: false, corpus: documents.corpus)
            case .palm: return palm(item, membership)
            case .llama2: return try llama2Result(item, lengths, documents: documents)
            case .gpt4: return gpt4Result(item, membership)
            case .exactsubstr: return exactSubstr(item, lengths, verbatim: verbatim)
            case .near: return nearResult(near)
            }
        }
    }

    /// The results of every selected method from n-gram sketch membership alone (a sketch-only index),
    /// in `methods` order. Each is what the full index would say, or `undecided`: "clean" is certain
    /// (no false negatives); "dirty" comes only from runs that are exactly one sketched n-gram and
    /// carries `SketchEvidence` (it may be a false positive). Methods that need the suffix array
    /// beyond membership (`llama2`, `exactsubstr`, `near`, and `gpt3`'s document cutoff) are decided
    /// only when the sketch proves that no run long enough to change their verdict occurs.
    public func evaluateOnSketch(_ item: TokenizedItem, _ membership: SketchMembership, falsePositiveRate: Double, seedLength: Int) -> [MethodResult] {
        methods.map { method in
            var result: MethodResult
            switch method {
            case .gpt3: result = wordNgrams(method, item, membership, n: gpt3NgramLength, documentCap: gpt3DocumentCap, wholeIfShort: true, corpus: nil)
            case .lmeval13: result = wordNgrams(method, item, membership, n: lmevalNgramLength, documentCap: nil, wholeIfShort: false, corpus: nil)
            case .palm: result = palm(item, membership)
            case .gpt4: result = gpt4Result(item, membership)
            case .llama2:
                // Spans grow only from exact matches of `exactPrefix` tokens: with none, no token is contaminated.
                result = membership.noRunOccurs(ofLength: llama2.exactPrefix) ? llama2Result(item, contaminated: 0)
                    : Self.undecided(.llama2, "the sketch cannot rule out a match of \(llama2.exactPrefix) tokens (Llama 2 spans need the suffix array)")
            case .exactsubstr:
                let bound = membership.longestMatchBound
                result = bound < exactSubstrTokens
                    ? MethodResult(method: .exactsubstr, verdict: .clean, evidence: "longest verbatim span < \(bound + 1) tokens, threshold \(exactSubstrTokens)",
                                   figures: ["longest_match_below": Double(bound + 1)])
                    : Self.undecided(.exactsubstr, "the sketch cannot rule out a verbatim span of \(exactSubstrTokens) tokens")
            case .near:
                result = membership.noRunOccurs(ofLength: seedLength) ? nearResult(.none)
                    : Self.undecided(.near, "the sketch cannot rule out an alignment seed of \(seedLength) tokens (alignment needs the suffix array)")
            }
            if result.verdict == .dirty, let hits = result.figures["sketch_hits"], let probes = result.figures["sketch_probes"] {
                let p = Binomial.upperTail(successes: Int(hits), trials: Int(probes), probability: falsePositiveRate)
                result.sketch = SketchEvidence(falsePositiveRate: falsePositiveRate, falsePositivePlausible: p >= 0.01)
                result.figures["false_positive_p"] = p
            }
            return result
        }
    }

    static func undecided(_ method: ContaminationMethod, _ why: String) -> MethodResult {
        MethodResult(method: method, verdict: .undecided, evidence: "undecided on a sketch-only index: \(why)")
    }

    /// Item text of a token range, whitespace folded, cut to about `limit` characters.
    static func quote(_ item: TokenizedItem, _ range: Range<Int>, limit: Int = 70) -> String {
        let text = String(decoding: item.text[item.byteRange(of: range)], as: UTF8.self)
        let folded = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return folded.count <= limit ? "\"\(folded)\"" : "\"\(folded.prefix(limit - 1))…\""
    }

    /// `gpt3` and `lmeval13`: word n-grams, each looked up as the item's token run from its first to its
    /// last word. `corpus` answers `gpt3`'s document cutoff; without one (sketch) a hit under a cutoff is undecided.
    func wordNgrams(_ method: ContaminationMethod, _ item: TokenizedItem, _ membership: some ItemMembership, n: Int, documentCap: Int?, wholeIfShort: Bool, corpus: (any CorpusQuerying)?) -> MethodResult {
        let words = item.wordTokenIndices
        var figures: [String: Double] = ["n": Double(n), "words": Double(words.count)]
        var ranges: [Range<Int>] = []
        if words.count >= n {
            for k in 0...(words.count - n) { ranges.append(words[k]..<(words[k + n - 1] + 1)) }
        } else if wholeIfShort, let first = words.first, let last = words.last {
            ranges.append(first..<(last + 1))
        }
        figures["ngrams"] = Double(ranges.count)
        let occurrences = ranges.map { membership.occurrence(of: $0) }
        figures["ngrams_found"] = Double(occurrences.filter { $0 == .present || $0 == .probablyPresent }.count)
        let what = words.count >= n ? "\(n)-gram" : "whole item (\(words.count) words)"
        var ignored = 0
        for (range, occurrence) in zip(ranges, occurrences) where occurrence == .present {
            let tokens = item.strings[range]
            if let cap = documentCap, let corpus, corpus.count(of: tokens) > cap, corpus.documentCount(of: tokens, cap: cap + 1) > cap {
                ignored += 1
                continue
            }
            figures["ngrams_ignored"] = Double(ignored)
            return MethodResult(method: method, verdict: .dirty, evidence: "\(what) \(Self.quote(item, range)) occurs", figures: figures, tokenRange: range)
        }
        figures["ngrams_ignored"] = Double(ignored)
        let probable = zip(ranges, occurrences).filter { $0.1 == .probablyPresent }.map(\.0)
        let unknown = occurrences.filter { $0 == .unknown }.count
        if let first = probable.first {
            guard let cap = documentCap else {
                figures["sketch_hits"] = Double(probable.count)
                figures["sketch_probes"] = Double(ranges.count)
                return MethodResult(method: method, verdict: .dirty, evidence: "\(what) \(Self.quote(item, first)) is in the n-gram sketch (\(probable.count) of \(ranges.count))", figures: figures, tokenRange: first)
            }
            return Self.undecided(method, "\(what) \(Self.quote(item, first)) is in the n-gram sketch, but the \(cap)-document cutoff needs a full index")
        }
        if unknown > 0 {
            return Self.undecided(method, "\(unknown) of \(ranges.count) lookups are runs of other lengths than the sketched n-grams (\(words.count >= n ? "\(n) words" : "the whole item") span \(ranges.first.map { "\($0.count)" } ?? "?") tokens)")
        }
        let evidence: String
        if ranges.isEmpty {
            evidence = words.count < n ? "fewer than \(n) words" : "no words"
        } else if ignored > 0 {
            evidence = "\(ignored) \(n)-gram\(ignored == 1 ? "" : "s") found only in more than \(documentCap ?? 0) documents (ignored)"
        } else {
            evidence = "no \(words.count >= n ? "\(n)-gram" : "whole-item match") found"
        }
        return MethodResult(method: method, verdict: .clean, evidence: evidence, figures: figures)
    }

    func palm(_ item: TokenizedItem, _ membership: some ItemMembership) -> MethodResult {
        let n = palmNgramLength
        let m = item.tokenCount
        if m < n {
            switch membership.occurrence(of: 0..<m) {
            case .present:
                return MethodResult(method: .palm, verdict: .dirty, evidence: "whole item (\(m) tokens) occurs", figures: ["ngrams": 0, "fraction": 1], tokenRange: 0..<m)
            case .absent:
                return MethodResult(method: .palm, verdict: .clean, evidence: "shorter than \(n) tokens, not found whole", figures: ["ngrams": 0, "fraction": 0])
            case .probablyPresent:
                return MethodResult(method: .palm, verdict: .dirty, evidence: "whole item (\(m) tokens) is in the n-gram sketch",
                                    figures: ["ngrams": 0, "fraction": 1, "sketch_hits": 1, "sketch_probes": 1], tokenRange: 0..<m)
            case .unknown:
                return Self.undecided(.palm, "shorter than \(n) tokens, so it is looked up whole, and the sketch holds no \(m)-grams")
            }
        }
        let total = m - n + 1
        var found = 0, probable = 0, unknown = 0
        for start in 0..<total {
            switch membership.occurrence(of: start..<(start + n)) {
            case .present: found += 1
            case .probablyPresent: probable += 1
            case .unknown: unknown += 1
            case .absent: break
            }
        }
        if probable == 0 && unknown == 0 {
            let fraction = Double(found) / Double(total)
            return MethodResult(method: .palm, verdict: fraction >= palmThreshold ? .dirty : .clean,
                                evidence: String(format: "%.0f%% of %d-grams occur (%d of %d)", fraction * 100, n, found, total),
                                figures: ["ngrams": Double(total), "ngrams_found": Double(found), "fraction": fraction])
        }
        // On a sketch: found + probable + unknown bounds the true count from above, found from below.
        let atMost = Double(found + probable + unknown) / Double(total)
        var figures: [String: Double] = ["ngrams": Double(total), "ngrams_found": Double(found + probable), "ngrams_unknown": Double(unknown), "fraction": Double(found + probable) / Double(total)]
        if atMost < palmThreshold {
            return MethodResult(method: .palm, verdict: .clean, evidence: String(format: "at most %.0f%% of %d-grams occur (%d of %d)", atMost * 100, n, found + probable + unknown, total), figures: figures)
        }
        guard unknown == 0 else {
            return Self.undecided(.palm, "\(unknown) of \(total) \(n)-grams cannot be decided (the sketch holds no \(n)-grams)")
        }
        figures["sketch_hits"] = Double(probable)
        figures["sketch_probes"] = Double(total)
        return MethodResult(method: .palm, verdict: .dirty,
                            evidence: String(format: "%.0f%% of %d-grams are in the n-gram sketch (%d of %d)", atMost * 100, n, probable, total), figures: figures)
    }

    func llama2Result(_ item: TokenizedItem, _ lengths: [Int], documents: DocumentCache) throws -> MethodResult {
        let covered = try llama2.contaminatedTokens(item, matchingLengths: lengths, documents: documents)
        return llama2Result(item, contaminated: covered.filter { $0 }.count)
    }

    /// The Llama 2 verdict for `count` contaminated tokens.
    func llama2Result(_ item: TokenizedItem, contaminated count: Int) -> MethodResult {
        let percent = item.tokenCount == 0 ? 0 : 100 * Double(count) / Double(item.tokenCount)
        let verdict = Llama2Contamination.verdict(percent: percent)
        return MethodResult(method: .llama2, verdict: verdict,
                            evidence: String(format: "%.1f%% of tokens contaminated (%d of %d)", percent, count, item.tokenCount),
                            figures: ["contaminated_tokens": Double(count), "percent": percent])
    }

    func gpt4Result(_ item: TokenizedItem, _ membership: some ItemMembership) -> MethodResult {
        let windows = gpt4.windows(item)
        let occurrences = windows.map { membership.occurrence(of: $0) }
        let found = zip(windows, occurrences).filter { $0.1 == .present }.map(\.0)
        let probable = zip(windows, occurrences).filter { $0.1 == .probablyPresent }.map(\.0)
        var figures: [String: Double] = ["windows": Double(windows.count), "windows_found": Double(found.count + probable.count)]
        if let first = found.first {
            return MethodResult(method: .gpt4, verdict: .dirty, evidence: "\(found.count) of \(windows.count) windows found, e.g. \(Self.quote(item, first))", figures: figures, tokenRange: first)
        }
        if let first = probable.first {
            figures["sketch_hits"] = Double(probable.count)
            figures["sketch_probes"] = Double(windows.count)
            return MethodResult(method: .gpt4, verdict: .dirty, evidence: "\(probable.count) of \(windows.count) windows are in the n-gram sketch, e.g. \(Self.quote(item, first))", figures: figures, tokenRange: first)
        }
        let unknown = occurrences.filter { $0 == .unknown }.count
        if unknown > 0 {
            return Self.undecided(.gpt4, "\(unknown) of \(windows.count) windows are runs of other lengths than the sketched n-grams")
        }
        return MethodResult(method: .gpt4, verdict: .clean, evidence: windows.isEmpty ? "no letters or digits" : "none of \(windows.count) windows found", figures: figures)
    }

    func exactSubstr(_ item: TokenizedItem, _ lengths: [Int], verbatim: VerbatimAnalysis) -> MethodResult {
        let longest = verbatim.longestMatchTokens
        var range: Range<Int>?
        if longest >= exactSubstrTokens, let start = lengths.firstIndex(of: longest) { range = start..<(start + longest) }
        return MethodResult(method: .exactsubstr, verdict: range != nil ? .dirty : .clean,
                            evidence: "longest verbatim span \(longest) tokens (threshold \(exactSubstrTokens))",
                            figures: ["longest_match_tokens": Double(longest)], tokenRange: range)
    }

    func nearResult(_ near: NearVerbatimResult) -> MethodResult {
        guard let best = near.best else {
            return MethodResult(method: .near, verdict: .clean, evidence: "no candidate passage", figures: ["similarity": 0])
        }
        let shown = best.span.columns > 0 ? best.span : best.alignment
        let words = best.span.columns > 0 ? String(format: " (%d words)", best.spanWords) : ""
        let evidence = String(format: "similarity %.2f over %d tokens%@ with %@", best.similarity, shown.columns, words, best.source.label)
        return MethodResult(method: .near, verdict: near.isNearVerbatim ? .dirty : .clean, evidence: evidence,
                            figures: ["similarity": near.bestSimilarity, "span_tokens": Double(best.span.columns), "span_words": Double(best.spanWords)],
                            tokenRange: near.isNearVerbatim ? best.span.itemRange : nil)
    }
}
