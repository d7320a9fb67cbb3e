import Foundation
import ContamStorage
import ContamText
import ContamIndex

/// Where `contam check` learns whether an item's token runs occur in the corpus: the suffix array of a
/// full index (exact answers, counts, documents and passages), or the n-gram sketches of a sketch-only
/// index (membership only; see `SketchMembership` and `MethodEvaluator.evaluateOnSketch`). The methods,
/// verdicts and reports are the same for both.
public enum CheckMembership: Sendable {
    case suffixArray(any CorpusQuerying)
    case sketch(any SketchedIndex)

    /// The options the corpus was tokenized with; items are tokenized the same way.
    public var tokenizerOptions: TokenizerOptions {
        switch self {
        case .suffixArray(let corpus): return corpus.tokenizerOptions
        case .sketch(let index): return index.tokenizerOptions
        }
    }

    /// The membership of an opened index: its suffix array when it has one.
    public init(_ index: OpenedIndex) {
        switch index {
        case .full(let full): self = .suffixArray(full)
        case .sketchOnly(let sketch): self = .sketch(sketch)
        }
    }
}

/// Runs the whole per-item analysis of `contam check`: tokenizes the items with the corpus's options and
/// evaluates every selected method. On a suffix array it computes matching statistics once per item and
/// derives the verbatim figures, the near-verbatim alignment and the verdicts; on an index whose n-gram
/// sketch can decide the selected methods, items the sketch proves clean skip all of that
/// (`SketchFirstPass`). On a sketch-only index it probes the item's n-grams and gives each method's
/// verdict or `undecided`. Items are spread over `threads` threads; documents fetched for evidence are
/// shared through one `DocumentCache`.
public final class ContaminationChecker: @unchecked Sendable {
    public let membership: CheckMembership
    public let options: CheckOptions
    /// The documents fetched for evidence (nil on a sketch-only index, which has no document store).
    public let documents: DocumentCache?
    public let tokenizer: Tokenizer

    public init(membership: CheckMembership, options: CheckOptions) {
        self.membership = membership
        self.options = options
        if case .suffixArray(let corpus) = membership { documents = DocumentCache(corpus: corpus) } else { documents = nil }
        tokenizer = Tokenizer(options: membership.tokenizerOptions)
    }

    /// A checker on a suffix-array corpus.
    public convenience init(corpus: any CorpusQuerying, options: CheckOptions) {
        self.init(membership: .suffixArray(corpus), options: options)
    }

    var verbatimAnalyzer: VerbatimAnalyzer {
        VerbatimAnalyzer(minMatch: options.minMatch, maxSources: options.maxSources, contextBytes: options.contextBytes, withPassages: options.sourcePassages)
    }

    var aligner: NearVerbatimAligner {
        var aligner = NearVerbatimAligner(minSpan: options.minSpan, similarity: options.similarity, seedLength: options.seedLength)
        aligner.contextBytes = options.contextBytes
        aligner.withPassages = options.sourcePassages
        return aligner
    }

    /// Tokenizes every item (in parallel), refusing items with no tokens or more than `maxItemTokens`.
    public func tokenize(_ items: [CheckItem]) throws -> [TokenizedItem] {
        try parallelMap(items.count, threads: options.threads) { k in
            let item = items[k]
            let tokenized = TokenizedItem(text: item.text, tokenizer: tokenizer)
            if tokenized.tokenCount == 0 {
                throw DetectError.emptyItem(path: item.sourcePath, record: item.recordNumber, detail: "no tokens after normalization (\(membership.tokenizerOptions.summary))")
            }
            if tokenized.tokenCount > options.maxItemTokens {
                throw DetectError.itemTooLong(path: item.sourcePath, record: item.recordNumber, tokens: tokenized.tokenCount, limit: options.maxItemTokens)
            }
            return tokenized
        }
    }

    /// The method evaluator for these items (`gpt3`'s N depends on all of them).
    public func evaluator(for tokenized: [TokenizedItem]) -> MethodEvaluator {
        var n = 13
        if options.methods.contains(.gpt3) { n = MethodEvaluator.gpt3NgramLength(wordCounts: tokenized.map(MethodEvaluator.wordCount)) }
        return MethodEvaluator(methods: options.methods, gpt3NgramLength: n)
    }

    /// The sketch first pass for this evaluator's methods, or nil when it is off (`--no-first-pass`) or
    /// cannot decide them on this corpus.
    public func firstPass(for evaluator: MethodEvaluator) -> SketchFirstPass? {
        guard options.firstPass, case .suffixArray(let corpus) = membership else { return nil }
        return SketchFirstPass(corpus: corpus, evaluator: evaluator, options: options)
    }

    /// Checks all items; results are in input order. `progress` is called with the number of items done.
    public func check(_ items: [CheckItem], progress: (@Sendable (Int) -> Void)? = nil) throws -> [ItemResult] {
        let tokenized = try tokenize(items)
        let evaluator = evaluator(for: tokenized)
        let firstPass = firstPass(for: evaluator)
        if case .suffixArray(let corpus) = membership { corpus.prepareForMatching() }
        let done = LockedBox(0)
        return try parallelMap(items.count, threads: options.threads) { k in
            let result = try check(items[k], tokenized: tokenized[k], evaluator: evaluator, firstPass: firstPass)
            if let progress { progress(done.update { $0 += 1; return $0 }) }
            return result
        }
    }

    /// Checks one tokenized item; with `firstPass`, an item it clears skips the matching statistics and all after.
    public func check(_ item: CheckItem, tokenized: TokenizedItem, evaluator: MethodEvaluator, firstPass: SketchFirstPass? = nil) throws -> ItemResult {
        switch membership {
        case .suffixArray(let corpus):
            guard let documents else { throw InternalError("a suffix-array check without a document cache") }
            if let firstPass, let clearance = firstPass.clearance(of: tokenized) {
                return try firstPass.clearedResult(item, tokenized: tokenized, clearance: clearance, evaluator: evaluator, documents: documents)
            }
            let lengths = corpus.matchingLengths(of: tokenized.strings)
            let verbatim = try verbatimAnalyzer.analyze(tokenized, matchingLengths: lengths, documents: documents)
            let near = try aligner.align(tokenized, matchingLengths: lengths, documents: documents)
            let methods = try evaluator.evaluate(tokenized, matchingLengths: lengths, verbatim: verbatim, near: near, documents: documents)
            return ItemResult(item: item, tokenized: tokenized, verbatim: verbatim, near: near, methods: methods)
        case .sketch(let index):
            let sketch = SketchMembership(tokens: tokenized.strings, index: index)
            let methods = evaluator.evaluateOnSketch(tokenized, sketch, falsePositiveRate: index.sketchFalsePositiveRate, seedLength: options.seedLength)
            let bound = sketch.longestMatchBound
            // With no seed run possible the near-verbatim result is exactly "no candidate passage".
            return ItemResult(item: item, tokenized: tokenized, verbatim: nil, near: bound < options.seedLength ? NearVerbatimResult.none : nil, methods: methods,
                              sketchOnly: ItemResult.SketchOnlyFacts(longestMatchBound: bound, spansKnownEmpty: bound < options.minMatch))
        }
    }
}
