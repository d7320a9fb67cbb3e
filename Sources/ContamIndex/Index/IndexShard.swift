import ContamStorage

/// One shard of an opened index: its files mmap'd read-only, headers checked against the manifest.
/// Every part handed out (the suffix array, vocabulary, document table, store) keeps its own mapping
/// alive, so any of them may be kept after the shard and its index are released.
public final class IndexShard: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a `let` over read-only mappings.

    /// The shard's manifest entry.
    public let entry: IndexManifest.Shard
    /// The shard's directory (index path / entry directory).
    public let directory: String
    /// `tokens.bin`, opened.
    public let tokensFile: BinaryFile
    /// `sa.bin`, opened.
    public let suffixFile: BinaryFile
    /// Token string to id, and back.
    public let vocabulary: Vocabulary
    /// Document records and external ids.
    public let documents: DocumentTable
    /// The documents' raw text.
    public let store: ZstdBlockStoreReader
    /// Search over the packed token and suffix arrays.
    public let suffixArray: SuffixArray

    /// Opens every file of the shard. O(1) per file: magic, kind, version and sizes are checked, not checksums.
    public init(indexPath: String, entry: IndexManifest.Shard) throws {
        self.entry = entry
        directory = "\(indexPath)/\(entry.directory)"
        tokensFile = try ShardFile.tokens.open(inShard: directory)
        suffixFile = try ShardFile.suffixes.open(inShard: directory)
        vocabulary = try Vocabulary(path: ShardFile.vocabulary.path(inShard: directory))
        documents = try DocumentTable(recordsPath: ShardFile.documents.path(inShard: directory), idsPath: ShardFile.documentIDs.path(inShard: directory))
        store = try ZstdBlockStoreReader(path: ShardFile.store.path(inShard: directory), kind: ShardFile.store.kind)
        let tokenCount = entry.tokens
        func expect(_ file: BinaryFile, bits: Int) throws {
            guard Int(file.header.count) == tokenCount, Int(file.header.elementBits) == bits, bits >= 1, bits <= 57,
                  file.payload.count == PackedIntArray.byteCount(count: tokenCount, bitWidth: bits) else {
                throw StorageError.corruptHeader(path: file.path, detail: "\(file.header.count) elements of \(file.header.elementBits) bits in \(file.payload.count) bytes; the manifest says \(tokenCount) of \(bits)")
            }
        }
        try expect(tokensFile, bits: entry.tokenBits)
        try expect(suffixFile, bits: entry.suffixBits)
        guard documents.count == entry.documents, vocabulary.count == entry.vocabularySize else {
            throw StorageError.corruptHeader(path: directory, detail: "document or vocabulary count differs from the manifest")
        }
        suffixArray = SuffixArray(tokens: PackedIntArray(bytes: tokensFile.payload, count: tokenCount, bitWidth: entry.tokenBits),
                                  suffixes: PackedIntArray(bytes: suffixFile.payload, count: tokenCount, bitWidth: entry.suffixBits))
    }

    /// Every binary file of the shard, in `ShardFile` order (for `stats`).
    public var files: [BinaryFile] {
        [tokensFile, suffixFile, vocabulary.binaryFile, documents.recordsFile, documents.idsFile, store.file]
    }

    /// Maps normalized token strings to this shard's ids (`SuffixArray.absentToken` for unknown ones).
    public func ids<S: Sequence>(of tokens: S) -> [UInt32] where S.Element == String {
        tokens.map { vocabulary.id(of: $0) ?? SuffixArray.absentToken }
    }

    /// The document containing token position `position`, and the offset of that token inside it.
    public func document(at position: Int) -> (document: Int, tokenOffset: Int) {
        let document = documents.document(containing: position)
        return (document, position - Int(documents.record(document).firstToken))
    }

    /// The raw text of document `document`.
    public func text(of document: Int) throws -> [UInt8] {
        let record = documents.record(document)
        return try store.bytes(offset: record.storeOffset, length: Int(record.byteLength))
    }
}
