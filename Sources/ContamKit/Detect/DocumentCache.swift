import Foundation

/// A corpus document fetched for evidence: its raw text, its tokens (with byte ranges into the text)
/// and its metadata.
public struct CachedDocument: Sendable {
    public var ref: CorpusDocumentRef
    public var text: [UInt8]
    public var tokens: [Token]
    public var info: CorpusDocumentInfo
}

/// A bounded, thread-safe cache of documents fetched through `CorpusQuerying.documentTokens`, shared by
/// the threads of one check: benchmark items often come from the same few documents, and fetching one
/// means decompressing a frame and tokenizing the whole document. Evicts oldest-first once the cached
/// documents hold more than `capacityTokens` tokens. Two threads may fetch the same document at once;
/// both get a correct copy.
public final class DocumentCache: @unchecked Sendable {
    public let corpus: any CorpusQuerying
    public let capacityTokens: Int
    private let lock = NSLock()
    private var documents: [CorpusDocumentRef: CachedDocument] = [:]
    private var order: [CorpusDocumentRef] = []
    private var orderStart = 0
    private var cachedTokens = 0
    private var infos: [CorpusDocumentRef: CorpusDocumentInfo] = [:]
    private var texts: [CorpusDocumentRef: [UInt8]] = [:]
    private var textOrder: [CorpusDocumentRef] = []
    private var cachedTextBytes = 0
    /// Number of fetches that missed the cache (for benchmarks).
    public private(set) var misses = 0

    public init(corpus: any CorpusQuerying, capacityTokens: Int = 4_000_000) {
        self.corpus = corpus
        self.capacityTokens = capacityTokens
    }

    /// A document's metadata only (cheap: no text is fetched), cached.
    public func info(_ ref: CorpusDocumentRef) throws -> CorpusDocumentInfo {
        lock.lock()
        if let info = infos[ref] ?? documents[ref]?.info {
            lock.unlock()
            return info
        }
        lock.unlock()
        let info = try corpus.documentInfo(ref)
        lock.lock(); defer { lock.unlock() }
        if infos.count > 100_000 { infos.removeAll(keepingCapacity: true) }
        infos[ref] = info
        return info
    }

    /// The passage of document tokens `tokenRange` in original text. With `CorpusTokenIDs`, only the raw text
    /// is fetched (cached) and the tokenizer scans it without allocating; otherwise the whole document's
    /// tokens are fetched. Nil when the range is outside the document.
    public func passage(_ ref: CorpusDocumentRef, tokenRange: Range<Int>, contextBytes: Int) throws -> SourcePassage? {
        guard let fast = corpus as? any CorpusTokenIDs else {
            return SourcePassage(document: try document(ref), tokenRange: tokenRange, contextBytes: contextBytes)
        }
        let label = try info(ref).label
        let text = try self.text(ref, fast: fast)
        let ranges = Self.byteRanges(of: tokenRange, in: text, tokenizer: Tokenizer(options: corpus.tokenizerOptions))
        guard ranges.count == tokenRange.count else { return nil }
        let tokens = ranges.map { Token(text: "", byteRange: $0) }
        guard let passage = Passage.extract(text: text, tokens: tokens, tokenRange: 0..<tokens.count, contextBytes: contextBytes) else { return nil }
        return SourcePassage(document: ref, label: label, tokenRange: tokenRange, passage: passage)
    }

    /// Byte ranges of tokens `tokenRange` of `text`, found by scanning the tokenizer from the start (stops
    /// after the range). O(bytes up to the range's end), no allocation per token.
    static func byteRanges(of tokenRange: Range<Int>, in text: [UInt8], tokenizer: Tokenizer) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(tokenRange.count)
        var index = 0
        struct Done: Error {}
        text.withUnsafeBytes { raw in
            try? tokenizer.forEachToken(in: raw) { _, range in
                if index >= tokenRange.upperBound { throw Done() }
                if index >= tokenRange.lowerBound { ranges.append(range) }
                index += 1
            }
        }
        return ranges
    }

    private func text(_ ref: CorpusDocumentRef, fast: any CorpusTokenIDs) throws -> [UInt8] {
        lock.lock()
        if let text = texts[ref] ?? documents[ref]?.text {
            lock.unlock()
            return text
        }
        lock.unlock()
        let text = try fast.documentText(ref)
        lock.lock(); defer { lock.unlock() }
        misses += 1
        if texts.updateValue(text, forKey: ref) == nil {
            textOrder.append(ref)
            cachedTextBytes += text.count
            // Texts are evicted oldest-first past `capacityTokens` × 4 bytes.
            while cachedTextBytes > capacityTokens * 4, textOrder.count > 1 {
                let evicted = textOrder.removeFirst()
                cachedTextBytes -= texts.removeValue(forKey: evicted)?.count ?? 0
            }
        }
        return text
    }

    /// The document, from the cache or fetched from the corpus. Throws what the corpus throws (a corrupt store).
    public func document(_ ref: CorpusDocumentRef) throws -> CachedDocument {
        lock.lock()
        if let cached = documents[ref] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let (text, tokens) = try corpus.documentTokens(ref)
        let info = try corpus.documentInfo(ref)
        let document = CachedDocument(ref: ref, text: text, tokens: tokens, info: info)
        lock.lock(); defer { lock.unlock() }
        misses += 1
        if documents.updateValue(document, forKey: ref) == nil {
            order.append(ref)
            cachedTokens += tokens.count
            while cachedTokens > capacityTokens && orderStart < order.count - 1 {
                if let evicted = documents.removeValue(forKey: order[orderStart]) { cachedTokens -= evicted.tokens.count }
                orderStart += 1
            }
            if orderStart > 4096 && orderStart * 2 > order.count {
                order.removeFirst(orderStart)
                orderStart = 0
            }
        }
        return document
    }
}
