import ContamIndex

/// Where a matched or aligned piece of an item was found: the corpus document, the token range in it,
/// and (unless the output does not show it) the passage in the document's original text.
public struct SourcePassage: Sendable, Equatable {
    public var document: CorpusDocumentRef
    /// The document's external id, or `file:record`.
    public var label: String
    /// Token range of the passage within the document.
    public var tokenRange: Range<Int>
    /// The passage in original text, with some context on each side; nil when not fetched (the table
    /// output shows only labels, and fetching a document means decompressing and tokenizing it).
    public var passage: Passage?

    public init(document: CorpusDocumentRef, label: String, tokenRange: Range<Int>, passage: Passage?) {
        self.document = document
        self.label = label
        self.tokenRange = tokenRange
        self.passage = passage
    }

    /// The passage of `tokenRange` in a fetched document, or nil when the range is outside it.
    public init?(document: CachedDocument, tokenRange: Range<Int>, contextBytes: Int) {
        guard let passage = Passage.extract(text: document.text, tokens: document.tokens, tokenRange: tokenRange, contextBytes: contextBytes) else { return nil }
        self.init(document: document.ref, label: document.info.label, tokenRange: tokenRange, passage: passage)
    }
}
