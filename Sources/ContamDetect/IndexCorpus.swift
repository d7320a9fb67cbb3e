import ContamIndex

/// `Index` answers detection's queries from its suffix arrays (`CorpusQuerying`: the methods are
/// `Index`'s own) and hands out token ids straight from each shard's mmap'd token array (`CorpusTokenIDs`), so
/// detection never decompresses or re-tokenizes a document just to compare tokens.
extension Index: CorpusQuerying {
    public var sketchedIndex: (any SketchedIndex)? { self }
    public var shardDocumentCounts: [Int] { shards.map(\.documents.count) }
    public var shardTokenCounts: [Int] { shards.map(\.suffixArray.count) }

    public func occurrence(atPosition position: Int, shard: Int) -> CorpusOccurrence? {
        guard shards.indices.contains(shard), let (document, offset) = shards[shard].document(at: position) else { return nil }
        return CorpusOccurrence(document: CorpusDocumentRef(shard: shard, document: document), tokenOffset: offset)
    }
    public func documentsAreFileText(sourcePath: String) -> Bool { manifest.documentsAreFileText(sourcePath: sourcePath) }
}

extension Index: CorpusTokenIDs {
    public func tokenIDs(of tokens: [String], shard: Int) -> [Int32] {
        guard shards.indices.contains(shard) else { return Array(repeating: -1, count: tokens.count) }
        return shards[shard].ids(of: tokens).map { $0 == SuffixArray.absentToken || $0 > UInt32(Int32.max) ? -1 : Int32($0) }
    }

    public func tokenText(id: Int32, shard: Int) -> String {
        guard shards.indices.contains(shard), id > 0 else { return "" }
        return shards[shard].vocabulary.token(UInt32(id))
    }

    public func documentTokenIDs(_ ref: CorpusDocumentRef, range: Range<Int>) -> [Int32] {
        guard shards.indices.contains(ref.shard), ref.document >= 0, ref.document < shards[ref.shard].documents.count else { return [] }
        let shard = shards[ref.shard]
        let record = shard.documents.record(ref.document)
        let clamped = range.clamped(to: 0..<Int(record.tokenCount))
        let tokens = shard.suffixArray.tokens
        let base = Int(record.firstToken)
        return clamped.map { Int32(truncatingIfNeeded: tokens[base + $0]) }
    }
}
