import ContamDetect
import ContamIndex
import ContamText

/// A brute-force `CorpusQuerying` over a list of document texts held in memory: every query scans the
/// token lists directly, so its answers are obviously right. It is the oracle the suffix-array index and
/// all detection code are tested against, and it is good enough for tiny corpora (a few hundred
/// thousand tokens). Costs: `matchingLengths` O(m · occurrences of each token · match length).
public final class InMemoryCorpus: CorpusQuerying {
    /// One document: its raw text, its tokens, and where it came from.
    public struct Document: Sendable {
        public var text: [UInt8]
        public var tokens: [Token]
        public var externalID: String?
        public var recordNumber: Int
    }

    public let tokenizerOptions: TokenizerOptions
    /// The documents, in order; `CorpusDocumentRef(shard: 0, document: k)` names `documents[k]`.
    public let documents: [Document]
    /// What `documentInfo` reports as the source file of every document.
    public let sourcePath: String
    /// Every position (document, token offset) where each token occurs, in corpus order.
    private let positionsByToken: [String: [CorpusOccurrence]]
    /// A dense id per distinct token (for `CorpusTokenIDs`).
    let tokenIDs: [String: Int32]
    /// `tokenIDs` inverted.
    let tokenTexts: [Int32: String]

    /// Tokenizes `texts` with `Tokenizer(options:)`; `ids` (same count, or nil) become external ids.
    public convenience init(texts: [String], ids: [String?]? = nil, options: TokenizerOptions = TokenizerOptions(), sourcePath: String = "memory") {
        let tokenizer = Tokenizer(options: options)
        self.init(texts: texts, ids: ids, options: options, sourcePath: sourcePath) { tokenizer.tokens(in: $0) }
    }

    /// Tokenizes `texts` with a caller-supplied tokenizer (tests that want hand-made tokens).
    public init(texts: [String], ids: [String?]? = nil, options: TokenizerOptions, sourcePath: String = "memory", tokenize: ([UInt8]) -> [Token]) {
        tokenizerOptions = options
        self.sourcePath = sourcePath
        var documents: [Document] = []
        for (k, text) in texts.enumerated() {
            let bytes = Array(text.utf8)
            let id = ids.flatMap { k < $0.count ? $0[k] : nil }
            documents.append(Document(text: bytes, tokens: tokenize(bytes), externalID: id, recordNumber: k + 1))
        }
        self.documents = documents
        var positions: [String: [CorpusOccurrence]] = [:]
        for (d, document) in documents.enumerated() {
            for (offset, token) in document.tokens.enumerated() {
                positions[token.text, default: []].append(CorpusOccurrence(document: CorpusDocumentRef(shard: 0, document: d), tokenOffset: offset))
            }
        }
        positionsByToken = positions
        var ids: [String: Int32] = [:]
        for token in positions.keys.sorted() { ids[token] = Int32(ids.count) }
        tokenIDs = ids
        tokenTexts = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
    }

    /// Length of the common prefix of `tokens[start...]` and the document's tokens from `offset`.
    private func matchLength(_ tokens: ArraySlice<String>, from start: Int, at occurrence: CorpusOccurrence) -> Int {
        let documentTokens = documents[occurrence.document.document].tokens
        var length = 0
        while start + length < tokens.endIndex, occurrence.tokenOffset + length < documentTokens.count,
              documentTokens[occurrence.tokenOffset + length].text == tokens[start + length] {
            length += 1
        }
        return length
    }

    /// Every occurrence of the sequence, in corpus order.
    public func allOccurrences(of tokens: ArraySlice<String>) -> [CorpusOccurrence] {
        guard let first = tokens.first, let candidates = positionsByToken[first] else { return [] }
        return candidates.filter { matchLength(tokens, from: tokens.startIndex, at: $0) == tokens.count }
    }

    public func matchingLengths(of tokens: [String]) -> [Int] {
        tokens.indices.map { i in
            (positionsByToken[tokens[i]] ?? []).reduce(0) { max($0, matchLength(tokens[...], from: i, at: $1)) }
        }
    }

    public func count(of tokens: ArraySlice<String>) -> Int {
        allOccurrences(of: tokens).count
    }

    public func documentCount(of tokens: ArraySlice<String>, cap: Int) -> Int {
        min(cap, Set(allOccurrences(of: tokens).map(\.document)).count)
    }

    public func occurrences(of tokens: ArraySlice<String>, limit: Int) -> [CorpusOccurrence] {
        Array(allOccurrences(of: tokens).prefix(max(0, limit)))
    }

    public var shardDocumentCounts: [Int] { [documents.count] }
    public var shardTokenCounts: [Int] { [documents.reduce(0) { $0 + $1.tokens.count + 1 }] }

    /// Positions run through the documents in order, each followed by one separator position.
    public func occurrence(atPosition position: Int, shard: Int) -> CorpusOccurrence? {
        guard shard == 0, position >= 0 else { return nil }
        var start = 0
        for (d, document) in documents.enumerated() {
            if position < start + document.tokens.count { return CorpusOccurrence(document: CorpusDocumentRef(shard: 0, document: d), tokenOffset: position - start) }
            start += document.tokens.count + 1
            if position < start { return nil }
        }
        return nil
    }

    public func documentInfo(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo {
        let document = try self.document(ref)
        return CorpusDocumentInfo(externalID: document.externalID, sourcePath: sourcePath, recordNumber: document.recordNumber, tokenCount: document.tokens.count)
    }

    public func documentTokens(_ ref: CorpusDocumentRef) throws -> (text: [UInt8], tokens: [Token]) {
        let document = try self.document(ref)
        return (document.text, document.tokens)
    }

    private func document(_ ref: CorpusDocumentRef) throws -> Document {
        guard ref.shard == 0, documents.indices.contains(ref.document) else {
            throw IndexError.invalidArgument("no document \(ref.document) in shard \(ref.shard) of the in-memory corpus")
        }
        return documents[ref.document]
    }
}

extension InMemoryCorpus: CorpusTokenIDs {
    public func tokenIDs(of tokens: [String], shard: Int) -> [Int32] {
        tokens.map { tokenIDs[$0] ?? -1 }
    }

    public func documentTokenIDs(_ ref: CorpusDocumentRef, range: Range<Int>) -> [Int32] {
        guard ref.shard == 0, documents.indices.contains(ref.document) else { return [] }
        let tokens = documents[ref.document].tokens
        let clamped = range.clamped(to: 0..<tokens.count)
        return tokens[clamped].map { tokenIDs[$0.text] ?? -1 }
    }

    public func documentText(_ ref: CorpusDocumentRef) throws -> [UInt8] {
        try documentTokens(ref).text
    }

    public func tokenText(id: Int32, shard: Int) -> String {
        tokenTexts[id] ?? ""
    }
}
