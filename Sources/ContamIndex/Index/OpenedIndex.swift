import Foundation
import ContamText

/// An index directory opened as what it is: a full index (suffix arrays, vocabulary, document store)
/// or a sketch-only one (n-gram Bloom filters). Commands that work on both switch on it; commands that
/// need the suffix array take the `Index` out with `requireFull(for:)`.
public enum OpenedIndex: Sendable {
    case full(Index)
    case sketchOnly(SketchIndex)

    /// Reads the manifest and opens the index as the kind it records (headers, sizes and the files'
    /// structure checked, no checksum pass). Throws `IndexError` naming the file (`damaged` for a corrupt
    /// one), `StorageError` for I/O failures and files of another format version.
    public static func open(path: String) throws -> OpenedIndex {
        let normalized = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let manifest = try IndexManifest.read(directory: normalized)
        // A storage error on open (a truncated, missing or inconsistent file) means the index is damaged.
        return try IndexError.reportingDamage(index: normalized) {
            switch manifest.kind {
            case .full: return .full(try Index(path: normalized, manifest: manifest))
            case .sketchOnly: return .sketchOnly(try SketchIndex(path: normalized, manifest: manifest))
            }
        }
    }

    /// The full index, or a clear error naming `what` ("count", "locate", a check method) for a sketch-only one.
    public func requireFull(for what: String) throws -> Index {
        switch self {
        case .full(let index): return index
        case .sketchOnly(let sketch): throw sketch.fullIndexNeeded(for: what)
        }
    }

    /// The part both kinds have: manifest, tokenizer and sketches.
    public var sketched: any SketchedIndex {
        switch self {
        case .full(let index): return index
        case .sketchOnly(let sketch): return sketch
        }
    }

    public var kind: IndexKind { sketched.manifest.kind }
    public var path: String { sketched.path }
    public var manifest: IndexManifest { sketched.manifest }
}

/// An opened sketch-only index (`contam index --sketch-only`): per shard, only the n-gram Bloom filter.
/// It answers n-gram membership, never counts or locations.
public final class SketchIndex: SketchedIndex, @unchecked Sendable {
    public let path: String
    public let manifest: IndexManifest
    public let tokenizer: Tokenizer
    /// One per shard.
    public let sketches: [NGramSketch]

    init(path: String, manifest: IndexManifest) throws {
        self.path = path
        self.manifest = manifest
        tokenizer = Tokenizer(options: manifest.tokenizer)
        sketches = try manifest.shards.map { entry in
            guard let sketch = try Self.openSketch(indexPath: path, entry: entry) else {
                throw IndexError.badManifest(path: "\(path)/\(IndexManifest.fileName)", detail: "sketch-only shard \(entry.directory) has no sketch")
            }
            return sketch
        }
    }

    /// Opens the sketch of shard `entry` (nil when it has none), checked against the manifest's parameters
    /// and its record of the file.
    static func openSketch(indexPath: String, entry: IndexManifest.Shard) throws -> NGramSketch? {
        guard entry.sketch != nil else { return nil }
        // The record first (the header only), so that a sketch of another build is named as such.
        if entry.files != nil {
            let file = try ShardFile.sketch.open(inShard: "\(indexPath)/\(entry.directory)")
            if let problem = IndexManifest.fileProblem(file, file: .sketch, entry: entry) {
                throw IndexError.damaged(path: file.path, index: indexPath, detail: problem)
            }
        }
        return try NGramSketch.open(indexPath: indexPath, entry: entry)
    }

    /// The error for a query that needs the suffix array.
    func fullIndexNeeded(for what: String) -> IndexError {
        .incompatibleOptions(path: path, detail: "this index was built with --sketch-only; \(what) needs a full index (build one without --sketch-only)")
    }
}

/// What a full and a sketch-only index share: where they are, how they tokenize, and their n-gram sketches.
public protocol SketchedIndex: AnyObject, Sendable {
    var path: String { get }
    var manifest: IndexManifest { get }
    var tokenizer: Tokenizer { get }
    /// The shards' sketches (those that have one).
    var sketches: [NGramSketch] { get }
}

extension SketchedIndex {
    public var tokenizerOptions: TokenizerOptions { manifest.tokenizer }

    /// Tokenizes query text with the index's own options.
    public func tokens(of text: String) -> [Token] {
        tokenizer.tokens(in: text)
    }
}
