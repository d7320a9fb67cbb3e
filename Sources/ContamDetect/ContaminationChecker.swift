import Foundation
import ContamStorage
import ContamText

/// Runs the whole per-item analysis of `contam check` against a corpus: tokenizes the items with the
/// corpus's options, computes matching statistics once per item, derives the verbatim figures, the
/// near-verbatim alignment and every selected method's verdict. On an index whose n-gram sketch can
/// decide the selected methods, items the sketch proves clean skip all of that (`SketchFirstPass`).
/// Items are spread over `threads` threads; documents fetched for evidence are shared through one
/// `DocumentCache`.
public final class ContaminationChecker: @unchecked Sendable {
    public let corpus: any CorpusQuerying
    public let options: CheckOptions
    public let documents: DocumentCache
    public let tokenizer: Tokenizer

    public init(corpus: any CorpusQuerying, options: CheckOptions) {
        self.corpus = corpus
        self.options = options
        documents = DocumentCache(corpus: corpus)
        tokenizer = Tokenizer(options: corpus.tokenizerOptions)
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
                throw DetectError.emptyItem(path: item.sourcePath, record: item.recordNumber, detail: "no tokens after normalization (\(corpus.tokenizerOptions.summary))")
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
        options.firstPass ? SketchFirstPass(corpus: corpus, evaluator: evaluator, options: options) : nil
    }

    /// Checks all items; results are in input order. `progress` is called with the number of items done.
    public func check(_ items: [CheckItem], progress: (@Sendable (Int) -> Void)? = nil) throws -> [ItemResult] {
        let tokenized = try tokenize(items)
        let evaluator = evaluator(for: tokenized)
        let firstPass = firstPass(for: evaluator)
        let done = LockedBox(0)
        return try parallelMap(items.count, threads: options.threads) { k in
            let result = try check(items[k], tokenized: tokenized[k], evaluator: evaluator, firstPass: firstPass)
            if let progress { progress(done.update { $0 += 1; return $0 }) }
            return result
        }
    }

    /// Checks one tokenized item; with `firstPass`, an item it clears skips the matching statistics and all after.
    public func check(_ item: CheckItem, tokenized: TokenizedItem, evaluator: MethodEvaluator, firstPass: SketchFirstPass? = nil) throws -> ItemResult {
        if let firstPass, let clearance = firstPass.clearance(of: tokenized) {
            return try firstPass.clearedResult(item, tokenized: tokenized, clearance: clearance, evaluator: evaluator, documents: documents)
        }
        let lengths = corpus.matchingStatistics(of: tokenized.strings)
        let verbatim = try verbatimAnalyzer.analyze(tokenized, matchingStatistics: lengths, documents: documents)
        let near = try aligner.align(tokenized, matchingStatistics: lengths, documents: documents)
        let methods = try evaluator.evaluate(tokenized, matchingStatistics: lengths, verbatim: verbatim, near: near, documents: documents)
        return ItemResult(item: item, tokenized: tokenized, verbatim: verbatim, near: near, methods: methods)
    }
}
