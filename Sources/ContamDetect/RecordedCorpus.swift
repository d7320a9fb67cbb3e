import Foundation
import ContamStorage
import ContamText
import ContamIndex

/// The merged index of a split as its parts' partial results describe it, for the items they checked: every
/// `CorpusQuerying` answer a check of those items asks for, combined over the parts as `Index` combines its shards.
/// Shards are numbered as in the merged index (part 1's first, in part order). A query no part recorded an answer
/// to is noted in `unanswered` (and the combine fails) rather than answered wrong.
final class RecordedCorpus: CorpusQuerying, @unchecked Sendable {
    /// One part's answers about one run of tokens.
    struct PartRun {
        var count: Int
        var documentCount: Int?
        /// Per shard of the part, in suffix-array order.
        var occurrences: [[[Int]]]?
    }

    let tokenizerOptions: TokenizerOptions
    /// Merged matching lengths per item.
    let lengths: [[Int]]
    let lengthsByTokens: [[String]: [Int]]
    /// Per part, its runs by their tokens.
    let runs: [[[String]: PartRun]]
    /// The first global shard number of each part.
    let shardOffsets: [Int]
    let partShardCounts: [Int]
    let occurrenceLimit: Int
    let documentCap: Int
    let documents: [CorpusDocumentRef: PartialCheckResult.RecordedDocument]
    let fileTextSources: Set<String>
    let shardDocumentCounts: [Int]
    let shardTokenCounts: [Int]
    let tokenizer: Tokenizer
    let unanswered = LockedBox<[String]>([])

    init(partials: [PartialCheckResult], paths: [String], tokenized: [TokenizedItem]) throws {
        let first = partials[0]
        tokenizerOptions = first.tokenizer
        tokenizer = Tokenizer(options: first.tokenizer)
        occurrenceLimit = first.occurrenceLimit
        documentCap = first.gpt3DocumentCap + 1
        var merged: [[Int]] = []
        var byTokens: [[String]: [Int]] = [:]
        for (k, item) in tokenized.enumerated() {
            var lengths = partials[0].answers[k].matchingLengths
            for partial in partials.dropFirst() {
                for (i, length) in partial.answers[k].matchingLengths.enumerated() where length > lengths[i] { lengths[i] = length }
            }
            merged.append(lengths)
            byTokens[item.strings] = lengths
        }
        lengths = merged
        lengthsByTokens = byTokens
        var offsets: [Int] = []
        var total = 0
        var documentCounts: [Int] = []
        var tokenCounts: [Int] = []
        var documents: [CorpusDocumentRef: PartialCheckResult.RecordedDocument] = [:]
        var runs: [[[String]: PartRun]] = []
        for partial in partials {
            offsets.append(total)
            for document in partial.documents {
                documents[CorpusDocumentRef(shard: total + document.shard, document: document.document)] = document
            }
            total += partial.part.shardDocumentCounts.count
            documentCounts += partial.part.shardDocumentCounts
            tokenCounts += partial.part.shardTokenCounts
            var partRuns: [[String]: PartRun] = [:]
            for (k, answer) in partial.answers.enumerated() {
                for run in answer.runs {
                    let key = Array(tokenized[k].strings[run.start..<(run.start + run.length)])
                    var entry = partRuns[key] ?? PartRun(count: run.count)
                    entry.documentCount = entry.documentCount ?? run.documentCount
                    entry.occurrences = entry.occurrences ?? run.occurrences
                    partRuns[key] = entry
                }
            }
            runs.append(partRuns)
        }
        shardOffsets = offsets
        partShardCounts = partials.map(\.part.shardDocumentCounts.count)
        shardDocumentCounts = documentCounts
        shardTokenCounts = tokenCounts
        self.documents = documents
        self.runs = runs
        fileTextSources = Set(partials.flatMap(\.fileTextSources))
    }

    func note(_ what: String) {
        unanswered.update { $0.append(what) }
    }

    func matchingLengths(of tokens: [String]) -> [Int] {
        if let lengths = lengthsByTokens[tokens] { return lengths }
        note("the matching statistics of a text that is not an item")
        return [Int](repeating: 0, count: tokens.count)
    }

    /// Runs absent from a part's record do not occur in it: the part records every run the merged check asks about
    /// that its own matching statistics reach.
    func count(of tokens: ArraySlice<String>) -> Int {
        let key = Array(tokens)
        return runs.reduce(0) { $0 + ($1[key]?.count ?? 0) }
    }

    func documentCount(of tokens: ArraySlice<String>, cap: Int) -> Int {
        guard !tokens.isEmpty, cap > 0 else { return 0 }
        guard cap <= documentCap else {
            note("a document count capped at \(cap), above the recorded \(documentCap)")
            return 0
        }
        let key = Array(tokens)
        var total = 0
        for part in runs {
            guard let run = part[key], run.count > 0 else { continue }
            guard let documents = run.documentCount else {
                note("the document count of a \(tokens.count)-token run")
                continue
            }
            total += documents
        }
        return min(cap, total)
    }

    /// As `Index.occurrences`: shard after shard, the first rows of each shard's suffix-array range (as many as are
    /// still wanted), sorted by position.
    func occurrences(of tokens: ArraySlice<String>, limit: Int) -> [CorpusOccurrence] {
        guard !tokens.isEmpty, limit > 0 else { return [] }
        let key = Array(tokens)
        var result: [CorpusOccurrence] = []
        for (p, part) in runs.enumerated() where result.count < limit {
            guard let run = part[key], run.count > 0 else { continue }
            guard let lists = run.occurrences else {
                note("the occurrences of a \(tokens.count)-token run")
                continue
            }
            for (shard, list) in lists.enumerated() where result.count < limit {
                let wanted = limit - result.count
                if wanted > list.count && list.count == occurrenceLimit {
                    note("more than the \(occurrenceLimit) recorded occurrences of a run")
                }
                let taken = list.prefix(wanted).sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
                for pair in taken {
                    result.append(CorpusOccurrence(document: CorpusDocumentRef(shard: shardOffsets[p] + shard, document: pair[0]), tokenOffset: pair[1]))
                }
            }
        }
        return result
    }

    func occurrence(atPosition position: Int, shard: Int) -> CorpusOccurrence? { nil }

    func recorded(_ ref: CorpusDocumentRef) throws -> PartialCheckResult.RecordedDocument {
        guard let document = documents[ref] else {
            note("document \(ref.document) of shard \(ref.shard)")
            throw InternalError("a combined check asked for document \(ref.document) of shard \(ref.shard), which no part recorded")
        }
        return document
    }

    func documentInfo(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo {
        let document = try recorded(ref)
        return CorpusDocumentInfo(externalID: document.externalID, sourcePath: document.sourcePath, recordNumber: document.recordNumber, tokenCount: document.tokenCount)
    }

    func documentTokens(_ ref: CorpusDocumentRef) throws -> (text: [UInt8], tokens: [Token]) {
        let text = [UInt8](try recorded(ref).text)
        return (text, tokenizer.tokens(in: text))
    }

    func documentsAreFileText(sourcePath: String) -> Bool { fileTextSources.contains(sourcePath) }
}
