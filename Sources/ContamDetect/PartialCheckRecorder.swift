import Foundation
import ContamStorage
import ContamText
import ContamIndex

/// Writes the answers of one part of a split for `PartialCheckResult` (`contam check --partial`): what a check of
/// the same items on the merged index could ask this part's suffix arrays, sketches and document store. Costs
/// about what a check costs (matching statistics, counts and occurrences of every maximal run) plus reading the
/// documents the occurrences point into.
public struct PartialCheckRecorder {
    public let index: Index
    public let options: CheckOptions
    let evaluator: MethodEvaluator
    let tokenizer: Tokenizer

    /// Occurrences kept per run and shard: the largest limit a check asks with (sources, seeds, Llama 2's spans).
    public var occurrenceLimit: Int {
        max(options.maxSources, NearVerbatimAligner(minSpan: options.minSpan, similarity: options.similarity, seedLength: options.seedLength).seedOccurrenceLimit,
            evaluator.llama2.occurrenceLimit, 1)
    }

    public init(index: Index, options: CheckOptions, tokenized: [TokenizedItem]) {
        self.index = index
        self.options = options
        self.tokenizer = Tokenizer(options: index.tokenizerOptions)
        self.evaluator = ContaminationChecker(membership: .suffixArray(index), options: options).evaluator(for: tokenized)
    }

    /// The partial result of `items` (tokenized as `tokenized`) against this part.
    public func record(items: [CheckItem], tokenized: [TokenizedItem], indexPath: String, notes: [String]) throws -> PartialCheckResult {
        let checker = ContaminationChecker(membership: .suffixArray(index), options: options)
        let firstPass = checker.firstPass(for: evaluator)
        let limit = occurrenceLimit
        index.prepareForMatching()
        let answers = try parallelMap(items.count, threads: options.threads) { k in
            answer(tokenized[k], limit: limit, firstPassN: firstPass?.ngramLength)
        }
        // The documents every recorded occurrence points into, each once.
        var refs = Set<CorpusDocumentRef>()
        for answer in answers {
            for run in answer.runs {
                for (shard, list) in (run.occurrences ?? []).enumerated() {
                    for pair in list { refs.insert(CorpusDocumentRef(shard: shard, document: pair[0])) }
                }
            }
        }
        var documents: [PartialCheckResult.RecordedDocument] = []
        var fileText = Set<String>()
        for ref in refs.sorted() {
            let info = try index.documentInfo(ref)
            documents.append(.init(shard: ref.shard, document: ref.document, externalID: info.externalID, sourcePath: info.sourcePath,
                                   recordNumber: info.recordNumber, tokenCount: info.tokenCount, text: Data(try index.documentText(ref))))
            if index.documentsAreFileText(sourcePath: info.sourcePath) { fileText.insert(info.sourcePath) }
        }
        let manifest = index.manifest
        let part = PartialCheckResult.PartIdentity(index: manifest.part?.index, count: manifest.part?.count, split: manifest.splitFingerprint,
                                                   indexPath: indexPath, manifestChecksum: manifest.manifestChecksum,
                                                   shardDocumentCounts: index.shardDocumentCounts, shardTokenCounts: index.shardTokenCounts)
        return PartialCheckResult(part: part, tokenizer: index.tokenizerOptions, options: .init(options), occurrenceLimit: limit,
                                  gpt3NgramLength: evaluator.gpt3NgramLength, gpt3DocumentCap: evaluator.gpt3DocumentCap,
                                  sketchNGramSizes: index.sketchNGramSizes, firstPassNgramLength: firstPass?.ngramLength, notes: notes,
                                  items: items.map(PartialCheckResult.RecordedItem.init), answers: answers, documents: documents,
                                  fileTextSources: fileText.sorted())
    }

    /// This part's answers about one item.
    func answer(_ item: TokenizedItem, limit: Int, firstPassN: Int?) -> PartialCheckResult.ItemAnswers {
        let tokens = item.strings
        let lengths = index.matchingLengths(of: tokens)
        let methods = options.methods
        var runs: [Int: PartialCheckResult.RecordedRun] = [:]
        func key(_ start: Int, _ length: Int) -> Int { start * (tokens.count + 1) + length }
        func record(_ start: Int, _ length: Int, occurrences: Bool, documentCount: Bool) {
            let k = key(start, length)
            let run = tokens[start..<(start + length)]
            var entry = runs[k] ?? .init(start: start, length: length, count: index.count(of: run), occurrences: nil, documentCount: nil)
            if occurrences && entry.occurrences == nil { entry.occurrences = shardOccurrences(of: run, limit: limit) }
            if documentCount && entry.documentCount == nil { entry.documentCount = index.documentCount(of: run, cap: evaluator.gpt3DocumentCap + 1) }
            runs[k] = entry
        }
        // Every maximal run the merged statistics can have here (verbatim spans, alignment seeds, Llama 2's spans).
        // The shortest they ask about: verbatim spans (--min-match), seeds (--seed-length), Llama 2's exact starts.
        let shortest = min(options.minMatch, options.seedLength, methods.contains(.llama2) ? evaluator.llama2.exactPrefix : Int.max)
        for span in VerbatimAnalyzer.maximalSpans(matchingLengths: lengths, minLength: shortest) {
            record(span.lowerBound, span.count, occurrences: true, documentCount: false)
        }
        if methods.contains(.llama2) {
            let prefix = evaluator.llama2.exactPrefix
            for (start, length) in lengths.enumerated() where length >= prefix {
                record(start, prefix, occurrences: true, documentCount: false)
            }
        }
        if methods.contains(.gpt3) {
            for range in Self.wordNgramRanges(item, n: evaluator.gpt3NgramLength, wholeIfShort: true) where lengths[range.lowerBound] >= range.count {
                record(range.lowerBound, range.count, occurrences: false, documentCount: true)
            }
        }
        var sketchHits: String?
        if let n = firstPassN {
            let filters = index.sketches.map(\.filter)
            var hits = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, tokens.count - n + 1))
            let hashes = tokens.map { TokenHash.hash($0) }
            hashes.withUnsafeBufferPointer { buffer in
                NGramHash.forEachNGram(of: buffer, n: n) { end, hash in
                    if filters.contains(where: { $0.contains(hash) }) { hits[end + 1 - n] = UInt8(ascii: "1") }
                }
            }
            sketchHits = String(decoding: hits, as: UTF8.self)
        }
        return .init(matchingLengths: lengths, runs: runs.values.sorted { ($0.start, $0.length) < ($1.start, $1.length) }, sketchHits: sketchHits)
    }

    /// The first `limit` occurrences of `tokens` in each shard, in suffix-array order (before `Index.occurrences`
    /// sorts what it takes), as `[document, tokenOffset]`.
    func shardOccurrences(of tokens: ArraySlice<String>, limit: Int) -> [[[Int]]] {
        index.shards.map { shard in
            let sa = shard.suffixArray
            return sa.positions(in: sa.range(of: shard.ids(of: tokens)), limit: limit).compactMap { position in
                shard.document(at: position).map { [$0.document, $0.tokenOffset] }
            }
        }
    }

    /// The word n-gram token ranges `MethodEvaluator.wordNgrams` looks up.
    static func wordNgramRanges(_ item: TokenizedItem, n: Int, wholeIfShort: Bool) -> [Range<Int>] {
        let words = item.wordTokenIndices
        if words.count >= n { return (0...(words.count - n)).map { words[$0]..<(words[$0 + n - 1] + 1) } }
        if wholeIfShort, let first = words.first, let last = words.last { return [first..<(last + 1)] }
        return []
    }
}
