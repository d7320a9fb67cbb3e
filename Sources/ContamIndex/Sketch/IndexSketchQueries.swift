import Foundation
import ContamStorage
import ContamText

extension NGramSketch {
    /// Opens the sketch of a manifest shard entry (nil when the shard has none) and checks that its
    /// parameters are the ones the manifest records.
    static func open(indexPath: String, entry: IndexManifest.Shard) throws -> NGramSketch? {
        guard let expected = entry.sketch else { return nil }
        let path = "\(indexPath)/\(entry.directory)/\(fileName)"
        let sketch = try NGramSketch(path: path)
        guard sketch.parameters == expected else {
            throw StorageError.corruptHeader(path: path, detail: "sketch parameters \(sketch.parameters) differ from the manifest's \(expected)")
        }
        return sketch
    }
}

/// One n-gram of a `has` query and whether the sketch may hold it.
public struct SketchNGramAnswer: Codable, Equatable, Sendable {
    /// Index of the n-gram's first token in the query.
    public var start: Int
    public var n: Int
    public var text: String
    public var present: Bool
}

extension SketchedIndex {
    /// The n-gram sizes every shard's sketch holds (empty when the index has no sketch).
    public var sketchNGramSizes: [Int] {
        guard let first = sketches.first, sketches.count == manifest.shards.count else { return [] }
        return sketches.dropFirst().reduce(Set(first.parameters.ngramSizes)) { $0.intersection($1.parameters.ngramSizes) }.sorted()
    }

    /// The highest target false-positive rate of the shards' sketches (a probe errs at most about this often).
    public var sketchFalsePositiveRate: Double {
        sketches.map(\.parameters.targetFalsePositiveRate).max() ?? 0
    }

    /// True when some shard's sketch may hold the n-gram with these normalized tokens (false: certainly absent).
    public func sketchContains(tokens: some Collection<String>) -> Bool {
        let hash = NGramHash.hash(tokens: tokens)
        return sketches.contains { $0.parameters.ngramSizes.contains(tokens.count) && $0.filter.contains(hash) }
    }

    /// Membership of a phrase: when it has exactly n tokens for a sketched n, that one n-gram; when
    /// longer, every n-gram of it for the largest sketched n it covers. Throws when the index has no
    /// sketch or the phrase is shorter than every sketched n.
    public func sketchAnswers(for phrase: String) throws -> [SketchNGramAnswer] {
        let sizes = sketchNGramSizes
        guard !sizes.isEmpty else {
            throw IndexError.incompatibleOptions(path: path, detail: "this index has no n-gram sketch (built with --no-sketch); rebuild it without --no-sketch, or use 'query count'")
        }
        let tokens = self.tokens(of: phrase).map(\.text)
        guard let n = sizes.last(where: { $0 <= tokens.count }) else {
            throw IndexError.invalidArgument("the phrase has \(tokens.count) token(s), fewer than the sketch's n-gram size (\(sizes.map(String.init).joined(separator: ", "))); give at least \(sizes[0]) tokens")
        }
        let hashes = tokens.map { TokenHash.hash($0) }
        return (0...(tokens.count - n)).map { start in
            let hash = NGramHash.hash(tokenHashes: hashes[start..<(start + n)])
            let present = sketches.contains { $0.parameters.ngramSizes.contains(n) && $0.filter.contains(hash) }
            return SketchNGramAnswer(start: start, n: n, text: tokens[start..<(start + n)].joined(separator: " "), present: present)
        }
    }
}
