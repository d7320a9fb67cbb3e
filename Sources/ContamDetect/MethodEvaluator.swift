import Foundation

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

    /// The results of every selected method, in `methods` order.
    public func evaluate(_ item: TokenizedItem, matchingStatistics lengths: [Int], verbatim: VerbatimAnalysis, near: NearVerbatimResult, documents: DocumentCache) throws -> [MethodResult] {
        try methods.map { method in
            switch method {
            case .gpt3: return wordNgrams(method, item, lengths, n: gpt3NgramLength, documentCap: gpt3DocumentCap, wholeIfShort: true, corpus: documents.corpus)
            case .lmeval13: return wordNgrams(method, item, lengths, n: lmevalNgramLength, documentCap: nil, wholeIfShort: false, corpus: documents.corpus)
            case .palm: return palm(item, lengths)
            case .llama2: return try llama2Result(item, lengths, documents: documents)
            case .gpt4: return gpt4Result(item, lengths)
            case .exactsubstr: return exactSubstr(item, lengths, verbatim: verbatim)
            case .near: return nearResult(near)
            }
        }
    }

    static func occurs(_ range: Range<Int>, _ lengths: [Int]) -> Bool {
        !range.isEmpty && lengths[range.lowerBound] >= range.count
    }

    /// Item text of a token range, whitespace folded, cut to about `limit` characters.
    static func quote(_ item: TokenizedItem, _ range: Range<Int>, limit: Int = 70) -> String {
        let text = String(decoding: item.text[item.byteRange(of: range)], as: UTF8.self)
        let folded = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return folded.count <= limit ? "\"\(folded)\"" : "\"\(folded.prefix(limit - 1))…\""
    }

    /// `gpt3` and `lmeval13`: word n-grams, each looked up as the item's token run from its first to its last word.
    func wordNgrams(_ method: ContaminationMethod, _ item: TokenizedItem, _ lengths: [Int], n: Int, documentCap: Int?, wholeIfShort: Bool, corpus: any CorpusQuerying) -> MethodResult {
        let words = item.wordTokenIndices
        var figures: [String: Double] = ["n": Double(n), "words": Double(words.count)]
        var ranges: [Range<Int>] = []
        if words.count >= n {
            for k in 0...(words.count - n) { ranges.append(words[k]..<(words[k + n - 1] + 1)) }
        } else if wholeIfShort, let first = words.first, let last = words.last {
            ranges.append(first..<(last + 1))
        }
        figures["ngrams"] = Double(ranges.count)
        let found = ranges.filter { Self.occurs($0, lengths) }
        figures["ngrams_found"] = Double(found.count)
        var ignored = 0
        for range in found {
            let tokens = item.strings[range]
            if let cap = documentCap, corpus.count(of: tokens) > cap, corpus.documentCount(of: tokens, cap: cap + 1) > cap {
                ignored += 1
                continue
            }
            figures["ngrams_ignored"] = Double(ignored)
            let what = words.count >= n ? "\(n)-gram" : "whole item (\(words.count) words)"
            return MethodResult(method: method, verdict: .dirty, evidence: "\(what) \(Self.quote(item, range)) occurs", figures: figures, tokenRange: range)
        }
        figures["ngrams_ignored"] = Double(ignored)
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

    func palm(_ item: TokenizedItem, _ lengths: [Int]) -> MethodResult {
        let n = palmNgramLength
        let m = item.tokenCount
        if m < n {
            let whole = Self.occurs(0..<m, lengths)
            return MethodResult(method: .palm, verdict: whole ? .dirty : .clean,
                                evidence: whole ? "whole item (\(m) tokens) occurs" : "shorter than \(n) tokens, not found whole",
                                figures: ["ngrams": 0, "fraction": whole ? 1 : 0], tokenRange: whole ? 0..<m : nil)
        }
        let total = m - n + 1
        var found = 0
        for start in 0..<total where lengths[start] >= n { found += 1 }
        let fraction = Double(found) / Double(total)
        return MethodResult(method: .palm, verdict: fraction >= palmThreshold ? .dirty : .clean,
                            evidence: String(format: "%.0f%% of %d-grams occur (%d of %d)", fraction * 100, n, found, total),
                            figures: ["ngrams": Double(total), "ngrams_found": Double(found), "fraction": fraction])
    }

    func llama2Result(_ item: TokenizedItem, _ lengths: [Int], documents: DocumentCache) throws -> MethodResult {
        let covered = try llama2.contaminatedTokens(item, matchingStatistics: lengths, documents: documents)
        let count = covered.filter { $0 }.count
        let percent = item.tokenCount == 0 ? 0 : 100 * Double(count) / Double(item.tokenCount)
        let verdict = Llama2Contamination.verdict(percent: percent)
        return MethodResult(method: .llama2, verdict: verdict,
                            evidence: String(format: "%.1f%% of tokens contaminated (%d of %d)", percent, count, item.tokenCount),
                            figures: ["contaminated_tokens": Double(count), "percent": percent])
    }

    func gpt4Result(_ item: TokenizedItem, _ lengths: [Int]) -> MethodResult {
        let windows = gpt4.windows(item)
        let found = windows.filter { Self.occurs($0, lengths) }
        let figures: [String: Double] = ["windows": Double(windows.count), "windows_found": Double(found.count)]
        if let first = found.first {
            return MethodResult(method: .gpt4, verdict: .dirty, evidence: "\(found.count) of \(windows.count) windows found, e.g. \(Self.quote(item, first))", figures: figures, tokenRange: first)
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
        let evidence = String(format: "similarity %.2f over %d tokens with %@", best.similarity, shown.columns, best.source.label)
        return MethodResult(method: .near, verdict: near.isNearVerbatim ? .dirty : .clean, evidence: evidence,
                            figures: ["similarity": near.bestSimilarity, "span_tokens": Double(best.span.columns)],
                            tokenRange: near.isNearVerbatim ? best.span.itemRange : nil)
    }
}
