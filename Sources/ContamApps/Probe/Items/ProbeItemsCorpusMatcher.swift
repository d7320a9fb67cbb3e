import ContamText
import ContamIndex
import ContamDetect

/// With `--index`: each completion's longest verbatim match in the indexed corpus and the document it comes from,
/// so a completion the model "remembers" can be told apart from one it copies from a known web source.
public struct ProbeItemsCorpusMatcher: Sendable {
    public let corpus: any CorpusQuerying
    let documents: DocumentCache
    /// The corpus's tokenizer: completions are compared in the tokens the corpus was indexed with.
    public let tokenizer: Tokenizer

    public init(corpus: any CorpusQuerying) {
        self.corpus = corpus
        documents = DocumentCache(corpus: corpus)
        tokenizer = Tokenizer(options: corpus.tokenizerOptions)
    }

    /// The longest run of `text`'s tokens that occurs in the corpus (0 when none does) and the label of one
    /// document holding it. O(tokens · log corpus) through the suffix array's matching lengths.
    public func longestMatch(_ text: String) throws -> (tokens: Int, source: String?) {
        let tokens = tokenizer.tokens(in: text).map(\.text)
        let lengths = corpus.matchingLengths(of: tokens)
        guard let best = lengths.indices.max(by: { lengths[$0] < lengths[$1] || (lengths[$0] == lengths[$1] && $0 > $1) }), lengths[best] > 0 else {
            return (0, nil)
        }
        let run = tokens[best..<(best + lengths[best])]
        guard let occurrence = corpus.occurrences(of: run, limit: 1).first else { return (lengths[best], nil) }
        return (lengths[best], try documents.label(occurrence.document, tokenOffset: occurrence.tokenOffset))
    }
}
