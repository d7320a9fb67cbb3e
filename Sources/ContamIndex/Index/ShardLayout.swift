import Foundation
import ContamStorage
import ContamText

/// The files of a shard directory (`INDEX/shard-NNNN/`), the one description of the on-disk layout:
/// each file's name, the kind its `BinaryFileHeader` carries, what it holds, how wide its elements
/// are, and which indexes have it. The writers (`IndexBuilder`, `VocabularyBuilder`,
/// `DocumentTableWriter`, `NGramSketch.write`), the readers (`IndexShard`, `Vocabulary`,
/// `DocumentTable`, `NGramSketch`), `Index.verify` and `IndexMerger` all take names and kinds from here.
/// The cases are in the order `verify` checks the files.
public enum ShardFile: CaseIterable, Sendable {
    /// Token ids, one per text position; 0 separates documents.
    case tokens
    /// The suffix array over `tokens`.
    case suffixes
    /// Token strings and their ids.
    case vocabulary
    /// One fixed-size record per document.
    case documents
    /// The documents' external ids.
    case documentIDs
    /// The documents' raw text, zstd-compressed.
    case store
    /// The n-gram Bloom filter.
    case sketch

    /// The file's name inside the shard directory.
    public var fileName: String {
        switch self {
        case .tokens: "tokens.bin"
        case .suffixes: "sa.bin"
        case .vocabulary: "vocab.bin"
        case .documents: "docs.bin"
        case .documentIDs: "ids.bin"
        case .store: "store.zst.bin"
        case .sketch: "sketch.bloom"
        }
    }

    /// The four letters of its header's kind field; opening checks them.
    public var kind: String {
        switch self {
        case .tokens: "TOKN"
        case .suffixes: "SUFA"
        case .vocabulary: "VOCB"
        case .documents: "DOCS"
        case .documentIDs: "DIDS"
        case .store: "STOR"
        case .sketch: "BLOM"
        }
    }

    /// What the payload holds and what the header's count and parameter mean.
    public var meaning: String {
        switch self {
        case .tokens:
            "token ids (0 = document separator, 1... = vocabulary ids) packed at the manifest's tokenBits; count = tokens, parameter = alphabet size"
        case .suffixes:
            "suffix starts in lexicographic order of their suffixes, packed at the manifest's suffixBits; count = tokens"
        case .vocabulary:
            "open-addressing slot table, token hashes, string offsets and string bytes (VocabularyBuilder.write); count = distinct tokens, parameter = token hash version"
        case .documents:
            "\(DocumentRecord.byteSize)-byte document records (DocumentRecord), then (version 2) one u64 store offset per parameter tokens (the token byte checkpoints); count = documents, parameter = checkpoint stride in tokens (0: none)"
        case .documentIDs:
            "external-id string pool, then documents + 1 offsets into it; count = documents, parameter = pool bytes"
        case .store:
            "independent zstd frames of the documents' text, then the frame table (ZstdBlockStoreWriter); count = text bytes, parameter = frames"
        case .sketch:
            "a 64-byte parameter block, then 512-bit Bloom filter blocks (NGramSketch); count = blocks, parameter = n-gram hash version"
        }
    }

    /// Bits per element written in the header when the format fixes them; nil for the packed arrays, whose
    /// width each shard chooses (the manifest's `tokenBits` and `suffixBits`).
    public var elementBits: UInt32? {
        switch self {
        case .tokens, .suffixes: nil
        case .vocabulary: 32
        case .documents: UInt32(DocumentRecord.byteSize * 8)
        case .documentIDs: 64
        case .store: ZstdBlockStoreWriter.elementBits
        case .sketch: UInt32(BloomFilter.blockBits)
        }
    }

    /// Which indexes have a file.
    public enum Presence: Sendable {
        /// Every shard of a full index; never a sketch-only one.
        case fullIndex
        /// Every shard whose manifest entry records a sketch (`IndexManifest.Shard.sketch`): all shards of a
        /// sketch-only index, and those of a full index not built with `--no-sketch`.
        case shardsWithASketch
    }

    /// Which indexes have this file.
    public var presence: Presence {
        self == .sketch ? .shardsWithASketch : .fullIndex
    }

    /// The files the shard `entry` of an index of `kind` holds (in `allCases` order).
    public static func files(of entry: IndexManifest.Shard, kind: IndexKind) -> [ShardFile] {
        allCases.filter { file in
            switch file.presence {
            case .fullIndex: kind == .full
            case .shardsWithASketch: entry.sketch != nil
            }
        }
    }

    /// The name of the directory of shard `number` (0-based) inside an index: "shard-0000", "shard-0001", ...
    public static func shardDirectory(number: Int) -> String {
        String(format: "shard-%04d", number)
    }

    /// This file's path inside the shard directory `directory`.
    public func path(inShard directory: String) -> String {
        "\(directory)/\(fileName)"
    }

    /// The header format versions this build reads for the file; it writes the last. `docs.bin` version 2 adds
    /// the token byte checkpoints after the records (`DocumentTable`); version 1 files (no checkpoints) still open.
    public var formatVersions: ClosedRange<UInt32> {
        switch self {
        case .documents: 1...2
        default: BinaryFileHeader.currentVersion...BinaryFileHeader.currentVersion
        }
    }

    /// A header of this file's kind and width (pass `elementBits` exactly for the packed arrays, whose width
    /// the shard chooses); the writer fills in the sizes and checksum.
    public func header(elementBits packedBits: UInt32? = nil, count: UInt64, parameter: UInt64 = 0) -> BinaryFileHeader {
        precondition((elementBits == nil) == (packedBits != nil), "\(fileName): the element width is \(elementBits == nil ? "chosen per shard" : "fixed by the format")")
        var header = BinaryFileHeader(kind: kind, elementBits: packedBits ?? elementBits!, count: count, parameter: parameter)
        header.formatVersion = formatVersions.upperBound
        return header
    }

    /// Opens this file of the shard directory `directory` (magic, kind, version and size checked; O(1)).
    public func open(inShard directory: String) throws -> BinaryFile {
        try BinaryFile(path: path(inShard: directory), kind: kind, versions: formatVersions)
    }
}
