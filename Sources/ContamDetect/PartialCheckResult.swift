import Foundation
import ContamText
import ContamIndex
import ContamStorage

/// What `contam check INDEX ITEMS --partial OUT.json` writes for one part of a `--shard K/N` split: the items,
/// the check's options, and every answer of this part's suffix arrays that a check on the merged index could
/// ask for (docs/scale.md, "Checks against the parts"). `PartialCheckCombiner` combines the partial results of
/// all N parts into exactly the results of one check on the merged index.
///
/// Every answer of a merged index is a per-shard answer combined in shard order: matching lengths are the
/// maximum over shards, counts add up, occurrences are taken shard after shard. So each part records, per item:
/// - its matching lengths (the merged ones are the maximum over parts);
/// - for every maximal run of its own matching statistics (a run the merged index can ask about is one of them:
///   a part holds the merged run at start a only when its own length there is the merged one, and then a is a
///   maximal start of its own statistics too), the run's count and its first `occurrenceLimit` occurrences in
///   each of its shards in suffix-array order, as `Index.occurrences` takes them;
/// - with `llama2`, the same for the `exactPrefix`-token run at every start; with `gpt3`, the count and the
///   capped document count of every word n-gram the part holds (document counts add up: each document is in
///   one part);
/// - with a first pass, which of the item's n-grams its shards' Bloom filters hold;
/// - the documents those occurrences are in (text and metadata), for passages, labels and alignments.
public struct PartialCheckResult: Codable, Sendable, Equatable {
    public static let formatName = "contam-check-partial"
    public static let currentVersion = 1

    public var format = PartialCheckResult.formatName
    public var formatVersion = PartialCheckResult.currentVersion
    public var contamVersion = ContamVersion.string
    /// Which part of which split this is.
    public var part: PartIdentity
    public var tokenizer: TokenizerOptions
    public var options: RecordedOptions
    /// Occurrences recorded per run and shard (at least every limit a check asks with).
    public var occurrenceLimit: Int
    /// GPT-3's N over these items, and its document cutoff.
    public var gpt3NgramLength: Int
    public var gpt3DocumentCap: Int
    /// The part's sketched n-gram sizes (intersection over its shards) and the n its first pass probes (nil: none).
    public var sketchNGramSizes: [Int]
    public var firstPassNgramLength: Int?
    /// Notes about the items (skipped records, replaced UTF-8, skipped inputs), as the report shows them.
    public var notes: [String]
    public var items: [RecordedItem]
    /// Per item, in `items` order.
    public var answers: [ItemAnswers]
    public var documents: [RecordedDocument]
    /// Source files whose documents are the file's text as it is (their matches show the file's line).
    public var fileTextSources: [String]

    /// The identity of the part: its place in the split and the index it was checked against.
    public struct PartIdentity: Codable, Sendable, Equatable {
        /// K of `--shard K/N` (1-based), and N; nil for an index that is not a part (a whole index).
        public var index: Int?
        public var count: Int?
        /// The split's fingerprint (`IndexManifest.splitFingerprint`): alike in every part of one split.
        public var split: String?
        /// The index checked, as named, and its manifest's checksum (its build identity).
        public var indexPath: String
        public var manifestChecksum: String?
        /// Documents and token positions of each of the part's shards (in its manifest's order).
        public var shardDocumentCounts: [Int]
        public var shardTokenCounts: [Int]
    }

    /// The check options the answers were recorded for (all but `threads` and the output's).
    public struct RecordedOptions: Codable, Sendable, Equatable {
        public var methods: [String]
        public var minMatch: Int
        public var maxSources: Int
        public var minSpan: Int
        public var similarity: Double
        public var seedLength: Int
        public var maxItemTokens: Int
        public var firstPass: Bool
        public var contextBytes: Int

        public init(_ options: CheckOptions) {
            methods = options.methods.map(\.rawValue)
            minMatch = options.minMatch
            maxSources = options.maxSources
            minSpan = options.minSpan
            similarity = options.similarity
            seedLength = options.seedLength
            maxItemTokens = options.maxItemTokens
            firstPass = options.firstPass
            contextBytes = options.contextBytes
        }

        /// The check options these describe, with `threads` and `sourcePassages` from the caller.
        public func checkOptions(threads: Int, sourcePassages: Bool) throws -> CheckOptions {
            var options = CheckOptions()
            options.methods = try methods.map { name in
                guard let method = ContaminationMethod(rawValue: name) else { throw DetectError.unknownMethod(name) }
                return method
            }
            options.minMatch = minMatch
            options.maxSources = maxSources
            options.minSpan = minSpan
            options.similarity = similarity
            options.seedLength = seedLength
            options.maxItemTokens = maxItemTokens
            options.firstPass = firstPass
            options.contextBytes = contextBytes
            options.threads = threads
            options.sourcePassages = sourcePassages
            return options
        }
    }

    /// One item as read (no raw record: a combined check cannot write `--write-clean` copies).
    public struct RecordedItem: Codable, Sendable, Equatable {
        public var id: String
        public var sourcePath: String
        public var recordNumber: Int
        public var text: Data

        public init(_ item: CheckItem) {
            id = item.id
            sourcePath = item.sourcePath
            recordNumber = item.recordNumber
            text = Data(item.text)
        }

        public var checkItem: CheckItem {
            CheckItem(id: id, sourcePath: sourcePath, recordNumber: recordNumber, text: [UInt8](text), rawRecord: [UInt8](text))
        }
    }

    /// This part's answers about one item.
    public struct ItemAnswers: Codable, Sendable, Equatable {
        /// The item's matching statistics against this part.
        public var matchingLengths: [Int]
        /// The runs recorded, each once.
        public var runs: [RecordedRun]
        /// With a first pass: "1" where some shard's Bloom filter holds the n-gram starting at that token, else "0".
        public var sketchHits: String?
    }

    /// A run `start..<start+length` of an item's tokens: its count in this part, its first occurrences in each
    /// shard (suffix-array order, as `[document, tokenOffset]`), and its document count capped at
    /// `gpt3DocumentCap + 1` (with `gpt3`).
    public struct RecordedRun: Codable, Sendable, Equatable {
        public var start: Int
        public var length: Int
        public var count: Int
        public var occurrences: [[[Int]]]?
        public var documentCount: Int?
    }

    /// A document an occurrence points into: `shard` is the part's own shard number.
    public struct RecordedDocument: Codable, Sendable, Equatable {
        public var shard: Int
        public var document: Int
        public var externalID: String?
        public var sourcePath: String
        public var recordNumber: Int
        public var tokenCount: Int
        public var text: Data
    }

    /// Reads and validates a partial result file: format, version, and every figure it holds against the
    /// items it describes (lengths, run bounds, shard and document numbers), so no bad integer reaches an index.
    public static func read(path: String) throws -> PartialCheckResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DetectError.badPartial(path: path, detail: "cannot read the file")
        }
        return try decoded(data, source: path)
    }

    /// Decodes and validates a partial result received from `source` (a file, or a server of a `--remote` union),
    /// with the checks of `read(path:)`.
    public static func decoded(_ data: Data, source path: String) throws -> PartialCheckResult {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DetectError.badPartial(path: path, detail: "not a JSON object")
        }
        guard object["format"] as? String == formatName else {
            throw DetectError.badPartial(path: path, detail: "not a partial check result (format is \(object["format"].map { "'\($0)'" } ?? "missing")); write one with 'contam check INDEX ITEMS --partial FILE'")
        }
        guard object["formatVersion"] as? Int == currentVersion else {
            throw DetectError.badPartial(path: path, detail: "format version \(object["formatVersion"].map { "\($0)" } ?? "missing"), but this contam reads version \(currentVersion); rerun the part's check")
        }
        let partial: PartialCheckResult
        do {
            partial = try JSONDecoder().decode(PartialCheckResult.self, from: data)
        } catch {
            throw DetectError.badPartial(path: path, detail: "\(error)")
        }
        if let problem = partial.problem {
            throw DetectError.badPartial(path: path, detail: problem)
        }
        return partial
    }

    /// What is wrong with the figures (nil when they are sound).
    var problem: String? {
        guard answers.count == items.count else { return "\(answers.count) answer sets for \(items.count) items" }
        guard occurrenceLimit >= 1, occurrenceLimit <= 1_000_000, gpt3NgramLength >= 1, gpt3DocumentCap >= 0 else { return "bad limits" }
        guard part.shardDocumentCounts.count == part.shardTokenCounts.count, !part.shardDocumentCounts.isEmpty,
              part.shardDocumentCounts.allSatisfy({ $0 >= 0 }), part.shardTokenCounts.allSatisfy({ $0 >= 0 }) else { return "bad shard figures" }
        if let k = part.index, let n = part.count, !(n >= 1 && (1...n).contains(k)) { return "part \(k)/\(n) is not a part of a split" }
        let shards = part.shardDocumentCounts.count
        for (k, answer) in answers.enumerated() {
            let m = answer.matchingLengths.count
            for (i, length) in answer.matchingLengths.enumerated() where length < 0 || length > m - i {
                return "item \(k + 1): matching length \(length) at token \(i) of \(m)"
            }
            if let n = firstPassNgramLength {
                // A missing hit would read as "absent from every filter" and clear the item: every n-gram needs its answer.
                guard n >= 1, let hits = answer.sketchHits, hits.utf8.count == max(0, m - n + 1) else {
                    return "item \(k + 1): the first pass needs a sketch answer for each of its \(max(0, m - (firstPassNgramLength ?? 0) + 1)) n-grams"
                }
            }
            if let hits = answer.sketchHits, hits.contains(where: { $0 != "0" && $0 != "1" }) { return "item \(k + 1): sketch hits must be 0s and 1s" }
            for run in answer.runs {
                guard run.start >= 0, run.length >= 1, run.start <= m - run.length, run.count >= 0, (run.documentCount ?? 0) >= 0 else {
                    return "item \(k + 1): run \(run.start)+\(run.length) outside its \(m) tokens"
                }
                if let occurrences = run.occurrences {
                    guard occurrences.count == shards else { return "item \(k + 1): occurrences for \(occurrences.count) shards, the part has \(shards)" }
                    for (shard, list) in occurrences.enumerated() {
                        guard list.count <= occurrenceLimit else { return "item \(k + 1): more occurrences than the limit" }
                        for pair in list {
                            guard pair.count == 2, pair[0] >= 0, pair[0] < part.shardDocumentCounts[shard], pair[1] >= 0 else {
                                return "item \(k + 1): occurrence \(pair) is not a document of shard \(shard)"
                            }
                        }
                    }
                }
            }
        }
        for document in documents {
            guard document.shard >= 0, document.shard < shards, document.document >= 0, document.document < part.shardDocumentCounts[document.shard],
                  document.tokenCount >= 0 else { return "document \(document.shard)/\(document.document) is not a document of the part" }
        }
        return nil
    }

    /// The JSON of the file format.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the file atomically (never over an existing non-file).
    public func write(to path: String) throws {
        do {
            try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DetectError.cannotWrite(path: path, message: error.localizedDescription)
        }
    }
}
