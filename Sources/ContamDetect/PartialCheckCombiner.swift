import Foundation
import ContamStorage
import ContamText
import ContamIndex
import ContamCorpus

/// `contam check --combine PARTIAL…`: the results of one check on the merged index of a `--shard K/N` split, from
/// the partial results (`PartialCheckResult`) of every part. The combined corpus (`RecordedCorpus`) answers each
/// query as the merged index would: matching lengths are the maximum over parts, counts and document counts add
/// up, occurrences are taken shard after shard in part order, documents come from the part that holds them. The
/// same `ContaminationChecker` then computes every figure, alignment and verdict; the sketch first pass is
/// replayed from the parts' recorded Bloom-filter hits. Nothing is approximated: a query the parts did not record
/// the answer to is an error, never a guess.
public struct PartialCheckCombiner {
    /// The partials, in part order, with the paths they were read from.
    public let partials: [PartialCheckResult]
    public let paths: [String]
    /// A note naming missing parts when they were allowed (nil when every part is there).
    public let missingNote: String?

    /// Checks that the partials belong together (one split, each part once, none missing unless
    /// `allowMissingParts`, the same items, options and tokenizer) and orders them by part.
    public init(partials given: [PartialCheckResult], paths givenPaths: [String], allowMissingParts: Bool = false) throws {
        guard let first = given.first else { throw DetectError.badPartial(path: "--combine", detail: "no partial result given") }
        let inputs = zip(givenPaths, given).map { path, partial in
            SplitParts.Input(path: path, part: partial.part.index.flatMap { k in partial.part.count.flatMap { try? InputPart(index: k, count: $0) } },
                             split: partial.part.split)
        }
        let order: [Int]
        do {
            (order, missingNote) = try SplitParts.check(inputs, allowMissing: allowMissingParts)
        } catch {
            throw DetectError.badPartial(path: error.path, detail: error.detail)
        }
        for (path, partial) in zip(givenPaths, given) {
            if partial.part.index == nil && given.count > 1 {
                throw DetectError.badPartial(path: path, detail: "it was checked against a whole index (\(partial.part.indexPath)), not a part of a --shard split")
            }
            let firstPath = givenPaths[0]
            guard partial.tokenizer == first.tokenizer else {
                throw DetectError.badPartial(path: path, detail: "its index was tokenized with \(partial.tokenizer.summary), \(firstPath)'s with \(first.tokenizer.summary)")
            }
            guard partial.options == first.options, partial.occurrenceLimit == first.occurrenceLimit, partial.gpt3DocumentCap == first.gpt3DocumentCap else {
                throw DetectError.badPartial(path: path, detail: "it was checked with other options than \(firstPath) (methods \(partial.options.methods.joined(separator: ",")) vs \(first.options.methods.joined(separator: ",")), or another --min-match, --max-sources, --min-span, --similarity, --seed-length, --max-item-tokens or --no-first-pass); check every part alike")
            }
            guard partial.items == first.items, partial.gpt3NgramLength == first.gpt3NgramLength, partial.notes == first.notes else {
                throw DetectError.badPartial(path: path, detail: "it checked other items than \(firstPath) (\(partial.items.count) vs \(first.items.count) items, or other texts); check the same items against every part")
            }
            guard partial.sketchNGramSizes == first.sketchNGramSizes, partial.firstPassNgramLength == first.firstPassNgramLength else {
                throw DetectError.badPartial(path: path, detail: "its index has other n-gram sketches than \(firstPath)'s (sizes \(partial.sketchNGramSizes) vs \(first.sketchNGramSizes)); build every part alike")
            }
        }
        partials = order.map { given[$0] }
        paths = order.map { givenPaths[$0] }
    }

    /// Reads the partial result files and checks they belong together (see `init(partials:paths:allowMissingParts:)`).
    public init(paths: [String], allowMissingParts: Bool = false) throws {
        try self.init(partials: paths.map { try PartialCheckResult.read(path: $0) }, paths: paths, allowMissingParts: allowMissingParts)
    }

    /// The check options the parts were checked with (`threads` and `sourcePassages` are the caller's).
    public func options(threads: Int, sourcePassages: Bool) throws -> CheckOptions {
        try partials[0].options.checkOptions(threads: threads, sourcePassages: sourcePassages)
    }

    /// The items the parts checked.
    public var items: [CheckItem] { partials[0].items.map(\.checkItem) }

    /// The notes the parts' item reading gave (alike in every part).
    public var notes: [String] { partials[0].notes }

    /// The n of the replayed first pass (nil when the merged index would run none).
    public var firstPassNgramLength: Int? { partials[0].firstPassNgramLength }

    /// The results of one check on the merged index, in item order, with the checker (its document cache holds
    /// the recorded documents, for `--html`). `options` must be `options(threads:sourcePassages:)`'s.
    public func combine(options: CheckOptions) throws -> (results: [ItemResult], checker: ContaminationChecker, gpt3NgramLength: Int) {
        let first = partials[0]
        let tokenizer = Tokenizer(options: first.tokenizer)
        let items = items
        let tokenized = try parallelMap(items.count, threads: options.threads) { TokenizedItem(text: items[$0].text, tokenizer: tokenizer) }
        for (k, item) in tokenized.enumerated() {
            for (path, partial) in zip(paths, partials) where partial.answers[k].matchingLengths.count != item.tokenCount {
                throw DetectError.badPartial(path: path, detail: "item \(k + 1) has \(item.tokenCount) tokens, but its answers cover \(partial.answers[k].matchingLengths.count)")
            }
        }
        let corpus = try RecordedCorpus(partials: partials, paths: paths, tokenized: tokenized)
        let checker = ContaminationChecker(membership: .suffixArray(corpus), options: options)
        // Refuses what the index would refuse (empty, over-long items) with the same message.
        _ = try checker.tokenize(items)
        let evaluator = checker.evaluator(for: tokenized)
        guard evaluator.gpt3NgramLength == first.gpt3NgramLength else {
            throw DetectError.badPartial(path: paths[0], detail: "GPT-3's N over these items is \(evaluator.gpt3NgramLength), the part recorded \(first.gpt3NgramLength)")
        }
        let firstPass = first.firstPassNgramLength.map { SketchFirstPass(replaying: $0, corpus: corpus, evaluator: evaluator, options: options) }
        let results = try parallelMap(items.count, threads: options.threads) { k -> ItemResult in
            if let firstPass, let clearance = replayedClearance(item: k, tokenized: tokenized[k], firstPass: firstPass, merged: corpus.lengths[k]) {
                return try firstPass.clearedResult(items[k], tokenized: tokenized[k], clearance: clearance, evaluator: evaluator, documents: checker.documents!)
            }
            return try checker.check(items[k], tokenized: tokenized[k], evaluator: evaluator, firstPass: nil)
        }
        if let missing = corpus.unanswered.value.first {
            throw InternalError("a combined check asked what no part recorded (\(missing)); rerun the parts with this contam version")
        }
        return (results, checker, evaluator.gpt3NgramLength)
    }

    /// `SketchFirstPass.clearance(of:)` on the merged index: a Bloom-filter hit is one in any part's shards, and the
    /// suffix-array lookup of the hit's n-gram finds it exactly when the merged matching length there reaches n.
    func replayedClearance(item k: Int, tokenized: TokenizedItem, firstPass: SketchFirstPass, merged lengths: [Int]) -> SketchFirstPass.Clearance? {
        let n = firstPass.ngramLength
        guard tokenized.tokenCount >= n, firstPass.gpt3LookupsAreLongEnough(tokenized) else { return nil }
        let hits = partials.map { Array(($0.answers[k].sketchHits ?? "").utf8) }
        var falsePositives = 0
        for start in 0...(tokenized.tokenCount - n) where hits.contains(where: { start < $0.count && $0[start] == UInt8(ascii: "1") }) {
            if falsePositives == firstPass.maxFalsePositives || lengths[start] >= n { return nil }
            falsePositives += 1
        }
        return SketchFirstPass.Clearance(ngramLength: n, spansKnownEmpty: firstPass.minMatch >= n, nearKnownEmpty: firstPass.seedLength >= n, falsePositives: falsePositives)
    }
}

extension SketchFirstPass {
    /// A first pass that is only replayed (`PartialCheckCombiner`): its filters are the parts', already probed.
    init(replaying n: Int, corpus: any CorpusQuerying, evaluator: MethodEvaluator, options: CheckOptions) {
        ngramLength = n
        self.corpus = corpus
        filters = []
        methods = evaluator.methods
        gpt3NgramLength = evaluator.gpt3NgramLength
        minMatch = options.minMatch
        seedLength = options.seedLength
    }
}
