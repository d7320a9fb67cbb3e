import ContamIndex

/// An optional fast path beside `CorpusQuerying`: a corpus that can hand out its documents' token ids
/// directly (the index's mmap'd token array) lets near-verbatim alignment and Llama 2 skip-spans compare
/// tokens without decompressing and re-tokenizing whole documents, which otherwise dominates `check`;
/// with the raw text alone, a passage is located by a scan of the tokenizer that allocates nothing.
/// Ids are only comparable within one shard; a query token the shard never saw gets a negative id,
/// which never equals a document token's id.
public protocol CorpusTokenIDs {
    /// The ids of `tokens` in `shard`'s vocabulary (negative for unknown tokens).
    func tokenIDs(of tokens: [String], shard: Int) -> [Int32]
    /// The ids of the document's tokens at offsets `range`, clamped to the document. O(range), no allocation
    /// beyond the result.
    func documentTokenIDs(_ ref: CorpusDocumentRef, range: Range<Int>) -> [Int32]
    /// The document's raw UTF-8 text (no tokenization).
    func documentText(_ ref: CorpusDocumentRef) throws -> [UInt8]
    /// The normalized text of token `id` of `shard`'s vocabulary ("" for an id it does not have).
    func tokenText(id: Int32, shard: Int) -> String
}

/// Token ids of one item, mapped once per shard on demand.
final class ItemTokenIDs {
    let strings: [String]
    let corpus: any CorpusTokenIDs
    private var byShard: [Int: [Int32]] = [:]

    init(strings: [String], corpus: any CorpusTokenIDs) {
        self.strings = strings
        self.corpus = corpus
    }

    func ids(shard: Int) -> [Int32] {
        if let ids = byShard[shard] { return ids }
        let ids = corpus.tokenIDs(of: strings, shard: shard)
        byShard[shard] = ids
        return ids
    }
}
